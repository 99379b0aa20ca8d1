"""The chair's tagging workspace of the deliberation app, at 100 and at 500 signals.

One fresh process (``python -m bench.workspace SIZE...``) measures every size, each in a new,
empty database of its own: a SQLite file in a temporary folder, or, when
:data:`DATABASE_ENV` names a PostgreSQL database, a new schema in it (dropped afterwards). It
migrates, then builds the data through the services: the five bodies with a member each, a
chair, :data:`THEMES` themes, one beraad whose signals come from a few Dutch templates, 60 %
of them tagged with one or two themes (the common themes, tagged by every body, become rode
draden; the others stay with one body). With ``django.test.Client``, signed in as the chair
and DEBUG off, it times whole requests through the full Django stack, in-process:

- the workspace page (GET): :data:`WARMUPS` untimed, then :data:`PAGE_REQUESTS` timed, and the
  SQL queries of one more; each rendered anew (as after a write), not from the page cache;
- the tag toggle (POST as htmx, answered with a fragment), tagging and untagging a few
  untagged signals in turn: :data:`TOGGLE_REQUESTS` timed, and the queries of each kind.

``--profile`` prints cProfile's top entries (cumulative, without the request's plumbing) of
one page and one toggle per size to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .common import Metric, Report, latency_summary, run_child, signed_in_client

MODULE = "bench.workspace"
DATABASE_ENV = "BENCH_DATABASE_URL"
SIZES = (100, 500)
WARMUPS = 2
PAGE_REQUESTS = 15
TOGGLE_REQUESTS = 40
TOGGLE_SIGNALS = 4
PROFILE_ENTRIES = 15
# The request's plumbing (test client, handlers, middleware) tops any cumulative profile.
PROFILE_SKIP = r"^(?!.*(test/client|core/handlers|deprecation|middleware|contextlib)).*$"
SEED = 20250

# The targets of the issue.
MAX_PAGE_MEDIAN_MS = 300.0  # at the largest size
MAX_TOGGLE_MEDIAN_MS = 50.0

# Themes are problem x subject; signals are written about their (first) theme.
# problem: theme name, theme description, signal titles, signal description
PROBLEMS = (
    (
        "Trage besluiten over {s}",
        "Beslissingen komen te laat en inwoners horen niets.",
        ("Aanvragen {s} blijven liggen", "Beslistermijn {s} vaak overschreden"),
        "Bij {s} wordt in {n} zaken niet binnen de wettelijke termijn beslist. Inwoners horen "
        "niets over de voortgang en moeten zelf navragen hoe het staat.",
    ),
    (
        "Bereikbaarheid bij {s}",
        "Inwoners komen niet door of worden niet teruggebeld.",
        ("Terugbellen over {s} blijft uit", "Inwoners komen niet door bij {s}"),
        "Inwoners met een vraag over {s} worden niet teruggebeld. In {n} meldingen belden zij "
        "drie of vier keer voordat zij een medewerker spraken.",
    ),
    (
        "Onbegrijpelijke brieven over {s}",
        "Besluiten en brieven zijn niet te begrijpen of niet gemotiveerd.",
        ("Brieven over {s} niet te volgen", "Besluiten over {s} slecht gemotiveerd"),
        "Brieven en besluiten over {s} noemen artikelen en bedragen, maar leggen niet uit wat "
        "de inwoner kan doen. Dat leidde tot {n} bezwaren die niet nodig waren.",
    ),
    (
        "Opvolging van afspraken over {s}",
        "Toezeggingen en aanbevelingen worden niet of traag uitgevoerd.",
        ("Toezeggingen over {s} niet nagekomen", "Aanbevelingen over {s} niet uitgevoerd"),
        "Afspraken en toezeggingen over {s} worden gemaakt maar niet uitgevoerd. Niemand "
        "bewaakt de voortgang; het ging om {n} dossiers.",
    ),
)
SUBJECTS = (
    "de Wmo",
    "de jeugdhulp",
    "de bijstand",
    "de schuldhulpverlening",
    "het leerlingenvervoer",
    "parkeervergunningen",
    "omgevingsvergunningen",
    "de afvalinzameling",
    "de gemeentelijke belastingen",
    "het Klantcontactcentrum",
)
CLOSINGS = (
    "",
    " Het gaat vooral om inwoners die minder digitaal vaardig zijn.",
    " Het patroon is hetzelfde als in het halfjaar ervoor.",
    " Medewerkers geven aan dat de werkvoorraad te groot is.",
)
THEMES = len(PROBLEMS) * len(SUBJECTS)
COMMON_THEMES = 8  # tagged by every body: the rode draden
TAGGED_OF_FIVE = 3  # 60 % of the signals are tagged
SECOND_THEME = 0.35  # the share of tagged signals with a second theme


# --- The parent: runs the child and reads the targets ----------------------------------------
def run() -> Report:
    """Build and measure every size in one fresh child process."""
    _progress(f"{' and '.join(map(str, SIZES))} signals (builds the data first)")
    started = time.perf_counter()
    child = run_child(MODULE, *map(str, SIZES))
    child["elapsed_s"] = round(time.perf_counter() - started, 1)
    return Report(name="workspace", metrics=_metrics(child), data=child)


def _ms(figures: dict, key: str = "p50_ms") -> str:
    return f"{figures[key]:.1f} ms"


def _metrics(child: dict) -> list[Metric]:
    sizes = {int(size): figures for size, figures in child["sizes"].items()}
    largest = max(sizes)
    metrics = [Metric("database", child["database"])]
    for size, figures in sorted(sizes.items()):
        page, toggle = figures["page"], figures["toggle"]
        metrics += [
            Metric(
                f"data, {size} signals",
                f"{figures['tagged_signals']} tagged ({figures['tags']} tags), "
                f"{figures['rode_draden']} rode draden, {child['themes']} themes",
            ),
            Metric(
                f"workspace GET, {size} signals: median (p95)",
                f"{_ms(page)} ({_ms(page, 'p95_ms')})",
                f"≤ {MAX_PAGE_MEDIAN_MS:g} ms median" if size == largest else "",
                page["p50_ms"] <= MAX_PAGE_MEDIAN_MS if size == largest else None,
            ),
            Metric(
                f"tag toggle (htmx), {size} signals: median (p95)",
                f"{_ms(toggle)} ({_ms(toggle, 'p95_ms')})",
                f"≤ {MAX_TOGGLE_MEDIAN_MS:g} ms median",
                toggle["p50_ms"] <= MAX_TOGGLE_MEDIAN_MS,
            ),
        ]
    label = " / ".join(map(str, sorted(sizes)))
    page_queries = [sizes[size]["page"]["queries"] for size in sorted(sizes)]
    metrics += [
        Metric(
            f"workspace GET queries, {label} signals",
            " / ".join(map(str, page_queries)),
            "constant",
            len(set(page_queries)) == 1,
        ),
        Metric(
            f"tag toggle queries (tag, untag), {label} signals",
            " / ".join(
                f"{sizes[size]['toggle']['queries']['tag']}, "
                f"{sizes[size]['toggle']['queries']['untag']}"
                for size in sorted(sizes)
            ),
        ),
        Metric(
            f"workspace page size, {label} signals",
            " / ".join(f"{sizes[size]['page']['kb']:.0f} kB" for size in sorted(sizes)),
        ),
        Metric("run time (build and measure)", f"{child['elapsed_s']:.1f} s"),
    ]
    return metrics


def _progress(message: str) -> None:
    print(f"bench workspace: {message}…", file=sys.stderr, flush=True)


# --- The child: one database per size, built through the services, measured via the Client ---
def _setup(folder: Path) -> None:
    """Django with DEBUG off, on a throwaway database (the given one, or SQLite)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rodedraden.settings.local")
    os.environ.update(
        DATABASE_URL=os.environ.get(DATABASE_ENV) or f"sqlite:///{folder / 'bench.sqlite3'}",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if settings.DEBUG:
        raise RuntimeError("DEBUG must be off while measuring")
    if os.environ.get(DATABASE_ENV) and connection.vendor != "postgresql":
        raise SystemExit(f"{DATABASE_ENV} must name a PostgreSQL database")


def _fresh_database(name: str, folder: Path) -> Callable[[], None]:
    """Point the default connection at a new, empty database; return what removes it."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    connection.close()
    ContentType.objects.clear_cache()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(folder / f"{name}.sqlite3")
        return lambda: None  # the folder goes at the end
    # PostgreSQL: a schema of our own, and only that one on the search path.
    schema = connection.ops.quote_name(name)
    connection.settings_dict.setdefault("OPTIONS", {})["options"] = f"-c search_path={name}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {schema} CASCADE")

    return drop


@dataclass
class Scenario:
    beraad: Any
    chair: Any
    toggle_inclusions: list[int]
    toggle_theme: int
    figures: dict[str, Any]


@dataclass
class World:
    """What every benchmark's data starts from: the chair, the bodies (each with a member),
    the organisation's teams, the shared aspects and the theme catalogue."""

    chair: Any
    bodies: list[tuple[Any, Any]]  # (body, its member)
    teams: list[Any]
    aspects: list[Any]
    themes: list[Any]  # problem x subject: subject by subject, each with every problem

    @property
    def common(self) -> list[Any]:
        """The themes every body tags (they become rode draden)."""
        return self.themes[:COMMON_THEMES]

    def own(self, body_index: int) -> list[Any]:
        """The themes only the body with this index tags."""
        return self.themes[COMMON_THEMES + body_index :: len(self.bodies)]


def build_world(*, bulk_themes: bool = False) -> World:
    """The chair, the five bodies with a member each, the teams and the themes, through the
    services (the themes in one insert with ``bulk_themes``: the theme events go with them)."""
    from deliberation import services
    from deliberation.models import Theme
    from rodedraden.accounts.models import Role
    from rodedraden.accounts.services import user_create
    from signals import services as signal_services
    from signals.demo import BODIES, ORGANISATION_UNITS
    from signals.models import Aspect

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
        teams += [signal_services.organisation_unit_create(name=n, parent=parent) for n in names]
    pairs = [(problem, subject) for subject in SUBJECTS for problem in PROBLEMS]
    if bulk_themes:
        themes = Theme.objects.bulk_create(
            Theme(name=problem[0].format(s=subject), description=problem[1])
            for problem, subject in pairs
        )
    else:
        themes = [
            services.theme_create(
                user=chair, name=problem[0].format(s=subject), description=problem[1]
            )
            for problem, subject in pairs
        ]
    return World(chair, bodies, teams, list(Aspect.objects.all()), themes)


def signal_text(rng: random.Random, theme_index: int) -> tuple[str, str]:
    """A clean Dutch title and description of a signal about theme ``theme_index`` (of the
    themes of :func:`build_world`)."""
    problem = PROBLEMS[theme_index % len(PROBLEMS)]
    subject = SUBJECTS[theme_index // len(PROBLEMS)]
    title = rng.choice(problem[2]).format(s=subject)
    description = problem[3].format(s=subject, n=rng.randint(3, 40)) + rng.choice(CLOSINGS)
    return title, description


def _build(size: int) -> Scenario:
    """Bodies, members, a chair, the themes and a started beraad with ``size`` tagged signals,
    all through the services."""
    from django.db import transaction

    from deliberation import selectors, services
    from deliberation.models import Tag
    from signals import services as signal_services
    from signals.models import Impact

    rng = random.Random(SEED + size)  # noqa: S311 (synthetic data, not a secret)
    start, end = date(2025, 1, 1), date(2025, 6, 30)
    with transaction.atomic():
        world = build_world()
        chair, bodies, teams = world.chair, world.bodies, world.teams
        aspects, themes = world.aspects, world.themes
        common = world.common
        own = [world.own(k) for k in range(len(bodies))]

        planned: dict[int, list[int]] = {}
        for index in range(size):
            body, member = bodies[index % len(bodies)]
            pool = own[index % len(bodies)]
            first = rng.choice(common if rng.random() < 0.5 else pool)
            title, description = signal_text(rng, themes.index(first))
            signal = signal_services.signal_create(
                body=body,
                author=member,
                title=title,
                description=description,
                period_start=start,
                period_end=end,
                case_count=rng.randint(1, 40),
                impact=rng.choice(Impact.values),
                aspects=rng.sample(aspects, k=rng.randint(1, 2)),
                organisation_units=[rng.choice(teams)],
            )
            signal_services.signal_submit(signal=signal, user=member)
            if index % 5 < TAGGED_OF_FIVE:
                chosen = [first]
                if rng.random() < SECOND_THEME:
                    chosen.append(rng.choice([t for t in common + pool if t != first]))
                planned[signal.pk] = [theme.pk for theme in chosen]

        beraad = services.beraad_create(
            user=chair,
            title="Rode-dradenberaad najaar 2025",
            season="najaar",
            year=2025,
            date=date(2025, 10, 15),
            period_start=start,
            period_end=end,
            submission_deadline=date(2025, 9, 24),
            bodies=[body for body, _member in bodies],
        )
        beraad = services.beraad_open_intake(beraad=beraad, user=chair)
        beraad = services.beraad_start(beraad=beraad, user=chair)
        by_pk = {theme.pk: theme for theme in themes}
        untagged = []
        for inclusion in beraad.inclusions.order_by("pk"):
            for theme_pk in planned.get(inclusion.signal_id, []):
                services.tag_set(
                    beraad=beraad,
                    inclusion=inclusion,
                    theme=by_pk[theme_pk],
                    user=chair,
                    tagged=True,
                )
            if inclusion.signal_id not in planned:
                untagged.append(inclusion.pk)
    figures = {
        "bodies": len(bodies),
        "signals": beraad.inclusions.count(),
        "tagged_signals": len(planned),
        "tags": Tag.objects.filter(beraad=beraad).count(),
        "rode_draden": len(selectors.matrix(beraad).rode_draden),
    }
    if figures["signals"] != size:
        raise RuntimeError(f"the beraad has {figures['signals']} signals, not {size}")
    return Scenario(beraad, chair, untagged[:TOGGLE_SIGNALS], common[0].pk, figures)


def _profile(label: str, call: Callable[[], Any]) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(call)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(PROFILE_SKIP, PROFILE_ENTRIES)
    print(f"--- profile: {label}\n{out.getvalue()}", file=sys.stderr, flush=True)


def _summary(samples: list[int], queries: Any) -> dict[str, Any]:
    summary: dict[str, Any] = latency_summary(samples)
    summary["requests"] = summary.pop("scans")
    summary["queries"] = queries
    return summary


def _measure(scenario: Scenario, *, profile: bool) -> dict[str, Any]:
    """Time the workspace page and the tag toggle as the chair, through the Django stack."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from deliberation.models import Tag
    from rodedraden.pagecache.services import data_version_bump

    beraad, size = scenario.beraad, scenario.figures["signals"]
    client = signed_in_client(scenario.chair)
    page_url = reverse("deliberation:workspace", kwargs={"pk": beraad.pk})
    tag_url = reverse("deliberation:tag", kwargs={"pk": beraad.pk})
    pages: list[bytes] = []

    def page(*, bump: bool = True) -> int:
        """One workspace GET: its time in ns; checked (untimed) for every card. The data
        version is raised first, as by a tag: the page is rendered, not taken from the page
        cache (rodedraden.pagecache; bench.pages times that too)."""
        if bump:
            data_version_bump()
        begin = time.perf_counter_ns()
        response = client.get(page_url)
        elapsed = time.perf_counter_ns() - begin
        if response.status_code != 200 or response.content.count(b'class="signal-card"') != size:
            raise RuntimeError(f"the workspace answered {response.status_code} without the cards")
        pages[:] = [response.content]
        return elapsed

    def toggle(step: int) -> int:
        """Even steps tag, odd steps untag a signal: the time in ns; checked untimed."""
        inclusion = scenario.toggle_inclusions[(step // 2) % len(scenario.toggle_inclusions)]
        data = {"inclusion": inclusion, "theme": scenario.toggle_theme, "tagged": 1 - step % 2}
        begin = time.perf_counter_ns()
        response = client.post(tag_url, data, headers={"HX-Request": "true"})
        elapsed = time.perf_counter_ns() - begin
        if response.status_code != 200 or f'id="tags-{inclusion}"'.encode() not in response.content:
            raise RuntimeError(f"the tag toggle answered {response.status_code}")
        tag = Tag.objects.filter(inclusion_id=inclusion, theme_id=scenario.toggle_theme)
        if tag.exists() != (step % 2 == 0):
            raise RuntimeError("the tag toggle did not change the tag")
        return elapsed

    for _ in range(WARMUPS):
        page()
    data_version_bump()
    with CaptureQueriesContext(connection) as captured:
        page(bump=False)
    page_queries = len(captured)  # now: the next request empties the log
    page_samples = [page() for _ in range(PAGE_REQUESTS)]

    # As many tags as untags, so that the data ends as it began.
    steps = iter(range(2 * WARMUPS + 2 + TOGGLE_REQUESTS))
    for _ in range(2 * WARMUPS):
        toggle(next(steps))
    toggle_queries = {}
    for kind in ("tag", "untag"):
        with CaptureQueriesContext(connection) as captured:
            toggle(next(steps))
        toggle_queries[kind] = len(captured)
    toggle_samples = [toggle(step) for step in steps]

    if profile:
        _profile(f"workspace GET, {size} signals", page)
        _profile(f"tag toggle (tag and untag), {size} signals", lambda: (toggle(0), toggle(1)))
    return {
        **scenario.figures,
        "page": {**_summary(page_samples, page_queries), "kb": round(len(pages[0]) / 1024, 1)},
        "toggle": _summary(toggle_samples, toggle_queries),
    }


def _measure_all(sizes: list[int], *, profile: bool) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-workspace-"))
    try:
        _setup(folder)
        from django.core.management import call_command
        from django.db import connection

        result: dict[str, Any] = {"themes": THEMES, "sizes": {}}
        for size in sizes:
            drop = _fresh_database(f"bench_workspace_{os.getpid()}_{size}", folder)
            try:
                call_command("migrate", verbosity=0)
                started = time.perf_counter()
                scenario = _build(size)
                build_s = time.perf_counter() - started
                figures = _measure(scenario, profile=profile)
                result["sizes"][str(size)] = {**figures, "build_s": round(build_s, 1)}
            finally:
                drop()
        if connection.vendor == "sqlite":
            version = connection.Database.sqlite_version
        else:
            version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        result["database"] = f"{connection.display_name} {version}"
        connection.close()
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: measure every size, print the figures as one JSON line."""
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=main.__doc__)
    parser.add_argument("sizes", nargs="+", type=int, help="signals in the beraad, per run")
    parser.add_argument("--profile", action="store_true", help="cProfile to stderr as well")
    args = parser.parse_args(argv)
    result = _measure_all(args.sizes, profile=args.profile)
    print(json.dumps(result, sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
