"""``python -m bench [names...]``: run the benchmarks, print one table, write results.json.

Exits with 1 when one of our targets fails (the figures of what we compare with have none).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from . import load, memo, pages, scanner, workspace
from .common import Report

BENCHMARKS: dict[str, Callable[[], Report]] = {
    "scanner": scanner.run,
    "workspace": workspace.run,
    "memo": memo.run,
    "load": load.run,
    "pages": pages.run,
}
RESULTS = Path(__file__).resolve().parent / "results.json"
COLUMNS = ("benchmark", "metric", "ours", "target", "result")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            models = [line.split(":", 1)[1] for line in cpuinfo if line.startswith("model name")]
    except OSError:
        models = []
    if models:
        cpu = models[0].strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def table(reports: list[Report]) -> str:
    """All reports as one Markdown table; the compared figures get a column each."""
    extra: list[str] = []
    for report in reports:
        for metric in report.metrics:
            extra += [column for column in metric.compare if column not in extra]
    rows = [[*COLUMNS, *extra]]
    for report in reports:
        for index, metric in enumerate(report.metrics):
            rows.append(
                [
                    report.name if index == 0 else "",
                    metric.name,
                    metric.value,
                    metric.target,
                    metric.result,
                    *(metric.compare.get(column, "") for column in extra),
                ]
            )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def write_results(reports: list[Report], timestamp: str) -> None:
    """Update results.json with these reports; those of benchmarks not run now are kept."""
    try:
        benchmarks = json.loads(RESULTS.read_text(encoding="utf-8"))["benchmarks"]
    except (OSError, ValueError, KeyError):
        benchmarks = {}
    for report in reports:
        benchmarks[report.name] = {
            "timestamp": timestamp,
            "table": [metric.as_dict() for metric in report.metrics],
            **report.data,
        }
    results = {"timestamp": timestamp, "machine": machine(), "benchmarks": benchmarks}
    text = json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True)
    RESULTS.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"of {', '.join(BENCHMARKS)} (default: all)")
    names = parser.parse_args(argv).names or list(BENCHMARKS)
    if unknown := [name for name in names if name not in BENCHMARKS]:
        parser.error(f"unknown benchmark {', '.join(unknown)}; there are {', '.join(BENCHMARKS)}")
    timestamp = datetime.now(UTC).isoformat(timespec="seconds")
    reports = [BENCHMARKS[name]() for name in dict.fromkeys(names)]
    print(table(reports))
    write_results(reports, timestamp)
    failures = [(report.name, metric) for report in reports for metric in report.failures]
    for name, metric in failures:
        message = f"FAIL {name}: {metric.name} is {metric.value}, the target is {metric.target}"
        print(message, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
