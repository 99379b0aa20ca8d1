"""The chair's pages: planning and editing a session, its steps, the tagging workspace (with and
without htmx), the rode-draad page, the theme catalogue. The site is Dutch: the tests check the
data a page shows, status codes and redirects, and messages as gettext gives them in Dutch."""

from datetime import date
from html import escape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from deliberation import services
from deliberation.models import (
    Analysis,
    Beraad,
    BeraadSignal,
    BeraadState,
    Recommendation,
    Tag,
    Theme,
    ThemeEvent,
)
from signals.models import Aspect
from signals.services import organisation_unit_create
from tests.deliberation.helpers import advance, dutch, inclusion, state_label, submitted, tag
from tests.factories import BeraadFactory, ThemeFactory

HTMX = {"HX-Request": "true"}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def session(beraad, chair, body, other_body):
    """A beraad in session: a and b of the rekenkamer, c of the ombudsman; a is tagged."""
    aspect = Aspect.objects.order_by("order").first()
    s = {
        "a": submitted(body, title="Wmo-aanvragen blijven lang liggen"),
        "b": submitted(body, title="Terugbelverzoeken niet opgevolgd"),
        "c": submitted(other_body, title="Klachten over wachttijden jeugdhulp"),
    }
    s["c"].aspects.add(aspect)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, s["a"], theme, chair)
    return {"beraad": beraad, "signals": s, "theme": theme, "aspect": aspect}


def tag_url(beraad):
    return reverse("deliberation:tag", args=[beraad.pk])


def workspace_url(beraad):
    return reverse("deliberation:workspace", args=[beraad.pk])


# --- Planning and editing ---------------------------------------------------------------------
@pytest.mark.django_db
def test_the_plan_form_proposes_the_next_session(client, chair, body, other_body):
    BeraadFactory(chair=chair, season="najaar", year=2026, bodies=[body])
    client.force_login(chair)
    response = client.get(reverse("deliberation:beraad-create"))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["season"], initial["year"]) == ("voorjaar", 2027)
    assert (initial["period_start"], initial["period_end"]) == (
        date(2026, 7, 1),
        date(2026, 12, 31),
    )
    assert set(initial["bodies"]) == {body, other_body}


@pytest.mark.django_db
def test_the_chair_plans_a_session_in_the_form(client, chair, body, other_body):
    client.force_login(chair)
    data = {
        "title": "Rode-dradenberaad voorjaar 2027",
        "season": "voorjaar",
        "year": 2027,
        "date": "2027-03-15",
        "period_start": "2026-07-01",
        "period_end": "2026-12-31",
        "submission_deadline": "2027-02-22",
        "bodies": [body.pk, other_body.pk],
        "min_bodies": 3,
        "agenda": "1. Opening",
    }
    response = client.post(reverse("deliberation:beraad-create"), data)
    beraad = Beraad.objects.get()
    assert response.status_code == 302
    assert response["Location"] == beraad.get_absolute_url()
    assert (beraad.title, beraad.min_bodies, beraad.chair) == (
        "Rode-dradenberaad voorjaar 2027",
        3,
        chair,
    )
    assert set(beraad.bodies.all()) == {body, other_body}
    page = client.get(beraad.get_absolute_url()).content.decode()
    assert "Rode-dradenberaad voorjaar 2027" in page
    assert "Ombudsman" in page
    assert "Rekenkamer" in page


