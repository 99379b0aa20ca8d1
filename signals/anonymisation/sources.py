"""The word lists the scanner ships in ``data/``, and where they come from.

The scanner reads only the project's own copies (``data/``), so production needs neither deduce
(with numpy, rapidfuzz, regex and docdeid) nor wordfreq (with its 58 MB of other languages).
Both stay pinned in the dev dependency group: ``make bench`` runs deduce beside the scanner, and
``tests/signals/test_word_list_sources.py`` checks that every shipped file is exactly what the
pinned packages hold. After changing a pin, rewrite the copies and their checksums with::

    .venv/bin/python -m signals.anonymisation.sources

- ``data/deduce/``: deduce's plain-text lists, byte for byte, at their path in deduce's
  ``data/lookup/src``.
- ``data/wordfreq/small_nl.tsv``: wordfreq's small Dutch list (``small_nl.msgpack.gz``) as text,
  one word a line with its frequency in centibels (-250 is 10 ** -2.5), in wordfreq's order.
- ``data/NOTICE.md``: the sources, their licences and attributions; each source's own licence
  text is beside its files (``deduce/LICENSE.md``, ``wordfreq/LICENSE.txt``).
- ``data/SHA256SUMS``: the SHA-256 of every shipped file (``sha256sum -c`` reads it).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SHA256SUMS = DATA_DIR / "SHA256SUMS"

# The pinned versions the copies were taken from (pyproject.toml's dev group pins the same).
DEDUCE_VERSION = "3.0.6"
WORDFREQ_VERSION = "3.1.1"

# deduce's lists that the lexicon reads, relative to deduce's data/lookup/src.
DEDUCE_SOURCE = "data/lookup/src"
DEDUCE_FILES = (
    "names/lst_first_name/items.txt",
    "names/lst_first_name/exceptions.txt",
    "names/lst_surname/items.txt",
    "names/lst_surname/exceptions.txt",
    "names/lst_interfix_surname/items.txt",
    "locations/lst_placename/lst_residence/items.txt",
    "locations/lst_placename/lst_municipality/items.txt",
    "locations/lst_placename/lst_province/items.txt",
    "locations/lst_placename/lst_region/items.txt",
    "locations/lst_street/streets_bag.txt",
    "whitelist/lst_common_word/items.txt",
    "whitelist/lst_stop_word/items.txt",
)
DEDUCE_DIR = DATA_DIR / "deduce"
FREQUENCIES = DATA_DIR / "wordfreq" / "small_nl.tsv"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shipped_checksums() -> dict[str, str]:
    """The manifest: each shipped file (relative to ``data/``) and its SHA-256."""
    sums = {}
    for line in SHA256SUMS.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name] = digest
    return sums


def deduce_source_dir() -> Path:
    """deduce's installed lists (without importing deduce, which builds its lookups)."""
    spec = importlib.util.find_spec("deduce")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("deduce is not installed: install the dev group (make install).")
    return Path(next(iter(spec.submodule_search_locations))) / DEDUCE_SOURCE


def frequencies_text() -> str:
    """wordfreq's small Dutch list in the shipped text form (needs wordfreq installed)."""
    import wordfreq

    lines = []
    for index, bucket in enumerate(wordfreq.get_frequency_list("nl", wordlist="small")):
        for word in bucket:
            if not word or any(c in word for c in "\t\n\r"):
                raise ValueError(f"wordfreq word {word!r} cannot be written as a line")
            lines.append(f"{word}\t{-index}\n")
    return "".join(lines)


def read_frequencies(path: Path = FREQUENCIES) -> dict[str, float]:
    """The shipped list as wordfreq's ``get_frequency_dict("nl", "small")`` gives it: the same
    words, in the same order, with the same floats (``10 ** (cB / 100)``, as wordfreq computes)."""
    frequencies: dict[str, float] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, centibels = line.rstrip("\n").split("\t")
            frequencies[word] = 10 ** (int(centibels) / 100)
    return frequencies


def refresh() -> None:
    """Copy the lists from the installed deduce and wordfreq and rewrite SHA256SUMS."""
    source = deduce_source_dir()
    for name in DEDUCE_FILES:
        target = DEDUCE_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((source / name).read_bytes())
    (DEDUCE_DIR / "LICENSE.md").write_text(
        importlib.metadata.distribution("deduce").read_text("LICENSE.md"), encoding="utf-8"
    )
    FREQUENCIES.parent.mkdir(parents=True, exist_ok=True)
    FREQUENCIES.write_text(frequencies_text(), encoding="utf-8", newline="\n")
    (FREQUENCIES.parent / "LICENSE.txt").write_text(
        importlib.metadata.distribution("wordfreq").read_text("LICENSE.txt"), encoding="utf-8"
    )
    shipped = [DEDUCE_DIR / name for name in DEDUCE_FILES] + [FREQUENCIES]
    SHA256SUMS.write_text(
        "".join(f"{sha256(path)}  {path.relative_to(DATA_DIR).as_posix()}\n" for path in shipped),
        encoding="utf-8",
    )


if __name__ == "__main__":
    refresh()
    print(f"Wrote {len(DEDUCE_FILES) + 1} files and their checksums to {DATA_DIR}.")
