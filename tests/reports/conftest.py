"""Fixtures of the reports tests: the memo's bodies and their members, and a storage of their
own per test (memo files live at memos/<beraad id>/, and ids come back after a rollback)."""

import pytest

from tests.factories import MembershipFactory, OversightBodyFactory


@pytest.fixture
def fresh_storage(settings):
    """A new, empty in-memory storage for this test's memo files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


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
