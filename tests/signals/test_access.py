"""The one gate for reading bodies and memberships: for_user, and a 404 for the rest."""

import pytest

from signals.models import Membership, OversightBody
from tests.factories import MembershipFactory, OversightBodyFactory


@pytest.fixture
def inactive_body(member):
    body = OversightBodyFactory(name="Oude commissie", slug="oud", is_active=False)
    MembershipFactory(body=body, user=member)
    return body


@pytest.mark.django_db
def test_a_member_sees_only_their_active_bodies(member, body, other_body, inactive_body):
    assert list(OversightBody.objects.for_user(member)) == [body]
    assert set(Membership.objects.for_user(member).values_list("body", flat=True)) == {body.pk}


@pytest.mark.django_db
def test_chair_and_admin_see_every_body(chair, admin_user, body, other_body, inactive_body):
    for user in (chair, admin_user):
        assert set(OversightBody.objects.for_user(user)) == {body, other_body, inactive_body}


@pytest.mark.django_db
def test_readers_inactive_users_and_anonymous_see_no_body(reader, member, body):
    from django.contrib.auth.models import AnonymousUser

    member.is_active = False
    assert not OversightBody.objects.for_user(reader).exists()
    assert not OversightBody.objects.for_user(member).exists()
    assert not OversightBody.objects.for_user(AnonymousUser()).exists()


@pytest.mark.django_db
def test_a_member_can_open_their_own_body(client, member, body):
    colleague = MembershipFactory(body=body, user__first_name="Ria", user__last_name="Kok").user
    client.force_login(member)
    response = client.get(body.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert body.name in html
    assert colleague.get_full_name() in html
    assert "doelmatigheid" in html.lower() or "efficiency" in html.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["member", "reader"])
def test_a_body_one_may_not_see_is_a_404(client, request, other_body, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(other_body.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_body_list_shows_what_for_user_allows(client, member, body, other_body):
    client.force_login(member)
    html = client.get("/organen/").content.decode()
    assert body.name in html
    assert other_body.name not in html


@pytest.mark.django_db
def test_the_chair_sees_member_counts(
    client, chair, body, other_body, django_assert_max_num_queries
):
    MembershipFactory.create_batch(3, body=body)
    client.force_login(chair)
    # One of them reads the chair's second factor (django-otp's middleware).
    with django_assert_max_num_queries(7):
        response = client.get("/organen/")
    assert [(b.name, b.member_count) for b in response.context["bodies"]] == [
        ("Ombudsman", 0),
        ("Rekenkamer", 3),
    ]


@pytest.mark.django_db
def test_the_body_list_does_not_grow_queries_with_bodies(client, chair, django_assert_num_queries):
    client.force_login(chair)
    OversightBodyFactory()
    client.get("/organen/")  # warm up (session, user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/organen/")
    OversightBodyFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        client.get("/organen/")
    assert len(many) == len(few)


@pytest.mark.django_db
def test_readers_have_no_body_pages(client, reader, body):
    client.force_login(reader)
    assert client.get("/organen/").status_code == 404


@pytest.mark.django_db
def test_a_member_sees_the_full_member_count_of_their_body(client, member, body):
    MembershipFactory.create_batch(2, body=body)
    MembershipFactory(body=body, user__is_active=False)
    client.force_login(member)
    response = client.get("/organen/")
    assert [(b.name, b.member_count) for b in response.context["bodies"]] == [("Rekenkamer", 3)]
