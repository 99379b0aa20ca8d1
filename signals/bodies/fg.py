from django import forms
from django.utils.translation import gettext_lazy as _

from . import SIGNAL_COUNT, BodyKind, Category, HeadlineFigure, cases_where

YES_NO = [("", "—"), ("ja", _("yes")), ("nee", _("no"))]


class Details(forms.Form):
    """What the data protection officer adds: what the signal is about, and whether it was
    reported to the Dutch Data Protection Authority."""

    onderwerp = forms.ChoiceField(
        label=_("Subject"),
        required=False,
        choices=[
            ("", "—"),
            ("datalek", _("data breach")),
            ("verzoek_betrokkene", _("request from a data subject")),
            ("dpia", _("data protection impact assessment (DPIA)")),
            ("advies", _("advice")),
            ("overig", _("other")),
        ],
    )
    gemeld_bij_ap = forms.ChoiceField(
        label=_("Reported to the Data Protection Authority"),
        required=False,
        choices=YES_NO,
    )


KIND = BodyKind(
    code="fg",
    label=_("Data protection officer"),
    description=_(
        "The data protection officer (functionaris gegevensbescherming) supervises how the "
        "municipality processes personal data under the GDPR (AVG): data breaches, requests "
        "from data subjects and data protection impact assessments."
    ),
    taxonomy_label=_("GDPR principles"),
    taxonomy=(
        Category("transparantie", _("Lawfulness, fairness and transparency")),
        Category("doelbinding", _("Purpose limitation")),
        Category("minimalisatie", _("Data minimisation")),
        Category("juistheid", _("Accuracy")),
        Category("opslagbeperking", _("Storage limitation")),
        Category("beveiliging", _("Integrity and confidentiality")),
        Category("verantwoording", _("Accountability")),
    ),
    details_form=Details,
    headline_figures=(
        SIGNAL_COUNT,
        HeadlineFigure("datalekken", _("Data breaches"), cases_where("onderwerp", "datalek")),
        HeadlineFigure(
            "verzoeken",
            _("Requests from data subjects"),
            cases_where("onderwerp", "verzoek_betrokkene"),
        ),
        HeadlineFigure("dpias", _("DPIAs"), cases_where("onderwerp", "dpia")),
        HeadlineFigure(
            "gemeld_bij_ap", _("Reported to the authority"), cases_where("gemeld_bij_ap", "ja")
        ),
    ),
    order=40,
)
