"""A large synthetic data set: five bodies, forty beraden over twenty years, N signals.

:func:`build` makes, in an empty, migrated database:

- the world of :func:`bench.workspace.build_world` (the chair, the five bodies with a member
  each, the teams, the theme catalogue), through the services, and a reader;
- :data:`SESSIONS` beraden, voorjaar and najaar from :data:`FIRST_YEAR` on, every body taking
  part, each intake completed: the oldest ones shared (gedeeld), then one adopted
  (vastgesteld), one at its draft memo, and the most recent one in session (in_beraad);
- the signals, spread over the five bodies: most are discussed in one of the earlier sessions
  (besproken), :data:`CURRENT_SHARE` of them are in the session now (in_beraad), and a few
  are submitted for the next one or still drafts. 60 % of the signals in a session are
  tagged with one or two themes (the common themes of every body become rode draden), as in
  bench.workspace;
- three recommendations per session from the draft memo back, with responses and follow-up
  that get further along the older the session is;
- for every frozen (adopted or shared) session its snapshot, as adopting it leaves it.

:func:`grow` adds signals to the same database (to the earlier sessions and as new ones; the
session now keeps its size) and takes the snapshots again.

The rows are inserted with ``bulk_create`` in batches, directly on the models, past the
services. The guarded fields still scan every text on the way in (``bulk_create`` goes through
them like every write; the texts are the clean Dutch templates of bench.workspace), which adds
about a minute to building 100,000 signals. It is meant for the benchmarks only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from .workspace import COMMON_THEMES, SECOND_THEME, TAGGED_OF_FIVE, build_world, signal_text

SESSIONS = 40
FIRST_YEAR = 2006  # voorjaar 2006 … najaar 2025
SIGNALS = 10_000
CURRENT_SHARE = 0.025  # of the signals of build(): in the session now (250 of 10,000)
OPEN_SHARE = 0.05  # of the signals: submitted for the next session or drafts, half each
RECOMMENDATIONS = 3  # per session from the draft memo back
BATCH = 2000
SEED = 20258


@dataclass
class Dataset:
    """What was built, for the benchmarks to sign in as and to find their pages."""

    world: Any  # bench.workspace.World
    reader: Any
    sessions: list[Any]  # oldest first; the last one is in session
    signals: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311

    @property
    def current(self) -> Any:
        return self.sessions[-1]

    @property
    def chair(self) -> Any:
        return self.world.chair

    def counts(self) -> dict[str, int]:
        """The rows of each kind, from the database."""
        from deliberation.models import Beraad, BeraadSignal, Recommendation, Tag
        from signals.models import OversightBody, Signal

        return {
            "bodies": OversightBody.objects.count(),
            "sessions": Beraad.objects.count(),
            "signals": Signal.objects.count(),
            "inclusions": BeraadSignal.objects.count(),
            "current_inclusions": BeraadSignal.objects.filter(beraad=self.current).count(),
            "tags": Tag.objects.count(),
            "recommendations": Recommendation.objects.count(),
            "frozen_with_snapshot": sum(
                bool(snapshot) for snapshot in Beraad.objects.values_list("snapshot", flat=True)
            ),
        }


def _session_dates(index: int) -> dict[str, Any]:
    """Session ``index`` (0: voorjaar FIRST_YEAR): its season, dates and the period it
    covers (the half-year before it)."""
    year = FIRST_YEAR + index // 2
    if index % 2 == 0:
        season, meeting = "voorjaar", date(year, 4, 15)
        start, end = date(year - 1, 7, 1), date(year - 1, 12, 31)
    else:
        season, meeting = "najaar", date(year, 10, 15)
        start, end = date(year, 1, 1), date(year, 6, 30)
    return {
        "title": f"Rode-dradenberaad {season} {year}",
        "season": season,
        "year": year,
        "date": meeting,
        "period_start": start,
        "period_end": end,
        "submission_deadline": meeting - timedelta(days=21),
    }


def _state(index: int, sessions: int) -> str:
    from deliberation.models import BeraadState

    from_end = sessions - 1 - index
    return {
        0: BeraadState.IN_BERAAD,
        1: BeraadState.CONCEPT_MEMO,
        2: BeraadState.VASTGESTELD,
    }.get(from_end, BeraadState.GEDEELD)


def _moment(day: date) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(10)))


def _sessions(world: Any, sessions: int) -> list[Any]:
    from deliberation.models import STATE_ORDER, Beraad, BeraadState, Intake

    rows = []
    for index in range(sessions):
        dates = _session_dates(index)
        state = _state(index, sessions)
        reached = STATE_ORDER.index(state)
        meeting = _moment(dates["date"])

        def at(step: str, days: int, reached: int = reached, meeting: datetime = meeting):
            return meeting + timedelta(days=days) if reached >= STATE_ORDER.index(step) else None

        rows.append(
            Beraad(
                **dates,
                chair=world.chair,
                state=state,
                summary="De rode draden van dit halfjaar, met de aanbevelingen.",
                intake_opened_at=at(BeraadState.VOORBEREIDING, -42),
                started_at=at(BeraadState.IN_BERAAD, 0),
                memo_drafted_at=at(BeraadState.CONCEPT_MEMO, 7),
                adopted_at=at(BeraadState.VASTGESTELD, 28),
                shared_at=at(BeraadState.GEDEELD, 35),
            )
        )
    created = Beraad.objects.bulk_create(rows)
    bodies = [body for body, _member in world.bodies]
    Beraad.bodies.through.objects.bulk_create(
        Beraad.bodies.through(beraad_id=beraad.pk, oversightbody_id=body.pk)
        for beraad in created
        for body in bodies
    )
    Intake.objects.bulk_create(
        Intake(beraad=beraad, body=body, completed_by=member)
        for beraad in created
        for body, member in world.bodies
    )
    return created


def _recommendations(world: Any, sessions: list[Any], rng: random.Random) -> None:
    from deliberation.models import (
        Addressee,
        BeraadState,
        Recommendation,
        RecommendationStatus,
        Response,
    )
    from signals.models import OrganisationUnit

    directorates = list(OrganisationUnit.objects.filter(parent=None))
    rows = []
    for age, beraad in enumerate(reversed(sessions)):
        if beraad.state in (BeraadState.IN_BERAAD,):
            continue
        answered = beraad.state == BeraadState.GEDEELD
        for order in range(RECOMMENDATIONS):
            theme = world.common[(age + order) % COMMON_THEMES]
            addressee = (Addressee.BURGEMEESTER, Addressee.CONCERNDIRECTIE, Addressee.DIRECTIE)[
                order
            ]
            if not answered:
                status = RecommendationStatus.OPEN
            elif age <= 4:
                status = rng.choice((RecommendationStatus.OPEN, RecommendationStatus.IN_UITVOERING))
            else:
                status = rng.choice((RecommendationStatus.AFGEROND, RecommendationStatus.VERVALLEN))
            rows.append(
                Recommendation(
                    beraad=beraad,
                    theme=theme,
                    text=f"Zorg dat {theme.name.lower()} binnen een halfjaar verbetert en meld "
                    "de voortgang aan het beraad.",
                    addressee=addressee,
                    directorate=rng.choice(directorates)
                    if addressee == Addressee.DIRECTIE
                    else None,
                    order=order,
                    response=rng.choice(Response.values) if answered else "",
                    owner="Concerndirectie" if answered else "",
                    due_date=beraad.date + timedelta(days=180) if answered else None,
                    status=status,
                    responded_at=_moment(beraad.date + timedelta(days=60)) if answered else None,
                )
            )
    Recommendation.objects.bulk_create(rows)


def _add_signals(dataset: Dataset, count: int, *, current: int) -> None:
    """``count`` more signals: ``current`` of them in the session now, OPEN_SHARE submitted or
    drafts, the rest discussed in the earlier sessions; tagged like bench.workspace's."""
    from django.utils import timezone

    from deliberation.models import BeraadSignal, Tag
    from signals.models import Impact, Signal, SignalState

    world, rng, sessions = dataset.world, dataset.rng, dataset.sessions
    earlier = sessions[:-1]
    next_period = _session_dates(len(sessions))
    impacts = Impact.values
    now = timezone.now()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        signals, places, firsts = [], [], []
        for offset in range(size):
            index = dataset.signals + done + offset
            body_index = index % len(world.bodies)
            body, member = world.bodies[body_index]
            pool = world.own(body_index)
            first = rng.choice(world.common if rng.random() < 0.5 else pool)
            title, description = signal_text(rng, world.themes.index(first))
            draw = rng.random()
            if done + offset < current:
                beraad, state = sessions[-1], SignalState.IN_BERAAD
            elif draw < OPEN_SHARE:
                beraad = None
                state = SignalState.INGEDIEND if draw < OPEN_SHARE / 2 else SignalState.CONCEPT
            else:
                beraad, state = rng.choice(earlier), SignalState.BESPROKEN
            period = _session_dates(sessions.index(beraad)) if beraad else next_period
            signals.append(
                Signal(
                    body=body,
                    title=title,
                    description=description,
                    period_start=period["period_start"],
                    period_end=period["period_end"],
                    case_count=rng.randint(1, 40),
                    impact=rng.choice(impacts),
                    is_positive=rng.random() < 0.1,
                    state=state,
                    author=member,
                    submitted_at=None if state == SignalState.CONCEPT else now,
                )
            )
            places.append(beraad)
            firsts.append((first, pool))
        created = Signal.objects.bulk_create(signals)
        Signal.aspects.through.objects.bulk_create(
            Signal.aspects.through(signal_id=signal.pk, aspect_id=aspect.pk)
            for signal in created
            for aspect in rng.sample(world.aspects, k=rng.randint(1, 2))
        )
        Signal.organisation_units.through.objects.bulk_create(
            Signal.organisation_units.through(
                signal_id=signal.pk, organisationunit_id=rng.choice(world.teams).pk
            )
            for signal in created
        )
        inclusions = BeraadSignal.objects.bulk_create(
            BeraadSignal(beraad=beraad, signal=signal, body_id=signal.body_id)
            for signal, beraad in zip(created, places, strict=True)
            if beraad is not None
        )
        tagged = {s.pk: f for s, b, f in zip(created, places, firsts, strict=True) if b}
        tags = []
        for inclusion in inclusions:
            if inclusion.signal_id % 5 >= TAGGED_OF_FIVE:
                continue
            first, pool = tagged[inclusion.signal_id]
            chosen = [first]
            if rng.random() < SECOND_THEME:
                chosen.append(rng.choice([t for t in world.common + pool if t != first]))
            tags += [
                Tag(
                    beraad_id=inclusion.beraad_id,
                    inclusion=inclusion,
                    theme=theme,
                    body_id=inclusion.body_id,
                    created_by=world.chair,
                )
                for theme in chosen
            ]
        Tag.objects.bulk_create(tags)
        done += size
    dataset.signals += count


