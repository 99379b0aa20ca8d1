"""What the memo says, as plain data for its template.

Everything comes from a snapshot of the beraad (``deliberation.selectors.beraad_snapshot``):
for the definitive version the frozen one taken at adoption, for a concept version one taken
now. So the two are built by the same code, and the definitive memo cannot drift from what
was adopted.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from datetime import date

from django.conf import settings
from django.utils import timezone

from deliberation.models import Beraad, RecommendationStatus, Response, Tag
from deliberation.selectors import beraad_snapshot, snapshot_addressee_label
from signals.bodies import SignalFacts, get_kind

from . import charts
from .charts import small_count

ADDRESSEES = ("de burgemeester", "de concerndirectie")
RECURRENCE_SESSIONS = 6  # sessions shown in the recurrence chart, this one included


def snapshot_hash(snapshot: dict) -> str:
    """The SHA-256 of the adopted content, printed in the definitive memo's footer (the hash
    of the PDF file itself is stored beside it: a document cannot contain its own hash)."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def memo_context(*, beraad: Beraad, definitive: bool, version: int) -> dict:
    snapshot = beraad.snapshot if definitive else beraad_snapshot(beraad)
    if definitive and not snapshot:
        raise ValueError("A definitive memo needs an adopted beraad.")
    bodies = {body["id"]: body for body in snapshot["bodies"]}
    signals = {
        signal["id"]: _dated(signal, bodies[signal["body_id"]]["kind"])
        for signal in snapshot["signals"]
    }
    themes = {theme["id"]: theme for theme in snapshot["themes"]}
    signals_per_body = Counter(signal["body_id"] for signal in snapshot["signals"])
    statuses = snapshot["rode_draden"]
    rode_draden = [row for row in statuses if row["is_rode_draad"]]
    analyses = {analysis["theme_id"]: analysis for analysis in snapshot["analyses"]}
    recommendations = defaultdict(list)
    for recommendation in snapshot["recommendations"]:
        recommendations[recommendation["theme_id"]].append(
            {**recommendation, "addressee_label": _addressee(recommendation)}
        )

    body_order = sorted(bodies.values(), key=lambda body: body["name"])
    sections = []
    for number, row in enumerate(rode_draden, start=1):
        theme = themes[row["theme_id"]]
        analysis = analyses.get(row["theme_id"])
        sections.append(
            {
                "number": number,
                "anchor": f"rode-draad-{number}",
                "theme": theme,
                "bodies": [bodies[pk]["name"] for pk in row["bodies"] if pk in bodies],
                "body_count": len(row["bodies"]),
                "signal_count": small_count(row["signal_count"]),
                "per_body": [
                    (body["name"], small_count(row["per_body"].get(str(body["id"]), 0)))
                    for body in body_order
                    if row["per_body"].get(str(body["id"]))
                ],
                "recurred": row["recurred"],
                "sessions_before": row["sessions_before"],
                "after_adopted": row["after_adopted"],
                "analysis": analysis["text"] if analysis else "",
                "examples": [
                    {**signals[pk], "body": bodies[signals[pk]["body_id"]]["name"]}
                    for pk in (analysis["examples"] if analysis else [])
                    if pk in signals
                ],
                "recommendations": recommendations.get(row["theme_id"], []),
            }
        )

    appendix = []
    for body in body_order:
        own = [signal for signal in signals.values() if signal["body_id"] == body["id"]]
        kind = get_kind(body["kind"])
        facts = [SignalFacts(case_count=s["case_count"], details=s["details"]) for s in own]
        figures = [
            (figure.label, _figure(value, figure.unit)) for figure, value in kind.headline(facts)
        ]
        appendix.append(
            {
                "body": body,
                "kind_label": kind.label,
                "signals": sorted(own, key=lambda signal: signal["title"]),
                "figures": figures,
            }
        )

    # Labels from their codes, in the memo's language (the snapshot keeps the codes).
    follow_up = [
        {
            **item,
            "due_date": format_date(item.get("due_date")),
            "addressee_label": _addressee(item) if "addressee" in item else item["addressee_label"],
            "response_label": str(Response(item["response"]).label) if item["response"] else "",
            "status_label": str(RecommendationStatus(item["status"]).label),
        }
        for item in snapshot.get("follow_up", [])
    ]
    context = {
        "beraad": beraad,
        "definitive": definitive,
        "version": version,
        "status_label": "Definitief" if definitive else "Concept",
        "addressees": ADDRESSEES,
        "municipality_name": settings.MUNICIPALITY_NAME,
        "rendered_on": timezone.localdate(),
        "summary": snapshot.get("summary", ""),
        "bodies": [
            {**body, "signals": small_count(signals_per_body.get(body["id"], 0))}
            for body in body_order
        ],
        "signal_total": small_count(len(signals)),
        "rode_draden": sections,
        "follow_up": follow_up,
        "appendix": appendix,
        "charts": _charts(beraad, snapshot, body_order, themes, follow_up),
        "content_hash": snapshot_hash(snapshot) if definitive else "",
    }
    return context


