"""The memo of a beraad: the whole pipeline beside WeasyPrint alone, on the same HTML.

One fresh process (``python -m bench.memo``) builds the data in a new, empty database (as
:mod:`bench.workspace` does: a SQLite file in a temporary folder, or a new schema in the
PostgreSQL database :data:`~bench.workspace.DATABASE_ENV` names); the memo files go into that
folder too (the file system, whatever bucket is configured). Through the services: the five
bodies with a member each, a chair, an earlier session that was adopted and shared (a few
tags, :data:`EARLIER_RODE_DRADEN` rode draden with an analysis, a recommendation and a
response each, so that recurrence and follow-up show), then the measured beraad:
:data:`SIGNALS` submitted signals from the Dutch templates of :mod:`bench.workspace`,
started, tagged so that exactly :data:`RODE_DRADEN` themes are rode draden (two to five
bodies each) and :data:`OTHER_THEMES` themes stay with one body, with a summary, an analysis
with example signals and one or two recommendations per rode draad, drafted and adopted.

It then times, alternating (the order swaps every round) after one untimed warm-up of each,
:data:`RUNS` times each:

- the pipeline: ``reports.services.memo_render`` of a definitive memo freshly requested by the
  chair (``memo_request``, untimed, with the task's queueing stubbed out so that nothing renders
  it first): the queries, the snapshot → context, the charts, the template, WeasyPrint and
  storing the file. Its steps are timed on the way by thin wrappers (a clock read each side);
  between runs the memo row and its file are deleted (untimed), so that every run renders
  version 1 of the definitive memo from the same snapshot, into the same HTML (checked);
- WeasyPrint alone: ``reports.pdf.html_to_pdf`` on that HTML string.

Each timed call starts after a ``gc.collect()``. Peak memory is the child's peak RSS
(``ru_maxrss``), which includes Django and the data, so it is on the safe side.

``--profile`` prints cProfile's top entries (cumulative) of one more pipeline run to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import gc
import importlib
import io
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from .common import Metric, Report, run_child
from .workspace import CLOSINGS, PROBLEMS, SUBJECTS, _fresh_database, _setup

MODULE = "bench.memo"
RUNS = 7
PROFILE_ENTRIES = 15
SEED = 20251

SIGNALS = 300
RODE_DRADEN = 12  # the first three subjects, every problem
OTHER_THEMES = 4  # tagged by one body each: no rode draden
TAGGED_OF_TEN = 7  # the share of signals tagged, per ten
SECOND_THEME_EVERY = 4  # every fourth tagged signal gets a second rode draad of its body
EXAMPLES = 2  # example signals per analysis
EARLIER_SIGNALS_PER_BODY = 6
EARLIER_RODE_DRADEN = 4  # of the measured rode draden: they recur
# (body indexes) per theme index in the earlier session: the first four are rode draden there
EARLIER_TAGS = {0: (0, 1), 1: (1, 2), 2: (2, 3), 3: (3, 4), 4: (0,), 5: (4,)}

# The targets of the issue.
MAX_RATIO = 1.2  # pipeline / WeasyPrint alone, medians
MAX_PIPELINE_S = 5.0  # median
MAX_PEAK_MB = 500.0
ABOUT_PAGES = 25  # shown, no hard target

# The steps of the pipeline that are timed on the way (module, function), and what is left.
STEP_FUNCTIONS = {
    "context and charts": ("reports.memo", "memo_context"),
    "template": ("reports.pdf", "render_to_string"),
    "WeasyPrint": ("reports.pdf", "html_to_pdf"),
}
REST = "the rest (memo row, storing the file)"
STEPS = (*STEP_FUNCTIONS, REST)

ANALYSIS = (
    "Signalen van {k} toezichtsorganen wijzen op hetzelfde probleem: {d} Het speelt bij {s} "
    "in de hele periode en niet bij één team.",
    "Dossiers gaan heen en weer tussen toegang, uitvoering en juridische zaken, en niemand "
    "houdt het overzicht. Inwoners merken dat aan lange wachttijden en aan brieven die niet "
    "zeggen wat zij kunnen doen.",
)
# text, addressee (a value of deliberation.models.Addressee), directorate for "directie"
RECOMMENDATIONS = (
    (
        "Stel voor {s} een doorlooptijd vast en bericht inwoners actief wanneer die niet wordt "
        "gehaald.",
        "directie",
        "Sociaal domein",
    ),
    ("Laat de concerndirectie elk kwartaal sturen op de voortgang bij {s}.", "concerndirectie", ""),
    (
        "Wijs binnen drie maanden één eigenaar aan voor {s} en rapporteer elk halfjaar aan de "
        "raad.",
        "burgemeester",
        "",
    ),
)
# response, reason, status: for the recommendations of the earlier session, in order
RESPONSES = (
    ("overgenomen", "", "in_uitvoering"),
    ("deels", "Sturing gebeurt al via de P&C-cyclus.", "open"),
    ("overgenomen", "", "afgerond"),
    ("niet", "De voortgang staat al in de P&C-cyclus.", "vervallen"),
)
SUMMARY = (
    "De toezichtsorganen zien vooral dat inwoners lang moeten wachten, slecht bereikbaar zijn "
    "voor de gemeente en brieven krijgen die zij niet begrijpen.\n"
    "Een deel van de rode draden keert terug uit het vorige beraad. Het beraad doet "
    "aanbevelingen om daarop te sturen en vraagt de opvolging te bewaken."
)


# --- The parent: runs the child and reads the targets ----------------------------------------
def run() -> Report:
    """Build and measure in one fresh child process."""
    _progress(f"{SIGNALS} signals, {RODE_DRADEN} rode draden (builds the data first)")
    started = time.perf_counter()
    child = run_child(MODULE, "--runs", str(RUNS))
    child["elapsed_s"] = round(time.perf_counter() - started, 1)
    return Report(name="memo", metrics=_metrics(child), data=child)


def _s(figures: dict, key: str = "p50_ms") -> str:
    return f"{figures[key] / 1000:.2f} s"


def _metrics(child: dict) -> list[Metric]:
    data, pipeline, alone = child["data"], child["pipeline"], child["weasyprint"]
    steps = child["steps"]
    return [
        Metric("database", child["database"]),
        Metric(
            "data",
            f"{data['signals']} signals of {data['bodies']} bodies ({data['tagged_signals']} "
            f"tagged), {data['rode_draden']} rode draden + {data['other_themes']} other themes, "
            f"{data['recommendations']} recommendations, {data['earlier_sessions']} earlier "
            "session",
        ),
        Metric(
            f"memo pipeline (memo_render, definitive): median (min–max), {pipeline['runs']} runs",
            f"{_s(pipeline)} ({_s(pipeline, 'min_ms')}–{_s(pipeline, 'max_ms')})",
            f"≤ {MAX_PIPELINE_S:g} s median",
            pipeline["p50_ms"] / 1000 <= MAX_PIPELINE_S,
        ),
        Metric(
            f"WeasyPrint alone, same HTML: median (min–max), {alone['runs']} runs",
            f"{_s(alone)} ({_s(alone, 'min_ms')}–{_s(alone, 'max_ms')})",
        ),
        Metric(
            "pipeline / WeasyPrint alone (medians)",
            f"{child['ratio']:.3f}",
            f"≤ {MAX_RATIO:g}",
            child["ratio"] <= MAX_RATIO,
        ),
        Metric(
            "pipeline steps (medians)",
            " · ".join(f"{name} {steps[name]:.0f} ms" for name in STEPS),
        ),
        Metric(
            "pages (PDF size, HTML size)",
            f"{child['pages']} ({child['pdf_kb']:.0f} kB, {child['html_kb']:.0f} kB)",
            f"about {ABOUT_PAGES} (no hard target)",
        ),
        Metric(
            "peak memory of the child (RSS; after building the data)",
            f"{child['peak_rss_mb']:.0f} MB ({child['rss_after_build_mb']:.0f} MB)",
            f"≤ {MAX_PEAK_MB:g} MB",
            child["peak_rss_mb"] <= MAX_PEAK_MB,
        ),
        Metric("run time (build and measure)", f"{child['elapsed_s']:.1f} s"),
    ]


def _progress(message: str) -> None:
    print(f"bench memo: {message}…", file=sys.stderr, flush=True)


# --- The child: the data through the services, then the memo ----------------------------------
@dataclass
class Scenario:
    beraad: Any
    chair: Any
    figures: dict[str, Any] = field(default_factory=dict)


def _rode_draad_bodies(index: int, bodies: int) -> list[int]:
    """Two to five bodies per rode draad, in turn."""
    return [(index + offset) % bodies for offset in range(2 + index % 4)]


def _texts(rng: random.Random, problem: tuple, subject: str) -> dict[str, str]:
    return {
        "title": rng.choice(problem[2]).format(s=subject),
        "description": problem[3].format(s=subject, n=rng.randint(3, 40)) + rng.choice(CLOSINGS),
    }


def _build() -> Scenario:
    """Bodies, members, a chair, an earlier shared session and the adopted beraad to measure,
    all through the services."""
    from django.db import transaction

    from deliberation import services
    from deliberation.models import BeraadSignal, Tag
    from deliberation.selectors import theme_statuses
    from rodedraden.accounts.models import Role
    from rodedraden.accounts.services import user_create
    from signals import services as signal_services
    from signals.demo import BODIES, ORGANISATION_UNITS
    from signals.models import Aspect, Impact, OrganisationUnit

    rng = random.Random(SEED)  # noqa: S311 (synthetic data, not a secret)
    with transaction.atomic():
        chair = user_create(username="voorzitter", role=Role.CHAIR)
        bodies = []
        for slug, name, kind, *_person in BODIES:
            body = signal_services.body_create(name=name, slug=slug, kind=kind)
            member = user_create(username=f"lid-{slug}", role=Role.MEMBER)
            signal_services.membership_create(user=member, body=body, notify=False)
            bodies.append((body, member))
        teams = []
        for directorate, names in ORGANISATION_UNITS.items():
            parent = signal_services.organisation_unit_create(name=directorate)
            teams += [
                signal_services.organisation_unit_create(name=n, parent=parent) for n in names
            ]
        directorates = {unit.name: unit for unit in OrganisationUnit.objects.filter(parent=None)}
        aspects = list(Aspect.objects.all())
        # Theme i is problem i % 4 about subject i // 4: first the rode draden, then the others
        # (one body each), then the subjects of the untagged signals.
        themes = [
            services.theme_create(
                user=chair, name=problem[0].format(s=subject), description=problem[1]
            )
            for subject in SUBJECTS[: (RODE_DRADEN + OTHER_THEMES) // len(PROBLEMS)]
            for problem in PROBLEMS
        ]

        def signal(body_index: int, theme_index: int, start: date, end: date) -> Any:
            """A submitted signal of a body about a theme (or, beyond the themes, a subject)."""
            body, member = bodies[body_index]
            problem = PROBLEMS[theme_index % len(PROBLEMS)]
            subject = SUBJECTS[(theme_index // len(PROBLEMS)) % len(SUBJECTS)]
            created = signal_services.signal_create(
                body=body,
                author=member,
                **_texts(rng, problem, subject),
                period_start=start,
                period_end=end,
                case_count=rng.randint(1, 40),
                impact=rng.choice(Impact.values),
                aspects=rng.sample(aspects, k=rng.randint(1, 2)),
                organisation_units=[rng.choice(teams)],
            )
            return signal_services.signal_submit(signal=created, user=member)

        def session(title: str, season: str, year: int, start: date, end: date) -> Any:
            held = date(year, 3, 15) if season == "voorjaar" else date(year, 10, 15)
            beraad = services.beraad_create(
                user=chair,
                title=title,
                season=season,
                year=year,
                date=held,
                period_start=start,
                period_end=end,
                submission_deadline=held - timedelta(days=21),
                bodies=[body for body, _member in bodies],
            )
            beraad = services.beraad_open_intake(beraad=beraad, user=chair)
            return services.beraad_start(beraad=beraad, user=chair)

        def tag(beraad: Any, planned: dict[int, list[int]]) -> None:
            for inclusion in beraad.inclusions.order_by("pk"):
                for theme_index in planned.get(inclusion.signal_id, []):
                    services.tag_set(
                        beraad=beraad,
                        inclusion=inclusion,
                        theme=themes[theme_index],
                        user=chair,
                        tagged=True,
                    )

        def conclude(beraad: Any, recommendations: int) -> Any:
            """An analysis (with examples) and recommendations per rode draad, summary, adopt."""
            for number, status in enumerate(s for s in theme_statuses(beraad) if s.is_rode_draad):
                index = next(i for i, t in enumerate(themes) if t.pk == status.theme.pk)
                subject = SUBJECTS[index // len(PROBLEMS)]
                examples = BeraadSignal.objects.filter(beraad=beraad, tags__theme=status.theme)
                services.analysis_save(
                    beraad=beraad,
                    theme=status.theme,
                    user=chair,
                    version=0,
                    text="\n".join(ANALYSIS).format(
                        k=len(status.bodies), d=PROBLEMS[index % len(PROBLEMS)][1], s=subject
                    ),
                    example_ids=[example.pk for example in examples.order_by("pk")[:EXAMPLES]],
                )
                count = recommendations or (1 + number % 2)
                for offset in range(count):
                    text, addressee, directorate = RECOMMENDATIONS[(number + offset) % 3]
                    services.recommendation_create(
                        beraad=beraad,
                        theme=status.theme,
                        user=chair,
                        text=text.format(s=subject),
                        addressee=addressee,
                        directorate=directorates.get(directorate),
                    )
            beraad = services.beraad_update(
                beraad=beraad,
                user=chair,
                version=beraad.version,
                title=beraad.title,
                date=beraad.date,
                period_start=beraad.period_start,
                period_end=beraad.period_end,
                submission_deadline=beraad.submission_deadline,
                bodies=beraad.bodies.all(),
                agenda="1. Opening\n2. Signalen per orgaan\n3. Rode draden\n4. Aanbevelingen",
                attendance="Voorzitter; de secretarissen van de vijf toezichtsorganen.",
                minutes="De signalen zijn per orgaan toegelicht en de rode draden benoemd.",
                summary=SUMMARY,
                min_bodies=beraad.min_bodies,
            )
            beraad = services.beraad_draft_memo(beraad=beraad, user=chair)
            return services.beraad_adopt(beraad=beraad, user=chair)

        # The earlier session: a few tags, four rode draden, shared, with responses.
        start, end = date(2024, 7, 1), date(2024, 12, 31)
        earlier_planned: dict[int, list[int]] = {}
        for body_index in range(len(bodies)):
            own = [t for t, tagged_by in EARLIER_TAGS.items() if body_index in tagged_by]
            for k in range(EARLIER_SIGNALS_PER_BODY):
                theme_index = own[k] if k < len(own) else RODE_DRADEN + OTHER_THEMES + k
                created = signal(body_index, theme_index, start, end)
                if k < len(own):
                    earlier_planned[created.pk] = [theme_index]
        earlier = session("Rode-dradenberaad voorjaar 2025", "voorjaar", 2025, start, end)
        tag(earlier, earlier_planned)
        earlier = services.beraad_share(beraad=conclude(earlier, 1), user=chair)
        for recommendation, (response, reason, status) in zip(
            earlier.recommendations.order_by("pk"), RESPONSES, strict=False
        ):
            services.recommendation_respond(
                recommendation=recommendation,
                user=chair,
                version=recommendation.version,
                response=response,
                response_reason=reason,
                owner="Directeur Sociaal domein" if response != "niet" else "",
                due_date=earlier.date + timedelta(days=240),
                progress="Plan van aanpak is vastgesteld." if status != "vervallen" else "",
                status=status,
            )

        # The measured beraad.
        start, end = date(2025, 1, 1), date(2025, 6, 30)
        per_body: list[list[int]] = [
            [i for i in range(RODE_DRADEN) if b in _rode_draad_bodies(i, len(bodies))]
            for b in range(len(bodies))
        ]
        planned: dict[int, list[int]] = {}
        tagged_so_far = [0] * len(bodies)
        for index in range(SIGNALS):
            body_index = index % len(bodies)
            rode = per_body[body_index]
            own = rode + ([RODE_DRADEN + body_index] if body_index < OTHER_THEMES else [])
            if (index // len(bodies)) % 10 >= TAGGED_OF_TEN:  # untagged, about other subjects
                signal(body_index, RODE_DRADEN + OTHER_THEMES + rng.randrange(12), start, end)
                continue
            count = tagged_so_far[body_index]
            tagged_so_far[body_index] += 1
            # Every theme of the body once first, then at random.
            first = own[count] if count < len(own) else rng.choice(own)
            chosen = [first]
            if count % SECOND_THEME_EVERY == SECOND_THEME_EVERY - 1:
                chosen.append(rng.choice([t for t in rode if t != first]))
            planned[signal(body_index, first, start, end).pk] = chosen
        beraad = session("Rode-dradenberaad najaar 2025", "najaar", 2025, start, end)
        tag(beraad, planned)
        beraad = conclude(beraad, 0)

    snapshot = beraad.snapshot
    rows = snapshot["rode_draden"]
    figures = {
        "bodies": len(bodies),
        "signals": len(snapshot["signals"]),
        "tagged_signals": len(planned),
        "tags": Tag.objects.filter(beraad=beraad).count(),
        "rode_draden": sum(row["is_rode_draad"] for row in rows),
        "recurring_rode_draden": sum(row["is_rode_draad"] and row["recurred"] for row in rows),
        "other_themes": sum(not row["is_rode_draad"] for row in rows),
        "analyses": len(snapshot["analyses"]),
        "recommendations": len(snapshot["recommendations"]),
        "follow_up": len(snapshot["follow_up"]),
        "earlier_sessions": 1,
    }
    expected = (SIGNALS, RODE_DRADEN, OTHER_THEMES, EARLIER_RODE_DRADEN)
    names = ("signals", "rode_draden", "other_themes", "recurring_rode_draden")
    found = tuple(figures[name] for name in names)
    if found != expected:
        raise RuntimeError(f"{', '.join(names)}: {found}, not {expected}")
    return Scenario(beraad, chair, figures)


@dataclass
class Steps:
    """The times of the pipeline's steps, taken by wrapping them (a clock read each side)."""

    times: dict[str, list[int]] = field(default_factory=dict)
    html: str = ""

    @contextlib.contextmanager
    def wrapped(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for name, (path, attribute) in STEP_FUNCTIONS.items():
                module = importlib.import_module(path)
                wrapper = self._timed(name, getattr(module, attribute))
                stack.enter_context(mock.patch.object(module, attribute, wrapper))
            yield

    def _timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            begin = time.perf_counter_ns()
            result = function(*args, **kwargs)
            self.times.setdefault(name, []).append(time.perf_counter_ns() - begin)
            if name == "template":
                self.html = result
            return result

        return timed


def _summary(samples_ns: list[int]) -> dict[str, Any]:
    ms = [sample / 1e6 for sample in samples_ns]
    return {
        "runs": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
        "samples_ms": [round(value, 1) for value in ms],
    }


def _profile(label: str, call: Callable[[], Any]) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(call)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(PROFILE_ENTRIES)
    print(f"--- profile: {label}\n{out.getvalue()}", file=sys.stderr, flush=True)


def _measure(scenario: Scenario, runs: int, *, profile: bool) -> dict[str, Any]:
    """The pipeline and WeasyPrint alone, alternating, after a warm-up of each."""
    from reports import pdf, services
    from reports.models import Memo, MemoState

    html_to_pdf = pdf.html_to_pdf  # the real one, also while the pipeline's steps are wrapped
    steps = Steps()
    pipeline_ns: list[int] = []
    alone_ns: list[int] = []
    checked: dict[str, Any] = {}

    def request() -> Memo:
        """A definitive memo asked for by the chair, left waiting (untimed)."""
        with mock.patch("reports.tasks.memo_render_task.delay"):
            memo = services.memo_request(
                beraad=scenario.beraad, user=scenario.chair, definitive=True
            )
        memo.refresh_from_db()
        if memo.state != MemoState.WACHTEND:
            raise RuntimeError(f"the memo is {memo.state} before it was rendered")
        return memo

    def done(memo: Memo) -> None:
        """Check the memo that was rendered, then delete it and its file (untimed)."""
        memo.refresh_from_db()
        if memo.state != MemoState.KLAAR or not memo.file.storage.exists(memo.file.name):
            raise RuntimeError(f"the memo is {memo.state}, without its file")
        with memo.file.open("rb") as stored:
            if stored.read(5) != b"%PDF-":
                raise RuntimeError("the stored memo is no PDF")
        checked.update(pages=memo.page_count, pdf_bytes=memo.size, version=memo.version)
        memo.file.delete(save=False)
        memo.delete()

    def pipeline(timed: bool = True) -> None:
        memo = request()
        gc.collect()
        with steps.wrapped():
            begin = time.perf_counter_ns()
            rendered = services.memo_render(memo_id=memo.pk)
            elapsed = time.perf_counter_ns() - begin
        if not rendered:
            raise RuntimeError("memo_render rendered nothing")
        if not checked.get("html"):
            checked["html"] = steps.html
        elif steps.html != checked["html"]:
            raise RuntimeError("the pipeline rendered other HTML than the first time")
        done(memo)
        if timed:
            pipeline_ns.append(elapsed)
            timed_steps = sum(steps.times[name][-1] for name in STEP_FUNCTIONS)
            steps.times.setdefault(REST, []).append(elapsed - timed_steps)

    def alone(timed: bool = True) -> None:
        gc.collect()
        begin = time.perf_counter_ns()
        pdf_bytes, pages = html_to_pdf(checked["html"])
        elapsed = time.perf_counter_ns() - begin
        if pages != checked["pages"] or not pdf_bytes.startswith(b"%PDF-"):
            raise RuntimeError(f"WeasyPrint alone made {pages} pages, not {checked['pages']}")
        if timed:
            alone_ns.append(elapsed)

    pipeline(timed=False)
    alone(timed=False)
    steps.times.clear()
    for round_ in range(runs):
        for call in (pipeline, alone) if round_ % 2 == 0 else (alone, pipeline):
            call()

    if profile:
        memo = request()
        _profile("memo_render, definitive", lambda: services.memo_render(memo_id=memo.pk))
        done(memo)
    return {
        "pipeline": _summary(pipeline_ns),
        "weasyprint": _summary(alone_ns),
        "ratio": round(statistics.median(pipeline_ns) / statistics.median(alone_ns), 3),
        "steps": {name: _summary(steps.times[name])["p50_ms"] for name in STEPS},
        "steps_samples_ms": {name: _summary(steps.times[name])["samples_ms"] for name in STEPS},
        "pages": checked["pages"],
        "pdf_kb": round(checked["pdf_bytes"] / 1024, 1),
        "html_kb": round(len(checked["html"].encode()) / 1024, 1),
        "memo_version": checked["version"],
    }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _measure_all(runs: int, *, profile: bool) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-memo-"))
    try:
        # The memo files go into the folder too, never into a bucket.
        os.environ.update(MEDIA_ROOT=str(folder / "media"), S3_BUCKET="")
        _setup(folder)
        from django.core.management import call_command
        from django.db import connection

        drop = _fresh_database(f"bench_memo_{os.getpid()}", folder)
        try:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            scenario = _build()
            build_s = time.perf_counter() - started
            rss_after_build = _peak_rss_mb()
            figures = _measure(scenario, runs, profile=profile)
        finally:
            drop()
        if connection.vendor == "sqlite":
            version = connection.Database.sqlite_version
        else:
            version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        connection.close()
        return {
            "database": f"{connection.display_name} {version}",
            "data": scenario.figures,
            "build_s": round(build_s, 1),
            **figures,
            "rss_after_build_mb": rss_after_build,
            "peak_rss_mb": _peak_rss_mb(),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: build, measure, print the figures as one JSON line."""
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=main.__doc__)
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each (≥ 1)")
    parser.add_argument("--profile", action="store_true", help="cProfile to stderr as well")
    args = parser.parse_args(argv)
    result = _measure_all(max(args.runs, 1), profile=args.profile)
    print(json.dumps(result, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
