"""Reads of the deliberation app, scoped to the user who asks (``fetched_by``).

The rode-draad rule lives here: a theme of a beraad is a rode draad when signals of at least
``beraad.min_bodies`` distinct bodies carry it, or when it also was a rode draad in the session
before. An adopted beraad is read from its frozen snapshot, never from the live tables.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from rodedraden.accounts.models import Role, User
from signals.models import Membership, OrganisationUnit, OversightBody, Signal

from .models import (
    OPEN_STATUSES,
    STARTED_STATES,
    Addressee,
    Analysis,
    Beraad,
    BeraadSignal,
    BeraadState,
    Intake,
    Recommendation,
    Response,
    Tag,
    Theme,
)


def signals_shared_with(user) -> QuerySet:
    """The signals a member sees because a beraad of one of their bodies has started
    (registered with signals.models.register_member_visibility)."""
    bodies = OversightBody.objects.for_user(user).values("pk")
    return BeraadSignal.objects.filter(
        beraad__state__in=STARTED_STATES, beraad__bodies__in=bodies
    ).values("signal")


def beraad_list(*, fetched_by: User) -> QuerySet[Beraad]:
    return (
        Beraad.objects.for_user(fetched_by)
        # A count per session (not a join of every inclusion, grouped by every column).
        .annotate(
            signal_count=Coalesce(
                Subquery(
                    BeraadSignal.objects.filter(beraad=OuterRef("pk"))
                    .order_by()
                    .values("beraad")
                    .annotate(count=Count("signal"))
                    .values("count")
                ),
                0,
            )
        )
        .order_by("-date", "-pk")
    )


def beraad_get(*, pk: int, fetched_by: User, with_bodies: bool = True) -> Beraad | None:
    """The beraad, if the user may see it; ``with_bodies=False`` leaves its bodies to be
    fetched when they are needed (a page that may come from the page cache)."""
    beraden = Beraad.objects.for_user(fetched_by).select_related("chair")
    if with_bodies:
        beraden = beraden.prefetch_related("bodies")
    return beraden.filter(pk=pk).first()


def previous_beraad(beraad: Beraad) -> Beraad | None:
    return (
        Beraad.objects.filter(Q(date__lt=beraad.date) | Q(date=beraad.date, pk__lt=beraad.pk))
        .order_by("-date", "-pk")
        .first()
    )


# --- The intake ---------------------------------------------------------------------------------
@dataclass
class IntakeRow:
    body: OversightBody
    submitted: int
    completed: Intake | None
    is_own: bool


def intake_overview(*, beraad: Beraad, fetched_by: User) -> list[IntakeRow]:
    """Per participating body: how many signals it has submitted for the period and whether
    it said it is done. The chair sees every body; a member only their own (sealed intake)."""
    from .services import signals_for_intake

    own = set(
        Membership.objects.filter(user=fetched_by, body__is_active=True).values_list(
            "body", flat=True
        )
    )
    if beraad.is_started:
        counts = Counter(beraad.inclusions.values_list("body_id", flat=True))
    else:
        counts = Counter(signals_for_intake(beraad).values_list("body_id", flat=True))
    intakes = {intake.body_id: intake for intake in beraad.intakes.all()}
    rows = []
    for body in beraad.bodies.all():
        if fetched_by.role != Role.CHAIR and fetched_by.role != Role.ADMIN and body.pk not in own:
            continue
        rows.append(
            IntakeRow(
                body=body,
                submitted=counts.get(body.pk, 0),
                completed=intakes.get(body.pk),
                is_own=body.pk in own,
            )
        )
    return rows


@dataclass
class CurrentBeraad:
    """A beraad that asks something of the user now (the start page): its intake, per body the
    user may see, and for the chair the number of signals in it once it has started."""

    beraad: Beraad
    intake: list[IntakeRow]

    @property
    def complete(self) -> int:
        return sum(1 for row in self.intake if row.completed)


def current_beraden(*, fetched_by: User) -> list[CurrentBeraad]:
    """What is going on now, for the start page. The chair: every beraad that is not shared yet.
    A member: the beraden in preparation that one of their bodies takes part in (their own
    submission only: the intake is sealed). Others: none."""
    beraden = beraad_list(fetched_by=fetched_by).prefetch_related("bodies", "intakes")
    if fetched_by.role == Role.CHAIR:
        beraden = beraden.exclude(state=BeraadState.GEDEELD)
    elif fetched_by.role == Role.MEMBER:
        beraden = beraden.filter(state=BeraadState.VOORBEREIDING)
    else:
        return []
    return [
        CurrentBeraad(beraad=beraad, intake=intake_overview(beraad=beraad, fetched_by=fetched_by))
        for beraad in beraden.order_by("date", "pk")[:3]
    ]


# --- The workspace ------------------------------------------------------------------------------
@dataclass
class ThemeStatus:
    theme: Theme
    bodies: set[int] = field(default_factory=set)
    signals: int = 0
    per_body: dict[int, int] = field(default_factory=dict)
    recurred: bool = False  # a rode draad in the session before as well
    sessions_before: int = 0  # earlier sessions in which it was tagged
    after_adopted: bool = False  # recurs although a recommendation on it was adopted
    min_bodies: int = 2

    @property
    def is_rode_draad(self) -> bool:
        return len(self.bodies) >= self.min_bodies or (self.recurred and self.signals > 0)


def _tag_counts(beraad_ids: list[int], theme_ids=None) -> dict[int, dict[int, int]]:
    """{beraad: {theme: number of bodies}} for the given sessions and themes (None: all),
    counted by the database in one query (one row per session and theme, not per tag)."""
    result: dict[int, dict[int, int]] = defaultdict(dict)
    tags = Tag.objects.filter(beraad_id__in=beraad_ids)
    if theme_ids is not None:
        tags = tags.filter(theme_id__in=theme_ids)
    rows = (
        tags.values("beraad_id", "theme_id")
        .annotate(bodies=Count("body", distinct=True))
        .order_by()
    )
    for row in rows:
        result[row["beraad_id"]][row["theme_id"]] = row["bodies"]
    return result


def theme_statuses(beraad: Beraad) -> list[ThemeStatus]:
    """Every theme tagged in the beraad, with its bodies, counts and the rode-draad rule (for
    an adopted beraad: as it was adopted)."""
    if beraad.snapshot:
        return _frozen_statuses(beraad.snapshot)
    return _live_statuses(beraad)


# What the theme statuses of an adopted beraad are read from: none of it grows with the
# number of signals (the snapshot's signals and tags do).
STATUS_SNAPSHOT_KEYS = ("min_bodies", "themes", "rode_draden")


def theme_statuses_many(beraden: list[Beraad]) -> dict[int, list[ThemeStatus]]:
    """``theme_statuses`` of each beraad (by pk), for beraden whose snapshot was deferred:
    of the adopted ones only the parts of the snapshot the statuses need, in one query."""
    from django.db.models.fields.json import KeyTransform

    frozen = [beraad.pk for beraad in beraden if beraad.is_frozen]
    names = {f"snapshot_{key}": key for key in STATUS_SNAPSHOT_KEYS}
    parts = {
        row["pk"]: {key: row[name] for name, key in names.items()}
        for row in Beraad.objects.filter(pk__in=frozen)
        .annotate(**{name: KeyTransform(key, "snapshot") for name, key in names.items()})
        .values("pk", *names)
    }
    result = {}
    counted: dict[int, dict[int, int]] = {}  # the earlier sessions' counts, shared
    for beraad in beraden:
        part = parts.get(beraad.pk)
        if part is not None and part["rode_draden"] is not None:
            result[beraad.pk] = _frozen_statuses(part)
        else:
            result[beraad.pk] = _live_statuses(beraad, counted=counted)
    return result


def _live_statuses(beraad: Beraad, *, counted: dict | None = None) -> list[ThemeStatus]:
    tags = list(Tag.objects.filter(beraad=beraad).values_list("theme_id", "body_id"))
    theme_ids = {theme_id for theme_id, _ in tags}
    themes = {theme.pk: theme for theme in Theme.objects.filter(pk__in=theme_ids)}
    statuses: dict[int, ThemeStatus] = {}
    for theme_id, body_id in tags:
        status = statuses.setdefault(
            theme_id, ThemeStatus(theme=themes[theme_id], min_bodies=beraad.min_bodies)
        )
        status.bodies.add(body_id)
        status.signals += 1
        status.per_body[body_id] = status.per_body.get(body_id, 0) + 1
    _add_history(beraad, statuses, counted=counted)
    return sorted(
        statuses.values(), key=lambda s: (not s.is_rode_draad, -len(s.bodies), s.theme.name)
    )


class _Frozen:
    """Plain data of a snapshot, with the attributes the templates read."""

    def __init__(self, **values):
        self.__dict__.update(values)


class _Many(list):
    """A list that answers .all(), like a related manager in a template."""

    def all(self):
        return self


def _frozen_themes(snapshot: dict) -> dict[int, _Frozen]:
    return {
        theme["id"]: _Frozen(pk=theme["id"], name=theme["name"], description=theme["description"])
        for theme in snapshot["themes"]
    }


def _frozen_statuses(snapshot: dict) -> list[ThemeStatus]:
    themes = _frozen_themes(snapshot)
    statuses = []
    for row in snapshot["rode_draden"]:
        status = ThemeStatus(
            theme=themes[row["theme_id"]],
            bodies=set(row["bodies"]),
            signals=row["signal_count"],
            per_body={int(k): v for k, v in row["per_body"].items()},
            recurred=row["recurred"],
            sessions_before=row["sessions_before"],
            after_adopted=row["after_adopted"],
            min_bodies=snapshot["min_bodies"],
        )
        statuses.append(status)
    return statuses


def _add_history(
    beraad: Beraad, statuses: dict[int, ThemeStatus], *, counted: dict | None = None
) -> None:
    """The rode-draad rule over the earlier sessions. ``counted`` (given when the statuses of
    several sessions are made at once) keeps the counts of every theme of the sessions
    counted so far: the earlier sessions of two recent ones are counted once."""
    earlier = list(
        Beraad.objects.filter(Q(date__lt=beraad.date) | Q(date=beraad.date, pk__lt=beraad.pk))
        .filter(state__in=STARTED_STATES)
        .order_by("-date", "-pk")
        .values_list("pk", "min_bodies")
    )
    if not earlier:
        return
    if counted is None:
        counts = _tag_counts([pk for pk, _ in earlier], list(statuses))
    else:
        missing = [pk for pk, _ in earlier if pk not in counted]
        if missing:
            counted.update({pk: {} for pk in missing})
            counted.update(_tag_counts(missing))
        counts = counted
    # A rode draad of the session before counts, also one that was a rode draad there only
    # because it recurred: follow the chain from the oldest session on.
    rode_draden: set[int] = set()
    for pk, min_bodies in reversed(earlier):
        rode_draden = {
            theme_id
            for theme_id, bodies in counts[pk].items()
            if bodies >= min_bodies or theme_id in rode_draden
        }
    adopted = set(
        Recommendation.objects.filter(
            beraad_id__in=[pk for pk, _ in earlier], response=Response.OVERGENOMEN
        ).values_list("theme_id", flat=True)
    )
    for theme_id, status in statuses.items():
        status.sessions_before = sum(1 for pk, _ in earlier if theme_id in counts[pk])
        status.recurred = theme_id in rode_draden
        status.after_adopted = theme_id in adopted


HISTORY_LIMIT = 2000  # earlier tags that feed the suggestions


@dataclass
class Matrix:
    """The live matrix of themes and bodies of a beraad."""

    bodies: list[OversightBody]
    statuses: list[ThemeStatus]

    @property
    def rows(self):
        return [
            (status, [status.per_body.get(body.pk, 0) for body in self.bodies])
            for status in self.statuses
        ]

    @property
    def rode_draden(self) -> list[ThemeStatus]:
        return [status for status in self.statuses if status.is_rode_draad]


def matrix(beraad: Beraad) -> Matrix:
    return Matrix(bodies=list(beraad.bodies.order_by("name")), statuses=theme_statuses(beraad))


@dataclass
class Workspace:
    beraad: Beraad
    inclusions: list[BeraadSignal]  # each with .tag_themes and .suggested
    themes: list[Theme]  # every active theme of the catalogue, to tag with
    matrix: Matrix


def frozen_workspace(beraad: Beraad) -> Workspace:
    """The workspace of an adopted beraad, from its snapshot: the signals as they were."""
    snapshot = beraad.snapshot
    themes = _frozen_themes(snapshot)
    bodies = {
        body["id"]: _Frozen(pk=body["id"], name=body["name"], short_name=body.get("short", ""))
        for body in snapshot["bodies"]
    }
    tagged: dict[int, list] = defaultdict(list)
    for signal_id, theme_id in snapshot["tags"]:
        tagged[signal_id].append(themes[theme_id])
    inclusions = []
    for data in snapshot["signals"]:
        signal = _Frozen(
            pk=data["id"],
            title=data["title"],
            description=data["description"],
            case_count=data["case_count"],
            is_positive=data["is_positive"],
            aspects=_Many(_Frozen(name=name) for name in data["aspects"]),
            organisation_units=_Many(data["organisation_units"]),
        )
        inclusions.append(
            _Frozen(
                pk=data["id"],
                signal=signal,
                body=bodies[data["body_id"]],
                tag_themes=sorted(tagged[data["id"]], key=lambda theme: theme.name),
                suggested=[],
            )
        )
    inclusions.sort(key=lambda inclusion: (inclusion.body.name, inclusion.signal.title))
    return Workspace(
        beraad=beraad,
        inclusions=inclusions,
        themes=[],
        matrix=Matrix(
            bodies=sorted(bodies.values(), key=lambda body: body.name),
            statuses=_frozen_statuses(snapshot),
        ),
    )


def workspace(*, beraad: Beraad, fetched_by: User) -> Workspace:
    """Everything the chair's tagging page needs, in a fixed number of queries."""
    from .suggestions import suggest

    if beraad.snapshot:
        return frozen_workspace(beraad)

    inclusions = list(
        BeraadSignal.objects.for_user(fetched_by)
        .filter(beraad=beraad)
        .select_related("signal", "body")
        .prefetch_related(
            "signal__aspects",
            Prefetch(
                "signal__organisation_units", OrganisationUnit.objects.select_related("parent")
            ),
        )
        .order_by("body__name", "signal__title", "pk")
    )
    tagged: dict[int, set[int]] = defaultdict(set)
    for inclusion_id, theme_id in Tag.objects.filter(beraad=beraad).values_list(
        "inclusion_id", "theme_id"
    ):
        tagged[inclusion_id].add(theme_id)
    themes = list(Theme.objects.order_by("name"))
    by_id = {theme.pk: theme for theme in themes}
    active = [theme for theme in themes if theme.merged_into_id is None]
    # Signals tagged in earlier sessions teach the suggestions too (the newest first): of the
    # sessions the user may see.
    history = list(
        Tag.objects.exclude(beraad=beraad)
        .filter(beraad__in=Beraad.objects.for_user(fetched_by))
        .filter(theme__merged_into__isnull=True)
        .order_by("-created_at")
        .values_list("theme_id", "inclusion__signal__title", "inclusion__signal__description")[
            :HISTORY_LIMIT
        ]
    )
    suggestions = suggest(inclusions=inclusions, tagged=tagged, themes=active, history=history)
    for inclusion in inclusions:
        inclusion.tag_themes = sorted(
            (by_id[pk] for pk in tagged.get(inclusion.pk, ())), key=lambda theme: theme.name
        )
        inclusion.suggested = suggestions.get(inclusion.pk, [])
    return Workspace(beraad=beraad, inclusions=inclusions, themes=active, matrix=matrix(beraad))


