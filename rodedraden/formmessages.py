"""Error messages that never repeat the refused value.

Django's messages for a refused choice name the value ("Select a valid choice. mevrouw jansen
bsn 111222333 is not one of the available choices."), as do its model fields' messages for a
value of the wrong type ("“jansen” value must be an integer."). A refused value may be
anything a person typed or a file held, and the message goes to the screen, a log or an error
report. Here every such message, of every form field and model field (ours, Django's and the
packages'), is replaced by one that says what is wrong without the value: the field is named
by where the message is shown (next to it, or with the column of an import).

``no_values_in_messages()`` runs when the apps are ready (rodedraden.accounts, the first app):
it changes the defaults of the field classes, so that every field made afterwards has the new
messages, and the fields made already (of the models, and of the forms imported so far).
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The same words as Django's own value-free messages (ModelChoiceField, validators).
NO_CHOICE = _("Select a valid choice. That choice is not one of the available choices.")
NOT_VALID = _("Enter a valid value.")
PLACEHOLDERS = ("%(value)", "%(pk)")


def repeats_the_value(message) -> bool:
    """Whether ``message`` names the value (read from its msgid when it is a lazy
    translation: nothing is translated while the apps are being made ready)."""
    if isinstance(message, Promise):
        texts = [arg for arg in getattr(message, "_args", ()) if isinstance(arg, str)]
    else:
        texts = [str(message)]
    return any(placeholder in text for text in texts for placeholder in PLACEHOLDERS)


def value_free(code: str):
    return NO_CHOICE if code == "invalid_choice" else NOT_VALID


def _fixed(messages: dict) -> None:
    for code, message in list(messages.items()):
        if repeats_the_value(message):
            messages[code] = value_free(code)


def _subclasses(cls) -> set[type]:
    found = set()
    pending = [cls]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass not in found:
                found.add(subclass)
                pending.append(subclass)
    return found | {cls}


def no_values_in_messages() -> None:
    for field_class in (*_subclasses(forms.Field), *_subclasses(models.Field)):
        own = field_class.__dict__.get("default_error_messages")
        if isinstance(own, dict):
            _fixed(own)
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_hidden=True):
            if isinstance(getattr(field, "error_messages", None), dict):
                _fixed(field.error_messages)
    for form_class in _subclasses(forms.BaseForm):
        for attribute in ("base_fields", "declared_fields"):
            for field in (getattr(form_class, attribute, None) or {}).values():
                _fixed(field.error_messages)
