"""Follow-up: readers record the organisation's response once the memo is shared; open
recommendations come onto the agenda of the next beraad; reminders before the due date, sent
once per due date by a Celery task that beat queues."""

from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deliberation import selectors, services, tasks
from deliberation.models import Addressee, BeraadState, Recommendation, RecommendationStatus
from rodedraden import celery_app
from rodedraden.accounts.models import Role
from tests.deliberation.helpers import advance, dutch, submitted, tag
from tests.factories import BeraadFactory, ThemeFactory, UserFactory

TODAY = date(2027, 1, 10)


def make_recommendation(beraad, chair, theme, text="Stel doorlooptijden vast.", **kwargs):
    kwargs.setdefault("addressee", Addressee.CONCERNDIRECTIE)
    return services.recommendation_create(
        beraad=beraad, theme=theme, user=chair, text=text, **kwargs
    )


def respond(recommendation, user, **overrides):
    recommendation.refresh_from_db()
    values = {
        "version": recommendation.version,
        "response": "overgenomen",
        "response_reason": "",
        "owner": "Directeur Sociaal domein",
        "due_date": date(2027, 6, 1),
        "progress": "Plan van aanpak vastgesteld.",
        "status": RecommendationStatus.IN_UITVOERING,
    }
    values.update(overrides)
    return services.recommendation_respond(recommendation=recommendation, user=user, **values)


def shared_session(chair, body, other_body, *, season="najaar", year=2026, texts=("Een.",)):
    """A session that was held and shared, with one recommendation per text."""
    beraad = BeraadFactory(chair=chair, season=season, year=year, bodies=[body, other_body])
    signal = submitted(body, period_start=beraad.period_start, period_end=beraad.period_end)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, signal, theme, chair)
    recommendations = [make_recommendation(beraad, chair, theme, text=text) for text in texts]
    beraad = advance(beraad, chair, BeraadState.GEDEELD)
    return beraad, recommendations


@pytest.fixture
def shared(chair, body, other_body):
    return shared_session(chair, body, other_body)


# --- The response ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_reader_records_the_response_once_the_memo_is_shared(shared, reader):
    _beraad, [recommendation] = shared
    saved = respond(recommendation, reader)
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.response == "overgenomen"
    assert stored.owner == "Directeur Sociaal domein"
    assert stored.due_date == date(2027, 6, 1)
    assert stored.progress == "Plan van aanpak vastgesteld."
    assert stored.status == RecommendationStatus.IN_UITVOERING
    assert stored.responded_by == reader
    assert stored.responded_at is not None
    assert stored.version == saved.version == recommendation.version + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [BeraadState.IN_BERAAD, BeraadState.CONCEPT_MEMO, BeraadState.VASTGESTELD],
)
def test_no_response_before_the_memo_is_shared(chair, reader, body, other_body, state):
    beraad = BeraadFactory(chair=chair, bodies=[body], state=BeraadState.IN_BERAAD)
    recommendation = make_recommendation(beraad, chair, ThemeFactory(name="Tijdigheid"))
    beraad.state = state
    beraad.save()
    for user in (reader, chair):
        with pytest.raises(services.NotAllowed) as refused:
            respond(recommendation, user)
        assert refused.value.messages == [
            dutch("A response can be recorded once the memo has been shared.")
        ]
    assert Recommendation.objects.get(pk=recommendation.pk).response == ""


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEMBER, Role.ADMIN])
def test_members_and_administrators_record_no_response(shared, role):
    _beraad, [recommendation] = shared
    with pytest.raises(PermissionDenied):
        respond(recommendation, UserFactory(role=role))
    assert Recommendation.objects.get(pk=recommendation.pk).response == ""


@pytest.mark.django_db
def test_the_chair_may_record_the_response_too(shared, chair):
    _beraad, [recommendation] = shared
    respond(recommendation, chair, response="deels", response_reason="Deels al geregeld.")
    assert Recommendation.objects.get(pk=recommendation.pk).response == "deels"


