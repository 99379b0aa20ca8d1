"""Every environment variable the application reads is documented: in .env.example (with a
comment) and in the README's configuration table."""

import re

from tests.compose import PROJECT_ROOT

SOURCES = [
    *sorted((PROJECT_ROOT / "rodedraden" / "settings").glob("*.py")),
    PROJECT_ROOT / "rodedraden" / "gunicorn.py",
]
READS = re.compile(
    r"""(?:\benv(?:\.\w+)?|os\.environ\.get|os\.getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def variables_read() -> set[str]:
    found = set()
    for source in SOURCES:
        found |= set(READS.findall(source.read_text(encoding="utf-8")))
    return found


def configuration_table() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `"))


def documented(name: str, table: str) -> bool:
    """Named in the first column: `NAME`, or a family such as `RETENTION_*_DAYS`."""
    for row in table.splitlines():
        for entry in re.findall(r"`([A-Z0-9_*]+)`", row.split(" | ", 1)[0]):
            if re.fullmatch(entry.replace("*", "[A-Z0-9_]+"), name):
                return True
    return False


def test_the_settings_read_the_variables_this_test_looks_for():
    found = variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "S3_BUCKET", "WEB_CONCURRENCY"} <= found
    assert len(found) > 40


def test_every_variable_is_in_the_example_file():
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^# ([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    assert variables_read() - named == set()


def test_every_variable_is_in_the_readme_table():
    table = configuration_table()
    assert [name for name in sorted(variables_read()) if not documented(name, table)] == []
    # A control: a variable nobody documents is noticed.
    assert not documented("RODEDRADEN_UNKNOWN", table)
