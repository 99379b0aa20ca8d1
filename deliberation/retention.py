"""Deliberation's retention policy (registered in DeliberationConfig.ready()).

An adopted beraad past its term (counted from its adoption) goes with everything that belongs
to it: its inclusions, tags, analyses and recommendations (by cascade), and the signals
discussed in it that no younger beraad holds. Its memos go just before it (reports/retention.py).
And deliberation holds, against the signals' own policy, every signal a beraad includes or a
planned beraad will take in at its start.
"""

from django.db.models import Exists, OuterRef, Q

from rodedraden.retention.registry import (
    Removal,
    RetentionContext,
    RetentionPolicy,
    hold,
    register,
)
from signals.models import Signal

from .models import FROZEN_STATES, Beraad, BeraadSignal, BeraadState
from .services import signals_for_intake

# The order of the policies (rodedraden/retention/registry.py): the memos of the beraden past
# their term go first (reports, 100), then the beraden (200).
SESSIONS_ORDER = 200


def beraden_past_term(context: RetentionContext):
    """The adopted beraden whose term is over, locked for the rest of the run."""
    return (
        Beraad.objects.select_for_update()
        .filter(state__in=FROZEN_STATES, adopted_at__lt=context.cutoffs["sessions"])
        .order_by("pk")
    )


def sessions_remove(context: RetentionContext) -> list[Removal]:
    beraden = list(beraden_past_term(context))
    if not beraden:
        return []
    signal_ids = list(
        BeraadSignal.objects.filter(beraad__in=beraden)
        .values_list("signal_id", flat=True)
        .distinct()
    )
    removed = [beraad.pk for beraad in beraden]
    Beraad.objects.filter(pk__in=removed).delete()
    # A signal that is also part of a younger beraad stays with it.
    discussed = Signal.objects.filter(pk__in=signal_ids).exclude(
        Exists(BeraadSignal.objects.filter(signal=OuterRef("pk")))
    )
    discussed_ids = sorted(discussed.values_list("pk", flat=True))
    discussed.delete()
    return [
        Removal(kind="sessions", model=Beraad, ids=removed, term="sessions"),
        Removal(kind="signals_of_sessions", model=Signal, ids=discussed_ids, term="sessions"),
    ]


def signals_held(context: RetentionContext):
    """The signals a beraad includes, and those a planned beraad will take in at its start."""
    awaited = set()
    for planned in Beraad.objects.filter(
        state__in=(BeraadState.GEPLAND, BeraadState.VOORBEREIDING)
    ):
        awaited.update(signals_for_intake(planned).values_list("pk", flat=True))
    return [Exists(BeraadSignal.objects.filter(signal=OuterRef("pk"))), Q(pk__in=awaited)]


def register_retention() -> None:
    register(RetentionPolicy(name="sessions", apply=sessions_remove, order=SESSIONS_ORDER))
    hold(Signal, signals_held)