def inclusion_with_tags(inclusion: BeraadSignal) -> BeraadSignal:
    """One signal of the workspace, as the page shows it after a tag changed."""
    inclusion.tag_themes = list(Theme.objects.filter(tags__inclusion=inclusion).order_by("name"))
    inclusion.suggested = []
    return inclusion


def group_inclusions(inclusions: list, group: str) -> list[tuple[str, list]]:
    """The signals grouped by body, or by their first aspect or organisation unit (each signal
    once on the page)."""
    groups: dict[str, list] = defaultdict(list)
    for inclusion in inclusions:
        if group == "aspect":
            first = next(iter(inclusion.signal.aspects.all()), None)
            key = first.name if first is not None else "–"
        elif group == "unit":
            first = next(iter(inclusion.signal.organisation_units.all()), None)
            key = str(first) if first is not None else "–"
        else:
            key = inclusion.body.name
        groups[key].append(inclusion)
    return sorted(groups.items(), key=lambda item: (item[0] == "–", item[0]))


# --- Rode draden, analyses, recommendations ----------------------------------------------------
def analyses_by_theme(beraad: Beraad) -> dict[int, Analysis]:
    return {
        analysis.theme_id: analysis
        for analysis in Analysis.objects.filter(beraad=beraad).prefetch_related(
            Prefetch("examples", BeraadSignal.objects.select_related("signal", "body"))
        )
    }


