"""The registry of guarded fields (DESIGN.md, Anonymisation; issue 16): every text field of every
model, third-party apps included, is either guarded (signals.guard) or exempted here with its
reason. A new text field that is neither fails this test."""

from __future__ import annotations

import pytest
from django import forms
from django.apps import apps
from django.db import models

from signals.bodies import all_kinds
from signals.forms import CLASSIFICATION_FIELD, SignalForm
from signals.guard import (
    GuardedCharField,
    GuardedFormField,
    GuardedJSONField,
    GuardedSlugField,
    GuardedTextField,
)

# Fields with ``choices`` are exempt by this rule: a value from a fixed list, never free text
# (their form field and full_clean refuse anything else).
CHOICE_RULE = "a fixed choice, not free text"

ACCOUNT = (
    "account data of the person who signs in (rodedraden.accounts, which does not depend on "
    "signals): who acts is shown by name and role by design"
)
AXES = (
    "django-axes' record of a sign-in attempt (the browser, the address, the login name typed): "
    "account security, not text about persons; removed with the retention of sign-in data"
)
AUDIT_TRAIL = (
    "the audit trail, written by django-auditlog from the models, never typed: guarded fields "
    "are masked there (rodedraden/audit/registry.py)"
)
ADMIN_LOG = (
    "Django's admin log, written by the admin from the objects it changed, never typed: kept "
    "free of personal data by the side-store work of issue 16 (rodedraden/adminsite.py)"
)
RETENTION = "what a retention run removed: kinds, counts, moments and primary keys"
DEVICE_NAME = (
    "the name of a second factor, given by the application by kind and number "
    "(rodedraden.accounts), never typed"
)

EXEMPT = {
    "accounts.User.password": "a password hash",
    "accounts.User.username": ACCOUNT,
    "accounts.User.first_name": ACCOUNT,
    "accounts.User.last_name": ACCOUNT,
    "accounts.User.email": ACCOUNT,
    "accounts.User.job_title": ACCOUNT,
    "deliberation.Beraad.snapshot": (
        "the frozen copy of a beraad, made by the application when it is adopted "
        "(deliberation.selectors.beraad_snapshot) from guarded fields and the bodies' names"
    ),
    "reports.Memo.sha256": "a hash the application computes",
    "reports.Memo.error": "the kind of failure of a render, written by the application",
    "reports.Memo.render_owner": "the machine, process and thread rendering a memo",
    "idempotency.IdempotencyKey.location": (
        "the address a sent form was redirected to: a path the application made with reverse()"
    ),
    "retention.RetentionRun.cutoffs": RETENTION,
    "retention.RetentionRun.removed": RETENTION,
    "retention.RetentionRun.removed_ids": RETENTION,
    "admin.LogEntry.object_id": "the primary key of the object the admin changed",
    "admin.LogEntry.object_repr": ADMIN_LOG,
    "admin.LogEntry.change_message": ADMIN_LOG,
    "auth.Permission.name": "Django's permissions, made from the models by migrations",
    "auth.Permission.codename": "Django's permissions, made from the models by migrations",
    "auth.Group.name": "groups are not used (access follows the role) and not in the admin",
    "contenttypes.ContentType.app_label": "made by Django from the models",
    "contenttypes.ContentType.model": "made by Django from the models",
    "sessions.Session.session_key": "a random key made by Django",
    "sessions.Session.session_data": "the signed session data Django writes",
    "otp_totp.TOTPDevice.name": DEVICE_NAME,
    "otp_totp.TOTPDevice.key": "the secret of an authenticator app",
    "otp_static.StaticDevice.name": DEVICE_NAME,
    "otp_static.StaticToken.token": "a recovery code made by the application",
    **{
        f"axes.{model}.{field}": AXES
        for model, fields in {
            "AccessAttempt": (
                "user_agent",
                "username",
                "http_accept",
                "path_info",
                "get_data",
                "post_data",
            ),
            "AccessFailureLog": ("user_agent", "username", "http_accept", "path_info"),
            "AccessLog": ("user_agent", "username", "http_accept", "path_info", "session_hash"),
        }.items()
        for field in fields
    },
    **{
        f"auditlog.LogEntry.{field}": AUDIT_TRAIL
        for field in (
            "object_pk",
            "object_repr",
            "serialized_data",
            "changes_text",
            "changes",
            "cid",
            "additional_data",
            "actor_email",
        )
    },
}

