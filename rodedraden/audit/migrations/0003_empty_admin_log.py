"""Django's admin change log (django_admin_log) is no longer written: the audit trail is the
admin's history (rodedraden.adminsite). Its rows go, because they hold the old titles and names
of what was changed or deleted in the admin, unmasked and outside every retention term."""

from django.db import migrations


def empty_admin_log(apps, schema_editor):
    apps.get_model("admin", "LogEntry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_mask_existing_entries"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.RunPython(empty_admin_log, migrations.RunPython.noop, elidable=False),
    ]
