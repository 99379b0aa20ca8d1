"""The platform (``rodedraden/``) knows no domain app (issue 18, point 2).

The domain apps depend on the platform, never the other way round: retention, backup, the
page cache, the audit trail, accounts and idempotency learn what they need of the domain
through the registries the apps fill in their ``AppConfig.ready()``
(rodedraden/retention/registry.py, rodedraden/backup/registry.py, …). One place composes the
apps, and only it may import them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from rodedraden.backup.registry import carried_files
from rodedraden.retention import registry as retention_registry
from signals.models import Signal

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("signals", "deliberation", "reports")

# The composition root: the only modules of rodedraden/ that may name a domain app.
COMPOSITION_ROOT = {
    # The start page shows, per role, what needs doing in every app (drafts, intakes,
    # sessions, recommendations): it is the top of the application and reads from all of them.
    "rodedraden/views.py": "the start page: it composes the apps",
    # The URL tree mounts each app's URLs (include("signals.urls"), …), beside the start page.
    "rodedraden/urls.py": "the URL tree: it mounts each app's URLs beside the start page",
}
# Calls that import the module their first argument names.
IMPORTING_CALLS = {"import_module", "__import__", "import_string", "include"}


def _module(name: str | None) -> str | None:
    return name.split(".")[0] if name else None


def domain_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of a domain app in ``source``: import statements at any
    depth (inside functions and classes as well) and calls that import a module by name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = getattr(function, "id", None) or getattr(function, "attr", None)
            first = node.args[0]
            if (
                called in IMPORTING_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                names = [first.value]
        found += [(node.lineno, name) for name in names if _module(name) in DOMAIN]
    return found


def platform_modules(root: Path) -> list[Path]:
    """Every module of the platform, its migrations and management commands included."""
    return sorted((root / "rodedraden").rglob("*.py"))


def violations(root: Path) -> list[str]:
    found = []
    for path in platform_modules(root):
        relative = path.relative_to(root).as_posix()
        if relative in COMPOSITION_ROOT:
            continue
        for line, name in domain_imports(path.read_text(encoding="utf-8")):
            found.append(f"{relative}:{line} imports {name}")
    return found


def test_no_platform_module_imports_a_domain_app():
    assert violations(ROOT) == [], (
        "The platform (rodedraden/) imports a domain app outside the composition root "
        f"({', '.join(COMPOSITION_ROOT)}); register what it needs in the app's ready() instead"
    )


def test_the_composition_root_is_where_the_domain_is_composed():
    for relative in COMPOSITION_ROOT:
        assert domain_imports((ROOT / relative).read_text(encoding="utf-8")), relative


@pytest.mark.parametrize(
    "source",
    [
        "import signals",
        "import deliberation.models as m",
        "from reports.models import Memo",
        "def f():\n    from signals.models import Signal\n",
        "class C:\n    def f(self):\n        import reports.tasks\n",
        "import importlib\nimportlib.import_module('deliberation.services')",
        "from django.utils.module_loading import import_string\nimport_string('signals.x.Y')",
        "path('', include('reports.urls'))",
    ],
)
def test_every_kind_of_import_is_found(source):
    assert domain_imports(source), source


@pytest.mark.parametrize(
    "source",
    [
        "from django.db.models.signals import post_save",
        "from axes.signals import user_locked_out",
        "from . import signals",
        "INSTALLED_APPS = ['signals', 'deliberation', 'reports']",
        "from rodedraden.reports_x import y",
    ],
)
def test_what_is_not_an_import_of_the_domain_passes(source):
    assert domain_imports(source) == [], source


def test_a_platform_module_that_imports_the_domain_is_refused(tmp_path):
    package = tmp_path / "rodedraden" / "retention"
    package.mkdir(parents=True)
    (package / "services.py").write_text(
        "def apply():\n    from deliberation.models import Beraad\n", encoding="utf-8"
    )
    (tmp_path / "rodedraden" / "views.py").write_text("import signals\n", encoding="utf-8")
    assert violations(tmp_path) == [
        "rodedraden/retention/services.py:2 imports deliberation.models"
    ]


# --- The registries are filled by the apps --------------------------------------------------------
def test_every_file_field_is_carried_by_the_backup():
    """A model with files in the storage that no app registered would be missing from every
    backup: each file field of an installed model is registered (rodedraden/backup/registry.py)."""
    carried = {(entry.model._meta.label, entry.field) for entry in carried_files()}
    fields = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert fields, "no file field found: the check looks at the wrong thing"
    assert fields <= carried


def test_each_domain_app_registers_its_retention_policies():
    names = [policy.name for policy in retention_registry.policies()]
    # The memos of a beraad go before the beraad (it protects them), the signals outside a
    # beraad after the beraden, the platform's own last.
    assert names == [
        "memos_of_sessions",
        "sessions",
        "memos",
        "signals",
        "login_attempts",
        "audit",
        "login_sessions",
        "sent_forms",
    ]
    assert retention_registry._holds.get(Signal._meta.label), "deliberation holds no signals"


def test_two_policies_of_one_name_are_refused():
    def remove(context):
        return []

    with pytest.raises(ImproperlyConfigured):
        retention_registry.register(
            retention_registry.RetentionPolicy(name="signals", apply=remove, order=1)
        )