@pytest.mark.django_db
def test_a_plan_that_does_not_make_sense_stays_in_the_form(client, chair, body):
    client.force_login(chair)
    data = {
        "title": "Rode-dradenberaad voorjaar 2027",
        "season": "voorjaar",
        "year": 2027,
        "date": "2027-03-15",
        "period_start": "2026-07-01",
        "period_end": "2026-12-31",
        "submission_deadline": "2027-04-01",
        "bodies": [body.pk],
        "min_bodies": 2,
    }
    response = client.post(reverse("deliberation:beraad-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["submission_deadline"] == [
        dutch("The deadline must fall before the meeting.")
    ]
    assert not Beraad.objects.exists()


def edit_data(beraad, **overrides):
    data = {
        "version": beraad.version,
        "title": beraad.title,
        "date": beraad.date.isoformat(),
        "period_start": beraad.period_start.isoformat(),
        "period_end": beraad.period_end.isoformat(),
        "submission_deadline": beraad.submission_deadline.isoformat(),
        "bodies": [b.pk for b in beraad.bodies.all()],
        "min_bodies": beraad.min_bodies,
        "agenda": "",
        "attendance": "",
        "minutes": "",
        "summary": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_chair_writes_the_summary_of_a_started_session(client, session, chair):
    beraad = session["beraad"]
    client.force_login(chair)
    url = reverse("deliberation:beraad-update", args=[beraad.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        edit_data(
            beraad,
            summary="Inwoners wachten te lang.",
            period_start="2025-01-01",  # fixed once started: the field is disabled
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == beraad.get_absolute_url()
    stored = Beraad.objects.get(pk=beraad.pk)
    assert stored.summary == "Inwoners wachten te lang."
    assert stored.period_start == date(2026, 1, 1)
    assert "Inwoners wachten te lang." in client.get(beraad.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_stale_edit_of_a_session_keeps_the_text_and_says_why(client, beraad, chair):
    client.force_login(chair)
    url = reverse("deliberation:beraad-update", args=[beraad.pk])
    stale = edit_data(beraad, agenda="Mijn agenda")
    client.post(url, edit_data(beraad, agenda="Hun agenda"))
    response = client.post(url, stale)
    assert response.status_code == 200
    assert (
        dutch(
            "Someone else saved this beraad while you were editing it. Your changes are still in "
            "the form; if you save again, they replace the other version."
        )
        in response.context["form"].non_field_errors()
    )
    assert response.context["form"].data["version"] == beraad.version + 1
    assert Beraad.objects.get(pk=beraad.pk).agenda == "Hun agenda"


@pytest.mark.django_db
def test_an_adopted_session_cannot_be_edited(client, session, chair):
    beraad = advance(session["beraad"], chair, BeraadState.VASTGESTELD)
    client.force_login(chair)
    url = reverse("deliberation:beraad-update", args=[beraad.pk])
    for response in (client.get(url), client.post(url, edit_data(beraad, summary="Nee"))):
        assert response.status_code == 302
        assert response["Location"] == beraad.get_absolute_url()
        assert messages_of(response)[-1] == dutch("An adopted beraad can no longer change.")
    assert Beraad.objects.get(pk=beraad.pk).summary == ""


# --- The steps ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_chair_takes_the_steps_on_the_pages(client, beraad, chair, body, other_body):
    signal = submitted(other_body)
    client.force_login(chair)
    for action, target in [
        ("voorbereiden", BeraadState.VOORBEREIDING),
        ("starten", BeraadState.IN_BERAAD),
        ("concept-memo", BeraadState.CONCEPT_MEMO),
        ("vaststellen", BeraadState.VASTGESTELD),
        ("delen", BeraadState.GEDEELD),
    ]:
        url = reverse("deliberation:beraad-transition", args=[beraad.pk, action])
        detail = client.get(beraad.get_absolute_url()).content.decode()
        assert url in detail  # the page offers the next step, and only that one
        assert client.get(url).status_code == 200
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == beraad.get_absolute_url()
        assert Beraad.objects.get(pk=beraad.pk).state == target
        assert url not in client.get(beraad.get_absolute_url()).content.decode()
    assert BeraadSignal.objects.get(signal=signal).beraad == beraad


@pytest.mark.django_db
def test_each_step_says_that_it_cannot_be_taken_back_and_shows_progress(client, beraad, chair):
    client.force_login(chair)
    url = reverse("deliberation:beraad-transition", args=[beraad.pk, "voorbereiden"])
    page = client.get(url).content.decode()
    assert "Een stap kan niet worden teruggedraaid" in page
    assert 'data-busy="De inzending wordt geopend…"' in page


@pytest.mark.django_db
def test_the_steps_speak_the_language_of_the_user(client, beraad, chair):
    """The labels of the steps are translated per request, not once when the module loads."""
    client.force_login(chair)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse("deliberation:beraad-transition", args=[beraad.pk, "voorbereiden"])
    assert '<h1 class="h2">Open the intake?</h1>' in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "The intake is open: the bodies can submit their signals." in [
        str(m) for m in response.context["messages"]
    ]
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert '<h1 class="h2">Inzending openen?</h1>' in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_step_out_of_order_on_the_page_gives_the_message(client, beraad, chair):
    client.force_login(chair)
    url = reverse("deliberation:beraad-transition", args=[beraad.pk, "vaststellen"])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == beraad.get_absolute_url()
    assert messages_of(response) == [
        dutch(
            "This step is only possible when the beraad is “%(source)s”; it is “%(state)s”.",
            source=state_label(BeraadState.CONCEPT_MEMO),
            state=state_label(BeraadState.GEPLAND),
        )
    ]
    assert Beraad.objects.get(pk=beraad.pk).state == BeraadState.GEPLAND


@pytest.mark.django_db
def test_the_beraad_page_shows_the_themes_once_started(client, session, chair, body):
    beraad = session["beraad"]
    tag(beraad, session["signals"]["c"], session["theme"], chair)
    client.force_login(chair)
    response = client.get(beraad.get_absolute_url())
    assert [(s.theme.name, s.signals, s.is_rode_draad) for s in response.context["statuses"]] == [
        ("Tijdigheid", 2, True)
    ]
    html = response.content.decode()
    assert reverse("deliberation:rode-draad", args=[beraad.pk, session["theme"].pk]) in html
    assert workspace_url(beraad) in html


# --- The workspace -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_workspace_shows_the_signals_with_their_themes(client, session, chair):
    beraad, s = session["beraad"], session["signals"]
    client.force_login(chair)
    response = client.get(workspace_url(beraad))
    assert response.status_code == 200
    tags = {
        i.signal.title: [t.name for t in i.tag_themes] for i in response.context["ws"].inclusions
    }
    assert tags == {
        "Wmo-aanvragen blijven lang liggen": ["Tijdigheid"],
        "Terugbelverzoeken niet opgevolgd": [],
        "Klachten over wachttijden jeugdhulp": [],
    }
    assert [label for label, _ in response.context["grouped"]] == ["Ombudsman", "Rekenkamer"]
    html = response.content.decode()
    for signal in s.values():
        assert signal.title in html
        assert f'id="tags-{inclusion(signal).pk}"' in html
    assert 'id="matrix"' in html
    assert [t.name for t in response.context["ws"].themes] == ["Tijdigheid"]


@pytest.mark.django_db
def test_the_workspace_groups_by_aspect(client, session, chair):
    beraad = session["beraad"]
    client.force_login(chair)
    response = client.get(workspace_url(beraad), {"groep": "aspect"})
    grouped = {
        label: [i.signal.title for i in items] for label, items in response.context["grouped"]
    }
    assert grouped == {
        session["aspect"].name: ["Klachten over wachttijden jeugdhulp"],
        "–": ["Terugbelverzoeken niet opgevolgd", "Wmo-aanvragen blijven lang liggen"],
    }
    response = client.get(workspace_url(beraad), {"groep": "onzin"})
    assert response.context["group"] == "body"


@pytest.mark.django_db
@pytest.mark.parametrize("state", [BeraadState.GEPLAND, BeraadState.VOORBEREIDING])
def test_there_is_no_workspace_before_the_start(client, beraad, chair, state):
    beraad = advance(beraad, chair, state)
    client.force_login(chair)
    assert client.get(workspace_url(beraad)).status_code == 404
    assert (
        client.get(reverse("deliberation:rode-draad", args=[beraad.pk, ThemeFactory().pk]))
    ).status_code == 404


# --- Tagging with htmx and without ----------------------------------------------------------------
@pytest.mark.django_db
def test_tagging_with_htmx_answers_with_the_tags_and_the_matrix(client, session, chair):
    beraad, s, theme = session["beraad"], session["signals"], session["theme"]
    target = inclusion(s["c"])
    client.force_login(chair)
    response = client.post(
        tag_url(beraad),
        {"inclusion": target.pk, "theme": theme.pk, "tagged": "1"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert Tag.objects.filter(inclusion=target, theme=theme).exists()
    html = response.content.decode()
    assert f'id="tags-{target.pk}"' in html
    assert html.count('id="tags-') == 1  # the block of this signal only
    assert 'id="matrix"' in html
    assert 'hx-swap-oob="true"' in html
    assert f'id="tag-{target.pk}-{theme.pk}"' in html  # the new chip
    assert "<html" not in html  # a fragment, not a page
    assert [s.theme.name for s in response.context["matrix"].rode_draden] == ["Tijdigheid"]
    assert [t.name for t in response.context["inclusion"].tag_themes] == ["Tijdigheid"]

    response = client.post(
        tag_url(beraad),
        {"inclusion": target.pk, "theme": theme.pk, "tagged": "0"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert not Tag.objects.filter(inclusion=target).exists()
    assert f'id="tag-{target.pk}-{theme.pk}"' not in response.content.decode()
    assert response.context["matrix"].rode_draden == []


@pytest.mark.django_db
def test_tagging_without_javascript_returns_to_the_signal_in_the_workspace(client, session, chair):
    beraad, s, theme = session["beraad"], session["signals"], session["theme"]
    target = inclusion(s["b"])
    client.force_login(chair)
    response = client.post(
        tag_url(beraad), {"inclusion": target.pk, "theme": theme.pk, "tagged": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{workspace_url(beraad)}#signaal-{target.pk}"
    assert Tag.objects.filter(inclusion=target, theme=theme).count() == 1
    # the same toggle again changes nothing
    client.post(tag_url(beraad), {"inclusion": target.pk, "theme": theme.pk, "tagged": "1"})
    assert Tag.objects.filter(inclusion=target, theme=theme).count() == 1


@pytest.mark.django_db
def test_tagging_in_a_frozen_beraad_gives_the_message(client, session, chair):
    beraad, s, theme = session["beraad"], session["signals"], session["theme"]
    beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
    target = inclusion(s["b"])
    message = dutch("This beraad has been adopted; its content can no longer change.")
    client.force_login(chair)
    data = {"inclusion": target.pk, "theme": theme.pk, "tagged": "1"}
    response = client.post(tag_url(beraad), data, headers=HTMX)
    assert response.status_code == 200
    assert response.context["error"] == message
    assert escape(message) in response.content.decode()
    response = client.post(tag_url(beraad), data)
    assert response.status_code == 302
    assert response["Location"].startswith(workspace_url(beraad))
    assert messages_of(response) == [message]
    response = client.post(
        reverse("deliberation:tag-new-theme", args=[beraad.pk]),
        {"inclusion": target.pk, "name": "Nieuw thema"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.context["error"] == message
    assert list(Tag.objects.values_list("inclusion", flat=True)) == [inclusion(s["a"]).pk]
    assert not Theme.objects.filter(name="Nieuw thema").exists()


@pytest.mark.django_db
def test_a_signal_of_another_beraad_or_an_unknown_theme_is_a_404(
    client, session, chair, body, other_body
):
    beraad, theme = session["beraad"], session["theme"]
    other = BeraadFactory(chair=chair, season="voorjaar", year=2026, bodies=[body, other_body])
    foreign_signal = submitted(body, period_start=other.period_start, period_end=other.period_end)
    advance(other, chair, BeraadState.IN_BERAAD)
    foreign = inclusion(foreign_signal)
    client.force_login(chair)
    before = sorted(Tag.objects.values_list("inclusion", "theme"))
    for headers in ({}, HTMX):
        for data in (
            {"inclusion": foreign.pk, "theme": theme.pk, "tagged": "1"},
            {"inclusion": inclusion(session["signals"]["b"]).pk, "theme": 999999, "tagged": "1"},
            {"inclusion": 999999, "theme": theme.pk, "tagged": "1"},
        ):
            assert client.post(tag_url(beraad), data, headers=headers).status_code == 404
        response = client.post(
            reverse("deliberation:tag-new-theme", args=[beraad.pk]),
            {"inclusion": foreign.pk, "name": "Nieuw thema"},
            headers=headers,
        )
        assert response.status_code == 404
    assert sorted(Tag.objects.values_list("inclusion", "theme")) == before
    assert not Theme.objects.filter(name="Nieuw thema").exists()


@pytest.mark.django_db
def test_a_tag_that_cannot_be_read_gives_a_message_or_a_404_never_a_500(client, session, chair):
    beraad = session["beraad"]
    client.force_login(chair)
    garbage = {"inclusion": "abc", "theme": "", "tagged": "misschien"}
    response = client.post(tag_url(beraad), garbage)
    assert response.status_code == 302
    assert messages_of(response) == [dutch("This tag could not be read. Reload the page.")]
    assert client.post(tag_url(beraad), garbage, headers=HTMX).status_code == 404
    target = inclusion(session["signals"]["b"])
    response = client.post(
        tag_url(beraad), {"inclusion": target.pk, "theme": "x", "tagged": "1"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.context["error"] == dutch("This tag could not be read. Reload the page.")
    assert client.get(tag_url(beraad)).status_code == 405


@pytest.mark.django_db
def test_tagging_with_a_new_theme_on_the_page(client, session, chair):
    beraad, s = session["beraad"], session["signals"]
    target = inclusion(s["b"])
    client.force_login(chair)
    url = reverse("deliberation:tag-new-theme", args=[beraad.pk])
    response = client.post(url, {"inclusion": target.pk, "name": "Bereikbaarheid"}, headers=HTMX)
    assert response.status_code == 200
    theme = Theme.objects.get(name="Bereikbaarheid")
    assert Tag.objects.filter(inclusion=target, theme=theme).exists()
    assert f'id="tag-{target.pk}-{theme.pk}"' in response.content.decode()
    assert [s.theme.name for s in response.context["matrix"].statuses] == [
        "Bereikbaarheid",
        "Tijdigheid",
    ]

    response = client.post(url, {"inclusion": target.pk, "name": ""}, headers=HTMX)
    assert response.status_code == 200
    assert response.context["error"] == dutch("Type the name of a theme (at most 120 characters).")
    response = client.post(url, {"inclusion": target.pk, "name": "Bereikbaarheid"})
    assert response.status_code == 302
    assert response["Location"] == f"{workspace_url(beraad)}#signaal-{target.pk}"
    assert Theme.objects.filter(name="Bereikbaarheid").count() == 1


@pytest.mark.django_db
def test_a_new_theme_with_personal_data_is_refused_on_the_page(client, session, chair):
    beraad, s = session["beraad"], session["signals"]
    client.force_login(chair)
    response = client.post(
        reverse("deliberation:tag-new-theme", args=[beraad.pk]),
        {"inclusion": inclusion(s["b"]).pk, "name": "Klachten van Jan de Vries"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.context["error"]
    assert "Jan de Vries" not in response.context["error"]
    assert not Theme.objects.filter(name__icontains="Vries").exists()


# --- The rode-draad page ------------------------------------------------------------------------
def rode_draad_url(beraad, theme):
    return reverse("deliberation:rode-draad", args=[beraad.pk, theme.pk])


@pytest.mark.django_db
def test_the_chair_writes_the_analysis_on_the_page(client, session, chair):
    beraad, s, theme = session["beraad"], session["signals"], session["theme"]
    tag(beraad, s["c"], theme, chair)
    url = rode_draad_url(beraad, theme)
    client.force_login(chair)
    page = client.get(url)
    assert page.status_code == 200
    assert (page.context["status"].signals, len(page.context["status"].bodies)) == (2, 2)
    assert page.context["analysis_form"].initial["version"] == 0
    example = inclusion(s["c"])
    response = client.post(
        url, {"version": 0, "text": "Twee organen, één patroon.", "examples": [example.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    analysis = Analysis.objects.get(beraad=beraad, theme=theme)
    assert (analysis.text, analysis.version) == ("Twee organen, één patroon.", 1)
    assert list(analysis.examples.all()) == [example]
    page = client.get(url)
    assert "Twee organen, één patroon." in page.content.decode()
    assert page.context["analysis_form"].initial["version"] == 1


@pytest.mark.django_db
def test_a_stale_analysis_on_the_page_keeps_the_text_and_overwrites_nothing(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    url = rode_draad_url(beraad, theme)
    client.force_login(chair)
    client.post(url, {"version": 0, "text": "Van de een."})
    response = client.post(url, {"version": 0, "text": "Van de ander."})
    assert response.status_code == 200
    form = response.context["analysis_form"]
    assert (
        dutch(
            "Someone else saved this analysis while you were editing it. Your text is still in "
            "the form; if you save again, it replaces theirs."
        )
        in form.non_field_errors()
    )
    assert form.data["version"] == 1
    assert form.data["text"] == "Van de ander."
    assert Analysis.objects.get().text == "Van de een."


@pytest.mark.django_db
def test_recommendations_on_the_page_to_a_directorate(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    directorate = organisation_unit_create(name="Sociaal domein")
    team = organisation_unit_create(name="Team Wmo", parent=directorate)
    url = rode_draad_url(beraad, theme)
    client.force_login(chair)
    form = client.get(url).context["recommendation_form"]
    assert list(form.fields["directorate"].queryset) == [directorate]

    response = client.post(
        url,
        {
            "add_recommendation": "1",
            "text": "Stel doorlooptijden vast.",
            "addressee": "directie",
            "directorate": team.pk,
        },
    )
    assert response.status_code == 200
    assert "directorate" in response.context["recommendation_form"].errors
    response = client.post(
        url, {"add_recommendation": "1", "text": "Zonder directie.", "addressee": "directie"}
    )
    assert response.status_code == 200
    assert response.context["recommendation_form"].errors["directorate"]
    assert not Recommendation.objects.exists()

    response = client.post(
        url,
        {
            "add_recommendation": "1",
            "text": "Stel doorlooptijden vast.",
            "addressee": "directie",
            "directorate": directorate.pk,
        },
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert (recommendation.theme, recommendation.directorate) == (theme, directorate)
    html = client.get(url).content.decode()
    assert "Stel doorlooptijden vast." in html
    assert "Sociaal domein" in html

    delete = reverse("deliberation:recommendation-delete", args=[recommendation.pk])
    assert f'href="{delete}"' in html  # a link to the question, not a form that removes
    question = client.get(delete)
    assert question.status_code == 200
    assert "Deze aanbeveling verwijderen?" in question.content.decode()
    assert "Dit kan niet ongedaan worden gemaakt" in question.content.decode()
    assert Recommendation.objects.exists()
    response = client.post(delete)
    assert response.status_code == 302
    assert response["Location"] == url
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_a_recommendation_of_an_adopted_beraad_is_not_removed(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    recommendation = services.recommendation_create(
        beraad=beraad, theme=theme, user=chair, text="Blijft staan.", addressee="burgemeester"
    )
    advance(beraad, chair, BeraadState.VASTGESTELD)
    client.force_login(chair)
    url = reverse("deliberation:recommendation-delete", args=[recommendation.pk])
    question = client.get(url)  # not even asked
    assert question.status_code == 302
    assert question["Location"] == rode_draad_url(beraad, theme)
    assert messages_of(question) == [
        dutch("This beraad has been adopted; its content can no longer change.")
    ]
    response = client.post(url)
    assert response.status_code == 302
    assert messages_of(response)[-1] == dutch(
        "This beraad has been adopted; its content can no longer change."
    )
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


@pytest.mark.django_db
def test_a_theme_of_one_body_is_shown_as_not_a_rode_draad(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    client.force_login(chair)
    response = client.get(rode_draad_url(beraad, theme))
    assert response.status_code == 200
    assert response.context["status"].is_rode_draad is False
    assert response.context["status"].signals == 1


# --- The theme catalogue --------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_catalogue_page_lists_and_adds_themes(client, session, chair):
    client.force_login(chair)
    url = reverse("deliberation:theme-list")
    response = client.get(url)
    assert [(t.name, t.tag_count, t.beraad_count) for t in response.context["themes"]] == [
        ("Tijdigheid", 1, 1)
    ]
    response = client.post(url, {"name": "Bereikbaarheid", "description": "Niet teruggebeld."})
    assert response.status_code == 302
    assert response["Location"] == url
    assert Theme.objects.get(name="Bereikbaarheid").description == "Niet teruggebeld."
    response = client.post(url, {"name": "tijdigheid", "description": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        dutch("A theme with this name exists already.")
    ]
    assert Theme.objects.count() == 2
    assert "Bereikbaarheid" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_theme_page_renames_and_shows_the_history(client, session, chair):
    theme = session["theme"]
    client.force_login(chair)
    url = theme.get_absolute_url()
    response = client.post(url, {"name": "Doorlooptijden", "description": "Te laat."})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Doorlooptijden"
    page = client.get(url)
    assert [e.kind for e in page.context["events"]] == ["described", "renamed"]  # newest first
    html = page.content.decode()
    assert "Tijdigheid" in html
    assert "Doorlooptijden" in html
    assert [(b.pk, n, m) for b, n, m in page.context["sessions"]] == [(session["beraad"].pk, 1, 1)]


@pytest.mark.django_db
def test_the_theme_page_merges(client, session, chair):
    beraad, s, theme = session["beraad"], session["signals"], session["theme"]
    source = ThemeFactory(name="Wachttijden")
    tag(beraad, s["a"], source, chair)  # a carries both
    tag(beraad, s["c"], source, chair)
    client.force_login(chair)
    form = client.get(source.get_absolute_url()).context["merge_form"]
    assert source not in form.fields["target"].queryset
    response = client.post(source.get_absolute_url(), {"merge": "1", "target": source.pk})
    assert response.status_code == 200
    assert response.context["merge_form"].errors["target"]
    # First what the merge moves, and nothing moves yet.
    response = client.post(source.get_absolute_url(), {"merge": "1", "target": theme.pk})
    assert response.status_code == 200
    assert "deliberation/theme_merge_confirm.html" in [t.name for t in response.templates]
    effect = response.context["effect"]
    assert (effect.tags, effect.sessions, effect.analyses, effect.recommendations) == (2, 1, 0, 0)
    assert 'name="confirm"' in response.content.decode()
    source.refresh_from_db()
    assert source.merged_into is None
    assert Tag.objects.filter(theme=source).count() == 2
    response = client.post(
        source.get_absolute_url(), {"merge": "1", "target": theme.pk, "confirm": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == theme.get_absolute_url()
    source.refresh_from_db()
    assert source.merged_into == theme
    assert sorted(Tag.objects.values_list("inclusion", "theme")) == sorted(
        [(inclusion(s["a"]).pk, theme.pk), (inclusion(s["c"]).pk, theme.pk)]
    )
    assert ThemeEvent.objects.filter(kind="merged").count() == 2
    page = client.get(source.get_absolute_url())
    assert page.status_code == 200
    assert theme.get_absolute_url() in page.content.decode()
    listing = client.get(reverse("deliberation:theme-list"))
    assert list(listing.context["merged"]) == [source]
    assert list(listing.context["themes"]) == [theme]


# --- A stale tab: the beraad was adopted in the meantime -----------------------------------------
@pytest.mark.django_db
def test_saving_an_analysis_after_adoption_in_another_tab_says_why(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    url = rode_draad_url(beraad, theme)
    client.force_login(chair)
    client.get(url)  # the tab is opened while the beraad is in session
    advance(beraad, chair, BeraadState.VASTGESTELD)  # adopted in another tab
    response = client.post(url, {"version": 0, "text": "Mijn analyse."}, follow=True)
    assert response.status_code == 200
    assert not Analysis.objects.exists()
    message = dutch("This beraad has been adopted; its content can no longer change.")
    assert escape(message) in response.content.decode()


@pytest.mark.django_db
def test_saving_after_adoption_changes_nothing_and_is_no_error_page(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    url = rode_draad_url(beraad, theme)
    client.force_login(chair)
    advance(beraad, chair, BeraadState.VASTGESTELD)
    response = client.post(url, {"version": 0, "text": "Mijn analyse."}, follow=True)
    assert response.status_code == 200
    response = client.post(
        url,
        {"add_recommendation": "1", "text": "Nog een.", "addressee": "burgemeester"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Analysis.objects.exists()
    assert not Recommendation.objects.exists()


@pytest.mark.django_db
def test_the_chair_cannot_record_a_response_before_sharing(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    recommendation = services.recommendation_create(
        beraad=beraad, theme=theme, user=chair, text="Doe iets.", addressee="burgemeester"
    )
    client.force_login(chair)
    url = recommendation.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["can_respond"] is False
    response = client.post(
        url,
        {"version": recommendation.version, "response": "overgenomen", "status": "open"},
    )
    assert response.status_code == 200
    assert dutch("A response can be recorded once the memo has been shared.") in (
        response.context["form"].non_field_errors()
    )
    assert Recommendation.objects.get(pk=recommendation.pk).response == ""
