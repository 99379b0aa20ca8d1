"""The guard in the admin (issue 16): every project ModelAdmin's change form shows the personal
data its guarded fields found, with the proposed redaction and a button that accepts it; the
raw text is never saved."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.utils import translation

from signals.admin import GuardedAdminMixin
from signals.guard import GuardedFormMixin
from signals.models import Aspect, OrganisationUnit, OversightBody, Signal
from tests.factories import SignalFactory
from tests.signals.test_admin import signal_admin_data

ACCEPT = 'name="accept_redaction" value="1"'


def dutch(message: str) -> str:
    with translation.override("nl"):
        return translation.gettext(message)


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def assert_findings_panel(response, *, proposal: str) -> str:
    assert response.status_code == 200
    html = page(response)
    panel = re.search(r'<section class="module findings-panel".*?</section>', html, re.S)
    assert panel, "the findings panel"
    panel = panel.group()
    assert dutch("Personal data found") in panel
    assert re.search(r'<mark class="finding">.*?Jansen</mark>', panel)
    assert proposal in panel  # the proposed text, whole
    assert ACCEPT in panel
    # Inside the change form, before its fields.
    form = re.search(r'<form [^>]*id="\w+_form".*?</form>', html, re.S).group()
    assert panel in form
    return html


def test_every_project_admin_guards():
    from deliberation.models import Beraad, Recommendation, Theme

    for model in (OversightBody, Aspect, OrganisationUnit, Signal, Beraad, Theme, Recommendation):
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, GuardedAdminMixin), model
        assert issubclass(model_admin.form, GuardedFormMixin), model


@pytest.mark.django_db
def test_an_organisation_unit_with_a_name_in_it_is_refused_and_the_redaction_accepted(
    admin_client,
):
    url = "/admin/signals/organisationunit/add/"
    data = {"name": "Team van mevrouw Jansen", "is_active": "on", "_save": "Opslaan"}
    refused = admin_client.post(url, data)
    assert_findings_panel(refused, proposal="Team van mevrouw [NAAM]")
    assert not OrganisationUnit.objects.exists()

    accepted = admin_client.post(url, {**data, "accept_redaction": "1"})
    assert accepted.status_code == 302
    assert OrganisationUnit.objects.get().name == "Team van mevrouw [NAAM]"
    messages = [str(m) for m in get_messages(accepted.wsgi_request)]
    assert dutch("Personal data was replaced by placeholders.") in messages


@pytest.mark.django_db
def test_the_description_of_a_body_and_of_an_aspect(admin_client, body):
    url = f"/admin/signals/oversightbody/{body.pk}/change/"
    data = {
        "name": body.name,
        "slug": body.slug,
        "kind": body.kind,
        "description": "Secretaris: mevrouw Jansen, 06-12345678.",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    assert_findings_panel(admin_client.post(url, data), proposal="[TELEFOON]")
    body.refresh_from_db()
    assert body.description == ""
    assert admin_client.post(url, {**data, "accept_redaction": "1"}).status_code == 302
    body.refresh_from_db()
    assert body.description == "Secretaris: mevrouw [NAAM], [TELEFOON]."

    aspect = Aspect.objects.order_by("order").first()
    url = f"/admin/signals/aspect/{aspect.pk}/change/"
    data = {
        "name": aspect.name,
        "slug": aspect.slug,
        "description": "Zoals bij mevrouw Jansen.",
        "order": aspect.order,
        "is_active": "on",
    }
    assert_findings_panel(admin_client.post(url, data), proposal="Zoals bij mevrouw [NAAM].")
    assert admin_client.post(url, {**data, "accept_redaction": "1"}).status_code == 302
    aspect.refresh_from_db()
    assert aspect.description == "Zoals bij mevrouw [NAAM]."


@pytest.mark.django_db
def test_the_signal_change_form_shows_the_findings_and_accepts_the_redaction(admin_client, body):
    signal = SignalFactory(body=body, title="Wachttijden Wmo")
    url = f"/admin/signals/signal/{signal.pk}/change/"
    data = signal_admin_data(signal, description="Mevrouw Jansen belde 06-12345678.")
    assert_findings_panel(admin_client.post(url, data), proposal="Mevrouw [NAAM] belde [TELEFOON].")
    signal.refresh_from_db()
    assert "Jansen" not in signal.description
    assert signal.version == 1

    accepted = admin_client.post(url, {**data, "accept_redaction": "1"})
    assert accepted.status_code == 302
    signal.refresh_from_db()
    # Saved through the service: its version went up.
    assert (signal.description, signal.version) == ("Mevrouw [NAAM] belde [TELEFOON].", 2)


@pytest.mark.django_db
def test_a_change_form_without_findings_has_no_panel(admin_client, body, admin_user):
    for url in (
        f"/admin/signals/oversightbody/{body.pk}/change/",
        f"/admin/accounts/user/{admin_user.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "findings-panel" not in page(response)
        assert "css/admin-findings.css" in page(response)
