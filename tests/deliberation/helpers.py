"""Helpers of the deliberation tests: sessions moved through the real services."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext

from deliberation import services
from deliberation.models import STATE_ORDER, BeraadSignal, BeraadState
from signals.models import SignalState
from tests.factories import SignalFactory

NEXT_STEP = {
    BeraadState.GEPLAND: services.beraad_open_intake,
    BeraadState.VOORBEREIDING: services.beraad_start,
    BeraadState.IN_BERAAD: services.beraad_draft_memo,
    BeraadState.CONCEPT_MEMO: services.beraad_adopt,
    BeraadState.VASTGESTELD: services.beraad_share,
}


def advance(beraad, chair, to: str):
    """Take the session through the lifecycle, step by step, until it is in state ``to``."""
    beraad.refresh_from_db()
    if STATE_ORDER.index(to) < STATE_ORDER.index(beraad.state):
        raise AssertionError(f"{beraad} is {beraad.state} already, past {to}")
    while beraad.state != to:
        beraad = NEXT_STEP[beraad.state](beraad=beraad, user=chair)
    return beraad


def submitted(body, **fields):
    """A signal of ``body`` that was submitted (by default over the first half of 2026)."""
    fields.setdefault("state", SignalState.INGEDIEND)
    fields.setdefault("submitted_at", timezone.now())
    return SignalFactory(body=body, **fields)


def inclusion(signal) -> BeraadSignal:
    return BeraadSignal.objects.get(signal=signal)


def tag(beraad, signal, theme, chair, tagged=True):
    return services.tag_set(
        beraad=beraad, inclusion=inclusion(signal), theme=theme, user=chair, tagged=tagged
    )


def dutch(message: str, **values) -> str:
    """A message as a Dutch user sees it (translated or, not yet translated, as it is)."""
    with translation.override("nl"):
        text = gettext(message)
        return text % values if values else text


def state_label(state: str) -> str:
    with translation.override("nl"):
        return str(BeraadState(state).label)
