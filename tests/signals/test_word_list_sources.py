"""The scanner's word lists are the project's own data (signals/anonymisation/data), exactly
as the pinned deduce and wordfreq hold them, and the scanner needs neither package to run.

deduce and wordfreq are in the dev group (make install, CI), so the comparisons always run
there; without them these tests fail and say how to install them.
"""

import importlib.metadata
import json
import os
import re
import tomllib

import pytest

from signals.anonymisation import sources
from tests.compose import PROJECT_ROOT, run_python


def _pinned(package: str) -> str:
    """The version pyproject.toml's dev group pins ``package`` to."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in pyproject["dependency-groups"]["dev"]:
        match = re.fullmatch(rf"{re.escape(package)}==(\S+)", requirement)
        if match:
            return match.group(1)
    raise AssertionError(f"{package} is not pinned in pyproject.toml's dev group")


def _installed(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{package} is not installed: it is in the dev group (make install).")


def test_every_shipped_file_has_its_checksum():
    sums = sources.shipped_checksums()
    shipped = [f"deduce/{name}" for name in sources.DEDUCE_FILES] + ["wordfreq/small_nl.tsv"]
    assert sorted(sums) == sorted(shipped)
    for name, digest in sums.items():
        assert sources.sha256(sources.DATA_DIR / name) == digest, f"{name} was changed"


def test_the_licences_are_beside_the_data():
    assert "GNU GENERAL PUBLIC LICENSE" in (sources.DEDUCE_DIR / "LICENSE.md").read_text()
    assert "Apache License" in (sources.FREQUENCIES.parent / "LICENSE.txt").read_text()
    notice = (sources.DATA_DIR / "NOTICE.md").read_text()
    assert f"deduce {sources.DEDUCE_VERSION}" in notice
    assert f"wordfreq {sources.WORDFREQ_VERSION}" in notice
    assert "Attribution-ShareAlike 4.0" in notice


def test_the_deduce_lists_are_the_pinned_deduce_lists_byte_for_byte():
    assert _installed("deduce") == _pinned("deduce") == sources.DEDUCE_VERSION
    source = sources.deduce_source_dir()
    sums = sources.shipped_checksums()
    for name in sources.DEDUCE_FILES:
        assert sources.sha256(source / name) == sums[f"deduce/{name}"], name
    assert (sources.DEDUCE_DIR / "LICENSE.md").read_text() == importlib.metadata.distribution(
        "deduce"
    ).read_text("LICENSE.md")


def test_the_frequencies_are_the_pinned_wordfreq_list():
    assert _installed("wordfreq") == _pinned("wordfreq") == sources.WORDFREQ_VERSION
    import wordfreq

    assert sources.FREQUENCIES.read_text(encoding="utf-8") == sources.frequencies_text()
    expected = wordfreq.get_frequency_dict("nl", wordlist="small")
    shipped = sources.read_frequencies()
    assert list(shipped.items()) == list(expected.items())  # same words, order and floats


def test_the_scanner_runs_without_deduce_and_wordfreq():
    """Production installs neither: the lists load and a name is found with both blocked."""
    code = (
        "import sys, json; sys.modules['deduce'] = None; sys.modules['wordfreq'] = None\n"
        "from signals.anonymisation import scan\n"
        "from signals.anonymisation.lexicon import load_lexicon\n"
        "lexicon = load_lexicon()\n"
        "print(json.dumps({'findings': scan('Mevrouw Jansen woont aan de Kerkstraat 12 in "
        "Enschede.').as_dict()['findings'], 'jansen': lexicon.is_surname('Jansen'), "
        "'zipf': round(lexicon.zipf('gemeente'), 2), "
        "'loaded': sorted(m for m in ('deduce', 'wordfreq') if sys.modules.get(m))}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rodedraden.settings.test"}
    result = run_python("-c", code, env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["loaded"] == []
    assert report["jansen"] is True
    assert report["zipf"] > 4
    assert [f["type"] for f in report["findings"]] == ["naam", "adres"]