def recommendations_by_theme(beraad: Beraad) -> dict[int, list[Recommendation]]:
    grouped: dict[int, list[Recommendation]] = defaultdict(list)
    for recommendation in beraad.recommendations.select_related("directorate", "theme"):
        grouped[recommendation.theme_id].append(recommendation)
    return grouped


def carried_over(*, beraad: Beraad, fetched_by: User) -> QuerySet[Recommendation]:
    """Open recommendations of earlier sessions: on this session's agenda automatically."""
    return (
        Recommendation.objects.for_user(fetched_by)
        .open()
        .filter(
            Q(beraad__date__lt=beraad.date) | Q(beraad__date=beraad.date, beraad__pk__lt=beraad.pk)
        )
        .filter(beraad__state=BeraadState.GEDEELD)
        .select_related("beraad", "theme", "directorate")
        .order_by("due_date", "beraad__date", "pk")
    )


def recommendation_list(*, fetched_by: User) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.for_user(fetched_by)
        .select_related("beraad", "theme", "directorate")
        .order_by("-beraad__date", "theme__name", "order", "pk")
    )


def recommendation_get(*, pk: int, fetched_by: User) -> Recommendation | None:
    return recommendation_list(fetched_by=fetched_by).filter(pk=pk).first()


def theme_sessions(*, theme: Theme, fetched_by: User) -> list[tuple[Beraad, int, int]]:
    """The sessions in which a theme was tagged, as far as the user may see them: (beraad,
    signals, bodies), newest first."""
    visible = Beraad.objects.for_user(fetched_by)
    rows = (
        Tag.objects.filter(theme=theme, beraad__in=visible)
        .values("beraad")
        .annotate(signals=Count("pk"), bodies=Count("body", distinct=True))
        .order_by()
    )
    counts = {row["beraad"]: (row["signals"], row["bodies"]) for row in rows}
    beraden = visible.filter(pk__in=counts).defer("snapshot").order_by("-date", "-pk")
    return [(beraad, *counts[beraad.pk]) for beraad in beraden]


