from django.db.models import Count, Prefetch, Q, QuerySet

from rodedraden.accounts.models import Role, User

from .bodies import SignalFacts
from .models import Membership, OrganisationUnit, OversightBody, Signal, SignalState


def body_list(*, fetched_by: User) -> QuerySet[OversightBody]:
    """The bodies a user may see, each with its number of active members, by name (an
    explicit order: Django leaves Meta.ordering out of queries that aggregate)."""
    return (
        OversightBody.objects.for_user(fetched_by)
        .annotate(member_count=Count("memberships", filter=Q(memberships__user__is_active=True)))
        .order_by("name")
    )


def body_members(*, body: OversightBody, fetched_by: User) -> QuerySet[User]:
    """The members of a body, for someone who may see that body."""
    memberships = Membership.objects.for_user(fetched_by).filter(body=body)
    return User.objects.filter(memberships__in=memberships, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def body_for_writing(*, slug: str, fetched_by: User) -> OversightBody | None:
    """A body the user may enter signals for: an active body they are a member of."""
    if fetched_by.role != Role.MEMBER:
        return None
    return (
        OversightBody.objects.for_user(fetched_by)
        .filter(slug=slug, memberships__user=fetched_by, is_active=True)
        .first()
    )


def signal_list(*, fetched_by: User, body: OversightBody | None = None) -> QuerySet[Signal]:
    """The signals a user may see (of one body, if given), ready for a list page."""
    signals = Signal.objects.for_user(fetched_by)
    if body is not None:
        signals = signals.filter(body=body)
    return signals.select_related("body", "author").prefetch_related(
        "aspects",
        Prefetch("organisation_units", OrganisationUnit.objects.select_related("parent")),
    )


def signal_get(*, pk: int, fetched_by: User) -> Signal | None:
    return signal_list(fetched_by=fetched_by).filter(pk=pk).first()


def signal_facts(signals: QuerySet[Signal]) -> list[SignalFacts]:
    """What a body's headline figures are computed from, in one query."""
    return [
        SignalFacts(case_count=case_count, details=details or {})
        for case_count, details in signals.order_by().values_list("case_count", "details")
    ]


def draft_counts(*, fetched_by: User) -> dict[int, int]:
    """Per body the user writes for: how many of its signals are still drafts (the start page)."""
    own = Membership.objects.filter(user=fetched_by, body__is_active=True).values("body")
    rows = (
        Signal.objects.for_user(fetched_by)
        .filter(body__in=own, state=SignalState.CONCEPT)
        .values("body")
        .annotate(drafts=Count("pk"))
    )
    return {row["body"]: row["drafts"] for row in rows}
