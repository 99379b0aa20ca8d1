"""The anonymisation guard: no free text with personal data is ever saved.

Every model field that holds text a person typed is declared guarded once, by its type
(:class:`GuardedCharField`, :class:`GuardedTextField`, :class:`GuardedSlugField`,
:class:`GuardedJSONField`), and ``tests/signals/test_guarded_fields.py`` fails when a text
field of any model is neither guarded nor exempted with a reason. A guarded field is scanned
on every path that saves it:

- **forms**: its form field (:class:`GuardedFormField`) refuses personal data with
  :class:`PersonalDataInField`; a form with :class:`GuardedFormMixin` keeps what was found in
  ``form.findings`` (shown by ``templates/includes/findings.html``, with the proposed
  redaction) and, posted again with ``accept_redaction``, takes the redacted text instead;
- **services** call :func:`ensure_no_personal_data` first, for a message at the right field;
- **the database**: ``get_db_prep_save`` is the chokepoint of every ORM write (``save()``,
  ``bulk_create()``, ``QuerySet.update()`` with a value, ``bulk_update()``, ``loaddata``, the
  historical models of a data migration): it raises :class:`PersonalDataFound`. This is the
  last line; it also refuses control characters (a NUL byte makes PostgreSQL fail).

Not covered: raw SQL, and ``QuerySet.update()`` with a hand-made expression
(``Value("…")`` without the field as its ``output_field``, ``Concat(…)``): Django asks no
field about those. The project writes neither.

Messages name the field and the kinds of data found, never the text itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import expressions
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from .anonymisation import LABELS, ScanResult, scan

# The name of the button (and POST parameter) that accepts the proposed redaction.
ACCEPT_REDACTION = "accept_redaction"
# A form field for a TextField without a maximum length of its own takes at most this much:
# the scan is linear, but without a bound one request could still keep a worker busy.
TEXT_MAX_LENGTH = 10_000


# --- Errors --------------------------------------------------------------------------------------
class PersonalDataFound(ValidationError):
    """Free text holds personal data. ``results`` maps each field to its scan result."""

    def __init__(self, results: Mapping[str, ScanResult]):
        self.results = dict(results)
        super().__init__(
            {name: [personal_data_message(result)] for name, result in self.results.items()}
        )


class PersonalDataInField(ValidationError):
    """The value of one form or model field holds personal data; ``result`` says what and
    where, ``redacted_value`` is the value with it replaced by placeholders."""

    def __init__(self, result: ScanResult, *, redacted_value: Any = None):
        self.result = result
        self.redacted_value = result.redacted if redacted_value is None else redacted_value
        super().__init__(personal_data_message(result), code="personal_data")


def personal_data_message(result: ScanResult):
    kinds = ", ".join(str(LABELS[kind]) for kind in result.types)
    return format_lazy(
        "{}: {}. {}",
        _("Contains personal data"),
        kinds,
        _("Remove it, or accept the proposed redaction."),
    )


# --- Scanning ------------------------------------------------------------------------------------
# A text is scanned on several layers of one write (form, service, database) and the same
# texts come back often (an unchanged description saved again, a list edited in the admin):
# the texts found clean are remembered per process, by a digest only, so that no text is kept.
_CLEAN_DIGESTS: OrderedDict[bytes, None] = OrderedDict()
_CLEAN_DIGESTS_MAX = 20_000
_CLEAN_LOCK = threading.Lock()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@sensitive_variables()
def scan_text(text: str) -> ScanResult:
    """The scan of one text, as :func:`signals.anonymisation.scan`, remembering clean ones."""
    text = text or ""
    digest = _digest(text)
    with _CLEAN_LOCK:
        if digest in _CLEAN_DIGESTS:
            _CLEAN_DIGESTS.move_to_end(digest)
            return ScanResult(text=text, findings=())
    result = scan(text)
    if not result.findings:
        with _CLEAN_LOCK:
            _CLEAN_DIGESTS[digest] = None
            if len(_CLEAN_DIGESTS) > _CLEAN_DIGESTS_MAX:
                _CLEAN_DIGESTS.popitem(last=False)
    return result


def scan_fields(texts: Mapping[str, str]) -> dict[str, ScanResult]:
    """The fields whose text holds personal data, with what was found."""
    results = {name: scan_text(text) for name, text in texts.items() if text}
    return {name: result for name, result in results.items() if result.findings}


@sensitive_variables()
def ensure_no_personal_data(texts: Mapping[str, str]) -> None:
    found = scan_fields(texts)
    if found:
        raise PersonalDataFound(found)


# --- Text that no person types -------------------------------------------------------------------
# The C0 control characters but tab, line feed and carriage return (NUL among them: PostgreSQL
# refuses it in text), DEL and the C1 control characters.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Scripts whose letters look like Latin ones: a word that mixes them with Latin letters is a
# disguise ("Jansen" with a Cyrillic a, U+0430), never how a person writes.
_LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")
_WORD = re.compile(r"\w+")


def _script(character: str) -> str | None:
    name = unicodedata.name(character, "")
    for script in _LOOKALIKE_SCRIPTS:
        if name.startswith(script + " "):
            return script
    return None


def _mixes_scripts(text: str) -> bool:
    if text.isascii():
        return False
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        scripts = {_script(character) for character in word if character.isalpha()}
        scripts.discard(None)
        if len(scripts) > 1:
            return True
    return False


CONTROL_CHARACTERS_MESSAGE = _(
    "Contains control characters (such as a NUL byte) that a text cannot hold. Remove them "
    "and save again."
)
MIXED_SCRIPTS_MESSAGE = _(
    "Contains a word that mixes the letters of different alphabets (for example a Cyrillic "
    "“а” in a Latin word). Type it again in one alphabet."
)


def check_text(text: str) -> None:
    """Refuses what no person types: control characters and words in mixed alphabets."""
    if _CONTROL.search(text):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
    if _mixes_scripts(text):
        raise ValidationError(MIXED_SCRIPTS_MESSAGE, code="mixed_scripts")


def visible(text: str) -> str:
    """The text without its invisible formatting characters (Unicode category Cf: zero-width
    spaces and joiners, soft hyphens, direction marks and overrides, the byte order mark).
    They show nothing, and can hide a number or a name from whoever reads the text."""
    if text.isascii():
        return text
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


# --- Structured values (JSON) --------------------------------------------------------------------
def _leaf_text(value: Any) -> str | None:
    """The text a JSON leaf shows: strings as they are, numbers as a spreadsheet shows them
    (612345678.0 is 612345678: a mobile number that lost its 0), other leaves none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return None