@dataclass
class MergeEffect:
    """What merging a theme moves, for the confirmation page."""

    tags: int
    sessions: int
    analyses: int
    recommendations: int


def theme_merge_effect(theme: Theme) -> MergeEffect:
    tags = Tag.objects.filter(theme=theme)
    return MergeEffect(
        tags=tags.count(),
        sessions=tags.values("beraad").distinct().count(),
        analyses=Analysis.objects.filter(theme=theme).count(),
        recommendations=Recommendation.objects.filter(theme=theme).count(),
    )


def recurrence_after(*, recommendation: Recommendation, fetched_by: User) -> list[Beraad]:
    """Later sessions in which the theme of an adopted recommendation was tagged again: the
    flag that adopting it did not end the problem. Only the sessions the user may see (a
    reader: the shared ones); the others are not named, nor is their number told."""
    if recommendation.response != Response.OVERGENOMEN:
        return []
    beraad = recommendation.beraad
    tagged = Tag.objects.filter(theme_id=recommendation.theme_id).values("beraad")
    return list(
        Beraad.objects.for_user(fetched_by)
        .filter(pk__in=tagged)
        .filter(Q(date__gt=beraad.date) | Q(date=beraad.date, pk__gt=beraad.pk))
        .defer("snapshot")
        .order_by("date", "pk")
    )


