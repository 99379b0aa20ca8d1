"""Fixtures of the deliberation tests: a session of the rekenkamer (``body``) and the
ombudsman (``other_body``), with a third body that does not take part."""

import pytest

from tests.factories import BeraadFactory, MembershipFactory, OversightBodyFactory


@pytest.fixture
def third_body(db):
    return OversightBodyFactory(
        name="Bezwarencommissie", slug="bezwarencommissie", kind="bezwarencommissie"
    )


@pytest.fixture
def other_member(other_body):
    """A member of the ombudsman, the other body taking part."""
    return MembershipFactory(body=other_body, user__username="lid-ombudsman").user


@pytest.fixture
def outsider(third_body):
    """A member of a body that does not take part in the beraad."""
    return MembershipFactory(body=third_body, user__username="lid-bezwaar").user


@pytest.fixture
def beraad(chair, body, other_body):
    """Najaar 2026, over the first half of 2026, planned (gepland)."""
    return BeraadFactory(chair=chair, bodies=[body, other_body])
