"""Entries written before the trail masked every guarded field and named every record by its
kind and number: their record's name (a theme's name, a beraad's title, a device named after
its owner) is replaced by its label, the values of masked fields and the records of
many-to-many changes are masked, and serialised copies and copied e-mail addresses go.

The rules are the trail's own (rodedraden.audit.registry), read from the models as they are
when this runs; an entry about a kind of record that no longer exists keeps no text at all.
"""

import json

from django.apps import apps as live_apps
from django.db import migrations

BATCH = 1000


def _live_model(app_label: str, model: str):
    try:
        return live_apps.get_model(app_label, model)
    except LookupError:
        return None


def _parsed(changes, changes_text):
    if changes is None and changes_text:
        try:
            changes = json.loads(changes_text)
        except ValueError:
            return {"_": ["—", f"[{len(changes_text)} tekens]"]}
    if isinstance(changes, str):
        try:
            changes = json.loads(changes)
        except ValueError:
            return {"_": ["—", f"[{len(changes)} tekens]"]}
    return changes


def _mask_all(changes):
    """The changes of a record whose kind is gone: every value a text could be is masked."""
    from rodedraden.audit.registry import describe_text, is_masked

    if not isinstance(changes, dict):
        return changes
    masked = {}
    for name, change in changes.items():
        if isinstance(change, dict) and change.get("type") == "m2m":
            objects = [describe_text(value) for value in change.get("objects") or []]
            masked[name] = {**change, "objects": objects}
        elif isinstance(change, list):
            masked[name] = [
                value
                if value is None or is_masked(value) or isinstance(value, int | float)
                else describe_text(value)
                for value in change
            ]
        else:
            masked[name] = describe_text(change)
    return masked


def mask_existing_entries(apps, schema_editor):
    from rodedraden.audit.registry import mask_changes, record_label

    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kinds = {
        ct.pk: (ct.model, _live_model(ct.app_label, ct.model)) for ct in ContentType.objects.all()
    }
    fields = ["object_repr", "changes", "changes_text", "serialized_data", "actor_email"]
    batch = []
    for entry in LogEntry.objects.order_by("pk").iterator(chunk_size=BATCH):
        name, model = kinds.get(entry.content_type_id, ("", None))
        if entry.object_pk not in (None, ""):
            entry.object_repr = record_label(model, entry.object_pk, fallback=name)
        changes = _parsed(entry.changes, entry.changes_text)
        entry.changes = mask_changes(model, changes) if model is not None else _mask_all(changes)
        entry.changes_text = ""
        entry.serialized_data = None
        entry.actor_email = None
        batch.append(entry)
        if len(batch) >= BATCH:
            LogEntry.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        LogEntry.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(mask_existing_entries, migrations.RunPython.noop, elidable=False),
    ]
