"""The anonymisation scanner, side by side with deduce, on each labelled corpus.

The corpora are every ``tests/signals/data/anonymisation_corpus*.jsonl`` present when the
benchmark runs (``anonymisation_corpus.jsonl`` is corpus 1, ``anonymisation_corpus_2.jsonl``
corpus 2, and so on). Each contender runs in a fresh process of its own (``python -m
bench.scanner ours|deduce CORPUS...``), which prints one JSON line with:

- load: the time and the extra resident memory (RSS) of getting ready. Ours: ``get_scanner()``
  after ``django.setup()``. Deduce: ``Deduce()``, which loads the cache of lookup structures
  that its first build ever writes into the package. A throwaway process builds deduce first,
  so that the measured one uses that cache; if the throwaway one had to write the cache, its
  time is reported as deduce's cold build.
- quality, per corpus: :func:`signals.anonymisation.quality.evaluate`, typed (a finding of the
  expected type must cover the span; precision counts a finding as right when it overlaps an
  expected item of its own type) and untyped (any finding, any expected item), with recall and
  precision per type, the clean texts untouched and the counts behind them.
- latency per text: whole passes over all corpora together, at least :data:`MIN_SCANS` timed
  scans, after the quality passes.

The targets hold for our scanner on every corpus separately; deduce is shown beside it.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import logging
import math
import os
import re
import resource
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import psutil

from signals.anonymisation.quality import CONTEXTUAL, STRUCTURED, evaluate, load_corpus
from signals.anonymisation.scanner import Finding

from .common import MB, ROOT, Metric, Report, latency_summary, percent, run_child

MODULE = "bench.scanner"
CORPUS_DIR = ROOT / "tests" / "signals" / "data"
CORPUS_GLOB = "anonymisation_corpus*.jsonl"
CORPUS_STEM = "anonymisation_corpus"
MIN_SCANS = 2000

# The targets of the issue, for our scanner only.
MAX_LOAD_S = 2.0
MAX_MEMORY_MB = 150.0
MAX_P95_MS = 10.0
MIN_CONTEXTUAL_RECALL = 0.97
MIN_CLEAN_RATE = 0.97

# deduce's tags as our types. Its "locatie" covers addresses, postcodes and place names alike
# (adjacent ones merged): it counts as adres, and its postcode-shaped parts as postcode too.
# Tags without a counterpart (id, url, leeftijd, ziekenhuis, zorginstelling) keep their own
# name: they count for untyped recall and as redactions of clean text, never for typed recall,
# so deduce's typed recall of iban and kenteken is 0.
DEDUCE_TYPES = {
    "persoon": "naam",
    "patient": "naam",
    "bsn": "bsn",
    "telefoonnummer": "telefoon",
    "emailadres": "email",
    "datum": "geboortedatum",
}
DEDUCE_LOCATION = "locatie"
POSTCODE_SHAPE = re.compile(r"\b\d{4} ?[A-Za-z]{2}\b")
DEDUCE_CACHE = Path("data", "lookup", "cache", "lookup_structs.pickle")

Find = Callable[[str], Iterable[Finding]]
# A contender made ready to measure: its load function, and the cache file it may write.
Prepared = tuple[Callable[[], Find], Path | None]


# --- The parent: runs the children and compares ------------------------------------------------
def corpus_files(folder: Path = CORPUS_DIR) -> list[Path]:
    """Every corpus in ``folder`` now: the unnumbered one (corpus 1), the numbered ones by
    their number, then any others by name."""

    def order(path: Path) -> tuple[int, int, str]:
        suffix = corpus_suffix(path)
        if not suffix or suffix.isdigit():
            return (0, int(suffix or 1), "")
        return (1, 0, suffix)

    return sorted(folder.glob(CORPUS_GLOB), key=order)


def corpus_suffix(path: Path) -> str:
    return path.stem.removeprefix(CORPUS_STEM).lstrip("_-")


def corpus_label(path: Path | str) -> str:
    """``corpus 1`` for anonymisation_corpus.jsonl, ``corpus 2`` for …_2.jsonl, and so on."""
    return f"corpus {corpus_suffix(Path(path)) or 1}"


def run() -> Report:
    """Measure both contenders, each in its own process, on every corpus present now."""
    corpora = corpus_files()
    if not corpora:
        raise FileNotFoundError(f"no {CORPUS_GLOB} in {CORPUS_DIR}")
    paths = [str(path.relative_to(ROOT)) for path in corpora]
    _progress(f"{len(paths)} corpora: {', '.join(path.name for path in corpora)}")
    _progress("deduce, warm-up build (writes its cache the first time)")
    warmup = run_child(MODULE, "deduce", "--load-only")
    _progress("our scanner")
    ours = run_child(MODULE, "ours", *paths)
    _progress("deduce")
    deduce = run_child(MODULE, "deduce", *paths)
    cold_build_s = warmup["load_s"] if warmup["cache_written"] else None
    return Report(
        name="scanner",
        metrics=metrics(paths, ours, deduce, cold_build_s),
        data={
            "corpora": {path: corpus_label(path) for path in paths},
            "min_scans": MIN_SCANS,
            "ours": ours,
            "deduce": {
                **deduce,
                "cold_build_s": cold_build_s,
                "version": importlib.metadata.version("deduce"),
            },
        },
    )


def metrics(paths: list[str], ours: dict, deduce: dict, cold_build_s: float | None) -> list[Metric]:
    """The rows: the cost over all corpora, then the quality of each corpus."""
    texts = sum(ours["quality"][path]["typed"]["examples"] for path in paths)
    clean = sum(ours["quality"][path]["typed"]["clean_examples"] for path in paths)
    deduce_load = f"{deduce['load_s']:.2f} s"
    if cold_build_s is not None:
        deduce_load += f" (cold build {cold_build_s:.1f} s)"
    if deduce.get("cache_written"):
        deduce_load += " (built: no cache)"

    def latency(child: dict, key: str) -> str:
        return f"{child['latency'][key]:.3f} ms" if "latency" in child else "no texts"

    rows = [
        Metric(
            "all corpora",
            f"{len(paths)} files, {texts} texts, {clean} clean",
            compare={"deduce": "same"},
        ),
        Metric(
            "load time",
            f"{ours['load_s']:.2f} s",
            f"≤ {MAX_LOAD_S:g} s",
            ours["load_s"] <= MAX_LOAD_S,
            {"deduce": deduce_load},
        ),
        Metric(
            "extra memory (RSS)",
            f"{ours['memory_mb']:.1f} MB",
            f"≤ {MAX_MEMORY_MB:g} MB",
            ours["memory_mb"] <= MAX_MEMORY_MB,
            {"deduce": f"{deduce['memory_mb']:.1f} MB"},
        ),
    ]
    if "latency" in ours:
        rows += [
            Metric(
                "timed scans",
                str(ours["latency"]["scans"]),
                compare={"deduce": str(deduce.get("latency", {}).get("scans", 0))},
            ),
            Metric(
                "latency p50 per text",
                latency(ours, "p50_ms"),
                compare={"deduce": latency(deduce, "p50_ms")},
            ),
            Metric(
                "latency p95 per text",
                latency(ours, "p95_ms"),
                f"≤ {MAX_P95_MS:g} ms",
                ours["latency"]["p95_ms"] <= MAX_P95_MS,
                {"deduce": latency(deduce, "p95_ms")},
            ),
            Metric(
                "latency max per text",
                latency(ours, "max_ms"),
                compare={"deduce": latency(deduce, "max_ms")},
            ),
        ]
    for path in paths:
        rows += corpus_metrics(path, ours, deduce)
    return rows


def corpus_metrics(path: str, ours: dict, deduce: dict) -> list[Metric]:
    """The rows of one corpus: recall and precision per type, names and addresses, clean
    texts, with the targets for ours."""
    label, name = corpus_label(path), Path(path).name
    typed, untyped = ours["quality"][path]["typed"], ours["quality"][path]["untyped"]
    theirs = deduce["quality"][path]["typed"], deduce["quality"][path]["untyped"]
    rows = [
        Metric(
            label,
            f"{name}: {typed['examples']} texts, {typed['clean_examples']} clean",
            compare={"deduce": "same"},
        )
    ]
    for kind in (*CONTEXTUAL, *STRUCTURED):
        counts = typed["counts"].get(kind, {})
        rows.append(
            Metric(
                f"{label}: recall {kind}",
                type_cell(typed, untyped, kind),
                "100 %" if kind in STRUCTURED else "",
                None
                if kind not in STRUCTURED or not counts.get("expected")
                else counts["caught"] == counts["expected"],
                {"deduce": type_cell(*theirs, kind)},
            )
        )
    expected = sum(typed["counts"].get(kind, {}).get("expected", 0) for kind in CONTEXTUAL)
    contextual = typed["recall_names_and_addresses"]
    clean_rate = typed["clean_untouched"]
    rows += [
        Metric(
            f"{label}: recall names and addresses",
            percent(contextual) if expected else "no examples",
            f"≥ {MIN_CONTEXTUAL_RECALL * 100:g} %",
            contextual >= MIN_CONTEXTUAL_RECALL if expected else None,
            {"deduce": percent(theirs[0]["recall_names_and_addresses"])},
        ),
        Metric(
            f"{label}: clean texts untouched",
            percent(clean_rate) if typed["clean_examples"] else "no clean texts",
            f"≥ {MIN_CLEAN_RATE * 100:g} %",
            clean_rate >= MIN_CLEAN_RATE if typed["clean_examples"] else None,
            {"deduce": percent(theirs[0]["clean_untouched"])},
        ),
        Metric(
            f"{label}: findings overlapping nothing expected",
            str(typed["spurious_findings"]),
            compare={"deduce": str(theirs[0]["spurious_findings"])},
        ),
    ]
    return rows


def type_cell(typed: dict, untyped: dict, kind: str) -> str:
    """Typed recall and precision of one type, ``98.1 % (precision 99.0 %)``, with the untyped
    recall where that differs: ``98.1 % (any type 100.0 %; precision 99.0 %)``."""
    notes = []
    if kind in typed["recall"]:
        recall = percent(typed["recall"][kind])
        if untyped["recall"][kind] != typed["recall"][kind]:
            notes.append(f"any type {percent(untyped['recall'][kind])}")
    else:
        recall = "no examples"
    if kind in typed["precision"]:
        notes.append(f"precision {percent(typed['precision'][kind])}")
    else:
        notes.append("no findings")
    return f"{recall} ({'; '.join(notes)})"


def _progress(message: str) -> None:
    print(f"bench scanner: {message}…", file=sys.stderr, flush=True)


# --- The children: each measures one contender in a fresh process ------------------------------
def _prepare_ours() -> Prepared:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rodedraden.settings.local")
    import django

    django.setup()
    from signals.anonymisation import get_scanner

    return (lambda: get_scanner().findings), None


def _prepare_deduce() -> Prepared:
    # Importing deduce sends all logging to stdout at DEBUG unless logging is already set up.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    import deduce

    def load() -> Find:
        model = deduce.Deduce()
        return lambda text: list(_deduce_findings(model.deidentify(text)))

    return load, Path(deduce.__file__).parent / DEDUCE_CACHE


def _deduce_findings(document: Any) -> Iterator[Finding]:
    """deduce's annotations of a document as our findings (see :data:`DEDUCE_TYPES`)."""
    for annotation in document.annotations:
        start, end = int(annotation.start_char), int(annotation.end_char)
        if annotation.tag != DEDUCE_LOCATION:
            yield Finding(DEDUCE_TYPES.get(annotation.tag, annotation.tag), start, end)
            continue
        yield Finding("adres", start, end)
        for match in POSTCODE_SHAPE.finditer(document.text, start, end):
            yield Finding("postcode", match.start(), match.end())


