"""Sharing a beraad: the readers get an e-mail, once."""

import pytest
from django.core import mail

from deliberation import services
from deliberation.models import BeraadState
from tests.deliberation.helpers import advance
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_readers_get_one_e_mail_when_the_memo_is_shared(
    beraad, chair, reader, django_capture_on_commit_callbacks
):
    UserFactory(username="oud-lezer", role="lezer", is_active=False)
    UserFactory(username="zonder-adres", role="lezer", email="")
    advance(beraad, chair, BeraadState.VASTGESTELD)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.beraad_share(beraad=beraad, user=chair)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reader.email]
    assert beraad.title in message.subject
    assert f"/beraden/{beraad.pk}/" in message.body
    # A second delivery of the task sends nothing more.
    assert services.beraad_notify_readers(beraad_id=beraad.pk) is False
    assert len(mail.outbox) == 1


def test_no_e_mail_before_the_beraad_is_shared(beraad, chair, reader):
    advance(beraad, chair, BeraadState.VASTGESTELD)
    assert services.beraad_notify_readers(beraad_id=beraad.pk) is False
    assert mail.outbox == []