@pytest.mark.django_db
@pytest.mark.parametrize("response", ["deels", "niet"])
def test_a_response_that_is_not_full_adoption_needs_a_reason(shared, reader, response):
    _beraad, [recommendation] = shared
    with pytest.raises(ValidationError) as refused:
        respond(recommendation, reader, response=response, response_reason="  ")
    assert refused.value.message_dict == {
        "response_reason": [dutch("Give the reason when a recommendation is not adopted fully.")]
    }
    assert Recommendation.objects.get(pk=recommendation.pk).response == ""


@pytest.mark.django_db
def test_a_recommendation_that_is_not_adopted_lapses(shared, reader):
    _beraad, [recommendation] = shared
    respond(
        recommendation,
        reader,
        response="niet",
        response_reason="Al geregeld in het zaaksysteem.",
        status=RecommendationStatus.OPEN,
    )
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.status == RecommendationStatus.VERVALLEN
    assert not stored.is_open


@pytest.mark.django_db
def test_a_stale_response_is_refused_and_nothing_is_overwritten(shared, reader, chair):
    _beraad, [recommendation] = shared
    stale_version = recommendation.version
    respond(recommendation, reader, owner="Eerste eigenaar")
    with pytest.raises(services.Conflict) as conflict:
        services.recommendation_respond(
            recommendation=recommendation,
            user=chair,
            version=stale_version,
            response="deels",
            response_reason="Anders.",
            owner="Tweede eigenaar",
            due_date=None,
            progress="",
            status="open",
        )
    assert conflict.value.current_version == stale_version + 1
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert (stored.owner, stored.response) == ("Eerste eigenaar", "overgenomen")


@pytest.mark.django_db
def test_a_response_without_personal_data(shared, reader):
    _beraad, [recommendation] = shared
    with pytest.raises(ValidationError):
        respond(recommendation, reader, progress="Besproken met mevrouw Jansen, tel. 06-12345678.")
    assert Recommendation.objects.get(pk=recommendation.pk).progress == ""


# --- Carried over ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_open_recommendations_of_earlier_shared_sessions_come_onto_the_agenda(
    client, chair, reader, body, other_body
):
    earlier, [still_open, in_progress, done, lapsed] = shared_session(
        chair,
        body,
        other_body,
        season="voorjaar",
        year=2026,
        texts=["Nog open.", "In uitvoering.", "Afgerond.", "Vervallen."],
    )
    respond(in_progress, reader, status=RecommendationStatus.IN_UITVOERING)
    respond(done, reader, status=RecommendationStatus.AFGEROND)
    respond(lapsed, reader, response="niet", response_reason="Niet nodig.")
    # a later session that was held but not shared yet: its recommendations wait
    held = BeraadFactory(chair=chair, season="najaar", year=2026, bodies=[body])
    held.state = BeraadState.VASTGESTELD
    held.save()
    waiting = Recommendation.objects.create(
        beraad=held, theme=still_open.theme, text="Wacht op delen.", addressee="burgemeester"
    )
    upcoming = BeraadFactory(chair=chair, season="voorjaar", year=2027, bodies=[body, other_body])

    agenda = selectors.carried_over(beraad=upcoming, fetched_by=chair)
    assert set(agenda) == {still_open, in_progress}
    # not on the agenda of an earlier session
    assert not selectors.carried_over(beraad=earlier, fetched_by=chair).exists()

    client.force_login(chair)
    response = client.get(upcoming.get_absolute_url())
    assert set(response.context["carried_over"]) == {still_open, in_progress}
    html = response.content.decode()
    for shown in (still_open, in_progress):
        assert shown.text in html
        assert shown.get_absolute_url() in html
    for hidden in (done, lapsed, waiting):
        assert hidden.text not in html


@pytest.mark.django_db
def test_the_agenda_of_the_next_session_for_its_members(client, chair, member, body, other_body):
    """Members of a body that took part see the open recommendations on the next agenda."""
    _earlier, [still_open] = shared_session(
        chair, body, other_body, season="voorjaar", year=2026, texts=["Nog open."]
    )
    upcoming = BeraadFactory(chair=chair, season="najaar", year=2026, bodies=[body, other_body])
    client.force_login(member)
    response = client.get(upcoming.get_absolute_url())
    assert list(response.context["carried_over"]) == [still_open]
    assert "Nog open." in response.content.decode()


