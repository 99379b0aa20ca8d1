from django import forms
from django.utils.translation import gettext_lazy as _

from signals.guard import GuardedFormField

from . import CASE_COUNT, SIGNAL_COUNT, BodyKind, Category, HeadlineFigure, cases_where


class Details(forms.Form):
    """What a court of audit adds to a signal: the report it comes from and how its
    recommendations were followed up."""

    rapport = GuardedFormField(
        label=_("Report"),
        max_length=200,
        required=False,
        help_text=_("The title of the report or investigation the signal comes from."),
    )
    opvolging = forms.ChoiceField(
        label=_("Follow-up of the recommendations"),
        required=False,
        choices=[
            ("", "—"),
            ("opgevolgd", _("followed up")),
            ("deels", _("partly followed up")),
            ("niet", _("not followed up")),
            ("onbekend", _("too early to tell")),
        ],
    )


KIND = BodyKind(
    code="rekenkamer",
    label=_("Court of audit"),
    description=_(
        "The local court of audit examines whether the municipality spends its money "
        "efficiently, effectively and lawfully, and follows up on its report recommendations."
    ),
    taxonomy_label=_("Audit standards"),
    taxonomy=(
        Category("doelmatigheid", _("Efficiency")),
        Category("doeltreffendheid", _("Effectiveness")),
        Category("rechtmatigheid", _("Lawfulness")),
        Category("opvolging", _("Follow-up of report recommendations")),
    ),
    details_form=Details,
    headline_figures=(
        SIGNAL_COUNT,
        CASE_COUNT,
        HeadlineFigure(
            "niet_opgevolgd",
            _("Recommendations not followed up"),
            cases_where("opvolging", "niet"),
        ),
    ),
    order=10,
)
