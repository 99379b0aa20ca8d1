"""What the retention run removes, as each app declares it.

The platform knows no domain model: each app registers its own policies in its
``AppConfig.ready()`` (signals/retention.py, deliberation/retention.py, reports/retention.py;
the platform's own in rodedraden/retention/policies.py), and ``retention_apply`` runs them in
one transaction, in ascending ``order``, then records what they removed.

A policy is a function of the run (:class:`RetentionContext`: its moment and the cut-off per
term of ``settings.RETENTION_DAYS``) that removes what is past its term and returns a
:class:`Removal` per kind of record it removed. An app that must keep records of another
app's model (deliberation keeps the signals a beraad holds or will take in) registers a
*hold* on that model: the owner's policy leaves out whatever a hold names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import models


@dataclass(frozen=True)
class RetentionContext:
    now: datetime
    # term (a key of settings.RETENTION_DAYS) → the moment before which it is past
    cutoffs: dict[str, datetime]


@dataclass(frozen=True)
class Removal:
    """What one policy removed of one kind of record."""

    kind: str  # the name in the run's record and the audit trail ("signals", "memos", …)
    model: type[models.Model]
    ids: Sequence = ()
    # The term whose cut-off the audit entry names (a key of RETENTION_DAYS); None: the
    # moment of the run (a kind with a clock of its own, such as expired sign-in sessions).
    term: str | None = None
    # False: only counted, its ids are not recorded (sign-in sessions, keys of sent forms).
    listed: bool = True


@dataclass(frozen=True)
class RetentionPolicy:
    name: str
    apply: Callable[[RetentionContext], Iterable[Removal]]
    # Policies run in ascending order. A policy that must clear the way for another runs
    # before it (the memos of a beraad go before the beraad, which protects them).
    order: int


# A hold: a function of the run that returns the conditions (Q objects or boolean
# expressions) of the records of a model that must stay.
Hold = Callable[[RetentionContext], Iterable[models.Q | models.Expression]]

_policies: dict[str, RetentionPolicy] = {}
_holds: dict[str, list[Hold]] = {}


def register(policy: RetentionPolicy) -> None:
    """Registers a policy (in ``AppConfig.ready()``); registering the same one again is a no-op."""
    known = _policies.get(policy.name)
    if known is not None and known != policy:
        raise ImproperlyConfigured(f"Two retention policies are named {policy.name!r}.")
    _policies[policy.name] = policy


def policies() -> list[RetentionPolicy]:
    return sorted(_policies.values(), key=lambda policy: (policy.order, policy.name))


def hold(model: type[models.Model], keep: Hold) -> None:
    """Declares records of ``model`` that its owner's policy must leave (in ``ready()``)."""
    kept = _holds.setdefault(model._meta.label, [])
    if keep not in kept:
        kept.append(keep)


def held(
    model: type[models.Model], context: RetentionContext
) -> list[models.Q | models.Expression]:
    """The conditions of every hold on ``model``, for its owner to exclude."""
    return [condition for keep in _holds.get(model._meta.label, []) for condition in keep(context)]


def without_held(queryset: models.QuerySet, context: RetentionContext) -> models.QuerySet:
    """``queryset`` without the records any hold keeps."""
    for condition in held(queryset.model, context):
        queryset = queryset.exclude(condition)
    return queryset
