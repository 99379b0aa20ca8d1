from django.utils.translation import gettext_lazy as _

from . import BodyKind, Category

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
    order=20,
)
