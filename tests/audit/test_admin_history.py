"""The admin keeps no change log of its own (issue 16, "nothing personal in side stores"):
Django's django_admin_log would keep the old name of every record changed or deleted in the
admin, unmasked, outside every retention term. Every registered ModelAdmin writes nothing
there; the audit trail (masked) is the admin's history: an object's "History" page and the
index's "Recent actions"."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from rodedraden.adminsite import RodeDradenAdminSite
from rodedraden.audit.models import AuditEntry, AuditEvent
from signals.models import Aspect

pytestmark = pytest.mark.django_db

OLD_NAME = "Patroon van bejegeningsklachten"
NEW_NAME = "Cluster van wachtlijstproblematiek"


def aspect_form(aspect: Aspect, **changes) -> dict:
    data = {
        "name": aspect.name,
        "slug": aspect.slug,
        "description": aspect.description,
        "order": aspect.order,
        "is_active": "on" if aspect.is_active else "",
    }
    data.update(changes)
    return data


def trail_of(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
        ).order_by("pk")
    )


def everything_stored() -> str:
    """Django's admin log and the audit trail, every column, as one lower-case string."""
    rows = [*LogEntry.objects.values(), *AuditEntry.objects.values()]
    return json.dumps(rows, default=str, ensure_ascii=False).lower()


@pytest.fixture
def aspect(db):
    return Aspect.objects.create(name=OLD_NAME, slug="bejegening-patroon", order=99)


def test_an_admin_edit_of_an_aspect_leaves_no_admin_log_and_a_masked_audit_entry(
    client, admin_user, aspect
):
    client.force_login(admin_user)
    url = reverse("admin:signals_aspect_change", args=[aspect.pk])
    response = client.post(url, aspect_form(aspect, name=NEW_NAME))
    assert response.status_code == 302, response.content.decode()[:2000]
    aspect.refresh_from_db()
    assert aspect.name == NEW_NAME

    assert not LogEntry.objects.exists()
    (changed,) = [entry for entry in trail_of(aspect) if entry.event == AuditEvent.CHANGED]
    assert changed.actor == admin_user
    assert changed.changes["name"] == [f"[{len(OLD_NAME)} tekens]", f"[{len(NEW_NAME)} tekens]"]
    assert changed.object_repr == f"invalshoek #{aspect.pk}"
    stored = everything_stored()
    assert OLD_NAME.lower() not in stored
    assert NEW_NAME.lower() not in stored


def test_an_admin_deletion_leaves_no_admin_log(client, admin_user, aspect):
    client.force_login(admin_user)
    pk = aspect.pk
    response = client.post(reverse("admin:signals_aspect_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Aspect.objects.filter(pk=pk).exists()
    assert not LogEntry.objects.exists()
    deleted = AuditEntry.objects.of_event(AuditEvent.DELETED).get(object_pk=str(pk))
    assert deleted.object_repr == f"invalshoek #{pk}"
    assert OLD_NAME.lower() not in everything_stored()


def test_the_delete_action_of_a_changelist_leaves_no_admin_log(client, admin_user, aspect):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:signals_aspect_changelist"),
        {"action": "delete_selected", "_selected_action": [aspect.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Aspect.objects.filter(pk=aspect.pk).exists()
    assert not LogEntry.objects.exists()
    assert OLD_NAME.lower() not in everything_stored()


def test_no_registered_model_admin_writes_the_admin_log(admin_user):
    """Every ModelAdmin of the site, ours and the packages' alike (django-axes, the audit
    trail's), whatever it inherits."""
    request = RequestFactory().post("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        queryset = model.objects.none()
        assert model_admin.log_addition(request, admin_user, "added") is None, model
        assert model_admin.log_change(request, admin_user, "changed") is None, model
        assert model_admin.log_deletions(request, queryset) is None, model
    assert not LogEntry.objects.exists()


def test_a_model_admin_registered_later_writes_no_admin_log_either(admin_user, aspect):
    class LateAdmin(admin.ModelAdmin):
        pass

    site = RodeDradenAdminSite(name="late")
    site.register(Aspect, LateAdmin)
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin = site._registry[Aspect]
    assert isinstance(model_admin, LateAdmin)
    model_admin.log_change(request, aspect, "changed")
    model_admin.log_deletions(request, Aspect.objects.filter(pk=aspect.pk))
    assert not LogEntry.objects.exists()


def test_the_history_of_an_object_is_its_masked_audit_trail(client, admin_user, aspect):
    client.force_login(admin_user)
    client.post(
        reverse("admin:signals_aspect_change", args=[aspect.pk]),
        aspect_form(aspect, name=NEW_NAME, description="Omschrijvingstekstwijziging"),
    )
    response = client.get(reverse("admin:signals_aspect_history", args=[aspect.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    entries = list(response.context["action_list"])
    assert [entry.event for entry in entries] == ["aangemaakt", "gewijzigd"]
    assert f"[{len(OLD_NAME)} tekens]" in html
    assert "Omschrijvingstekstwijziging" not in html
    assert OLD_NAME not in html
    assert admin_user.username in html


def test_the_history_of_an_object_without_entries_says_so(client, admin_user, aspect):
    AuditEntry.objects.all().delete()
    client.force_login(admin_user)
    response = client.get(reverse("admin:signals_aspect_history", args=[aspect.pk]))
    assert response.status_code == 200
    assert not response.context["action_list"]


def test_recent_actions_on_the_index_show_no_raw_text(client, admin_user, aspect):
    # A row such as Django's admin wrote before: it must not be shown (and the migration
    # removes such rows).
    LogEntry.objects.log_actions(
        user_id=admin_user.pk, queryset=[aspect], action_flag=CHANGE, change_message=""
    )
    client.force_login(admin_user)
    client.post(
        reverse("admin:signals_aspect_change", args=[aspect.pk]),
        aspect_form(aspect, name=NEW_NAME),
    )
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    # The sidebar only: the message of the change just made names the aspect as it is now.
    sidebar = html[html.index('id="recent-actions-module"') :]
    assert OLD_NAME not in sidebar
    assert NEW_NAME not in sidebar
    assert f"invalshoek #{aspect.pk}" in sidebar
    recent = response.context["recent_entries"]
    assert recent
    assert all(entry.actor == admin_user for entry in recent)
    # Once the message is shown, the page holds neither name.
    html = client.get(reverse("admin:index")).content.decode()
    assert OLD_NAME not in html
    assert NEW_NAME not in html


def test_the_migration_empties_the_admin_log(admin_user, aspect):
    LogEntry.objects.log_actions(
        user_id=admin_user.pk, queryset=[aspect], action_flag=CHANGE, change_message=""
    )
    assert LogEntry.objects.exists()
    migration = importlib.import_module("rodedraden.audit.migrations.0003_empty_admin_log")
    migration.empty_admin_log(django_apps, None)
    assert not LogEntry.objects.exists()
