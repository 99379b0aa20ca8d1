from django.utils.translation import gettext_lazy as _

from . import BodyKind, Category

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
    order=40,
)
