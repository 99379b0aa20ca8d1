"""Functional administrators manage everything in the Django admin."""

import pytest
from django.core import mail

from rodedraden.accounts.models import Role, User
from signals.models import Membership, OversightBody
from tests.factories import MembershipFactory, UserFactory

CHANGELISTS = [
    "/admin/accounts/user/",
    "/admin/signals/oversightbody/",
    "/admin/signals/membership/",
]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", CHANGELISTS)
@pytest.mark.parametrize("query", ["", "?q=rekenkamer", "?o=2"])
def test_the_changelists_open_with_search_and_sorting(admin_client, member, url, query):
    assert admin_client.get(url + query).status_code == 200


@pytest.mark.django_db
def test_filters_and_columns(admin_client, member, body, other_body):
    response = admin_client.get("/admin/signals/oversightbody/?kind__exact=ombudsman")
    assert [b.name for b in response.context["cl"].result_list] == ["Ombudsman"]
    response = admin_client.get(
        f"/admin/accounts/user/?role__exact=lid&memberships__body={body.pk}"
    )
    assert [u.username for u in response.context["cl"].result_list] == ["lid"]
    html = admin_client.get("/admin/signals/oversightbody/").content.decode()
    assert "column-member_count" in html


@pytest.mark.django_db
def test_the_admin_adds_a_body(admin_client):
    response = admin_client.post(
        "/admin/signals/oversightbody/add/",
        {
            "name": "Accountant",
            "slug": "accountant",
            "kind": "overig",
            "description": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OversightBody.objects.get(slug="accountant").kind == "overig"


@pytest.mark.django_db
def test_an_unknown_kind_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        "/admin/signals/oversightbody/add/",
        {
            "name": "X",
            "slug": "x",
            "kind": "gemeenteraad",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    assert not OversightBody.objects.filter(slug="x").exists()


@pytest.mark.django_db
def test_a_membership_added_in_the_admin_welcomes_the_member(
    admin_client, body, django_capture_on_commit_callbacks
):
    user = UserFactory(email="welkom@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/signals/membership/add/", {"user": user.pk, "body": body.pk}
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, body=body)
    assert membership.welcomed_at is not None
    assert [m.to for m in mail.outbox] == [["welkom@example.org"]]


@pytest.mark.django_db
def test_members_added_inline_on_a_body_are_welcomed_too(
    admin_client, body, django_capture_on_commit_callbacks
):
    user = UserFactory(email="inline@example.org")
    data = {
        "name": body.name,
        "slug": body.slug,
        "kind": body.kind,
        "description": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": user.pk,
        "memberships-0-body": body.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/signals/oversightbody/{body.pk}/change/", data)
    assert response.status_code == 302
    assert Membership.objects.filter(user=user, body=body, welcomed_at__isnull=False).exists()
    assert [m.to for m in mail.outbox] == [["inline@example.org"]]


@pytest.mark.django_db
def test_the_admin_creates_a_reader(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "wethouder",
            "first_name": "Wim",
            "last_name": "Wethouder",
            "email": "wim@example.org",
            "role": Role.READER,
            "usable_password": "true",
            "password1": "een-lang-en-sterk-wachtwoord",
            "password2": "een-lang-en-sterk-wachtwoord",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="wethouder")
    assert user.role == Role.READER
    assert not user.is_staff


@pytest.mark.django_db
def test_the_user_page_shows_memberships(admin_client, member, body):
    MembershipFactory(user=member, body__name="Ombudsman", body__slug="ombudsman")
    html = admin_client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    assert "Ombudsman" in html
    assert "Rekenkamer" in html


# --- Signals in the admin: corrections through the same guard and service ----------------------
def signal_admin_data(signal, **changes):
    data = {
        "title": signal.title,
        "description": signal.description,
        "source_reference": "",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "4",
        "impact": "midden",
        "version": str(signal.version),
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_signal_changelist_filters_and_searches(admin_client, body):
    from tests.factories import SignalFactory

    SignalFactory(body=body, title="Wachttijden Wmo")
    for query in ("", "?q=Wmo", "?state__exact=concept", f"?body__id__exact={body.pk}"):
        response = admin_client.get("/admin/signals/signal/" + query)
        assert response.status_code == 200
        assert [s.title for s in response.context["cl"].result_list] == ["Wachttijden Wmo"]
    assert admin_client.get("/admin/signals/signal/add/").status_code == 403


@pytest.mark.django_db
def test_the_admin_refuses_personal_data_and_proposes_the_redaction(admin_client, body):
    from signals.models import Signal
    from tests.factories import SignalFactory

    signal = SignalFactory(body=body, title="Wachttijden Wmo")
    url = f"/admin/signals/signal/{signal.pk}/change/"
    response = admin_client.post(
        url, signal_admin_data(signal, description="Mevrouw Jansen belde 06-12345678.")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mevrouw [NAAM] belde [TELEFOON]." in html
    signal.refresh_from_db()
    assert "Jansen" not in signal.description

    response = admin_client.post(url, signal_admin_data(signal, description="Gecorrigeerd."))
    assert response.status_code == 302
    signal.refresh_from_db()
    assert (signal.description, signal.version) == ("Gecorrigeerd.", 2)
    assert Signal.objects.count() == 1


@pytest.mark.django_db
def test_a_stale_admin_edit_is_refused(admin_client, body):
    from tests.factories import SignalFactory

    signal = SignalFactory(body=body, version=3)
    url = f"/admin/signals/signal/{signal.pk}/change/"
    data = signal_admin_data(signal, description="Oude versie", version="2")
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    signal.refresh_from_db()
    assert signal.description != "Oude versie"
    assert signal.version == 3