def _leaves(value: Any) -> Iterator[str]:
    """Every text leaf of a JSON value (the keys are the schema's, not typed: left alone)."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    else:
        text = _leaf_text(value)
        if text:
            yield text


def _redact_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _redact_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_json(item) for item in value]
    text = _leaf_text(value)
    if text:
        result = scan_text(text)
        if result.findings:
            return result.redacted
    return value


@sensitive_variables()
def scan_json(value: Any) -> ScanResult:
    """One scan result for every text leaf of a JSON value, each on a line of its own."""
    texts, findings, offset = [], [], 0
    for text in _leaves(value):
        result = scan_text(text)
        texts.append(text)
        findings.extend(
            dataclasses.replace(finding, start=finding.start + offset, end=finding.end + offset)
            for finding in result.findings
        )
        offset += len(text) + 1
    return ScanResult(text="\n".join(texts), findings=tuple(findings))


# --- Form fields ---------------------------------------------------------------------------------
class GuardedFormField(forms.CharField):
    """A text field that refuses personal data (:class:`PersonalDataInField`), control
    characters and words in mixed alphabets; invisible formatting characters are removed.

    In a form with :class:`GuardedFormMixin` that was posted with ``accept_redaction``, it
    gives the redacted text instead of refusing (``redacting``)."""

    guarded = True
    redacting = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # check_text says it of every control character, NUL included.
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, validators.ProhibitNullCharactersValidator)
        ]

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str) and value:
            value = visible(value)
            if self.strip:
                value = value.strip()
            if value in self.empty_values:
                return self.empty_value
        return value

    @sensitive_variables()
    def clean(self, value):
        value = self.to_python(value)
        self.validate(value)
        if value in self.empty_values:
            self.run_validators(value)
            return value
        errors = []  # every reason at once: a control character and a name, say
        try:
            check_text(value)
        except ValidationError as error:
            errors.extend(error.error_list)
        try:
            self.run_validators(value)  # the maximum length before the scan
        except ValidationError as error:
            raise ValidationError([*errors, *error.error_list]) from None
        result = scan_text(value)
        if result.findings:
            found = PersonalDataInField(result)
            if self.redacting and not errors:
                self.was_redacted = True
                self.run_validators(found.redacted_value)  # [NAAM] is longer than Bos
                return found.redacted_value
            errors.append(found)
        if errors:
            raise ValidationError(errors)
        return value


class GuardedJSONFormField(forms.JSONField):
    """A JSON field whose text leaves (and numbers, as the text they show) are guarded."""

    guarded = True
    redacting = False

    @sensitive_variables()
    def clean(self, value):
        value = super().clean(value)
        for text in _leaves(value):
            check_text(text)
        result = scan_json(value)
        if not result.findings:
            return value
        error = PersonalDataInField(result, redacted_value=_redact_json(value))
        if not self.redacting:
            raise error
        self.was_redacted = True
        return error.redacted_value


class GuardedFormMixin:
    """For every form with guarded fields (a ModelForm or a plain Form): what the guarded
    fields found is kept in ``findings`` (field name → scan result, for the findings panel);
    posted with ``accept_redaction``, the guarded fields take the redacted text and
    ``redacted`` is true.

    Views that get :class:`PersonalDataFound` from a service pass it to
    :meth:`add_personal_data`, so that it shows in the same panel.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings: dict[str, ScanResult] = {}
        self.redacted = False
        self.accept_redaction = self.is_bound and bool(self.data.get(ACCEPT_REDACTION))

    def _guarded_fields(self):
        return [field for field in self.fields.values() if getattr(field, "guarded", False)]

    def _clean_fields(self):
        # The fields are this form's own copies: telling them is safe. Fields added after
        # __init__ (a body kind's extra fields) are told too.
        for field in self._guarded_fields():
            field.redacting = self.accept_redaction
            field.was_redacted = False
        super()._clean_fields()
        if any(getattr(field, "was_redacted", False) for field in self._guarded_fields()):
            self.redacted = True

    def add_error(self, field, error):
        if field is None and isinstance(error, PersonalDataFound):
            self.add_personal_data(error)
            return
        if field in self.fields and isinstance(error, ValidationError):
            for item in getattr(error, "error_list", ()):
                if isinstance(item, PersonalDataInField):
                    self.findings[field] = item.result
        super().add_error(field, error)

    def add_personal_data(self, error: PersonalDataFound) -> None:
        """A service's refusal, at the fields it names (in the findings panel too)."""
        for name, result in error.results.items():
            if name in self.fields:
                self.add_error(name, PersonalDataInField(result))
            else:
                self.add_error(None, personal_data_message(result))

    def findings_in_order(self):
        """(bound field, scan result) pairs in the order of the form, for the templates."""
        return [(self[name], self.findings[name]) for name in self.fields if name in self.findings]

    @property
    def findings_id(self) -> str:
        """The id of the findings panel's heading, unique on a page with several forms."""
        name = self.add_prefix("findings")
        if self.auto_id and "%s" in str(self.auto_id):
            return str(self.auto_id) % name
        return name


