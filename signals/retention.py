"""The signals' retention policy (registered in SignalsConfig.ready()).

A signal that never went into a beraad is removed once its term is over, counted from its
last change: a concept nobody submitted sooner (RETENTION_DAYS["concept_signals"]) than a
submitted one (RETENTION_DAYS["signals"]). Signals another app holds (deliberation: those a
beraad includes or will take in) stay; the signals of a beraad go with it (deliberation's
policy).
"""

from rodedraden.retention.registry import (
    Removal,
    RetentionContext,
    RetentionPolicy,
    register,
    without_held,
)

from .models import Signal, SignalState


def signals_remove(context: RetentionContext) -> list[Removal]:
    outside = without_held(Signal.objects.all(), context)
    expired = outside.filter(
        state=SignalState.CONCEPT, updated_at__lt=context.cutoffs["concept_signals"]
    ) | outside.exclude(state=SignalState.CONCEPT).filter(updated_at__lt=context.cutoffs["signals"])
    removed = sorted(expired.values_list("pk", flat=True))
    Signal.objects.filter(pk__in=removed).delete()
    return [Removal(kind="signals", model=Signal, ids=removed, term="signals")]


def register_retention() -> None:
    # After the beraden past their term and their memos (deliberation 200, reports 300).
    register(RetentionPolicy(name="signals", apply=signals_remove, order=400))
