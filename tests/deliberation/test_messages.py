"""Messages after every action (issue 7): what a chair or reader posts is answered, above the
page, by what happened — done, or not done and why — in Dutch; a refused form keeps the input
and says so even where its fields carry the details."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from deliberation import services
from deliberation.models import Addressee, BeraadState, Tag, Theme
from tests.deliberation.helpers import advance, dutch, inclusion, submitted, tag
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def session(beraad, chair, body, other_body):
    signal = submitted(body, title="Wmo-aanvragen blijven lang liggen")
    submitted(other_body, title="Klachten over wachttijden jeugdhulp")
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, signal, theme, chair)
    return {"beraad": beraad, "signal": signal, "theme": theme}


def test_a_plan_that_is_refused_says_so_above_the_form(client, chair, body):
    client.force_login(chair)
    response = client.post(reverse("deliberation:beraad-create"), {"title": ""})
    assert response.status_code == 200
    assert messages_of(response) == [
        ("error", dutch("The beraad was not planned: see what is marked below."))
    ]
    assert 'role="alert"' in response.content.decode()


def test_a_refused_edit_of_a_beraad_says_so(client, session, chair):
    client.force_login(chair)
    url = reverse("deliberation:beraad-update", args=[session["beraad"].pk])
    response = client.post(url, {"title": "", "version": session["beraad"].version})
    assert response.status_code == 200
    assert messages_of(response) == [
        ("error", dutch("Your changes were not saved: see what is marked below."))
    ]


def test_a_refused_analysis_and_recommendation_say_so(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    url = reverse("deliberation:rode-draad", args=[beraad.pk, theme.pk])
    client.force_login(chair)
    response = client.post(url, {"version": "x", "text": "Een analyse."})
    assert messages_of(response) == [
        ("error", dutch("The analysis was not saved: see what is marked below."))
    ]
    assert response.context["analysis_form"].data["text"] == "Een analyse."
    response = client.post(url, {"add_recommendation": "1", "text": "", "addressee": ""})
    assert messages_of(response)[-1] == (
        "error",
        dutch("The recommendation was not added: see what is marked below."),
    )


def test_a_stale_analysis_says_it_was_not_saved(client, session, chair):
    beraad, theme = session["beraad"], session["theme"]
    services.analysis_save(
        beraad=beraad, theme=theme, user=chair, version=0, text="Eerst.", example_ids=[]
    )
    client.force_login(chair)
    url = reverse("deliberation:rode-draad", args=[beraad.pk, theme.pk])
    response = client.post(url, {"version": 0, "text": "Daarna."})
    assert messages_of(response) == [
        ("error", dutch("The analysis was not saved: see what is marked below."))
    ]


def test_refused_theme_forms_say_so(client, session, chair):
    theme = session["theme"]
    client.force_login(chair)
    response = client.post(reverse("deliberation:theme-list"), {"name": "tijdigheid"})
    assert messages_of(response) == [
        ("error", dutch("The theme was not added: see what is marked below."))
    ]
    response = client.post(theme.get_absolute_url(), {"name": ""})
    assert messages_of(response)[-1] == (
        "error",
        dutch("The theme was not saved: see what is marked below."),
    )
    response = client.post(theme.get_absolute_url(), {"merge": "1", "target": theme.pk})
    assert messages_of(response)[-1] == (
        "error",
        dutch("The themes were not merged: see what is marked below."),
    )
    assert Theme.objects.get(pk=theme.pk).name == "Tijdigheid"


def test_a_refused_response_says_so(client, chair, reader, session):
    recommendation = services.recommendation_create(
        beraad=session["beraad"],
        theme=session["theme"],
        user=chair,
        text="Stel een doorlooptijd vast.",
        addressee=Addressee.BURGEMEESTER,
    )
    advance(session["beraad"], chair, BeraadState.GEDEELD)
    recommendation.refresh_from_db()
    client.force_login(reader)
    response = client.post(
        recommendation.get_absolute_url(),
        {"version": recommendation.version, "response": "niet", "status": "open"},
    )
    assert response.status_code == 200
    assert messages_of(response) == [
        ("error", dutch("The response was not saved: see what is marked below."))
    ]


def test_tagging_without_javascript_says_what_changed(client, session, chair):
    beraad, signal, theme = session["beraad"], session["signal"], session["theme"]
    other = ThemeFactory(name="Bereikbaarheid")
    url = reverse("deliberation:tag", args=[beraad.pk])
    names = {"signal": "Wmo-aanvragen blijven lang liggen"}
    client.force_login(chair)
    data = {"inclusion": inclusion(signal).pk, "theme": other.pk, "tagged": "1"}
    response = client.post(url, data)
    assert messages_of(response) == [
        (
            "success",
            dutch("“%(signal)s” now has the theme “%(theme)s”.", theme="Bereikbaarheid", **names),
        )
    ]
    response = client.post(url, {**data, "theme": theme.pk, "tagged": "0"})
    assert messages_of(response)[-1] == (
        "success",
        dutch("The theme “%(theme)s” was taken off “%(signal)s”.", theme="Tijdigheid", **names),
    )
    new = reverse("deliberation:tag-new-theme", args=[beraad.pk])
    response = client.post(new, {"inclusion": inclusion(signal).pk, "name": "Bejegening"})
    assert messages_of(response)[-1] == (
        "success",
        dutch("“%(signal)s” now has the theme “%(theme)s”.", theme="Bejegening", **names),
    )
    assert sorted(Tag.objects.values_list("theme__name", flat=True)) == [
        "Bejegening",
        "Bereikbaarheid",
    ]


def test_tagging_with_htmx_leaves_no_message_for_the_next_page(client, session, chair):
    beraad, signal = session["beraad"], session["signal"]
    other = ThemeFactory(name="Bereikbaarheid")
    client.force_login(chair)
    response = client.post(
        reverse("deliberation:tag", args=[beraad.pk]),
        {"inclusion": inclusion(signal).pk, "theme": other.pk, "tagged": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert messages_of(response) == []