class GuardedModelForm(GuardedFormMixin, forms.ModelForm):
    pass


def add_personal_data(form, error: PersonalDataFound) -> None:
    """A service's refusal on any form: with the findings panel when the form has one."""
    if isinstance(form, GuardedFormMixin):
        form.add_personal_data(error)
        return
    for name, message in error.message_dict.items():
        form.add_error(name if name in form.fields else None, message)


# --- Model fields --------------------------------------------------------------------------------
class GuardedField:
    """The guard of a model field; mixed into the field types below.

    ``guarded`` marks the field (``getattr(field, "guarded", False)``), and
    :meth:`redact_personal_data` gives a value fit for a side store (the audit trail, a log).
    """

    guarded = True

    def guard_result(self, value) -> ScanResult | None:
        """What the value holds, or None when it holds no personal data."""
        if value in (None, ""):
            return None
        result = scan_text(value) if isinstance(value, str) else None
        return result if result is not None and result.findings else None

    def guard_check(self, value) -> None:
        if isinstance(value, str) and value:
            check_text(value)

    @sensitive_variables()
    def redact_personal_data(self, value):
        """The value with its personal data replaced by placeholders ([NAAM], [BSN], …)."""
        result = self.guard_result(value)
        value = result.redacted if result is not None else value
        return _CONTROL.sub("", value) if isinstance(value, str) else value

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        self.guard_check(value)
        result = self.guard_result(value)
        if result is not None:
            raise PersonalDataInField(result, redacted_value=self.redact_personal_data(value))

    @sensitive_variables()
    def _guard_save(self, value) -> None:
        try:
            self.guard_check(value)
        except ValidationError as error:
            raise ValidationError({self.name: error.error_list}) from None
        result = self.guard_result(value)
        if result is not None:
            raise PersonalDataFound({self.name: result})


