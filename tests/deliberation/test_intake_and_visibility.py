"""The sealed intake: during voorbereiding each body submits and sees only its own; the chair
sees who has submitted and how many. When the beraad starts, the included signals move to
in_beraad and become visible to every participating body, never to a body that does not take
part."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from deliberation import selectors, services
from deliberation.models import BeraadSignal, BeraadState, Intake
from signals.models import Signal, SignalState
from signals.services import TransitionNotAllowed, signal_withdraw
from tests.deliberation.helpers import advance, dutch, submitted
from tests.factories import BeraadFactory, SignalFactory


def rows(beraad, user):
    return [
        (row.body.name, row.submitted, row.completed is not None, row.is_own)
        for row in selectors.intake_overview(beraad=beraad, fetched_by=user)
    ]


# --- Completing the intake -------------------------------------------------------------------
@pytest.mark.django_db
def test_a_body_completes_its_intake_once(beraad, chair, member, body):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    first = services.intake_complete(beraad=beraad, body=body, user=member)
    again = services.intake_complete(beraad=beraad, body=body, user=member)
    assert first.pk == again.pk
    assert Intake.objects.filter(beraad=beraad).count() == 1
    assert first.completed_by == member
    assert first.body == body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [BeraadState.GEPLAND, BeraadState.IN_BERAAD, BeraadState.CONCEPT_MEMO, BeraadState.GEDEELD],
)
def test_the_intake_is_open_only_during_preparation(chair, body, member, state):
    beraad = BeraadFactory(chair=chair, bodies=[body], state=state)
    with pytest.raises(services.NotAllowed) as refused:
        services.intake_complete(beraad=beraad, body=body, user=member)
    assert refused.value.messages == [
        dutch("Signals can be submitted only while the beraad is in preparation.")
    ]
    assert not Intake.objects.exists()


@pytest.mark.django_db
def test_only_a_member_of_a_participating_body_completes_its_intake(
    beraad, chair, member, body, other_body, other_member, outsider, third_body, reader
):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    refused = [
        (other_member, body),  # not their body
        (chair, body),
        (reader, body),
        (outsider, third_body),  # their body does not take part
    ]
    for user, for_body in refused:
        with pytest.raises(PermissionDenied):
            services.intake_complete(beraad=beraad, body=for_body, user=user)
    assert not Intake.objects.exists()


# --- The sealed intake ---------------------------------------------------------------------
@pytest.mark.django_db
def test_the_chair_sees_who_submitted_and_how_many(
    beraad, chair, member, body, other_body, third_body
):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    submitted(body)
    submitted(body)
    SignalFactory(body=body, state=SignalState.CONCEPT)  # a draft does not count
    submitted(body, period_start=date(2025, 1, 1), period_end=date(2025, 6, 30))  # too early
    submitted(other_body)
    submitted(third_body)  # does not take part
    services.intake_complete(beraad=beraad, body=body, user=member)

    assert rows(beraad, chair) == [
        ("Ombudsman", 1, False, False),
        ("Rekenkamer", 2, True, False),
    ]


@pytest.mark.django_db
def test_a_member_sees_only_their_own_body_in_the_intake(
    beraad, chair, member, body, other_body, other_member
):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    submitted(body)
    submitted(other_body)
    submitted(other_body)
    services.intake_complete(beraad=beraad, body=other_body, user=other_member)
    assert rows(beraad, member) == [("Rekenkamer", 1, False, True)]
    assert rows(beraad, other_member) == [("Ombudsman", 2, True, True)]


@pytest.mark.django_db
def test_before_the_start_bodies_cannot_see_each_others_submissions(
    client, beraad, chair, member, body, other_body, other_member
):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    ours, theirs = submitted(body), submitted(other_body)
    assert set(Signal.objects.for_user(member)) == {ours}
    assert set(Signal.objects.for_user(other_member)) == {theirs}
    assert set(Signal.objects.for_user(chair)) == {ours, theirs}

    client.force_login(other_member)
    assert client.get(ours.get_absolute_url()).status_code == 404
    assert client.get(theirs.get_absolute_url()).status_code == 200
    # The beraad page shows the member their own body's count only.
    response = client.get(beraad.get_absolute_url())
    assert response.status_code == 200
    assert [row.body for row in response.context["intake"]] == [other_body]


@pytest.mark.django_db
def test_the_beraad_page_shows_the_chair_every_bodys_count(client, beraad, chair, body, other_body):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    for _ in range(3):
        submitted(body)
    submitted(other_body)
    client.force_login(chair)
    response = client.get(beraad.get_absolute_url())
    assert [(row.body.name, row.submitted) for row in response.context["intake"]] == [
        ("Ombudsman", 1),
        ("Rekenkamer", 3),
    ]
    html = response.content.decode()
    assert "Ombudsman" in html
    assert "Rekenkamer" in html


# --- The start: what is included ---------------------------------------------------------------
@pytest.mark.django_db
def test_the_start_includes_the_submitted_signals_of_the_participating_bodies_over_the_period(
    beraad, chair, body, other_body, third_body
):
    # already in another (earlier) beraad whose period overlaps this one's
    earlier = BeraadFactory(chair=chair, season="voorjaar", year=2026, bodies=[body])
    elsewhere = submitted(body, period_start=date(2025, 12, 1), period_end=date(2026, 2, 28))
    earlier = advance(earlier, chair, BeraadState.IN_BERAAD)
    assert list(earlier.inclusions.values_list("signal_id", flat=True)) == [elsewhere.pk]

    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    included = [
        submitted(body),
        submitted(other_body),
        # overlapping the period at either end is enough
        submitted(body, period_start=date(2025, 10, 1), period_end=date(2026, 1, 1)),
        submitted(other_body, period_start=date(2026, 6, 30), period_end=date(2026, 8, 31)),
    ]
    draft = SignalFactory(body=body, state=SignalState.CONCEPT)
    not_taking_part = submitted(third_body)
    before = submitted(body, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
    after = submitted(body, period_start=date(2026, 7, 1), period_end=date(2026, 12, 31))

    started = services.beraad_start(beraad=beraad, user=chair)

    expected = {s.pk for s in included}
    assert set(started.inclusions.values_list("signal_id", flat=True)) == expected
    for signal in Signal.objects.filter(pk__in=expected):
        assert signal.state == SignalState.IN_BERAAD
        assert BeraadSignal.objects.get(signal=signal).body_id == signal.body_id
    for signal in (draft, not_taking_part, before, after):
        signal.refresh_from_db()
        assert not signal.inclusions.exists()
    assert draft.state == SignalState.CONCEPT
    for signal in (not_taking_part, before, after):
        assert signal.state == SignalState.INGEDIEND
    assert BeraadSignal.objects.get(signal=elsewhere).beraad == earlier


@pytest.mark.django_db
def test_a_signal_can_be_in_one_beraad_only(beraad, chair, body):
    signal = submitted(body)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    assert BeraadSignal.objects.filter(signal=signal).count() == 1
    later = BeraadFactory(chair=chair, season="voorjaar", year=2027, bodies=[body])
    later.period_start = date(2026, 1, 1)  # overlaps the same period
    later.save()
    later = advance(later, chair, BeraadState.IN_BERAAD)
    assert not later.inclusions.exists()
    assert BeraadSignal.objects.get(signal=signal).beraad == beraad


@pytest.mark.django_db
def test_an_included_signal_can_no_longer_be_withdrawn(beraad, chair, member, body):
    signal = submitted(body)
    advance(beraad, chair, BeraadState.IN_BERAAD)
    with pytest.raises(TransitionNotAllowed):
        signal_withdraw(signal=signal, user=member)
    signal.refresh_from_db()
    assert signal.state == SignalState.IN_BERAAD


# --- After the start: visible to every participating body ---------------------------------------
@pytest.mark.django_db
def test_after_the_start_every_participating_body_sees_the_included_signals(
    client, beraad, chair, member, other_member, outsider, reader, body, other_body
):
    ours, theirs = submitted(body), submitted(other_body)
    left_out = submitted(other_body, period_start=date(2025, 1, 1), period_end=date(2025, 6, 30))
    draft = SignalFactory(body=other_body, state=SignalState.CONCEPT)
    advance(beraad, chair, BeraadState.IN_BERAAD)

    assert set(Signal.objects.for_user(member)) == {ours, theirs}
    assert set(Signal.objects.for_user(other_member)) == {ours, theirs, left_out, draft}
    assert not Signal.objects.for_user(outsider).exists()
    assert not Signal.objects.for_user(reader).exists()
    included = set(BeraadSignal.objects.filter(beraad=beraad))
    assert set(BeraadSignal.objects.for_user(member)) == included
    assert set(BeraadSignal.objects.for_user(other_member)) == included
    assert not BeraadSignal.objects.for_user(outsider).exists()
    assert not BeraadSignal.objects.for_user(reader).exists()

    client.force_login(member)
    assert client.get(theirs.get_absolute_url()).status_code == 200
    assert client.get(left_out.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    for signal in (ours, theirs):
        assert client.get(signal.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_signals_stay_visible_to_the_participants_after_the_beraad(
    beraad, chair, member, outsider, body, other_body
):
    theirs = submitted(other_body)
    advance(beraad, chair, BeraadState.GEDEELD)
    theirs.refresh_from_db()
    assert theirs.state == SignalState.BESPROKEN
    assert theirs in Signal.objects.for_user(member)
    assert theirs not in Signal.objects.for_user(outsider)


@pytest.mark.django_db
def test_a_member_of_an_inactive_body_loses_the_shared_view(
    beraad, chair, member, body, other_body
):
    theirs = submitted(other_body)
    advance(beraad, chair, BeraadState.IN_BERAAD)
    assert theirs in Signal.objects.for_user(member)
    body.is_active = False
    body.save()
    assert theirs not in Signal.objects.for_user(member)


# --- The intake page ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_member_completes_the_intake_on_the_beraad_page(client, beraad, chair, member, body):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    client.force_login(member)
    page = client.get(beraad.get_absolute_url())
    assert reverse("deliberation:intake", args=[beraad.pk]) in page.content.decode()
    response = client.post(reverse("deliberation:intake", args=[beraad.pk]), {"body": body.pk})
    assert response.status_code == 302
    assert response["Location"] == beraad.get_absolute_url()
    assert Intake.objects.get(beraad=beraad).body == body
    page = client.get(beraad.get_absolute_url())
    assert page.context["intake"][0].completed is not None


@pytest.mark.django_db
def test_completing_the_intake_is_asked_first(client, beraad, chair, member, body):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    submitted(body, period_start=beraad.period_start, period_end=beraad.period_end)
    url = reverse("deliberation:intake", args=[beraad.pk])
    client.force_login(member)
    detail = client.get(beraad.get_absolute_url()).content.decode()
    assert f'href="{url}?body={body.pk}"' in detail  # a link to the question
    response = client.get(url, {"body": body.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Is de inzending van Rekenkamer compleet?" in page
    assert "Rekenkamer heeft tot nu toe 1 signaal ingediend" in page
    assert "Dit kan niet ongedaan worden gemaakt." in page
    assert f'<input type="hidden" name="body" value="{body.pk}">' in page
    assert not Intake.objects.exists()  # asking changes nothing
    client.post(url, {"body": body.pk})
    assert Intake.objects.get().body == body
    # Asked again once it is done: back to the beraad, with why.
    response = client.get(url, {"body": body.pk}, follow=True)
    assert response.redirect_chain == [(beraad.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        dutch("Thank you: %(body)s has submitted its signals for this beraad.", body="Rekenkamer"),
        dutch("%(body)s has said already that its submission is complete.", body="Rekenkamer"),
    ]


@pytest.mark.django_db
def test_the_intake_question_out_of_time_or_for_another_body(
    client, beraad, chair, member, body, other_body
):
    url = reverse("deliberation:intake", args=[beraad.pk])
    client.force_login(member)  # the beraad is still gepland
    response = client.get(url, {"body": body.pk}, follow=True)
    assert response.redirect_chain == [(beraad.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        dutch("Signals can be submitted only while the beraad is in preparation.")
    ]
    advance(beraad, chair, BeraadState.VOORBEREIDING)
    for query in ({"body": other_body.pk}, {}, {"body": "abc"}, {"body": "99999"}):
        assert client.get(url, query).status_code == 404, query


@pytest.mark.django_db
def test_completing_the_intake_out_of_time_gives_the_message(client, beraad, chair, member, body):
    client.force_login(member)  # the beraad is still gepland
    response = client.post(
        reverse("deliberation:intake", args=[beraad.pk]), {"body": body.pk}, follow=True
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [dutch("Signals can be submitted only while the beraad is in preparation.")]
    assert not Intake.objects.exists()


@pytest.mark.django_db
def test_the_intake_of_another_body_or_by_an_outsider_is_a_404(
    client, beraad, chair, member, other_body, outsider, third_body
):
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    url = reverse("deliberation:intake", args=[beraad.pk])
    client.force_login(member)
    assert client.post(url, {"body": other_body.pk}).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.force_login(outsider)
    assert client.post(url, {"body": third_body.pk}).status_code == 404
    assert not Intake.objects.exists()
