"""The life of a beraad: gepland → voorbereiding → in_beraad → concept_memo → vastgesteld →
gedeeld, each step a service of the chair, from the right state only, with a timestamp; and
the proposal of the next session."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from deliberation import services
from deliberation.models import STATE_ORDER, Beraad, BeraadState, Season
from rodedraden.accounts.models import Role
from tests.deliberation.helpers import NEXT_STEP, advance, dutch, state_label
from tests.factories import BeraadFactory, UserFactory

STEPS = [
    # (service, from, to, the timestamp it sets)
    (services.beraad_open_intake, "gepland", "voorbereiding", "intake_opened_at"),
    (services.beraad_start, "voorbereiding", "in_beraad", "started_at"),
    (services.beraad_draft_memo, "in_beraad", "concept_memo", "memo_drafted_at"),
    (services.beraad_adopt, "concept_memo", "vastgesteld", "adopted_at"),
    (services.beraad_share, "vastgesteld", "gedeeld", "shared_at"),
]
STAMPS = [stamp for *_, stamp in STEPS]


@pytest.mark.django_db
def test_each_step_moves_one_state_stamps_it_and_raises_the_version(beraad, chair):
    assert beraad.state == BeraadState.GEPLAND
    assert all(getattr(beraad, stamp) is None for stamp in STAMPS)
    previous_stamp = None
    for service, source, target, stamp in STEPS:
        version = beraad.version
        assert beraad.state == source
        beraad = service(beraad=beraad, user=chair)
        stored = Beraad.objects.get(pk=beraad.pk)
        assert stored.state == target
        assert stored.version == version + 1
        assert getattr(stored, stamp) is not None
        if previous_stamp is not None:
            assert getattr(stored, stamp) >= getattr(stored, previous_stamp)
        # the later steps are not stamped yet
        later = STAMPS[STAMPS.index(stamp) + 1 :]
        assert all(getattr(stored, later_stamp) is None for later_stamp in later)
        previous_stamp = stamp
    assert stored.state == BeraadState.GEDEELD
    assert stored.is_frozen
    assert stored.is_started
    assert not stored.is_taggable


WRONG_ORDER = [
    (service, source, state)
    for service, source, _target, _stamp in STEPS
    for state in STATE_ORDER
    if state != source
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("service", "source", "state"),
    WRONG_ORDER,
    ids=[f"{service.__name__}-from-{state}" for service, _source, state in WRONG_ORDER],
)
def test_a_step_out_of_order_is_refused_with_a_clear_message(chair, body, service, source, state):
    beraad = BeraadFactory(chair=chair, bodies=[body], state=state)
    with pytest.raises(services.NotAllowed) as refused:
        service(beraad=beraad, user=chair)
    expected = dutch(
        "This step is only possible when the beraad is “%(source)s”; it is “%(state)s”.",
        source=state_label(source),
        state=state_label(state),
    )
    assert refused.value.messages == [expected]
    stored = Beraad.objects.get(pk=beraad.pk)
    assert stored.state == state
    assert stored.version == beraad.version
    assert all(getattr(stored, stamp) is None for stamp in STAMPS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEMBER, Role.READER, Role.ADMIN])
@pytest.mark.parametrize(
    ("service", "source"),
    [(s, source) for s, source, *_ in STEPS],
    ids=[s.__name__ for s, *_ in STEPS],
)
def test_only_the_chair_takes_a_step(body, chair, role, service, source):
    beraad = BeraadFactory(chair=chair, bodies=[body], state=source)
    someone = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        service(beraad=beraad, user=someone)
    assert Beraad.objects.get(pk=beraad.pk).state == source


@pytest.mark.django_db
def test_an_inactive_chair_takes_no_step(beraad, chair):
    chair.is_active = False
    chair.save()
    with pytest.raises(PermissionDenied):
        services.beraad_open_intake(beraad=beraad, user=chair)
    assert Beraad.objects.get(pk=beraad.pk).state == BeraadState.GEPLAND


@pytest.mark.django_db
def test_a_step_on_a_stale_object_checks_the_stored_state(beraad, chair):
    """Two tabs: the state in the database decides, not the object the view loaded."""
    stale = Beraad.objects.get(pk=beraad.pk)
    services.beraad_open_intake(beraad=beraad, user=chair)
    with pytest.raises(services.NotAllowed):
        services.beraad_open_intake(beraad=stale, user=chair)
    assert Beraad.objects.get(pk=beraad.pk).state == BeraadState.VOORBEREIDING


def test_every_state_but_the_last_has_exactly_one_next_step():
    assert list(NEXT_STEP) == STATE_ORDER[:-1]


# --- Creating and changing a session --------------------------------------------------------
def create_kwargs(**overrides):
    values = {
        "title": "Rode-dradenberaad najaar 2026",
        "season": Season.NAJAAR,
        "year": 2026,
        "date": date(2026, 10, 15),
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "submission_deadline": date(2026, 9, 24),
        "agenda": "1. Opening\n2. Signalen per orgaan",
    }
    values.update(overrides)
    return values


@pytest.mark.django_db
def test_the_chair_plans_a_session(chair, body, other_body):
    beraad = services.beraad_create(user=chair, bodies=[body, other_body], **create_kwargs())
    beraad.refresh_from_db()
    assert beraad.state == BeraadState.GEPLAND
    assert beraad.chair == chair
    assert set(beraad.bodies.all()) == {body, other_body}
    assert beraad.min_bodies == 2
    assert beraad.version == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEMBER, Role.READER, Role.ADMIN])
def test_only_a_chair_plans_a_session(body, role):
    with pytest.raises(PermissionDenied):
        services.beraad_create(user=UserFactory(role=role), bodies=[body], **create_kwargs())
    assert not Beraad.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bodies": []}, "bodies"),
        ({"submission_deadline": date(2026, 10, 16)}, "submission_deadline"),
        ({"period_end": date(2025, 12, 31)}, None),
        ({"min_bodies": 0}, None),
        ({"title": "Beraad bij J. de Vries, Hengelosestraat 12"}, "title"),
    ],
    ids=["no-bodies", "deadline-after-meeting", "period-backwards", "min-0", "personal-data"],
)
def test_a_session_that_does_not_make_sense_is_refused(chair, body, overrides, field):
    kwargs = {"bodies": [body], **create_kwargs()}
    kwargs.update(overrides)
    with pytest.raises(ValidationError) as refused:
        services.beraad_create(user=chair, **kwargs)
    if field:
        assert field in refused.value.message_dict
    assert not Beraad.objects.exists()


@pytest.mark.django_db
def test_one_session_per_season(chair, body):
    services.beraad_create(user=chair, bodies=[body], **create_kwargs())
    with pytest.raises(ValidationError):
        services.beraad_create(user=chair, bodies=[body], **create_kwargs(title="Nog een"))
    assert Beraad.objects.count() == 1


def update_kwargs(beraad, **overrides):
    values = {
        "version": beraad.version,
        "title": beraad.title,
        "date": beraad.date,
        "period_start": beraad.period_start,
        "period_end": beraad.period_end,
        "submission_deadline": beraad.submission_deadline,
        "bodies": list(beraad.bodies.all()),
        "agenda": beraad.agenda,
        "attendance": "",
        "minutes": "",
        "summary": "",
        "min_bodies": beraad.min_bodies,
    }
    values.update(overrides)
    return values


@pytest.mark.django_db
def test_a_stale_edit_of_a_session_is_refused_and_nothing_is_overwritten(beraad, chair):
    first = services.beraad_update(
        beraad=beraad, user=chair, **update_kwargs(beraad, summary="Eerste versie")
    )
    with pytest.raises(services.Conflict) as conflict:
        services.beraad_update(
            beraad=beraad, user=chair, **update_kwargs(beraad, summary="Tweede, verouderd")
        )
    assert conflict.value.current_version == first.version == beraad.version + 1
    assert Beraad.objects.get(pk=beraad.pk).summary == "Eerste versie"


@pytest.mark.django_db
def test_period_and_bodies_are_fixed_once_the_session_started(beraad, chair, third_body):
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    for overrides in (
        {"period_start": date(2025, 12, 1)},
        {"bodies": [*beraad.bodies.all(), third_body]},
    ):
        with pytest.raises(services.NotAllowed):
            services.beraad_update(beraad=beraad, user=chair, **update_kwargs(beraad, **overrides))
    changed = services.beraad_update(
        beraad=beraad,
        user=chair,
        **update_kwargs(beraad, summary="Samenvatting", attendance="Voorzitter; secretarissen"),
    )
    stored = Beraad.objects.get(pk=beraad.pk)
    assert stored.summary == "Samenvatting"
    assert stored.version == changed.version == beraad.version + 1
    assert stored.period_start == date(2026, 1, 1)
    assert third_body not in stored.bodies.all()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [BeraadState.VASTGESTELD, BeraadState.GEDEELD])
def test_nothing_of_an_adopted_session_changes(chair, body, state):
    beraad = BeraadFactory(chair=chair, bodies=[body], state=state)
    with pytest.raises(services.NotAllowed) as refused:
        services.beraad_update(beraad=beraad, user=chair, **update_kwargs(beraad, summary="Nee"))
    assert refused.value.messages == [
        dutch("This beraad has been adopted; its content can no longer change.")
    ]
    assert Beraad.objects.get(pk=beraad.pk).summary == ""


# --- Proposing the next session --------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "season", "year", "period"),
    [
        (date(2026, 2, 10), "voorjaar", 2026, (date(2025, 7, 1), date(2025, 12, 31))),
        (date(2026, 6, 30), "voorjaar", 2026, (date(2025, 7, 1), date(2025, 12, 31))),
        (date(2026, 7, 1), "najaar", 2026, (date(2026, 1, 1), date(2026, 6, 30))),
    ],
)
def test_without_sessions_the_proposal_follows_today(today, season, year, period):
    proposal = services.beraad_propose(today=today)
    assert (proposal.season, proposal.year) == (season, year)
    assert (proposal.period_start, proposal.period_end) == period
    assert proposal.submission_deadline < proposal.date
    assert (proposal.date - proposal.submission_deadline).days == 21
    assert str(year) in proposal.title


@pytest.mark.django_db
def test_after_a_spring_session_comes_autumn_over_the_first_half_of_this_year(chair, body):
    BeraadFactory(chair=chair, season="voorjaar", year=2026, bodies=[body])
    proposal = services.beraad_propose(today=date(2026, 2, 1))
    assert (proposal.season, proposal.year) == ("najaar", 2026)
    assert (proposal.period_start, proposal.period_end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert proposal.date > date(2026, 6, 30)


@pytest.mark.django_db
def test_after_an_autumn_session_comes_spring_over_the_second_half_of_this_year(chair, body):
    BeraadFactory(chair=chair, season="najaar", year=2026, bodies=[body])
    proposal = services.beraad_propose(today=date(2026, 2, 1))
    assert (proposal.season, proposal.year) == ("voorjaar", 2027)
    assert (proposal.period_start, proposal.period_end) == (date(2026, 7, 1), date(2026, 12, 31))
    assert date(2027, 1, 1) <= proposal.date


@pytest.mark.django_db
def test_after_both_sessions_of_a_year_comes_spring_of_the_next_year(chair, body):
    BeraadFactory(chair=chair, season="voorjaar", year=2026, bodies=[body])
    BeraadFactory(chair=chair, season="najaar", year=2026, bodies=[body])
    proposal = services.beraad_propose(today=date(2026, 11, 1))
    assert (proposal.season, proposal.year) == ("voorjaar", 2027)
    assert (proposal.period_start, proposal.period_end) == (date(2026, 7, 1), date(2026, 12, 31))


def test_the_attendance_list_holds_roles_not_names(beraad, chair):
    from signals.guard import PersonalDataFound

    with pytest.raises(PersonalDataFound) as caught:
        services.beraad_update(
            beraad=beraad,
            user=chair,
            version=beraad.version,
            title=beraad.title,
            date=beraad.date,
            period_start=beraad.period_start,
            period_end=beraad.period_end,
            submission_deadline=beraad.submission_deadline,
            bodies=beraad.bodies.all(),
            agenda="",
            attendance="Voorzitter; mevrouw Jansen (secretaris rekenkamer)",
            minutes="",
            summary="",
            min_bodies=2,
        )
    assert set(caught.value.results) == {"attendance"}
    beraad.refresh_from_db()
    assert beraad.attendance == ""
