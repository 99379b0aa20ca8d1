from django.db.models import Count, Q, QuerySet

from rodedraden.accounts.models import User

from .models import Membership, OversightBody


def body_list(*, fetched_by: User) -> QuerySet[OversightBody]:
    """The bodies a user may see, each with its number of active members."""
    return OversightBody.objects.for_user(fetched_by).annotate(
        member_count=Count("memberships", filter=Q(memberships__user__is_active=True))
    )


def body_members(*, body: OversightBody, fetched_by: User) -> QuerySet[User]:
    """The members of a body, for someone who may see that body."""
    memberships = Membership.objects.for_user(fetched_by).filter(body=body)
    return User.objects.filter(memberships__in=memberships, is_active=True).order_by(
        "last_name", "first_name", "username"
    )