# --- Reminders -----------------------------------------------------------------------------------
@pytest.fixture
def due(shared, reader):
    """Recommendations of the shared session: due soon, overdue, due later, closed, none."""
    beraad, [soon] = shared
    theme = soon.theme
    recs = {"soon": soon}
    for name in ("overdue", "later", "closed", "no_date"):
        recs[name] = Recommendation.objects.create(
            beraad=beraad, theme=theme, text=f"Aanbeveling {name}.", addressee="burgemeester"
        )
    respond(recs["soon"], reader, due_date=TODAY + timedelta(days=10))
    respond(recs["overdue"], reader, due_date=TODAY - timedelta(days=3))
    respond(recs["later"], reader, due_date=TODAY + timedelta(days=60))
    respond(
        recs["closed"],
        reader,
        due_date=TODAY + timedelta(days=5),
        status=RecommendationStatus.AFGEROND,
    )
    respond(recs["no_date"], reader, due_date=None)
    return {name: Recommendation.objects.get(pk=r.pk) for name, r in recs.items()}


@pytest.mark.django_db
def test_reminders_are_due_for_open_recommendations_near_or_past_their_date(due, settings):
    settings.RECOMMENDATION_REMINDER_DAYS = 14
    assert set(services.recommendations_due_for_reminder(today=TODAY)) == {
        due["soon"].pk,
        due["overdue"].pk,
    }
    settings.RECOMMENDATION_REMINDER_DAYS = 7
    assert set(services.recommendations_due_for_reminder(today=TODAY)) == {due["overdue"].pk}
    settings.RECOMMENDATION_REMINDER_DAYS = 60
    assert set(services.recommendations_due_for_reminder(today=TODAY)) == {
        due["soon"].pk,
        due["overdue"].pk,
        due["later"].pk,
    }


def test_the_reminder_horizon_is_a_setting_of_two_weeks_by_default():
    assert django_settings.RECOMMENDATION_REMINDER_DAYS == 14


@pytest.mark.django_db
def test_no_reminders_for_a_session_that_is_not_shared(chair, body):
    beraad = BeraadFactory(chair=chair, bodies=[body], state=BeraadState.IN_BERAAD)
    recommendation = make_recommendation(beraad, chair, ThemeFactory(name="Tijdigheid"))
    Recommendation.objects.filter(pk=recommendation.pk).update(due_date=TODAY)
    assert services.recommendations_due_for_reminder(today=TODAY) == []


@pytest.mark.django_db
def test_a_reminder_is_sent_once_per_due_date(due, reader, chair):
    UserFactory(username="zonder-mail", role=Role.READER, email="")
    UserFactory(username="lid-x", role=Role.MEMBER)
    recommendation = due["soon"]
    assert services.recommendation_send_reminder(recommendation_id=recommendation.pk, today=TODAY)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([reader.email, chair.email])
    assert recommendation.text in message.body
    assert django_settings.SITE_URL + recommendation.get_absolute_url() in message.body
    assert "\n" not in message.subject
    # a second delivery of the same task sends nothing
    assert not services.recommendation_send_reminder(
        recommendation_id=recommendation.pk, today=TODAY
    )
    assert len(mail.outbox) == 1
    assert recommendation.pk not in services.recommendations_due_for_reminder(today=TODAY)
    recommendation.refresh_from_db()
    assert recommendation.reminded_for == recommendation.due_date


@pytest.mark.django_db
def test_a_new_due_date_gets_its_own_reminder(due, reader):
    recommendation = due["soon"]
    services.recommendation_send_reminder(recommendation_id=recommendation.pk, today=TODAY)
    respond(recommendation, reader, due_date=TODAY + timedelta(days=12))
    assert recommendation.pk in services.recommendations_due_for_reminder(today=TODAY)
    assert services.recommendation_send_reminder(recommendation_id=recommendation.pk, today=TODAY)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_no_reminder_for_a_closed_or_missing_recommendation(due):
    assert not services.recommendation_send_reminder(
        recommendation_id=due["closed"].pk, today=TODAY
    )
    assert not services.recommendation_send_reminder(
        recommendation_id=due["no_date"].pk, today=TODAY
    )
    assert not services.recommendation_send_reminder(recommendation_id=999999, today=TODAY)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_overdue_reminder_says_so(due):
    services.recommendation_send_reminder(recommendation_id=due["overdue"].pk, today=TODAY)
    services.recommendation_send_reminder(recommendation_id=due["soon"].pk, today=TODAY)
    overdue, soon = mail.outbox
    assert overdue.subject != soon.subject


