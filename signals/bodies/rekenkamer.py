from django.utils.translation import gettext_lazy as _

from . import BodyKind, Category

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
    order=10,
)