# What issue 16 names, at the least: each of these is guarded.
MUST_BE_GUARDED = {
    "signals.OversightBody.name",
    "signals.OversightBody.description",
    "signals.Aspect.name",
    "signals.Aspect.description",
    "signals.OrganisationUnit.name",
    "signals.Signal.title",
    "signals.Signal.description",
    "signals.Signal.source_reference",
    "signals.Signal.details",
    "deliberation.Beraad.title",
    "deliberation.Beraad.agenda",
    "deliberation.Beraad.attendance",
    "deliberation.Beraad.minutes",
    "deliberation.Beraad.summary",
    "deliberation.Theme.name",
    "deliberation.Theme.description",
    "deliberation.ThemeEvent.old_value",
    "deliberation.ThemeEvent.new_value",
    "deliberation.Analysis.text",
    "deliberation.Recommendation.text",
    "deliberation.Recommendation.response_reason",
    "deliberation.Recommendation.owner",
    "deliberation.Recommendation.progress",
}

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def text_fields():
    """(label, field) of every text field of every model. A proxy model's fields are its
    concrete model's, checked there; an inherited field is checked on the model that has it."""
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, TEXT_FIELDS):
                yield f"{model._meta.app_label}.{model.__name__}.{field.name}", field


def test_every_text_field_is_guarded_or_exempted_with_a_reason():
    unaccounted = [
        label
        for label, field in text_fields()
        if not getattr(field, "guarded", False) and not field.choices and label not in EXEMPT
    ]
    assert unaccounted == [], (
        "Guard these fields (signals.guard.GuardedCharField, GuardedTextField, …) or exempt "
        f"them in EXEMPT with the reason: {unaccounted}"
    )


def test_the_choice_rule_covers_only_fields_with_choices():
    by_rule = [label for label, field in text_fields() if field.choices]
    assert "signals.Signal.state" in by_rule
    assert "signals.OversightBody.kind" in by_rule  # its choices are the body kinds' registry
    for label, field in text_fields():
        if field.choices:
            assert not getattr(field, "guarded", False), label
            assert label not in EXEMPT, f"{label}: exempt by the rule ({CHOICE_RULE})"


def test_every_exemption_names_a_text_field_that_exists_and_is_not_guarded():
    fields = dict(text_fields())
    stale = sorted(label for label in EXEMPT if label not in fields)
    assert stale == [], f"exempted, but no such text field: {stale}"
    guarded = sorted(label for label in EXEMPT if getattr(fields[label], "guarded", False))
    assert guarded == [], f"guarded and exempted at once: {guarded}"
    assert all(reason.strip() for reason in EXEMPT.values())


def test_the_fields_people_type_in_are_guarded():
    fields = dict(text_fields())
    assert sorted(label for label in MUST_BE_GUARDED if not fields[label].guarded) == []
    # Also the short names of bodies and aspects, typed in the admin.
    assert fields["signals.OversightBody.slug"].guarded
    assert fields["signals.Aspect.slug"].guarded


def test_the_project_apps_have_no_unguarded_free_text_but_account_data():
    """Within the project's own apps only the exemptions above remain."""
    project = ("signals", "deliberation", "reports")
    unguarded = [
        label
        for label, field in text_fields()
        if label.split(".")[0] in project
        and not field.choices
        and not getattr(field, "guarded", False)
    ]
    assert sorted(unguarded) == [
        "deliberation.Beraad.snapshot",
        "reports.Memo.error",
        "reports.Memo.render_owner",
        "reports.Memo.sha256",
    ]


@pytest.mark.parametrize(
    ("field_class", "path"),
    [
        (GuardedCharField, "signals.guard.GuardedCharField"),
        (GuardedTextField, "signals.guard.GuardedTextField"),
        (GuardedSlugField, "signals.guard.GuardedSlugField"),
        (GuardedJSONField, "signals.guard.GuardedJSONField"),
    ],
)
def test_migrations_name_the_guarded_field_types_by_a_stable_path(field_class, path):
    field = field_class(max_length=10) if field_class is not GuardedJSONField else field_class()
    assert field.deconstruct()[1] == path


def test_every_free_text_field_of_a_body_kind_is_guarded():
    """Signal.details holds the kinds' extra fields: those that take free text are guarded in
    the form as in the model."""
    for kind in all_kinds():
        for name, field in kind.details_fields().items():
            free_text = isinstance(field, forms.CharField) and not getattr(field, "choices", None)
            if free_text:
                assert isinstance(field, GuardedFormField), f"{kind.code}.{name}"


@pytest.mark.django_db
def test_every_free_text_field_of_the_signal_form_is_guarded(body):
    for kind_body in (body,):
        form = SignalForm(body=kind_body)
        for name in ("title", "description", "source_reference", "details_rapport"):
            assert getattr(form.fields[name], "guarded", False), name
    from tests.factories import OversightBodyFactory

    free = OversightBodyFactory(kind="overig", slug="overig")
    form = SignalForm(body=free)
    assert form.fields[CLASSIFICATION_FIELD].guarded  # a free classification is typed
    assert form.fields["details_herkomst"].guarded