@pytest.mark.django_db
def test_the_beat_task_sends_each_due_reminder_once(due, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    assert tasks.recommendations_send_reminders_task.delay().get() == 2
    assert len(mail.outbox) == 2
    assert tasks.recommendations_send_reminders_task.delay().get() == 0
    assert len(mail.outbox) == 2
    reminded = Recommendation.objects.exclude(reminded_for=None)
    assert set(reminded) == {due["soon"], due["overdue"]}


def test_beat_queues_the_reminders():
    entries = [
        entry
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "deliberation.recommendations_send_reminders"
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"] <= 24 * 60 * 60
    assert "deliberation.recommendations_send_reminders" in celery_app.tasks
    assert "deliberation.recommendation_send_reminder" in celery_app.tasks


# --- The follow-up pages --------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_reader_records_the_response_on_the_page(client, shared, reader):
    _beraad, [recommendation] = shared
    client.force_login(reader)
    url = recommendation.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["can_respond"] is True
    assert recommendation.text in page.content.decode()
    response = client.post(
        url,
        {
            "version": recommendation.version,
            "response": "deels",
            "response_reason": "Deels al in gang gezet.",
            "owner": "Concerncontroller",
            "due_date": "2027-06-01",
            "status": "in_uitvoering",
            "progress": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url
    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert (stored.response, stored.owner, stored.due_date) == (
        "deels",
        "Concerncontroller",
        date(2027, 6, 1),
    )
    html = client.get(url).content.decode()
    assert "Concerncontroller" in html
    assert "Deels al in gang gezet." in html


@pytest.mark.django_db
def test_a_stale_response_on_the_page_keeps_the_answer_and_says_why(client, shared, reader, chair):
    _beraad, [recommendation] = shared
    stale = recommendation.version
    respond(recommendation, chair, owner="Eerste eigenaar")
    client.force_login(reader)
    response = client.post(
        recommendation.get_absolute_url(),
        {
            "version": stale,
            "response": "overgenomen",
            "owner": "Tweede eigenaar",
            "status": "open",
        },
    )
    assert response.status_code == 200
    expected = dutch(
        "Someone else saved a response in the meantime. Your answer is still in the form; if "
        "you save again, it replaces theirs."
    )
    assert expected in response.context["form"].non_field_errors()
    assert response.context["form"].data["version"] == stale + 1
    assert Recommendation.objects.get(pk=recommendation.pk).owner == "Eerste eigenaar"


@pytest.mark.django_db
def test_the_recommendation_list_filters_by_status(client, chair, reader, body, other_body):
    _beraad, [open_one, done_one] = shared_session(
        chair, body, other_body, texts=["Open aanbeveling.", "Afgeronde aanbeveling."]
    )
    respond(done_one, reader, status=RecommendationStatus.AFGEROND)
    client.force_login(reader)
    response = client.get(reverse("deliberation:recommendation-list"))
    assert set(response.context["recommendations"]) == {open_one, done_one}
    response = client.get(reverse("deliberation:recommendation-list"), {"status": "afgerond"})
    assert list(response.context["recommendations"]) == [done_one]
    html = response.content.decode()
    assert "Afgeronde aanbeveling." in html
    assert "Open aanbeveling." not in html


@pytest.mark.django_db
def test_readers_see_only_recommendations_of_shared_sessions(client, chair, reader, body):
    beraad = BeraadFactory(chair=chair, bodies=[body], state=BeraadState.IN_BERAAD)
    hidden = make_recommendation(beraad, chair, ThemeFactory(name="Tijdigheid"), text="Geheim.")
    client.force_login(reader)
    response = client.get(reverse("deliberation:recommendation-list"))
    assert list(response.context["recommendations"]) == []
    assert "Geheim." not in response.content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404