def _addressee(recommendation: dict) -> str:
    return snapshot_addressee_label(recommendation)


def _figure(value, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.0f}%".replace(".", ",")
    if unit == "d":
        return f"{value:.0f} dagen"
    return small_count(int(value)) or "0"


def _charts(beraad, snapshot, body_order, themes, follow_up) -> dict:
    statuses = snapshot["rode_draden"]
    theme_names = [themes[row["theme_id"]]["name"] for row in statuses]
    heat = charts.heat_map(
        key="heat-map",
        title="Thema's per orgaan",
        themes=theme_names,
        bodies=[body["name"] for body in body_order],
        counts=[
            [row["per_body"].get(str(body["id"]), 0) for body in body_order] for row in statuses
        ],
        rode_draden={themes[row["theme_id"]]["name"] for row in statuses if row["is_rode_draad"]},
    )
    aspects = sorted({aspect for s in snapshot["signals"] for aspect in s["aspects"]})
    per_body_aspect = Counter(
        (s["body_id"], aspect) for s in snapshot["signals"] for aspect in s["aspects"]
    )
    bars = charts.grouped_bars(
        key="body-aspect",
        title="Signalen per orgaan en invalshoek",
        categories=[body["name"] for body in body_order],
        series=aspects,
        values=[[per_body_aspect[(body["id"], a)] for a in aspects] for body in body_order],
    )
    sessions, levels = _recurrence(beraad, statuses)
    recurrence = charts.recurrence(
        key="recurrence",
        title="Terugkeer van de rode draden",
        themes=[themes[row["theme_id"]]["name"] for row in statuses if row["is_rode_draad"]],
        sessions=sessions,
        levels=levels,
    )
    counts = Counter(item["status"] for item in follow_up)
    status = charts.status_bars(
        key="follow-up",
        title="Stand van eerdere aanbevelingen",
        labels=[str(label) for _code, label in RecommendationStatus.choices],
        values=[counts.get(code, 0) for code, _label in RecommendationStatus.choices],
    )
    return {"heat_map": heat, "body_aspect": bars, "recurrence": recurrence, "follow_up": status}


def _recurrence(beraad, statuses) -> tuple[list[str], list[list[int]]]:
    """For each rode draad of this beraad: 0, 1 (tagged) or 2 (a rode draad) in this and the
    sessions before it, oldest first."""
    from deliberation.models import STARTED_STATES

    earlier = list(
        Beraad.objects.filter(date__lte=beraad.date, state__in=STARTED_STATES)
        .exclude(pk=beraad.pk)
        .order_by("-date", "-pk")
        .values_list("pk", "title", "min_bodies")[: RECURRENCE_SESSIONS - 1]
    )[::-1]
    rows = [row for row in statuses if row["is_rode_draad"]]
    bodies_per: dict[int, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    for beraad_id, theme_id, body_id in Tag.objects.filter(
        beraad_id__in=[pk for pk, _t, _m in earlier], theme_id__in=[r["theme_id"] for r in rows]
    ).values_list("beraad_id", "theme_id", "body_id"):
        bodies_per[beraad_id][theme_id].add(body_id)
    sessions = [_short(title) for _pk, title, _m in earlier] + [_short(beraad.title)]
    levels = []
    for row in rows:
        line = []
        for pk, _title, min_bodies in earlier:
            found = bodies_per[pk].get(row["theme_id"], set())
            line.append(2 if len(found) >= min_bodies else 1 if found else 0)
        line.append(2)
        levels.append(line)
    return sessions, levels


def _short(title: str) -> str:
    """ "Rode-dradenberaad voorjaar 2026" → "voorjaar 2026"."""
    words = title.split()
    return " ".join(words[-2:]) if len(words) >= 2 else title


def format_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dated(signal: dict, kind: str) -> dict:
    """A signal of the snapshot with real dates and its classification in the memo's
    language."""
    return {
        **signal,
        "period_start": format_date(signal["period_start"]),
        "period_end": format_date(signal["period_end"]),
        "classification": [
            str(label) for label in get_kind(kind).classification_labels(signal["details"])
        ],
    }
