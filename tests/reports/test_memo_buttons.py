"""The memo page offers a memo version exactly when ``memo_request`` would make it: the buttons
ask ``memo_request_refusal``, the rule of the service itself (issue 18, point 4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation.models import STARTED_STATES, Beraad, BeraadState
from reports.models import MemoKind
from reports.services import memo_request_refusal
from tests.factories import BeraadFactory
from tests.reports.helpers import ready_memo


@pytest.mark.parametrize("state", STARTED_STATES)
@pytest.mark.parametrize("with_definitive", [False, True], ids=["", "definitive-made"])
def test_the_buttons_follow_the_services_rule(client, chair, state, with_definitive, fresh_storage):
    beraad = BeraadFactory(chair=chair, state=state)
    if with_definitive:
        ready_memo(beraad, kind=MemoKind.DEFINITIEF, requested_by=chair)
    client.force_login(chair)

    context = client.get(reverse("reports:memo-list", args=[beraad.pk])).context

    beraad = Beraad.objects.get(pk=beraad.pk)
    assert context["can_request_concept"] == (
        memo_request_refusal(beraad=beraad, definitive=False) is None
    )
    assert context["can_request_definitive"] == (
        memo_request_refusal(beraad=beraad, definitive=True) is None
    )


def test_only_the_chair_gets_the_buttons(client, reader, chair):
    beraad = BeraadFactory(chair=chair, state=BeraadState.GEDEELD)
    client.force_login(reader)
    context = client.get(reverse("reports:memo-list", args=[beraad.pk])).context
    assert context["can_request_concept"] is False
    assert context["can_request_definitive"] is False
