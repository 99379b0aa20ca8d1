"""What the audit trail keeps of records whose names are typed text (issue 16, "nothing
personal in side stores"): every guarded field masked, also one guarded after the fact;
every record named by its kind and number, also the records of a many-to-many change and of
entries that name other records (a tag names its theme, a memo its beraad); second-factor
devices by their kind and number, never after their owner; and entries written before all
this, rewritten by a migration."""

from __future__ import annotations

import base64
import importlib
import json
import re

import pytest
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from deliberation import services as deliberation_services
from deliberation.models import Beraad, BeraadState, Tag, Theme
from rodedraden.accounts.models import User
from rodedraden.audit.models import AuditEntry, AuditEvent
from rodedraden.audit.registry import masked_fields
from signals.models import Aspect, OrganisationUnit, OversightBody
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import BeraadFactory, UserFactory

pytestmark = pytest.mark.django_db

THEME = "Gebrek aan mantelzorgondersteuning"
RENAMED = "Tekort aan respijtzorgvoorzieningen"
OWNER_FIRST, OWNER_LAST = "Marieke", "Jansen"


def stored() -> str:
    return json.dumps(list(AuditEntry.objects.values()), default=str, ensure_ascii=False).lower()


def entries_about(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
        ).order_by("pk")
    )


def masked(text: str) -> str:
    return f"[{len(text)} tekens]"


# --- Guarded fields -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Theme, "name"),
        (Aspect, "name"),
        (OrganisationUnit, "name"),
        (OversightBody, "name"),
        (Beraad, "title"),
    ],
)
def test_names_and_titles_are_masked(model, field):
    assert field in masked_fields(model)


def test_every_guarded_field_of_every_followed_model_is_masked():
    from auditlog.registry import auditlog

    for model in auditlog.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "guarded", False):
                assert field.name in masked_fields(model), (model, field.name)
                assert field.name in auditlog.get_model_fields(model)["mask_fields"]


def test_a_field_guarded_later_is_masked_without_being_listed(monkeypatch):
    """The trail reads ``guarded`` from the field itself: nobody has to list a new one."""
    field = User._meta.get_field("username")
    assert "username" not in masked_fields(User)
    monkeypatch.setattr(field, "guarded", True, raising=False)
    assert "username" in masked_fields(User)
    account = UserFactory(username="gebruikersnaamvoorbeeld")
    (created,) = [e for e in entries_about(account) if e.event == AuditEvent.CREATED]
    assert created.changes["username"] == ["—", masked("gebruikersnaamvoorbeeld")]
    assert "gebruikersnaamvoorbeeld" not in stored()


def test_a_theme_s_name_is_masked_and_never_names_its_entries(chair, body, other_body):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    signal = submitted(body)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = deliberation_services.theme_create(user=chair, name=THEME)
    tag(beraad, signal, theme, chair)
    deliberation_services.theme_update(theme=theme, user=chair, name=RENAMED, description="")

    created, *changes = entries_about(theme)
    assert created.changes["name"] == ["—", masked(THEME)]
    assert created.object_repr == f"thema #{theme.pk}"
    assert any(entry.changes.get("name") == [masked(THEME), masked(RENAMED)] for entry in changes)
    (tag_created,) = [
        e for e in entries_about(Tag.objects.get(inclusion=inclusion(signal))) if e.action == 0
    ]
    assert re.fullmatch(r"thematoekenning #\d+", tag_created.object_repr)
    everything = stored()
    assert THEME.lower() not in everything
    assert RENAMED.lower() not in everything


def test_records_named_after_other_records_are_named_by_kind_and_number(chair, body, other_body):
    """A beraad's title, the bodies' names: not in any entry, whichever record it is about."""
    body.name = "Rekenkamer gemeentebreed"
    body.save()
    beraad = BeraadFactory(
        chair=chair, bodies=[body, other_body], title="Voorjaarsberaad sessieaanduiding"
    )
    submitted(body)
    advance(beraad, chair, BeraadState.IN_BERAAD)
    everything = stored()
    assert "voorjaarsberaad sessieaanduiding" not in everything
    # The bodies of the beraad, in its many-to-many change, by kind and number.
    bodies_added = [
        entry.changes["bodies"]
        for entry in entries_about(beraad)
        if isinstance((entry.changes or {}).get("bodies"), dict)
    ]
    assert bodies_added
    for change in bodies_added:
        for label in change["objects"]:
            assert label.startswith("toezichtsorgaan #"), label
    assert "rekenkamer gemeentebreed" not in everything


