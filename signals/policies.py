"""Who may do what with the signals of a body: one function per decision, asked by the views
and (through the context they give) the templates. The services enforce the same rules on
every write."""

from __future__ import annotations

from rodedraden.accounts.models import Role, User

from .models import Membership, OversightBody


def may_write(*, user: User, body: OversightBody) -> bool:
    """Whether the user enters and changes signals for the body: a member of it, while the
    body is active. For anyone else the pages that write are a 404."""
    return (
        user.role == Role.MEMBER
        and body.is_active
        and Membership.objects.filter(user=user, body=body).exists()
    )
