from django import forms
from django.utils.translation import gettext_lazy as _

from . import SIGNAL_COUNT, BodyKind, Category, HeadlineFigure, cases_where

OPEN = _("Open and clear")
RESPECTFUL = _("Respectful")
ENGAGED = _("Engaged and solution-oriented")
FAIR = _("Fair and reliable")


class Details(forms.Form):
    """What the ombudsman adds: the kind of case, and whether commitments were kept."""

    soort_zaak = forms.ChoiceField(
        label=_("Kind of case"),
        required=False,
        choices=[
            ("", "—"),
            ("klacht", _("complaint")),
            ("onderzoek", _("own investigation")),
            ("toezegging", _("commitment followed up")),
        ],
    )
    toezegging_nagekomen = forms.ChoiceField(
        label=_("Commitment kept"),
        required=False,
        choices=[("", "—"), ("ja", _("yes")), ("nee", _("no")), ("deels", _("partly"))],
    )


KIND = BodyKind(
    code="ombudsman",
    label=_("Ombudsman"),
    description=_(
        "The municipal ombudsman investigates complaints about the municipality and follows up "
        "on its commitments, against the four clusters of norms of proper conduct."
    ),
    taxonomy_label=_("Norms of proper conduct"),
    taxonomy=(
        Category("transparant", _("Transparency"), OPEN),
        Category("informatie", _("Good provision of information"), OPEN),
        Category("luisteren", _("Listening to citizens"), OPEN),
        Category("motivering", _("Reasoned decisions"), OPEN),
        Category("grondrechten", _("Respect for fundamental rights"), RESPECTFUL),
        Category("deelname", _("Encouraging active participation"), RESPECTFUL),
        Category("bejegening", _("Proper treatment"), RESPECTFUL),
        Category("professionaliteit", _("Professionalism"), RESPECTFUL),
        Category("maatwerk", _("Customisation"), ENGAGED),
        Category("samenwerken", _("Cooperation"), ENGAGED),
        Category("voortvarendheid", _("Promptness"), ENGAGED),
        Category("de-escalatie", _("De-escalation"), ENGAGED),
        Category("integriteit", _("Integrity"), FAIR),
        Category("betrouwbaarheid", _("Reliability"), FAIR),
        Category("fair-play", _("Fair play"), FAIR),
        Category("redelijkheid", _("Reasonableness"), FAIR),
        Category("administratie", _("Proper administrative organisation"), FAIR),
    ),
    details_form=Details,
    headline_figures=(
        SIGNAL_COUNT,
        HeadlineFigure("klachten", _("Complaints"), cases_where("soort_zaak", "klacht")),
        HeadlineFigure(
            "onderzoeken", _("Own investigations"), cases_where("soort_zaak", "onderzoek")
        ),
        HeadlineFigure(
            "toezeggingen_niet_nagekomen",
            _("Commitments not kept"),
            cases_where("toezegging_nagekomen", "nee"),
        ),
    ),
    order=50,
)