# --- Second-factor devices ------------------------------------------------------------------------
def test_a_device_is_named_by_kind_and_number_never_after_its_owner(client, member):
    member.first_name, member.last_name = OWNER_FIRST, OWNER_LAST
    member.save()
    client.force_login(member)
    url = reverse("two_factor:setup")
    client.get(url)
    response = client.post(url, {"setup_view-current_step": "welcome"})
    key = base64.b32decode(response.context["secret_key"])
    response = client.post(
        url, {"setup_view-current_step": "generator", "generator-token": totp(key)}
    )
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=member)
    assert str(device) == f"TOTP-apparaat {device.pk}"
    (created,) = [e for e in entries_about(device) if e.event == AuditEvent.CREATED]
    assert created.object_repr == f"TOTP-apparaat {device.pk}"
    everything = stored()
    assert OWNER_LAST.lower() not in everything
    assert OWNER_FIRST.lower() not in everything


def test_every_kind_of_device_is_named_by_kind_and_number(member):
    member.first_name, member.last_name = OWNER_FIRST, OWNER_LAST
    member.save()
    app = TOTPDevice.objects.create(user=member, name="default")
    codes = StaticDevice.objects.create(user=member, name="backup")
    assert str(app) == f"TOTP-apparaat {app.pk}"
    assert str(codes) == f"Herstelcodes {codes.pk}"
    assert OWNER_LAST not in str(app) + str(codes)


def test_the_admin_shows_a_device_by_kind_and_number(client, admin_user, member):
    member.first_name, member.last_name = OWNER_FIRST, OWNER_LAST
    member.save()
    device = TOTPDevice.objects.create(user=member, name="default")
    client.force_login(admin_user)
    response = client.get(reverse("admin:accounts_authenticatorapp_delete", args=[device.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"TOTP-apparaat {device.pk}" in html
    assert f"default ({OWNER_FIRST} {OWNER_LAST})" not in html


# --- Entries written before -----------------------------------------------------------------------
def test_the_migration_rewrites_the_names_and_masks_the_changes_of_earlier_entries(chair, member):
    """Rows as the trail wrote them before issue 16 (bulk_create: no receiver touches them)."""
    theme = Theme.objects.create(name="Thema zonder naam")
    device = TOTPDevice.objects.create(user=member, name="default")
    beraad = BeraadFactory(chair=chair)
    kind = ContentType.objects.get_for_model
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=kind(Theme),
                object_pk=str(theme.pk),
                object_id=theme.pk,
                object_repr=THEME,
                action=LogEntry.Action.UPDATE,
                changes={"name": [THEME, RENAMED], "merged_into": [None, 3]},
            ),
            LogEntry(
                content_type=kind(TOTPDevice),
                object_pk=str(device.pk),
                object_id=device.pk,
                object_repr=f"default ({OWNER_FIRST} {OWNER_LAST})",
                action=LogEntry.Action.CREATE,
                changes={"user": [None, member.pk]},
                actor_email="marieke.jansen@example.nl",
            ),
            LogEntry(
                content_type=kind(Beraad),
                object_pk=str(beraad.pk),
                object_id=beraad.pk,
                object_repr="Voorjaarsberaadsessieaanduiding",
                action=LogEntry.Action.UPDATE,
                changes={"bodies": {"type": "m2m", "operation": "add", "objects": ["Rekenkamer"]}},
            ),
            LogEntry(
                content_type=kind(Theme),
                object_pk="999999",
                object_id=999999,
                object_repr=THEME,
                action=LogEntry.Action.DELETE,
                changes_text=json.dumps({"description": ["Mantelzorgbeschrijving", None]}),
            ),
        ]
    )
    migration = importlib.import_module("rodedraden.audit.migrations.0002_mask_existing_entries")
    migration.mask_existing_entries(django_apps, None)

    renamed = AuditEntry.objects.get(
        content_type=kind(Theme), object_pk=str(theme.pk), action=LogEntry.Action.UPDATE
    )
    deleted = AuditEntry.objects.get(content_type=kind(Theme), object_pk="999999")
    assert renamed.object_repr == f"thema #{theme.pk}"
    assert renamed.changes == {"name": [masked(THEME), masked(RENAMED)], "merged_into": [None, 3]}
    assert deleted.object_repr == "thema #999999"
    assert deleted.changes == {"description": [masked("Mantelzorgbeschrijving"), "—"]}
    assert deleted.changes_text == ""
    # The device's own entry (written on its creation above) and the old one, rewritten.
    device_entries = list(AuditEntry.objects.filter(content_type=kind(TOTPDevice)))
    assert len(device_entries) == 2
    for entry in device_entries:
        assert entry.object_repr == f"TOTP-apparaat {device.pk}"
        assert entry.actor_email is None
    beraad_entry = AuditEntry.objects.get(
        content_type=kind(Beraad),
        action=LogEntry.Action.UPDATE,
        object_repr__startswith="beraad #",
        changes__bodies__isnull=False,
    )
    assert beraad_entry.changes["bodies"]["objects"] == [masked("Rekenkamer")]
    everything = stored()
    for text in (
        THEME,
        RENAMED,
        OWNER_LAST,
        "voorjaarsberaadsessieaanduiding",
        "mantelzorgbeschrijving",
    ):
        assert text.lower() not in everything
