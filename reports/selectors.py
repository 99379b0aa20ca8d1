"""Reads of the reports app, scoped to the user who asks."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from deliberation.models import STARTED_STATES, Beraad, RecommendationStatus
from deliberation.selectors import (
    ThemeStatus,
    beraad_list,
    recommendation_list,
    theme_statuses_many,
)
from rodedraden.accounts.models import User

from . import charts
from .models import Memo, MemoKind, MemoState

DASHBOARD_SESSIONS = 6


def memo_list(*, beraad: Beraad, fetched_by: User) -> QuerySet[Memo]:
    return Memo.objects.for_user(fetched_by).filter(beraad=beraad).select_related("requested_by")


def memo_get(*, pk: int, fetched_by: User) -> Memo | None:
    return Memo.objects.for_user(fetched_by).select_related("beraad").filter(pk=pk).first()


def dashboard(*, fetched_by: User) -> dict:
    """The sessions, the rode draden over time and the follow-up, as far as the user may see
    them (readers: shared sessions only, and aggregates only). The sessions' snapshots are
    not loaded (they hold every signal): only the parts the charts read, of the few charted."""
    sessions = list(
        beraad_list(fetched_by=fetched_by)
        .defer("snapshot")
        .prefetch_related(
            Prefetch(
                "memos",
                Memo.objects.for_user(fetched_by).filter(state=MemoState.KLAAR),
                to_attr="ready_memos",
            )
        )
    )
    for session in sessions:
        definitive = [m for m in session.ready_memos if m.kind == MemoKind.DEFINITIEF]
        session.latest_memo = (definitive or session.ready_memos or [None])[0]
    started = [s for s in sessions if s.state in STARTED_STATES]
    recent = sorted(started[:DASHBOARD_SESSIONS], key=lambda s: (s.date, s.pk))
    latest = started[0] if started else None

    result = {"sessions": sessions, "latest": latest, "charts": []}
    statuses = theme_statuses_many(list({s.pk: s for s in [*recent, latest] if s}.values()))
    if recent:
        result["charts"].append(_recurrence_over_time(recent, statuses))
    if latest is not None:
        result["charts"].append(_heat_map(latest, statuses[latest.pk]))
    recommendations = recommendation_list(fetched_by=fetched_by)
    counts = Counter(recommendations.values_list("status", flat=True))
    if counts:
        result["charts"].append(
            charts.status_bars(
                key="dashboard-follow-up",
                title=_("Status of the recommendations"),
                labels=[str(label) for _code, label in RecommendationStatus.choices],
                values=[counts.get(code, 0) for code, _label in RecommendationStatus.choices],
            )
        )
    result["open_recommendations"] = (
        recommendations.filter(
            status__in=(RecommendationStatus.OPEN, RecommendationStatus.IN_UITVOERING)
        )
        .defer("beraad__snapshot")  # the beraad's title and date are shown, not its content
        .order_by("due_date")[:8]
    )
    return result


def _recurrence_over_time(
    recent: list[Beraad], statuses: dict[int, list[ThemeStatus]]
) -> charts.Chart:
    """Themes that were a rode draad in any of the recent sessions, per session."""
    levels: dict[str, dict[int, int]] = defaultdict(dict)
    for beraad in recent:
        for status in statuses[beraad.pk]:
            levels[status.theme.name][beraad.pk] = 2 if status.is_rode_draad else 1
    names = sorted(
        (name for name, per in levels.items() if 2 in per.values()),
        key=lambda name: (-sum(v == 2 for v in levels[name].values()), name),
    )
    return charts.recurrence(
        key="dashboard-recurrence",
        title=_("Rode draden over time"),
        themes=names,
        sessions=[" ".join(b.title.split()[-2:]) for b in recent],
        levels=[[levels[name].get(b.pk, 0) for b in recent] for name in names],
    )


def _heat_map(beraad: Beraad, statuses: list[ThemeStatus]) -> charts.Chart:
    bodies = sorted(beraad.bodies.all(), key=lambda body: body.name)
    return charts.heat_map(
        key="dashboard-heat-map",
        title=_("Themes per body – %(beraad)s") % {"beraad": beraad.title},
        themes=[status.theme.name for status in statuses],
        bodies=[body.name for body in bodies],
        counts=[[status.per_body.get(body.pk, 0) for body in bodies] for status in statuses],
        rode_draden={status.theme.name for status in statuses if status.is_rode_draad},
    )