class _GuardedTextMixin(GuardedField):
    form_class = GuardedFormField

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", self.form_class)
        return super().formfield(**kwargs)

    def get_db_prep_save(self, value, connection):
        prepared = super().get_db_prep_save(value, connection)
        if isinstance(prepared, str) and prepared:
            self._guard_save(prepared)
        return prepared


class GuardedCharField(_GuardedTextMixin, models.CharField):
    """A CharField of text a person types: no personal data is ever saved in it."""


class GuardedTextField(_GuardedTextMixin, models.TextField):
    """A TextField of text a person types: no personal data is ever saved in it. Its form
    field takes at most TEXT_MAX_LENGTH characters when the model sets no maximum."""

    def formfield(self, **kwargs):
        if self.max_length is None:
            kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        return super().formfield(**kwargs)


class GuardedSlugField(_GuardedTextMixin, models.SlugField):
    """A short name for web addresses that a person types: guarded like any text."""

    def formfield(self, **kwargs):
        # SlugField's own form field checks the characters; the guard comes on top.
        kwargs.setdefault("form_class", GuardedSlugFormField)
        return super().formfield(**kwargs)


class GuardedSlugFormField(GuardedFormField):
    """forms.SlugField, guarded."""

    default_validators = [validators.validate_slug]

    def __init__(self, *, allow_unicode=False, **kwargs):
        self.allow_unicode = allow_unicode
        if allow_unicode:
            self.default_validators = [validators.validate_unicode_slug]
        super().__init__(**kwargs)


class GuardedJSONField(GuardedField, models.JSONField):
    """A JSONField whose every text leaf is guarded, and every number as the text it shows
    (a spreadsheet makes 612345678 of a mobile number)."""

    def guard_result(self, value) -> ScanResult | None:
        if value in (None, "", {}, []):
            return None
        result = scan_json(value)
        return result if result.findings else None

    def guard_check(self, value) -> None:
        for text in _leaves(value):
            check_text(text)

    @sensitive_variables()
    def redact_personal_data(self, value):
        return _redact_json(value)

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", GuardedJSONFormField)
        return super().formfield(**kwargs)

    def get_db_prep_save(self, value, connection):
        data = value
        if isinstance(data, expressions.Value) and isinstance(data.output_field, models.JSONField):
            data = data.value
        if data is not None and not hasattr(data, "as_sql"):
            self._guard_save(data)
        return super().get_db_prep_save(value, connection)


def guarded_fields(model) -> list[models.Field]:
    """The guarded fields of a model."""
    return [field for field in model._meta.concrete_fields if getattr(field, "guarded", False)]