def _snapshots(sessions: list[Any]) -> None:
    """The frozen sessions' snapshots, oldest first (each as adopting it leaves it)."""
    from deliberation.models import FROZEN_STATES
    from deliberation.selectors import beraad_snapshot

    for beraad in sessions:
        if beraad.state in FROZEN_STATES:
            beraad.snapshot = None  # so that the statuses are those of the tags now
            beraad.snapshot = beraad_snapshot(beraad)
            beraad.save(update_fields=["snapshot"])


def build(signals: int = SIGNALS, *, sessions: int = SESSIONS) -> Dataset:
    """The whole data set in the (empty, migrated) default database."""
    from django.db import transaction

    from rodedraden.accounts.models import Role
    from rodedraden.accounts.services import user_create

    if sessions < 4:
        raise ValueError("the data set needs at least four sessions (shared … in session)")
    with transaction.atomic():
        world = build_world(bulk_themes=True)
        reader = user_create(username="lezer", role=Role.READER)
        dataset = Dataset(world=world, reader=reader, sessions=_sessions(world, sessions))
        _recommendations(world, dataset.sessions, dataset.rng)
        _add_signals(dataset, signals, current=round(signals * CURRENT_SHARE))
        _snapshots(dataset.sessions)
    return dataset


def grow(dataset: Dataset, signals: int) -> None:
    """``signals`` more signals in the same database (none in the session now); the frozen
    sessions' snapshots taken again."""
    from django.db import transaction

    with transaction.atomic():
        _add_signals(dataset, signals, current=0)
        _snapshots(dataset.sessions)
