import time

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("pagecache", "DataVersion").objects.create(pk=1, number=time.time_ns())


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.BigIntegerField(verbose_name="number")),
            ],
            options={"verbose_name": "data version", "verbose_name_plural": "data versions"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
