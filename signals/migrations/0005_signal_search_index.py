"""The full-text search index on signals: PostgreSQL only, with the ``dutch`` configuration.

It indexes exactly the expression that ``signals.search.search_vector()`` builds, so that
searches use it. SQLite (the embedded mode) has no such index; search falls back there.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "signal_search_idx"


def _index():
    # Keep in step with signals.search.search_vector().
    return GinIndex(SearchVector("title", "description", config="dutch"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("signals", "Signal"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("signals", "Signal"), _index())


class Migration(migrations.Migration):
    dependencies = [("signals", "0004_signal")]

    operations = [migrations.RunPython(create_index, drop_index)]
