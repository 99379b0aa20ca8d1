from django import forms
from django.utils.translation import gettext_lazy as _

from . import (
    SIGNAL_COUNT,
    BodyKind,
    Category,
    HeadlineFigure,
    share_where,
    total_cases,
    weighted_average,
)


class Details(forms.Form):
    """What the complaints commissioner adds: the outcome and the handling time."""

    uitkomst = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[
            ("", "—"),
            ("gegrond", _("upheld")),
            ("deels_gegrond", _("partly upheld")),
            ("ongegrond", _("rejected")),
            ("bemiddeld", _("resolved informally")),
            ("niet_behandeld", _("not handled")),
        ],
    )
    behandelduur_dagen = forms.IntegerField(
        label=_("Handling time (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        help_text=_("The average number of days it took to handle these complaints."),
    )


KIND = BodyKind(
    code="klachtencommissaris",
    label=_("Complaints commissioner"),
    description=_(
        "The complaints commissioner handles complaints about the conduct of the municipality "
        "and judges them against the norms of proper conduct (behoorlijkheidsnormen)."
    ),
    taxonomy_label=_("Norms of proper conduct"),
    taxonomy=(
        Category("bejegening", _("Treatment of citizens")),
        Category("informatieverstrekking", _("Provision of information")),
        Category("voortvarendheid", _("Promptness")),
        Category("zorgvuldigheid", _("Due care")),
        Category("bereikbaarheid", _("Accessibility")),
        Category("afspraken", _("Keeping commitments")),
        Category("motivering", _("Reasoned decisions")),
    ),
    details_form=Details,
    headline_figures=(
        SIGNAL_COUNT,
        HeadlineFigure("klachten", _("Complaints"), total_cases),
        HeadlineFigure(
            "gegrond",
            _("Upheld, fully or partly"),
            share_where("uitkomst", "gegrond", "deels_gegrond"),
            "%",
        ),
        HeadlineFigure(
            "behandelduur", _("Average handling time"), weighted_average("behandelduur_dagen"), "d"
        ),
    ),
    order=20,
)
