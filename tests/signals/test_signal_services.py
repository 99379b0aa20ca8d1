"""Signals: the services (every write), the state machine, optimistic concurrency, the guard at
the service layer, and the one gate for reading (for_user)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from rodedraden.accounts.models import Role
from signals import services
from signals.guard import PersonalDataFound
from signals.models import Aspect, Signal, SignalState
from tests.factories import MembershipFactory, OversightBodyFactory, SignalFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Beslistermijnen Wmo overschreden",
    "description": "Bij een derde van de aanvragen werd de termijn overschreden.",
    "period_start": datetime.date(2026, 1, 1),
    "period_end": datetime.date(2026, 6, 30),
    "case_count": 12,
    "impact": "hoog",
    "source_reference": "Jaarverslag 2026, hoofdstuk 2",
    "is_positive": False,
    "details": {"indeling": ["doelmatigheid"], "rapport": "Zorg op maat", "opvolging": "niet"},
}


def create(body, user, **changes):
    return services.signal_create(body=body, author=user, **{**FIELDS, **changes})


def update(signal, user, version, **changes):
    data = {**FIELDS, "aspects": [], "organisation_units": [], **changes}
    return services.signal_update(signal=signal, user=user, version=version, **data)


# --- Creating ------------------------------------------------------------------------------------
def test_a_member_creates_a_draft_of_their_body(member, body):
    aspect = Aspect.objects.get(slug="tijdigheid")
    signal = create(body, member, aspects=[aspect])
    signal.refresh_from_db()
    assert signal.body == body
    assert signal.author == member
    assert signal.state == SignalState.CONCEPT
    assert signal.version == 1
    assert list(signal.aspects.all()) == [aspect]
    assert signal.details == {
        "indeling": ["doelmatigheid"],
        "rapport": "Zorg op maat",
        "opvolging": "niet",
    }
    assert [str(label) for label in signal.classification_labels] in (
        ["Efficiency"],
        ["Doelmatigheid"],
    )


@pytest.mark.parametrize("role", [Role.CHAIR, Role.READER])
def test_only_members_of_the_body_create_signals(body, other_body, role):
    outsider = MembershipFactory(body=other_body).user
    with pytest.raises(PermissionDenied):
        create(body, outsider)
    with pytest.raises(PermissionDenied):
        create(body, UserFactory(role=role))
    assert not Signal.objects.exists()


def test_no_signals_for_an_inactive_body(member, body):
    body.is_active = False
    body.save()
    with pytest.raises(PermissionDenied):
        create(body, member)


def test_the_service_refuses_personal_data_whatever_the_caller(member, body):
    with pytest.raises(PersonalDataFound) as caught:
        create(body, member, description="Mevrouw Jansen belde vanaf 06-12345678.")
    assert set(caught.value.results) == {"description"}
    assert caught.value.results["description"].types == ["naam", "telefoon"]
    assert "Jansen" not in str(caught.value.messages)
    with pytest.raises(PersonalDataFound):
        create(body, member, details={"rapport": "Rapport over dhr. P. de Vries"})
    assert not Signal.objects.exists()


def test_details_are_validated_by_the_kind(member, body):
    with pytest.raises(ValidationError) as caught:
        create(body, member, details={"indeling": ["bestaat-niet"]})
    assert "details_indeling" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        create(body, member, details={"opvolging": "misschien"})
    assert "details_opvolging" in caught.value.message_dict
    signal = create(body, member, details={"onbekend_veld": "weg ermee", "opvolging": "deels"})
    assert signal.details == {"opvolging": "deels"}


def test_a_period_that_ends_before_it_starts_is_refused(member, body):
    with pytest.raises(ValidationError):
        create(
            body,
            member,
            period_start=datetime.date(2026, 6, 1),
            period_end=datetime.date(2026, 1, 1),
        )


# --- Changing ------------------------------------------------------------------------------------
def test_an_update_raises_the_version(member, body):
    signal = create(body, member)
    updated = update(signal, member, version=1, title="Nieuwe titel")
    assert updated.version == 2
    assert Signal.objects.get().title == "Nieuwe titel"


def test_a_stale_update_is_refused_and_overwrites_nothing(member, body):
    signal = create(body, member)
    colleague = MembershipFactory(body=body).user
    update(signal, colleague, version=1, title="Versie van de collega")
    with pytest.raises(services.SignalConflict) as caught:
        update(signal, member, version=1, title="Mijn versie")
    assert caught.value.current_version == 2
    assert Signal.objects.get().title == "Versie van de collega"


def test_only_drafts_change_but_administrators_correct_any_state(member, body, admin_user):
    signal = create(body, member)
    services.signal_submit(signal=signal, user=member)
    with pytest.raises(ValidationError):
        update(signal, member, version=2, title="Te laat")
    update(signal, admin_user, version=2, title="Gecorrigeerd door beheer")
    assert Signal.objects.get().title == "Gecorrigeerd door beheer"


def test_another_bodys_member_cannot_change_a_signal(member, body, other_body):
    signal = create(body, member)
    outsider = MembershipFactory(body=other_body).user
    for action in (services.signal_submit, services.signal_delete):
        with pytest.raises(PermissionDenied):
            action(signal=signal, user=outsider)
    with pytest.raises(PermissionDenied):
        update(signal, outsider, version=1)


# --- The state machine ---------------------------------------------------------------------------
def test_submit_and_withdraw(member, body):
    signal = create(body, member)
    services.signal_submit(signal=signal, user=member, version=1)
    signal.refresh_from_db()
    assert signal.state == SignalState.INGEDIEND
    assert signal.submitted_at is not None
    assert signal.version == 2
    with pytest.raises(ValidationError):
        services.signal_submit(signal=signal, user=member)
    services.signal_withdraw(signal=signal, user=member, version=2)
    signal.refresh_from_db()
    assert signal.state == SignalState.CONCEPT
    assert signal.submitted_at is None
    with pytest.raises(ValidationError):
        services.signal_withdraw(signal=signal, user=member)


def test_a_stale_submit_is_refused(member, body):
    signal = create(body, member)
    update(signal, member, version=1, title="Gewijzigd")
    with pytest.raises(services.SignalConflict):
        services.signal_submit(signal=signal, user=member, version=1)
    assert Signal.objects.get().state == SignalState.CONCEPT


def test_the_beraad_takes_submitted_signals_and_then_they_cannot_be_withdrawn(member, body):
    signal = create(body, member)
    draft = create(body, member, title="Nog een concept")
    services.signal_submit(signal=signal, user=member)
    with pytest.raises(ValidationError):  # a draft never enters a beraad
        services.signals_bring_into_beraad(signal_ids=[signal.pk, draft.pk])
    assert Signal.objects.get(pk=signal.pk).state == SignalState.INGEDIEND
    assert services.signals_bring_into_beraad(signal_ids=[signal.pk]) == 1
    with pytest.raises(ValidationError):
        services.signal_withdraw(signal=signal, user=member)
    with pytest.raises(ValidationError):
        services.signals_bring_into_beraad(signal_ids=[signal.pk])
    assert services.signals_mark_discussed(signal_ids=[signal.pk]) == 1
    assert Signal.objects.get(pk=signal.pk).state == SignalState.BESPROKEN
    with pytest.raises(ValidationError):
        services.signals_mark_discussed(signal_ids=[signal.pk])
    with pytest.raises(ValidationError):
        services.signals_mark_discussed(signal_ids=[999_999])


def test_only_drafts_are_deleted(member, body):
    signal = create(body, member)
    services.signal_submit(signal=signal, user=member)
    with pytest.raises(ValidationError):
        services.signal_delete(signal=signal, user=member)
    services.signal_withdraw(signal=signal, user=member)
    services.signal_delete(signal=signal, user=member)
    assert not Signal.objects.exists()


def test_an_import_saves_all_rows_or_none(member, body):
    rows = [{**FIELDS, "title": "Eerste"}, {**FIELDS, "description": "Bel 06-12345678."}]
    with pytest.raises(PersonalDataFound):
        services.signals_import(body=body, user=member, rows=rows)
    assert not Signal.objects.exists()
    services.signals_import(body=body, user=member, rows=rows[:1])
    assert Signal.objects.count() == 1


# --- Reading: for_user ---------------------------------------------------------------------------
@pytest.fixture
def signals_in_every_state(body, other_body):
    return {
        (owner.slug, state): SignalFactory(body=owner, state=state)
        for owner in (body, other_body)
        for state in SignalState.values
    }


def visible(user):
    return {(signal.body.slug, signal.state) for signal in Signal.objects.for_user(user)}


def test_members_see_every_signal_of_their_own_bodies_only(member, signals_in_every_state):
    assert visible(member) == {("rekenkamer", state) for state in SignalState.values}


def test_the_chair_sees_submitted_signals_of_every_body_never_a_draft(
    chair, signals_in_every_state
):
    assert visible(chair) == {
        (slug, state)
        for slug in ("rekenkamer", "ombudsman")
        for state in SignalState.values
        if state != SignalState.CONCEPT
    }


def test_readers_anonymous_and_inactive_users_see_no_signals(
    reader, member, signals_in_every_state
):
    assert visible(reader) == set()
    assert visible(AnonymousUser()) == set()
    member.is_active = False
    assert visible(member) == set()


def test_administrators_see_every_signal(admin_user, signals_in_every_state):
    assert len(visible(admin_user)) == 2 * len(SignalState.values)


def test_a_member_of_an_inactive_body_no_longer_sees_its_signals(member, body):
    SignalFactory(body=body)
    body.is_active = False
    body.save()
    assert visible(member) == set()


def test_membership_of_two_bodies_shows_both(member, body):
    second = OversightBodyFactory(slug="fg", kind="fg")
    MembershipFactory(user=member, body=second)
    SignalFactory(body=body)
    SignalFactory(body=second)
    assert {slug for slug, _ in visible(member)} == {"rekenkamer", "fg"}
