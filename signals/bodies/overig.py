from django import forms
from django.utils.translation import gettext_lazy as _

from signals.guard import GuardedFormField

from . import BodyKind


class Details(forms.Form):
    """Another body says where the signal comes from."""

    herkomst = GuardedFormField(
        label=_("Source organisation"),
        max_length=150,
        required=False,
        help_text=_("For example: the accountant, the city attorney, the province."),
    )


KIND = BodyKind(
    code="overig",
    label=_("Other body"),
    description=_(
        "Any other body that shares what it sees, for example the accountant, the city "
        "attorney or the province. It classifies its signals freely."
    ),
    taxonomy_label=_("Free classification"),
    taxonomy=(),
    details_form=Details,
    order=90,
)
