"""{% idempotency_key %}: the hidden field with a random key that every form creating a record
carries (see rodedraden.idempotency.views.idempotent)."""

import uuid

from django import template
from django.utils.html import format_html

from ..views import FIELD, key_of

register = template.Library()


@register.simple_tag(takes_context=True)
def idempotency_key(context):
    request = context.get("request")
    # A form shown again after a refusal keeps the key it was sent with; a new form gets one.
    key = key_of(request) if request is not None and request.method == "POST" else None
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, key or uuid.uuid4())
