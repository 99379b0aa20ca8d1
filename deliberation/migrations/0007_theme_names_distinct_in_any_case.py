"""Themes whose names differ only in case get names of their own, before the database refuses
such duplicates (0008, issue 17).

Of each group of themes with the same name in lower case (as the database lowers it, the
way the constraint will compare them), the oldest keeps its name and each other one, oldest
first, gets the first free " (2)", " (3)", …; the rename is in its history, so the chair sees
it and can merge the two. Nothing else changes: tags, analyses and recommendations stay where
they are. A name saved before the guard may hold personal data: the new name and the history
take its redacted form (the guard refuses anything else).
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone


def rename_case_duplicates(apps, schema_editor):
    Theme = apps.get_model("deliberation", "Theme")
    ThemeEvent = apps.get_model("deliberation", "ThemeEvent")
    field = Theme._meta.get_field("name")
    history = ThemeEvent._meta.get_field("old_value")

    def taken(name: str) -> bool:
        return Theme.objects.alias(key=Lower("name")).filter(key=Lower(Value(name))).exists()

    seen = set()
    rows = Theme.objects.annotate(key=Lower("name")).order_by("created_at", "pk")
    for pk, name, key in rows.values_list("pk", "name", "key"):
        if key not in seen:
            seen.add(key)
            continue
        base = field.redact_personal_data(name)
        number = 2
        while True:
            suffix = f" ({number})"
            candidate = base[: field.max_length - len(suffix)].rstrip() + suffix
            if not taken(candidate):
                break
            number += 1
        Theme.objects.filter(pk=pk).update(name=candidate, updated_at=timezone.now())
        ThemeEvent.objects.create(
            theme_id=pk,
            kind="renamed",
            old_value=history.redact_personal_data(name),
            new_value=candidate,
            by=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0006_guarded_fields"),
    ]

    operations = [
        migrations.RunPython(rename_case_duplicates, migrations.RunPython.noop),
    ]