def _cache_state(path: Path | None) -> int | None:
    return path.stat().st_mtime_ns if path is not None and path.exists() else None


def corpus_quality(corpora: list[Path], find: Find) -> dict[str, dict[str, Any]]:
    """The quality of ``find`` on each corpus (by its path as given), typed and untyped."""
    quality = {}
    for path in corpora:
        examples = load_corpus(path)
        quality[str(path)] = {
            "typed": evaluate(examples, find).as_dict(),
            "untyped": evaluate(examples, find, typed=False).as_dict(),
        }
    return quality


def _measure(
    prepare: Callable[[], Prepared],
    corpora: list[Path],
    *,
    load_only: bool,
) -> dict[str, Any]:
    texts = [example.text for path in corpora for example in load_corpus(path)]
    load, cache = prepare()
    process = psutil.Process()
    cache_before = _cache_state(cache)
    gc.collect()
    rss_before = process.memory_info().rss
    started = time.perf_counter()
    find = load()
    load_s = time.perf_counter() - started
    rss_after = process.memory_info().rss
    result: dict[str, Any] = {
        "load_s": round(load_s, 3),
        "memory_mb": round((rss_after - rss_before) / MB, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if cache is not None:
        result["cache_written"] = _cache_state(cache) != cache_before
    if load_only:
        return result

    result["quality"] = corpus_quality(corpora, find)
    if not texts:
        return result
    samples: list[int] = []
    for _ in range(math.ceil(MIN_SCANS / len(texts))):
        for text in texts:
            begin = time.perf_counter_ns()
            find(text)
            samples.append(time.perf_counter_ns() - begin)
    result["latency"] = latency_summary(samples)
    return result


CONTENDERS = {"ours": _prepare_ours, "deduce": _prepare_deduce}


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: measure one contender and print the figures as one JSON line."""
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=main.__doc__)
    parser.add_argument("contender", choices=sorted(CONTENDERS))
    parser.add_argument("corpora", nargs="*", type=Path, help="labelled corpus files (JSONL)")
    parser.add_argument("--load-only", action="store_true", help="only build, do not scan")
    args = parser.parse_args(argv)
    result = _measure(CONTENDERS[args.contender], args.corpora, load_only=args.load_only)
    print(json.dumps(result, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
