import pytest
from django.core import mail

from signals.models import Membership
from signals.services import membership_create, membership_send_welcome
from tests.factories import UserFactory


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
