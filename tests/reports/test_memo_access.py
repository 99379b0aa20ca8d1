"""Who sees which memo version, the logged download, the memo page's progress (htmx polling)
and the dashboard. The memo rows here carry a stand-in file: no rendering is needed to test
access, and a page or download one may not see is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation.models import BeraadState
from reports.models import Memo, MemoDownload, MemoKind, MemoState
from tests.deliberation.helpers import advance, tag
from tests.factories import ThemeFactory
from tests.reports.helpers import (
    FAKE_PDF,
    Page,
    earlier_shared_session,
    ready_memo,
    started_session,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_storage")]

HTMX = {"HX-Request": "true"}


def list_url(beraad):
    return reverse("reports:memo-list", args=[beraad.pk])


def download_url(memo):
    return reverse("reports:memo-download", args=[memo.pk])


def listed(response) -> list[str]:
    """The memo rows of the memo page, by their id."""
    return [row.get("id") for row in Page(response.content.decode()).all("#memo-versions tbody tr")]


def versions(chair, body, other_body, state):
    """A session in ``state`` with a concept (v1) and, once adopted, the definitive memo (v2);
    before it started, a concept row is put in directly."""
    beraad = started_session(chair, body, other_body, state=state)
    concept = ready_memo(beraad, version=1, requested_by=chair)
    definitive = None
    if state in (BeraadState.VASTGESTELD, BeraadState.GEDEELD):
        definitive = ready_memo(beraad, kind=MemoKind.DEFINITIEF, version=2, requested_by=chair)
    return beraad, concept, definitive


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Who sees what ----------------------------------------------------------------------------
@pytest.mark.parametrize("state", [BeraadState.IN_BERAAD, BeraadState.GEDEELD])
def test_the_chair_sees_every_version(client, chair, body, other_body, state):
    beraad, concept, definitive = versions(chair, body, other_body, state)
    memos = [memo for memo in (definitive, concept) if memo]
    client.force_login(chair)
    response = client.get(list_url(beraad))
    assert response.status_code == 200
    assert listed(response) == [f"memo-{memo.pk}" for memo in memos]
    for memo in memos:
        assert client.get(download_url(memo)).status_code == 200


@pytest.mark.parametrize(
    "state",
    [
        BeraadState.IN_BERAAD,
        BeraadState.CONCEPT_MEMO,
        BeraadState.VASTGESTELD,
        BeraadState.GEDEELD,
    ],
)
@pytest.mark.parametrize("who", ["member", "other_member"])
def test_members_of_the_bodies_taking_part_see_the_versions_once_started(
    client, request, chair, body, other_body, state, who
):
    user = request.getfixturevalue(who)
    beraad, concept, definitive = versions(chair, body, other_body, state)
    memos = [memo for memo in (definitive, concept) if memo]
    client.force_login(user)
    response = client.get(list_url(beraad))
    assert response.status_code == 200
    assert listed(response) == [f"memo-{memo.pk}" for memo in memos]
    for memo in memos:
        response = client.get(download_url(memo))
        assert response.status_code == 200
        assert downloaded(response) == FAKE_PDF
    assert MemoDownload.objects.filter(user=user).count() == len(memos)


@pytest.mark.parametrize("state", [BeraadState.GEPLAND, BeraadState.VOORBEREIDING])
def test_members_see_no_memo_before_the_beraad_started(
    client, chair, member, body, other_body, state
):
    beraad, concept, _definitive = versions(chair, body, other_body, state)
    client.force_login(member)
    assert client.get(list_url(beraad)).status_code == 404
    assert client.get(download_url(concept)).status_code == 404
    assert not MemoDownload.objects.exists()


@pytest.mark.parametrize("state", [BeraadState.IN_BERAAD, BeraadState.GEDEELD])
def test_members_of_other_bodies_get_a_404(client, chair, outsider, body, other_body, state):
    beraad, concept, definitive = versions(chair, body, other_body, state)
    client.force_login(outsider)
    assert client.get(list_url(beraad)).status_code == 404
    for memo in (concept, definitive):
        if memo:
            assert client.get(download_url(memo)).status_code == 404
    assert not MemoDownload.objects.exists()


def test_readers_see_only_the_definitive_memo_of_a_shared_beraad(
    client, chair, reader, body, other_body
):
    beraad, concept, definitive = versions(chair, body, other_body, BeraadState.GEDEELD)
    client.force_login(reader)
    response = client.get(list_url(beraad))
    assert response.status_code == 200
    assert listed(response) == [f"memo-{definitive.pk}"]
    assert client.get(download_url(definitive)).status_code == 200
    assert client.get(download_url(concept)).status_code == 404
    assert list(MemoDownload.objects.values_list("memo", "user")) == [(definitive.pk, reader.pk)]


@pytest.mark.parametrize(
    "state", [BeraadState.IN_BERAAD, BeraadState.CONCEPT_MEMO, BeraadState.VASTGESTELD]
)
def test_readers_see_nothing_of_a_beraad_that_is_not_shared(
    client, chair, reader, body, other_body, state
):
    beraad, concept, definitive = versions(chair, body, other_body, state)
    client.force_login(reader)
    assert client.get(list_url(beraad)).status_code == 404
    for memo in (concept, definitive):
        if memo:
            assert client.get(download_url(memo)).status_code == 404
    assert not MemoDownload.objects.exists()


def test_an_anonymous_visitor_gets_no_memo(client, chair, body, other_body):
    beraad, _concept, definitive = versions(chair, body, other_body, BeraadState.GEDEELD)
    for url in (list_url(beraad), download_url(definitive)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not MemoDownload.objects.exists()


# --- The download -----------------------------------------------------------------------------
def test_every_download_is_logged_and_answered_with_the_pdf(
    client, chair, reader, body, other_body
):
    _beraad, _concept, definitive = versions(chair, body, other_body, BeraadState.GEDEELD)
    for user in (chair, chair, reader):
        client.force_login(user)
        response = client.get(download_url(definitive))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="memo-2026-najaar-definitief-v2.pdf"'
        )
        assert "no-store" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert downloaded(response) == FAKE_PDF
    logged = list(MemoDownload.objects.order_by("pk").values_list("memo", "user"))
    assert logged == [
        (definitive.pk, chair.pk),
        (definitive.pk, chair.pk),
        (definitive.pk, reader.pk),
    ]
    assert all(download.at is not None for download in MemoDownload.objects.all())


@pytest.mark.parametrize("state", [MemoState.WACHTEND, MemoState.BEZIG, MemoState.MISLUKT])
def test_a_memo_that_is_not_ready_cannot_be_downloaded(client, chair, body, other_body, state):
    beraad = started_session(chair, body, other_body)
    memo = Memo.objects.create(beraad=beraad, version=1, kind=MemoKind.CONCEPT, state=state)
    client.force_login(chair)
    assert client.get(download_url(memo)).status_code == 404
    assert not MemoDownload.objects.exists()


def test_a_ready_memo_without_its_file_cannot_be_downloaded(client, chair, body, other_body):
    beraad = started_session(chair, body, other_body)
    memo = Memo.objects.create(
        beraad=beraad, version=1, kind=MemoKind.CONCEPT, state=MemoState.KLAAR
    )
    client.force_login(chair)
    assert client.get(download_url(memo)).status_code == 404
    assert client.get(reverse("reports:memo-download", args=[memo.pk + 99])).status_code == 404
    assert not MemoDownload.objects.exists()


# --- The memo page polls while a version is being made ------------------------------------------
def test_the_memo_page_polls_every_two_seconds_while_a_version_is_pending(
    client, chair, body, other_body
):
    beraad = started_session(chair, body, other_body)
    memo = Memo.objects.create(beraad=beraad, version=1, kind=MemoKind.CONCEPT)
    client.force_login(chair)

    response = client.get(list_url(beraad))
    assert response.status_code == 200
    page = Page(response.content.decode())
    section = page.one("section#memo-versions")
    assert section.get("hx-trigger") == "every 2s"
    assert section.get("hx-get") == list_url(beraad)
    assert section.get("hx-swap") == "outerHTML"
    assert "<html" in response.content.decode()  # the whole page
    assert page.all("main#main")

    fragment = client.get(list_url(beraad), headers=HTMX)
    assert fragment.status_code == 200
    content = fragment.content.decode()
    assert content.lstrip().startswith('<section id="memo-versions"')
    assert "<html" not in content
    assert "<main" not in content
    assert [t.name for t in fragment.templates if t.name.startswith("reports/")] == [
        "reports/includes/memo_versions.html"
    ]
    assert 'hx-trigger="every 2s"' in content
    assert f'id="memo-{memo.pk}"' in content
    assert "hx-swap-oob" not in content  # nothing to say yet

    # Ready: the fragment comes back without the trigger, so htmx stops polling.
    memo.delete()
    ready = ready_memo(beraad, version=1)
    done = client.get(list_url(beraad), headers=HTMX).content.decode()
    assert "hx-trigger" not in done
    assert "hx-get" not in done
    assert download_url(ready) in done
    # ... and the page's status region, which stays, says it once.
    said = '<p id="memo-progress" hx-swap-oob="innerHTML">Versie 1 van het memo is klaar.</p>'
    assert said in done
    assert '<p id="memo-progress" class="visually-hidden" role="status"></p>' in (
        client.get(list_url(beraad)).content.decode()
    )
    assert "hx-trigger" not in client.get(list_url(beraad)).content.decode()


def test_the_chair_can_ask_for_the_right_kind_of_memo_on_the_page(client, chair, body, other_body):
    beraad = started_session(chair, body, other_body, state=BeraadState.CONCEPT_MEMO)
    client.force_login(chair)
    kinds = Page(client.get(list_url(beraad)).content.decode()).all("form input[name=kind]")
    assert [field.get("value") for field in kinds] == [MemoKind.CONCEPT]

    question = reverse("reports:memo-request", args=[beraad.pk]) + "?kind=definitief"
    assert question not in client.get(list_url(beraad)).content.decode()

    # Adopted: the definitive memo is asked first, so the page links to the question.
    beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
    page = Page(client.get(list_url(beraad)).content.decode())
    assert page.all("form input[name=kind]") == []
    assert [link.get("href") for link in page.all(f'a[href="{question}"]')] == [question]

    ready_memo(beraad, kind=MemoKind.DEFINITIEF, version=1)
    page = Page(client.get(list_url(beraad)).content.decode())
    assert page.all("form input[name=kind]") == []
    assert page.all(f'a[href="{question}"]') == []


# --- The dashboard --------------------------------------------------------------------------------
@pytest.fixture
def dashboard_data(chair, reader, body, other_body):
    """Voorjaar 2026 shared, with its definitive memo; najaar 2026 in session, with a concept."""
    tijdigheid = ThemeFactory(name="Tijdigheid")
    shared = earlier_shared_session(chair, reader, body, other_body, tijdigheid)
    definitive = ready_memo(shared, kind=MemoKind.DEFINITIEF, version=1)
    current = started_session(chair, body, other_body)
    signal = current.inclusions.get().signal
    tag(current, signal, ThemeFactory(name="Geheimhouding"), chair)
    concept = ready_memo(current, version=1)
    return {"shared": shared, "current": current, "definitive": definitive, "concept": concept}


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("reports:dashboard"))


@pytest.mark.parametrize("who", ["chair", "admin_user"])
def test_the_chair_sees_every_session_and_the_charts(client, request, dashboard_data, who):
    response = dashboard(client, request.getfixturevalue(who))
    assert response.status_code == 200
    page = Page(response.content.decode())
    sessions = page.texts("#sessions-heading + ul > li a:first-child")
    assert sessions == [dashboard_data["current"].title, dashboard_data["shared"].title]
    charts = page.all("figure.chart")
    assert [figure.get("id") for figure in charts] == [
        "chart-dashboard-recurrence",
        "chart-dashboard-heat-map",
        "chart-dashboard-follow-up",
    ]
    assert len(page.all("figure.chart svg[role=img]")) == 3
    assert "Geheimhouding" in page.text("#chart-dashboard-heat-map")
    assert download_url(dashboard_data["definitive"]) in response.content.decode()


def test_readers_see_only_shared_sessions_on_the_dashboard(client, reader, dashboard_data):
    response = dashboard(client, reader)
    assert response.status_code == 200
    content = response.content.decode()
    page = Page(content)
    assert page.texts("#sessions-heading + ul > li a:first-child") == [
        dashboard_data["shared"].title
    ]
    assert dashboard_data["current"].title not in content
    assert "najaar 2026" not in content
    assert "Geheimhouding" not in content  # the theme of the session not shared
    assert page.all("figure.chart svg[role=img]")
    assert download_url(dashboard_data["definitive"]) in content
    assert download_url(dashboard_data["concept"]) not in content


def test_members_get_no_dashboard(client, member, other_member, outsider, dashboard_data):
    for user in (member, other_member, outsider):
        assert dashboard(client, user).status_code == 404


def test_the_dashboard_of_a_reader_without_shared_sessions_is_empty(
    client, reader, chair, body, other_body
):
    started_session(chair, body, other_body)
    response = dashboard(client, reader)
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert page.all("#sessions-heading + ul") == []
    assert page.all("figure.chart") == []
