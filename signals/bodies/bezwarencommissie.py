from django import forms
from django.utils.translation import gettext_lazy as _

from . import (
    SIGNAL_COUNT,
    BodyKind,
    Category,
    HeadlineFigure,
    cases_where,
    share_where,
    total_cases,
)

YES_NO = [("", "—"), ("ja", _("yes")), ("nee", _("no"))]


class Details(forms.Form):
    """What the objections committee adds: the outcome and whether its advice was followed."""

    uitkomst = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[
            ("", "—"),
            ("gegrond", _("upheld")),
            ("deels_gegrond", _("partly upheld")),
            ("ongegrond", _("rejected")),
            ("niet_ontvankelijk", _("inadmissible")),
        ],
    )
    advies_niet_gevolgd = forms.ChoiceField(
        label=_("Advice not followed by the board"),
        required=False,
        choices=YES_NO,
    )


KIND = BodyKind(
    code="bezwarencommissie",
    label=_("Objections committee"),
    description=_(
        "The objections committee advises on objections against decisions of the municipality "
        "and tests them against the grounds of the General Administrative Law Act (Awb)."
    ),
    taxonomy_label=_("Awb grounds"),
    taxonomy=(
        Category("motivering", _("Statement of reasons")),
        Category("zorgvuldigheid", _("Due care in preparation")),
        Category("termijnen", _("Time limits")),
        Category("hoorplicht", _("Duty to hear")),
        Category("evenredigheid", _("Proportionality")),
        Category("vertrouwen", _("Legitimate expectations")),
        Category("bevoegdheid", _("Competence")),
    ),
    details_form=Details,
    headline_figures=(
        SIGNAL_COUNT,
        HeadlineFigure("bezwaren", _("Objections"), total_cases),
        HeadlineFigure(
            "gegrond",
            _("Upheld, fully or partly"),
            share_where("uitkomst", "gegrond", "deels_gegrond"),
            "%",
        ),
        HeadlineFigure(
            "advies_niet_gevolgd",
            _("Advice not followed"),
            cases_where("advies_niet_gevolgd", "ja"),
        ),
    ),
    order=30,
)
