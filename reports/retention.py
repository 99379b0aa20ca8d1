"""The memos' retention policies (registered in ReportsConfig.ready()).

The memos of an adopted beraad past its term go just before it (the beraad protects them),
definitive ones included; concept memos of adopted beraden go earlier, counted from their
request (the drafts of a beraad in progress stay). A memo's file is removed from the storage
once the transaction that removed its row has committed.
"""

from django.db import transaction

from deliberation.models import FROZEN_STATES
from deliberation.retention import SESSIONS_ORDER, beraden_past_term
from rodedraden.retention.registry import Removal, RetentionContext, RetentionPolicy, register

from .models import Memo, MemoKind


def _delete_memos(memos) -> list[int]:
    """Deletes memo rows now and their files once the transaction has committed."""
    removed = []
    for memo in memos:
        name, storage = memo.file.name, memo.file.storage
        if name:
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        removed.append(memo.pk)
        memo.delete()
    return removed


def memos_of_sessions_remove(context: RetentionContext) -> list[Removal]:
    beraden = list(beraden_past_term(context))
    if not beraden:
        return []
    removed = _delete_memos(Memo.objects.filter(beraad__in=beraden).order_by("pk"))
    return [Removal(kind="memos_of_sessions", model=Memo, ids=removed, term="sessions")]


def concept_memos_remove(context: RetentionContext) -> list[Removal]:
    removed = _delete_memos(
        Memo.objects.filter(
            kind=MemoKind.CONCEPT,
            beraad__state__in=FROZEN_STATES,
            requested_at__lt=context.cutoffs["memos"],
        ).order_by("pk")
    )
    return [Removal(kind="memos", model=Memo, ids=removed, term="memos")]


def register_retention() -> None:
    register(
        RetentionPolicy(
            name="memos_of_sessions", apply=memos_of_sessions_remove, order=SESSIONS_ORDER - 100
        )
    )
    # After the beraden past their term (whose memos are gone with them).
    register(RetentionPolicy(name="memos", apply=concept_memos_remove, order=SESSIONS_ORDER + 100))
