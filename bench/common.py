"""What every benchmark shares: the report it returns and the helpers to measure in a child."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CHILD_TIMEOUT = 30 * 60  # seconds; deduce's first build alone can take a minute and a half


@dataclass(frozen=True)
class Metric:
    """One row of the table: our figure, its target (if any) and the figures compared with."""

    name: str
    value: str
    target: str = ""
    passed: bool | None = None  # None: shown for information, without a target
    compare: dict[str, str] = field(default_factory=dict)  # column -> figure

    @property
    def result(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "FAIL")

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.name,
            "value": self.value,
            "target": self.target,
            "result": self.result,
            **self.compare,
        }


@dataclass
class Report:
    """What a benchmark returns: the rows of the table and its raw figures."""

    name: str
    metrics: list[Metric]
    data: dict[str, Any]

    @property
    def failures(self) -> list[Metric]:
        return [metric for metric in self.metrics if metric.passed is False]


class ChildError(RuntimeError):
    """A measuring child process failed or printed no result."""


def run_child(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args`` in a fresh process; return the JSON of its last line."""
    command = [sys.executable, "-m", module, *args]
    completed = subprocess.run(  # noqa: S603 (our own interpreter and module, no shell)
        command, cwd=ROOT, capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False
    )
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    if completed.returncode != 0 or not lines:
        raise ChildError(
            f"{' '.join(command[1:])} exited with {completed.returncode}:\n{completed.stderr}"
        )
    return json.loads(lines[-1])


def latency_summary(samples_ns: Sequence[int]) -> dict[str, float]:
    """p50, p95, max and mean of per-call times, in milliseconds."""
    ms = sorted(sample / 1e6 for sample in samples_ns)
    return {
        "scans": len(ms),
        "p50_ms": round(statistics.median(ms), 4),
        "p95_ms": round(statistics.quantiles(ms, n=100, method="inclusive")[94], 4),
        "max_ms": round(ms[-1], 4),
        "mean_ms": round(statistics.fmean(ms), 4),
    }


def percent(fraction: float) -> str:
    return f"{fraction * 100:.1f} %"


def signed_in_client(user: Any) -> Any:
    """A ``django.test.Client`` signed in as ``user`` — with the second factor verified for
    the roles that need one, as the two-step login leaves the session (the login itself is
    measured by bench.load)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.needs_second_factor:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="default", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
