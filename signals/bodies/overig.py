from django.utils.translation import gettext_lazy as _

from . import BodyKind

KIND = BodyKind(
    code="overig",
    label=_("Other body"),
    description=_(
        "Any other body that shares what it sees, for example the accountant, the city "
        "attorney or the province. It classifies its signals freely."
    ),
    taxonomy_label=_("Free classification"),
    taxonomy=(),
    order=90,
)