def theme_list(*, fetched_by: User) -> QuerySet[Theme]:
    if fetched_by.role not in (Role.CHAIR, Role.ADMIN):
        return Theme.objects.none()
    return (
        Theme.objects.annotate(
            tag_count=Count("tags", distinct=True),
            beraad_count=Count("tags__beraad", distinct=True),
        )
        .select_related("merged_into")
        .order_by("name", "pk")
    )


# --- The snapshot -------------------------------------------------------------------------------
def beraad_snapshot(beraad: Beraad) -> dict:
    """The content of a beraad as it is now, as plain data: what stays when it is adopted."""
    inclusions = list(
        beraad.inclusions.select_related("signal__body", "body").prefetch_related(
            "signal__aspects",
            Prefetch(
                "signal__organisation_units", OrganisationUnit.objects.select_related("parent")
            ),
        )
    )
    tags = list(Tag.objects.filter(beraad=beraad).values_list("inclusion__signal_id", "theme_id"))
    statuses = theme_statuses(beraad)
    analyses = analyses_by_theme(beraad)
    recommendations = recommendations_by_theme(beraad)
    themes = {status.theme.pk: status.theme for status in statuses}
    bodies = list(beraad.bodies.order_by("name"))
    return {
        "taken_at": timezone.now().isoformat(),
        "min_bodies": beraad.min_bodies,
        "summary": beraad.summary,
        "bodies": [
            {"id": b.pk, "name": b.name, "kind": b.kind, "short": b.short_name} for b in bodies
        ],
        "signals": [_signal_data(inclusion.signal) for inclusion in inclusions],
        "themes": [
            {"id": t.pk, "name": t.name, "description": t.description} for t in themes.values()
        ],
        "tags": [[signal_id, theme_id] for signal_id, theme_id in tags],
        "rode_draden": [
            {
                "theme_id": status.theme.pk,
                "bodies": sorted(status.bodies),
                "per_body": {str(k): v for k, v in status.per_body.items()},
                "signal_count": status.signals,
                "recurred": status.recurred,
                "sessions_before": status.sessions_before,
                "after_adopted": status.after_adopted,
                "is_rode_draad": status.is_rode_draad,
            }
            for status in statuses
        ],
        "analyses": [
            {
                "theme_id": theme_id,
                "text": analysis.text,
                "examples": [example.signal_id for example in analysis.examples.all()],
            }
            for theme_id, analysis in analyses.items()
        ],
        "recommendations": [
            {
                "id": r.pk,
                "theme_id": r.theme_id,
                "text": r.text,
                "addressee": r.addressee,
                "addressee_label": r.addressee_label,
            }
            for items in recommendations.values()
            for r in items
        ],
        "follow_up": follow_up_data(beraad),
    }


