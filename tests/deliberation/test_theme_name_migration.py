"""The migrations that make a theme's name unique in any case (issue 17, point 7) on a
database that already holds such duplicates: 0007 renames them deterministically (the oldest
keeps its name, the others get the first free " (n)", with the rename in their history),
0008 adds the constraint, and nothing else changes."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("deliberation", "0006_guarded_fields")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def test_case_duplicates_are_renamed_before_the_constraint_is_added():
    executor = migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Theme = old.get_model("deliberation", "Theme")
        created = {
            name: Theme.objects.create(name=name).pk
            for name in ("Wachttijden", "wachttijden", "WACHTTIJDEN", "Wachttijden (2)", "Privacy")
        }
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    finally:
        # Whatever happened above: the database is back at the latest state for what follows.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from deliberation.models import Theme, ThemeEvent

    names = dict(Theme.objects.values_list("pk", "name"))
    assert {name: names[pk] for name, pk in created.items()} == {
        "Wachttijden": "Wachttijden",  # the oldest keeps its name
        "wachttijden": "wachttijden (3)",  # "(2)" is taken by a theme of its own
        "WACHTTIJDEN": "WACHTTIJDEN (4)",
        "Wachttijden (2)": "Wachttijden (2)",
        "Privacy": "Privacy",
    }
    renamed = ThemeEvent.objects.filter(kind="renamed").order_by("theme_id")
    assert [(e.theme_id, e.old_value, e.new_value, e.by) for e in renamed] == [
        (created["wachttijden"], "wachttijden", "wachttijden (3)", None),
        (created["WACHTTIJDEN"], "WACHTTIJDEN", "WACHTTIJDEN (4)", None),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(name="privacy")
    assert Theme.objects.count() == 5
