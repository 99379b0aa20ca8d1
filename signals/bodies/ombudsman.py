from django.utils.translation import gettext_lazy as _

from . import BodyKind, Category

OPEN = _("Open and clear")
RESPECTFUL = _("Respectful")
ENGAGED = _("Engaged and solution-oriented")
FAIR = _("Fair and reliable")

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
    order=50,
)
