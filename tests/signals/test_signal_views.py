"""The per-body workspace in the browser: list, filters, search, the signal form with the
anonymisation guard, the state changes, bad input, and a 404 for whatever one may not see."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from signals.models import Aspect, OrganisationUnit, Signal, SignalState
from tests.factories import MembershipFactory, SignalFactory

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "title": "Terugbelverzoeken niet opgevolgd",
        "description": "Inwoners worden niet teruggebeld na een verzoek daartoe.",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "7",
        "impact": "midden",
        "source_reference": "Kwartaalrapportage Q2",
        "details_indeling": ["doelmatigheid"],
        "details_rapport": "",
        "details_opvolging": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def create_url(body):
    return reverse("signals:signal-create", args=[body.slug])


def text(response) -> str:
    return response.content.decode()


# --- Creating through the form -------------------------------------------------------------------
def test_the_form_shows_the_fields_of_the_body_kind(client, member, body):
    client.force_login(member)
    html = text(client.get(create_url(body)))
    assert 'name="details_rapport"' in html
    assert 'name="details_opvolging"' in html
    assert 'value="doelmatigheid"' in html  # the court of audit's yardstick
    assert 'name="details_uitkomst"' not in html  # the complaints commissioner's


def test_a_member_saves_a_draft(client, member, body):
    aspect = Aspect.objects.get(slug="tijdigheid")
    unit = OrganisationUnit.objects.create(name="Klantcontactcentrum")
    client.force_login(member)
    response = client.post(
        create_url(body),
        form_data(aspects=[aspect.pk], organisation_units=[unit.pk], details_opvolging="deels"),
        follow=True,
    )
    signal = Signal.objects.get()
    assert response.redirect_chain[-1][0] == signal.get_absolute_url()
    assert (signal.body, signal.author, signal.state) == (body, member, SignalState.CONCEPT)
    assert signal.details == {"indeling": ["doelmatigheid"], "opvolging": "deels"}
    assert list(signal.aspects.all()) == [aspect]
    assert list(signal.organisation_units.all()) == [unit]
    assert "Terugbelverzoeken niet opgevolgd" in text(response)


def test_the_body_comes_from_the_url_never_from_the_post(client, member, body, other_body):
    client.force_login(member)
    client.post(create_url(body), form_data(body=other_body.pk, body_id=other_body.pk))
    assert Signal.objects.get().body == body


def test_personal_data_is_shown_with_a_proposal_and_nothing_is_saved(client, member, body):
    client.force_login(member)
    response = client.post(
        create_url(body),
        form_data(description="Mevrouw Jansen belde vanaf 06-12345678 over haar aanvraag."),
    )
    assert response.status_code == 200
    assert not Signal.objects.exists()
    html = text(response)
    assert re.search(r'<mark class="finding">.*Jansen</mark>', html)
    assert "[NAAM]" in html
    assert "[TELEFOON]" in html
    assert 'name="accept_redaction"' in html
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_accepting_the_redaction_saves_only_the_redacted_text(client, member, body):
    client.force_login(member)
    response = client.post(
        create_url(body),
        form_data(
            title="Klacht van dhr. P. de Vries",
            description="Mevrouw Jansen belde vanaf 06-12345678 over haar aanvraag.",
            accept_redaction="1",
        ),
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.title == "Klacht van dhr. [NAAM]"
    assert signal.description == "Mevrouw [NAAM] belde vanaf [TELEFOON] over haar aanvraag."


def test_a_rewritten_text_saves_without_redaction(client, member, body):
    client.force_login(member)
    client.post(create_url(body), form_data(description="Inwoner belde drie keer."))
    assert Signal.objects.get().description == "Inwoner belde drie keer."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"period_start": "2026-06-30", "period_end": "2026-01-01"}, "period_end"),
        ({"period_start": "31-31-2026"}, "period_start"),
        ({"case_count": "-3"}, "case_count"),
        ({"case_count": "veel"}, "case_count"),
        ({"impact": "enorm"}, "impact"),
        ({"title": ""}, "title"),
        ({"details_opvolging": "misschien"}, "details_opvolging"),
        ({"details_indeling": ["onbekend"]}, "details_indeling"),
    ],
)
def test_bad_input_gets_a_message_at_the_field_and_keeps_the_rest(
    client, member, body, changes, field
):
    client.force_login(member)
    response = client.post(create_url(body), form_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Signal.objects.exists()
    assert "Kwartaalrapportage Q2" in text(response)  # nothing typed is lost
    assert 'class="alert alert-danger"' in text(response)


def test_the_period_message_is_dutch(client, member, body):
    client.force_login(member)
    response = client.post(
        create_url(body), form_data(period_start="2026-06-30", period_end="2026-01-01")
    )
    assert "De periode kan niet eindigen voordat hij begint." in text(response)


def test_markup_in_text_is_escaped_on_every_page(client, member, body):
    client.force_login(member)
    client.post(
        create_url(body),
        form_data(title="<script>alert(1)</script>", description="<b>vet</b> & <i>schuin</i>"),
    )
    signal = Signal.objects.get()
    for url in (signal.get_absolute_url(), body.get_absolute_url()):
        html = text(client.get(url))
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; &lt;i&gt;schuin&lt;/i&gt;" in text(
        client.get(signal.get_absolute_url())
    )


# --- Editing -------------------------------------------------------------------------------------
def test_a_stale_edit_is_refused_and_the_input_stays(client, member, body):
    signal = SignalFactory(body=body, title="Origineel")
    colleague = MembershipFactory(body=body).user
    url = reverse("signals:signal-update", args=[signal.pk])
    client.force_login(colleague)
    client.post(url, form_data(title="Versie van de collega", version="1"))
    client.force_login(member)
    response = client.post(url, form_data(title="Mijn versie", version="1"))
    assert response.status_code == 200
    assert Signal.objects.get().title == "Versie van de collega"
    html = text(response)
    assert "Mijn versie" in html  # the user's input is still in the form
    assert "Versie van de collega" in html  # next to what was saved
    assert "Iemand anders heeft dit signaal opgeslagen" in html
    # Saving again is now a deliberate choice, and it works.
    response = client.post(url, form_data(title="Mijn versie", version="2"))
    assert response.status_code == 302
    assert Signal.objects.get().title == "Mijn versie"


def test_a_submitted_signal_cannot_be_edited_until_withdrawn(client, member, body):
    signal = SignalFactory(body=body, state=SignalState.INGEDIEND)
    client.force_login(member)
    response = client.get(reverse("signals:signal-update", args=[signal.pk]))
    assert response.status_code == 302
    assert response.headers["Location"] == signal.get_absolute_url()


# --- State changes in the browser ---------------------------------------------------------------
def test_submit_and_withdraw_through_the_detail_page(client, member, body):
    signal = SignalFactory(body=body)
    client.force_login(member)
    html = text(client.get(signal.get_absolute_url()))
    assert reverse("signals:signal-submit", args=[signal.pk]) in html
    response = client.post(
        reverse("signals:signal-submit", args=[signal.pk]), {"version": "1"}, follow=True
    )
    assert Signal.objects.get().state == SignalState.INGEDIEND
    assert "De voorzitter kan het nu zien" in text(response)
    client.post(reverse("signals:signal-withdraw", args=[signal.pk]), {"version": "2"})
    assert Signal.objects.get().state == SignalState.CONCEPT


def test_submitting_is_asked_first_and_says_what_happens(client, member, body):
    signal = SignalFactory(body=body, title="Brieven te laat verstuurd")
    client.force_login(member)
    url = reverse("signals:signal-submit", args=[signal.pk])
    detail = text(client.get(signal.get_absolute_url()))
    assert f'href="{url}?version=1"' in detail  # a link to the question, not a form posting
    response = client.get(url, {"version": "1"})
    assert response.status_code == 200
    page = text(response)
    assert "Dit signaal indienen voor het beraad?" in page
    assert "Brieven te laat verstuurd" in page
    assert "De voorzitter van het beraad kan het signaal vanaf nu zien" in page
    assert "Tot het beraad begint, kunt u het intrekken" in page
    assert "Iemand anders heeft dit signaal gewijzigd" not in page
    assert re.search(rf'<form method="post" action="{url}"[^>]*>', page)
    assert '<input type="hidden" name="version" value="1">' in page
    assert Signal.objects.get().state == SignalState.CONCEPT  # asking changes nothing
    response = client.post(url, {"version": "1"}, follow=True)
    assert Signal.objects.get().state == SignalState.INGEDIEND
    assert "Het signaal is ingediend" in text(response)


def test_the_question_shows_a_change_made_since_and_the_form_takes_the_new_version(
    client, member, body
):
    signal = SignalFactory(body=body, version=3)
    client.force_login(member)
    page = text(client.get(reverse("signals:signal-submit", args=[signal.pk]), {"version": "2"}))
    assert "Iemand anders heeft dit signaal gewijzigd nadat u het opende" in page
    assert '<input type="hidden" name="version" value="3">' in page


def test_a_stale_submit_is_refused_with_a_message(client, member, body):
    signal = SignalFactory(body=body, version=2)
    client.force_login(member)
    response = client.post(
        reverse("signals:signal-submit", args=[signal.pk]), {"version": "1"}, follow=True
    )
    assert Signal.objects.get().state == SignalState.CONCEPT
    assert "Iemand anders heeft dit signaal intussen gewijzigd" in text(response)


def test_asking_to_submit_what_is_no_draft_goes_back_with_a_message(client, member, body):
    signal = SignalFactory(body=body, state=SignalState.INGEDIEND)
    client.force_login(member)
    response = client.get(reverse("signals:signal-submit", args=[signal.pk]), follow=True)
    assert response.redirect_chain == [(signal.get_absolute_url(), 302)]
    assert "Alleen een concept kan worden ingediend." in text(response)


def test_a_transition_out_of_order_gets_a_message_not_an_error(client, member, body):
    signal = SignalFactory(body=body, state=SignalState.IN_BERAAD)
    client.force_login(member)
    response = client.post(reverse("signals:signal-withdraw", args=[signal.pk]), follow=True)
    assert response.status_code == 200
    assert Signal.objects.get().state == SignalState.IN_BERAAD
    assert "alert-danger" in text(response)


def test_delete_asks_first_and_only_drafts_go(client, member, body):
    signal = SignalFactory(body=body)
    url = reverse("signals:signal-delete", args=[signal.pk])
    client.force_login(member)
    assert "Dit concept verwijderen?" in text(client.get(url))
    assert Signal.objects.exists()
    client.post(url, {"version": "1"})
    assert not Signal.objects.exists()


# --- The workspace: list, filters, search -------------------------------------------------------
@pytest.fixture
def workspace_signals(body):
    tijdigheid = Aspect.objects.get(slug="tijdigheid")
    privacy = Aspect.objects.get(slug="privacy-gegevensbescherming")
    unit = OrganisationUnit.objects.create(name="Publiekszaken")
    first = SignalFactory(
        body=body,
        title="Klacht over wachttijd",
        description="Een klacht over de wachttijd aan de balie.",
        state=SignalState.INGEDIEND,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
    )
    first.aspects.add(tijdigheid)
    first.organisation_units.add(unit)
    second = SignalFactory(
        body=body,
        title="Datalek bij verzending",
        description="Brieven gingen naar een verkeerd adres.",
        is_positive=True,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
    )
    second.aspects.add(privacy)
    return {"first": first, "second": second, "tijdigheid": tijdigheid, "unit": unit}


def titles(client, body, **query):
    response = client.get(body.get_absolute_url(), query)
    assert response.status_code == 200
    return {signal.title for signal in response.context["signals"]}


def test_the_workspace_filters(client, member, body, workspace_signals):
    client.force_login(member)
    both = {"Klacht over wachttijd", "Datalek bij verzending"}
    assert titles(client, body) == both
    assert titles(client, body, state="ingediend") == {"Klacht over wachttijd"}
    assert titles(client, body, aspect=workspace_signals["tijdigheid"].pk) == {
        "Klacht over wachttijd"
    }
    assert titles(client, body, organisation_unit=workspace_signals["unit"].pk) == {
        "Klacht over wachttijd"
    }
    assert titles(client, body, period_from="2026-01-01") == {"Datalek bij verzending"}
    assert titles(client, body, period_until="2025-12-31") == {"Klacht over wachttijd"}
    assert titles(client, body, nature="positief") == {"Datalek bij verzending"}
    assert titles(client, body, nature="negatief") == {"Klacht over wachttijd"}


def test_bad_filter_values_never_break_the_page(client, member, body, workspace_signals):
    client.force_login(member)
    for query in (
        {"state": "weg"},
        {"aspect": "abc"},
        {"period_from": "gisteren"},
        {"pagina": "999"},
        {"q": "x" * 500},
        {"q": "'); DROP TABLE signals_signal; --"},
    ):
        assert client.get(body.get_absolute_url(), query).status_code == 200
    assert Signal.objects.count() == 2


def test_search_finds_inflected_words(client, member, body, workspace_signals):
    client.force_login(member)
    assert titles(client, body, q="klachten") == {"Klacht over wachttijd"}
    assert titles(client, body, q="verzendingen datalek") == {"Datalek bij verzending"}
    assert titles(client, body, q="balie wachttijd") == {"Klacht over wachttijd"}
    assert titles(client, body, q="parkeren") == set()


def test_search_uses_the_gin_index_on_postgresql_and_a_fallback_elsewhere(member, body):
    from signals.search import search

    SignalFactory.create_batch(5, body=body)
    queryset = search(Signal.objects.all(), "klachten")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = queryset.explain()
        assert "signal_search_idx" in plan
        assert "plainto_tsquery(dutch::regconfig" in str(queryset.query)
    else:  # the embedded SQLite: a match on the stem, "klacht"
        assert "%klacht%" in str(queryset.query)
        assert "tsquery" not in str(queryset.query)


def test_the_workspace_paginates_and_shows_headline_figures(client, member, body):
    SignalFactory.create_batch(30, body=body, case_count=2)
    client.force_login(member)
    response = client.get(body.get_absolute_url())
    assert len(response.context["signals"]) == 25
    assert "pagina=2" in text(response)
    figures = {figure.code: value for figure, value in response.context["headline"]}
    assert figures["signalen"] == 30
    assert figures["zaken"] == 60
    assert len(client.get(body.get_absolute_url(), {"pagina": 2}).context["signals"]) == 5


def test_the_workspace_queries_do_not_grow_with_the_signals(client, member, body):
    from django.test.utils import CaptureQueriesContext

    SignalFactory.create_batch(3, body=body)
    client.force_login(member)
    client.get(body.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(body.get_absolute_url())
    for signal in SignalFactory.create_batch(20, body=body):
        signal.aspects.add(Aspect.objects.first())
    with CaptureQueriesContext(connection) as many:
        client.get(body.get_absolute_url())
    assert len(many) == len(few)


def test_an_empty_workspace_invites_the_first_signal(client, member, body):
    client.force_login(member)
    html = text(client.get(body.get_absolute_url()))
    assert create_url(body) in html
    assert "nog geen signalen" in html


def test_the_chair_reads_the_workspace_without_write_actions(client, chair, body):
    SignalFactory(body=body, state=SignalState.INGEDIEND, title="Ingediend signaal")
    SignalFactory(body=body, title="Concept van het orgaan")
    client.force_login(chair)
    html = text(client.get(body.get_absolute_url()))
    assert "Ingediend signaal" in html
    assert "Concept van het orgaan" not in html
    assert create_url(body) not in html


# --- 404 for what one may not see ----------------------------------------------------------------
def signal_urls(signal):
    return [
        ("get", signal.get_absolute_url()),
        ("get", reverse("signals:signal-update", args=[signal.pk])),
        ("post", reverse("signals:signal-update", args=[signal.pk])),
        ("post", reverse("signals:signal-submit", args=[signal.pk])),
        ("post", reverse("signals:signal-withdraw", args=[signal.pk])),
        ("get", reverse("signals:signal-delete", args=[signal.pk])),
        ("post", reverse("signals:signal-delete", args=[signal.pk])),
    ]


def body_urls(body):
    return [
        ("get", create_url(body)),
        ("post", create_url(body)),
        ("get", reverse("signals:signal-import", args=[body.slug])),
        ("post", reverse("signals:signal-import", args=[body.slug])),
        ("get", reverse("signals:import-template", args=[body.slug, "csv"])),
        ("get", reverse("signals:import-template", args=[body.slug, "xlsx"])),
        ("get", reverse("signals:signal-export", args=[body.slug, "csv"])),
        ("get", reverse("signals:signal-export", args=[body.slug, "xlsx"])),
        ("get", body.get_absolute_url()),
    ]


@pytest.mark.parametrize("state", SignalState.values)
def test_another_bodys_member_gets_a_404_on_every_signal_url(client, body, other_body, state):
    signal = SignalFactory(body=other_body, state=state)
    client.force_login(MembershipFactory(body=body).user)
    for method, url in [*signal_urls(signal), *body_urls(other_body)]:
        response = getattr(client, method)(url, form_data())
        assert response.status_code == 404, (method, url)
    assert Signal.objects.get().state == state


def test_readers_get_a_404_on_every_signal_url(client, reader, body):
    signal = SignalFactory(body=body, state=SignalState.INGEDIEND)
    client.force_login(reader)
    for method, url in [*signal_urls(signal), *body_urls(body)]:
        assert getattr(client, method)(url, form_data()).status_code == 404, (method, url)


def test_the_chair_reads_submitted_signals_but_changes_nothing(client, chair, body):
    draft = SignalFactory(body=body)
    submitted = SignalFactory(body=body, state=SignalState.INGEDIEND)
    client.force_login(chair)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(submitted.get_absolute_url()).status_code == 200
    for method, url in signal_urls(submitted)[1:]:
        assert getattr(client, method)(url, form_data()).status_code == 404, (method, url)
    for method, url in body_urls(body)[:6]:
        assert getattr(client, method)(url, form_data()).status_code == 404, (method, url)
    assert Signal.objects.get(pk=submitted.pk).state == SignalState.INGEDIEND


def test_unknown_export_formats_do_not_exist(client, member, body):
    client.force_login(member)
    assert client.get(f"/organen/{body.slug}/signalen/export.pdf").status_code == 404
