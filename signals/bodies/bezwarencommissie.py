from django.utils.translation import gettext_lazy as _

from . import BodyKind, Category

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
    order=30,
)
