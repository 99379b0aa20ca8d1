import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from rodedraden.accounts.models import User

from .bodies import get_kind
from .models import Membership, OrganisationUnit, OversightBody

logger = logging.getLogger(__name__)


@transaction.atomic
def body_create(
    *, name: str, kind: str, slug: str = "", description: str = "", is_active: bool = True
) -> OversightBody:
    get_kind(kind)  # an unknown kind is a programming error, not user input
    body = OversightBody(
        name=name,
        slug=slug or slugify(name)[:60],
        kind=kind,
        description=description,
        is_active=is_active,
    )
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def organisation_unit_create(
    *, name: str, parent: OrganisationUnit | None = None
) -> OrganisationUnit:
    unit = OrganisationUnit(name=name, parent=parent)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def membership_create(*, user: User, body: OversightBody, notify: bool = True) -> Membership:
    """Add a user to a body; once committed, the user is welcomed by e-mail (in a task)."""
    membership = Membership(user=user, body=body)
    membership.full_clean()
    membership.save()
    if notify:
        from .tasks import membership_send_welcome_task

        # robust: a broker that is down must not turn the saved membership into an error
        # page; membership_requeue_unwelcomed picks the welcome up later.
        transaction.on_commit(
            lambda: membership_send_welcome_task.delay(membership_id=membership.pk), robust=True
        )
    return membership


@transaction.atomic
def membership_send_welcome(*, membership_id: int) -> bool:
    """Send the welcome e-mail for a membership, once. Returns whether a message was sent.

    Idempotent: the row is locked, and a membership that was welcomed before, or that no
    longer exists, is left alone, so a task delivered twice sends one e-mail.
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "body")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or membership.welcomed_at is not None:
        return False
    if not membership.user.email or not membership.user.is_active:
        return False
    user = membership.user
    set_password_url = ""
    if not user.has_usable_password():
        # A new account without a password: the welcome is also the way to choose one.
        set_password_url = settings.SITE_URL + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    context = {
        "set_password_url": set_password_url,
        "membership": membership,
        "body": membership.body,
        "user": membership.user,
        "url": f"{settings.SITE_URL}{membership.body.get_absolute_url()}",
        "municipality_name": settings.MUNICIPALITY_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("signals/email/membership_welcome_subject.txt", context)
        message = render_to_string("signals/email/membership_welcome.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=message,
        from_email=None,
        recipient_list=[membership.user.email],
    )
    membership.welcomed_at = timezone.now()
    membership.save(update_fields=["welcomed_at"])
    logger.info("Welcome e-mail sent for membership %s", membership.pk)
    return True


def membership_requeue_unwelcomed(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Queue the welcome again for members who should have had it by now (the broker was
    down, or the mail server kept failing). The task is idempotent, so this is safe."""
    from .tasks import membership_send_welcome_task

    pending = Membership.objects.filter(
        welcomed_at__isnull=True,
        created_at__lt=timezone.now() - older_than,
        user__is_active=True,
    ).exclude(user__email="")
    ids = list(pending.values_list("pk", flat=True))
    for membership_id in ids:
        membership_send_welcome_task.delay(membership_id=membership_id)
    return len(ids)