def follow_up_data(beraad: Beraad) -> list[dict]:
    """The recommendations of earlier shared sessions that are still open, and all of those
    of the session just before: their response and status, as the memo reports them."""
    earlier = Recommendation.objects.filter(
        Q(beraad__date__lt=beraad.date) | Q(beraad__date=beraad.date, beraad__pk__lt=beraad.pk),
        beraad__state=BeraadState.GEDEELD,
    )
    previous = previous_beraad(beraad)
    chosen = earlier.filter(
        Q(status__in=OPEN_STATUSES) | Q(beraad=previous)
        if previous
        else Q(status__in=OPEN_STATUSES)
    ).select_related("beraad", "theme", "directorate")
    return [
        {
            "id": r.pk,
            "beraad": r.beraad.title,
            "theme": r.theme.name,
            "text": r.text,
            "addressee": r.addressee,
            "addressee_label": r.addressee_label,
            "response": r.response,
            "response_label": str(r.get_response_display()) if r.response else "",
            "response_reason": r.response_reason,
            "owner": r.owner,
            "due_date": r.due_date.isoformat() if r.due_date else None,
            "status": r.status,
            "status_label": str(r.get_status_display()),
            "progress": r.progress,
        }
        for r in chosen.order_by("beraad__date", "theme__name", "order", "pk")
    ]


def frozen_rode_draad(beraad: Beraad, theme_id: int) -> dict:
    """The analysis, example signals and recommendations of a theme as the beraad adopted
    them."""
    snapshot = beraad.snapshot
    analysis = next((a for a in snapshot["analyses"] if a["theme_id"] == theme_id), None)
    bodies = {body["id"]: body["name"] for body in snapshot["bodies"]}
    signals = {signal["id"]: signal for signal in snapshot["signals"]}
    examples = [
        {"title": signals[pk]["title"], "body": bodies.get(signals[pk]["body_id"], "")}
        for pk in (analysis["examples"] if analysis else [])
        if pk in signals
    ]
    return {
        "text": analysis["text"] if analysis else "",
        "examples": examples,
        "recommendations": [
            {**r, "addressee_label": snapshot_addressee_label(r)}
            for r in snapshot["recommendations"]
            if r["theme_id"] == theme_id
        ],
    }


def snapshot_addressee_label(recommendation: dict) -> str:
    """The addressee of a recommendation in a snapshot, in the active language: the snapshot
    keeps the label of the day it was taken, in the language of whoever adopted the beraad;
    only a directorate's own name is taken from it."""
    if recommendation["addressee"] == Addressee.DIRECTIE:
        return recommendation["addressee_label"]
    return str(Addressee(recommendation["addressee"]).label)


def _signal_data(signal: Signal) -> dict:
    kind = signal.body.kind_spec
    return {
        "id": signal.pk,
        "body_id": signal.body_id,
        "title": signal.title,
        "description": signal.description,
        "period_start": signal.period_start.isoformat(),
        "period_end": signal.period_end.isoformat(),
        "case_count": signal.case_count,
        "impact": signal.impact,
        "is_positive": signal.is_positive,
        "aspects": [aspect.name for aspect in signal.aspects.all()],
        "organisation_units": [str(unit) for unit in signal.organisation_units.all()],
        "classification": [str(label) for label in kind.classification_labels(signal.details)],
        "details": signal.details,
        "version": signal.version,
    }
