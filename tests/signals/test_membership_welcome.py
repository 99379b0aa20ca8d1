import pytest
from django.core import mail

from signals.models import Membership
from signals.services import membership_create, membership_send_welcome
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.mail import choose_password_through_link


@pytest.mark.django_db
def test_a_new_member_is_welcomed_once_after_commit(body, django_capture_on_commit_callbacks):
    user = UserFactory(first_name="Ria", last_name="Kok", email="ria@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        membership = membership_create(user=user, body=body)
    assert len(callbacks) == 1  # queued only once the membership is committed
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ria@example.org"]
    assert body.name in message.subject
    assert f"/organen/{body.slug}/" in message.body
    assert "Ria Kok" in message.body
    membership.refresh_from_db()
    assert membership.welcomed_at is not None

    # A second delivery of the same task sends nothing.
    assert membership_send_welcome(membership_id=membership.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_welcome_is_in_dutch_and_not_html_escaped(body):
    body.name = "Bezwaren & Klachten"
    body.save()
    user = UserFactory(email="a@example.org")
    membership = membership_create(user=user, body=body, notify=False)
    assert membership_send_welcome(membership_id=membership.pk) is True
    assert "Bezwaren & Klachten" in mail.outbox[0].subject
    assert "&amp;" not in mail.outbox[0].body
    assert "toegevoegd" in mail.outbox[0].subject


@pytest.mark.django_db
def test_members_without_e_mail_or_gone_are_not_welcomed(body):
    user = UserFactory(email="")
    membership = membership_create(user=user, body=body, notify=False)
    assert membership_send_welcome(membership_id=membership.pk) is False
    assert membership_send_welcome(membership_id=987654) is False
    assert mail.outbox == []
    assert Membership.objects.get(pk=membership.pk).welcomed_at is None


@pytest.mark.django_db
def test_the_same_user_cannot_join_a_body_twice(member, body):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        membership_create(user=member, body=body)


@pytest.mark.django_db
def test_a_broker_that_is_down_does_not_break_saving_a_membership(
    body, django_capture_on_commit_callbacks, monkeypatch
):
    from signals import tasks

    def broker_down(**kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.membership_send_welcome_task, "delay", broker_down)
    user = UserFactory(email="later@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_create(user=user, body=body)
    assert Membership.objects.filter(pk=membership.pk, welcomed_at__isnull=True).exists()


@pytest.mark.django_db
def test_unwelcomed_members_are_queued_again_later(body):
    from datetime import timedelta

    from django.utils import timezone

    from signals.services import membership_requeue_unwelcomed

    old = membership_create(user=UserFactory(email="oud@example.org"), body=body, notify=False)
    recent = membership_create(user=UserFactory(email="nu@example.org"), body=body, notify=False)
    Membership.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))

    assert membership_requeue_unwelcomed() == 1  # runs eagerly in the tests
    assert [m.to for m in mail.outbox] == [["oud@example.org"]]
    assert Membership.objects.get(pk=old.pk).welcomed_at is not None
    assert Membership.objects.get(pk=recent.pk).welcomed_at is None
    assert membership_requeue_unwelcomed() == 0


@pytest.mark.django_db
def test_a_new_account_without_password_gets_a_link_to_choose_one(client, body):
    from rodedraden.accounts.models import Role
    from rodedraden.accounts.services import user_create

    user = user_create(username="nieuw", role=Role.MEMBER, email="nieuw@example.org")
    membership = membership_create(user=user, body=body, notify=False)
    membership_send_welcome(membership_id=membership.pk)
    password = "mijn-eerste-wachtwoord"
    choose_password_through_link(client, mail.outbox[0].body, password)
    assert sign_in(client, "nieuw", password).status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_members_with_a_password_get_no_such_link(member, body):
    membership = Membership.objects.get(user=member, body=body)
    membership_send_welcome(membership_id=membership.pk)
    assert "wachtwoord-herstellen" not in mail.outbox[0].body
