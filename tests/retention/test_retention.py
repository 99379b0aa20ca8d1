"""Retention (issue 6): each kind of record has its own term (settings.RETENTION_DAYS); the
nightly task removes what is past it — an adopted beraad with everything that belongs to it,
signals that never went into a beraad, concept memos, audit entries, expired sign-in
sessions — records what it removed, and never touches anything within its term."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deliberation import services as deliberation_services
from deliberation.models import (
    Addressee,
    Analysis,
    Beraad,
    BeraadSignal,
    BeraadState,
    Intake,
    Recommendation,
    Tag,
    Theme,
)
from reports.models import Memo, MemoDownload, MemoKind, MemoState
from rodedraden import celery_app
from rodedraden.audit.models import AuditEntry, AuditEvent
from rodedraden.audit.services import audit_event_record
from rodedraden.retention.models import RetentionRun
from rodedraden.retention.services import retention_apply
from rodedraden.retention.tasks import retention_apply as retention_task
from signals.models import Aspect, Signal, SignalState
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import BeraadFactory, SignalFactory, ThemeFactory
from tests.reports.helpers import FAKE_PDF, ready_memo

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
TASK = "rodedraden.retention_apply"
User = get_user_model()

# Every table retention may touch, and the ones it must leave alone.
TABLES = (
    Beraad,
    Beraad.bodies.through,
    Intake,
    BeraadSignal,
    Tag,
    Analysis,
    Analysis.examples.through,
    Recommendation,
    Memo,
    MemoDownload,
    Signal,
    Signal.aspects.through,
    Signal.organisation_units.through,
    Theme,
    AuditEntry,
    Session,
    User,
)


# --- Helpers ------------------------------------------------------------------------------------
def term(kind: str) -> timedelta:
    return timedelta(days=django_settings.RETENTION_DAYS[kind])


def cutoff(now, kind: str):
    """The moment before which a record of ``kind`` is past its term."""
    return now - term(kind)


def rows() -> dict:
    """Every row of every table, in full, by table and primary key."""
    return {
        model: {row[model._meta.pk.attname]: row for row in model.objects.values().order_by("pk")}
        for model in TABLES
    }


def assert_removed_exactly(before: dict, after: dict, removed: dict) -> None:
    """``after`` is ``before`` without the rows in ``removed`` (table → primary keys), every
    other row unchanged to the last column. New audit entries (retention records itself) and
    nothing else may have come."""
    for model in TABLES:
        gone = set(removed.get(model, ()))
        assert gone <= set(before[model]), f"{model.__name__}: removed rows were never there"
        expected = {pk: row for pk, row in before[model].items() if pk not in gone}
        actual = after[model]
        if model is AuditEntry:
            actual = {pk: row for pk, row in actual.items() if pk in before[model]}
        assert actual == expected, model.__name__


def set_moment(obj, **moments) -> None:
    """Moves timestamps (auto_now fields included) without saving through the model."""
    type(obj).objects.filter(pk=obj.pk).update(**moments)


def through_rows(through, **lookup) -> set:
    return set(through.objects.filter(**lookup).values_list("pk", flat=True))


def held_session(chair, bodies, *, year, state, concept_memos=1):
    """A beraad taken through its life by the services, to ``state``: a signal of each body
    (the first with an aspect), an intake, both signals tagged, an analysis with an example,
    a recommendation; ``concept_memos`` concept memos and, once adopted, the definitive memo
    (each with a file); a download of the first memo."""
    beraad = BeraadFactory(chair=chair, bodies=bodies, year=year)
    period = {"period_start": beraad.period_start, "period_end": beraad.period_end}
    signals = [
        submitted(body, title=f"Signaal van {body.slug} over {year}", **period) for body in bodies
    ]
    signals[0].aspects.add(Aspect.objects.order_by("order").first())
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    Intake.objects.create(beraad=beraad, body=bodies[0], completed_by=chair)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    for signal in signals:
        tag(beraad, signal, theme, chair)
    deliberation_services.analysis_save(
        beraad=beraad,
        theme=theme,
        user=chair,
        version=0,
        text="Drie organen zien dat aanvragen blijven liggen.",
        example_ids=[inclusion(signals[0]).pk],
    )
    deliberation_services.recommendation_create(
        beraad=beraad,
        theme=theme,
        user=chair,
        text="Stel per voorziening een doorlooptijd vast.",
        addressee=Addressee.BURGEMEESTER,
    )
    if state == BeraadState.IN_BERAAD:
        return Beraad.objects.get(pk=beraad.pk), signals
    beraad = advance(beraad, chair, BeraadState.CONCEPT_MEMO)
    for version in range(1, concept_memos + 1):
        memo = ready_memo(beraad, kind=MemoKind.CONCEPT, version=version, requested_by=chair)
        if version == 1:
            MemoDownload.objects.create(memo=memo, user=chair)
    if state != BeraadState.CONCEPT_MEMO:
        beraad = advance(beraad, chair, BeraadState.VASTGESTELD)
        ready_memo(beraad, kind=MemoKind.DEFINITIEF, version=concept_memos + 1, requested_by=chair)
        beraad = advance(beraad, chair, state)
    return Beraad.objects.get(pk=beraad.pk), signals


def belongings(beraad) -> dict:
    """Table → primary keys of what goes with ``beraad``: the beraad, its bodies, intakes,
    inclusions, tags, analyses (with their examples), recommendations, memos (with their
    downloads), and the signals discussed in it (with their aspects and units)."""
    signal_ids = set(beraad.inclusions.values_list("signal_id", flat=True))
    analyses = set(beraad.analyses.values_list("pk", flat=True))
    memos = set(Memo.objects.filter(beraad=beraad).values_list("pk", flat=True))
    return {
        Beraad: {beraad.pk},
        Beraad.bodies.through: through_rows(Beraad.bodies.through, beraad=beraad),
        Intake: set(beraad.intakes.values_list("pk", flat=True)),
        BeraadSignal: set(beraad.inclusions.values_list("pk", flat=True)),
        Tag: set(beraad.tags.values_list("pk", flat=True)),
        Analysis: analyses,
        Analysis.examples.through: through_rows(Analysis.examples.through, analysis__in=analyses),
        Recommendation: set(beraad.recommendations.values_list("pk", flat=True)),
        Memo: memos,
        MemoDownload: set(MemoDownload.objects.filter(memo__in=memos).values_list("pk", flat=True)),
        Signal: signal_ids,
        Signal.aspects.through: through_rows(Signal.aspects.through, signal__in=signal_ids),
        Signal.organisation_units.through: through_rows(
            Signal.organisation_units.through, signal__in=signal_ids
        ),
    }


def merge(*parts: dict) -> dict:
    merged: dict = {}
    for part in parts:
        for model, pks in part.items():
            merged.setdefault(model, set()).update(pks)
    return merged


def signal_rows(signals) -> dict:
    ids = {signal.pk for signal in signals}
    return {
        Signal: ids,
        Signal.aspects.through: through_rows(Signal.aspects.through, signal__in=ids),
        Signal.organisation_units.through: through_rows(
            Signal.organisation_units.through, signal__in=ids
        ),
    }


def memo_rows(memos) -> dict:
    ids = {memo.pk for memo in memos}
    return {
        Memo: ids,
        MemoDownload: set(MemoDownload.objects.filter(memo__in=ids).values_list("pk", flat=True)),
    }


def files_of(memos) -> dict[str, bytes]:
    return {memo.file.name: FAKE_PDF for memo in memos}


def stored_files(names) -> dict[str, bytes]:
    found = {}
    for name in names:
        if default_storage.exists(name):
            with default_storage.open(name) as handle:
                found[name] = handle.read()
    return found


def old_session(key: str, expire_date) -> Session:
    return Session.objects.create(session_key=key, session_data="", expire_date=expire_date)


def audit_entry(body, moment) -> AuditEntry:
    entry = audit_event_record(event=AuditEvent.EXPORT, obj=body, details={"format": "csv"})
    AuditEntry.objects.filter(pk=entry.pk).update(timestamp=moment)
    return AuditEntry.objects.get(pk=entry.pk)


@pytest.fixture
def fresh_storage(settings):
    """A new, empty in-memory storage for this test's memo files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def landscape(now, chair, body, other_body, member, client, fresh_storage):
    """Records of every kind on both sides of their term, one second from its edge, and a
    beraad in session whose records are decades old."""
    bodies = [body, other_body]
    sessions_cutoff = cutoff(now, "sessions")

    # Adopted beraden: two just past their term (one shared, one adopted only), two just
    # within it. Their signals last changed when they were adopted, long past the signals
    # term: a beraad within its term keeps them all the same.
    expired = {}
    kept = {}
    for year, state, moment, group in (
        (2009, BeraadState.GEDEELD, sessions_cutoff - SECOND, expired),
        (2010, BeraadState.VASTGESTELD, sessions_cutoff - DAY, expired),
        (2011, BeraadState.VASTGESTELD, sessions_cutoff, kept),
        (2012, BeraadState.GEDEELD, sessions_cutoff + SECOND, kept),
    ):
        beraad, signals = held_session(
            chair, bodies, year=year, state=state, concept_memos=2 if year == 2011 else 1
        )
        set_moment(beraad, adopted_at=moment)
        for signal in signals:
            set_moment(signal, updated_at=moment, created_at=moment - DAY)
        Memo.objects.filter(beraad=beraad, kind=MemoKind.DEFINITIEF).update(
            requested_at=moment - DAY
        )
        group[year] = Beraad.objects.get(pk=beraad.pk)

    # Concept memos of the beraad adopted within its term: one just past the memos term, one
    # just within it (the definitive memo lives as long as its beraad, whatever its age).
    concept_old, concept_new = Memo.objects.filter(
        beraad=kept[2011], kind=MemoKind.CONCEPT
    ).order_by("version")
    set_moment(concept_old, requested_at=cutoff(now, "memos") - SECOND)
    set_moment(concept_new, requested_at=cutoff(now, "memos") + SECOND)

    # A beraad in session: everything in it decades old.
    in_session, session_signals = held_session(
        chair, bodies, year=2013, state=BeraadState.IN_BERAAD
    )
    ancient = now - 30 * 365 * DAY
    Beraad.objects.filter(pk=in_session.pk).update(
        created_at=ancient, updated_at=ancient, intake_opened_at=ancient, started_at=ancient
    )
    Signal.objects.filter(pk__in=[s.pk for s in session_signals]).update(
        created_at=ancient, updated_at=ancient, submitted_at=ancient
    )
    Tag.objects.filter(beraad=in_session).update(created_at=ancient)

    # Signals that never went into a beraad: submitted ones and concepts, each on both sides
    # of its own term.
    outside = {
        "submitted_old": submitted(body, title="Ingediend, verlopen"),
        "submitted_new": submitted(body, title="Ingediend, binnen termijn"),
        "concept_old": SignalFactory(body=body, title="Concept, verlopen"),
        "concept_new": SignalFactory(body=body, title="Concept, binnen termijn"),
        # As old as an expired concept, but submitted: the (longer) signals term applies.
        "submitted_concept_age": submitted(body, title="Ingediend, leeftijd van een concept"),
    }
    outside["concept_old"].aspects.add(Aspect.objects.order_by("order").last())
    for key, moment in (
        ("submitted_old", cutoff(now, "signals") - SECOND),
        ("submitted_new", cutoff(now, "signals") + SECOND),
        ("concept_old", cutoff(now, "concept_signals") - SECOND),
        ("concept_new", cutoff(now, "concept_signals")),
        ("submitted_concept_age", cutoff(now, "concept_signals") - DAY),
    ):
        set_moment(outside[key], updated_at=moment, created_at=moment)
        outside[key].refresh_from_db()

    # The audit trail's own entries, and sign-in sessions.
    audit = {
        "old": audit_entry(body, cutoff(now, "audit") - SECOND),
        "new": audit_entry(body, cutoff(now, "audit") + SECOND),
    }
    login_sessions = {
        "expired": old_session("verlopen" + "x" * 24, now - SECOND),
        "live": old_session("levend" + "y" * 26, now + timedelta(minutes=20)),
    }
    client.force_login(member)  # a real, live sign-in

    return {
        "now": now,
        "expired": expired,
        "kept": kept,
        "concept_memos": (concept_old, concept_new),
        "in_session": in_session,
        "outside": outside,
        "audit": audit,
        "login_sessions": login_sessions,
        "client": client,
    }


def expected_removals(land) -> dict:
    expired = list(land["expired"].values())
    outside = land["outside"]
    return merge(
        *(belongings(beraad) for beraad in expired),
        memo_rows([land["concept_memos"][0]]),
        signal_rows([outside["submitted_old"], outside["concept_old"]]),
        {AuditEntry: {land["audit"]["old"].pk}},
        {Session: {land["login_sessions"]["expired"].pk}},
    )


# --- What goes, what stays ----------------------------------------------------------------------
def test_what_is_past_its_term_goes_with_all_that_belongs_to_it_and_nothing_else(
    landscape, django_capture_on_commit_callbacks
):
    now = landscape["now"]
    expired = list(landscape["expired"].values())
    removals = expected_removals(landscape)
    gone_memos = list(Memo.objects.filter(pk__in=removals[Memo]))
    kept_memos = list(Memo.objects.exclude(pk__in=removals[Memo]))
    assert len(gone_memos) == 2 + 2 + 1
    assert len(kept_memos) == 2 + 2
    assert stored_files(memo.file.name for memo in gone_memos + kept_memos) == files_of(
        gone_memos + kept_memos
    )
    before = rows()

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(now=now)

    assert_removed_exactly(before, rows(), removals)
    # The files of the memos removed are gone from the storage; the others are untouched.
    assert stored_files(memo.file.name for memo in gone_memos) == {}
    assert stored_files(memo.file.name for memo in kept_memos) == files_of(kept_memos)
    # The themes stay (they belong to the catalogue, not to a beraad), and so do the bodies.
    assert Theme.objects.filter(name="Tijdigheid").exists()
    # The live sign-in still works.
    assert landscape["client"].get(reverse("signals:body-list")).status_code == 200

    # The run: its cut-offs, how many of each kind, and which.
    assert run.started_at == now
    assert run.finished_at is not None
    assert run.cutoffs == {
        kind: (now - timedelta(days=days)).isoformat()
        for kind, days in django_settings.RETENTION_DAYS.items()
    }
    expired_signals = sorted(removals[Signal] - signal_rows(landscape["outside"].values())[Signal])
    outside_removed = sorted(
        s.pk for s in (landscape["outside"]["submitted_old"], landscape["outside"]["concept_old"])
    )
    memos_of_sessions = sorted(
        pk for pk, row in before[Memo].items() if row["beraad_id"] in {b.pk for b in expired}
    )
    assert run.removed == {
        "sessions": 2,
        "memos_of_sessions": 4,
        "signals_of_sessions": 4,
        "memos": 1,
        "signals": 2,
        "audit": 1,
        "login_sessions": 1,
    }
    assert run.removed_ids == {
        "sessions": sorted(beraad.pk for beraad in expired),
        "memos_of_sessions": memos_of_sessions,
        "signals_of_sessions": expired_signals,
        "memos": [landscape["concept_memos"][0].pk],
        "signals": outside_removed,
        "audit": [landscape["audit"]["old"].pk],
    }
    assert run.total_removed == 15
    assert RetentionRun.objects.get() == run


def test_the_trail_records_what_each_kind_lost(landscape, django_capture_on_commit_callbacks):
    now = landscape["now"]
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(now=now)
    entries = {
        entry.additional_data["kind"]: entry
        for entry in AuditEntry.objects.of_event(AuditEvent.RETENTION)
    }
    assert set(entries) == set(run.removed)
    models = {
        "sessions": Beraad,
        "memos_of_sessions": Memo,
        "signals_of_sessions": Signal,
        "memos": Memo,
        "signals": Signal,
        "audit": AuditEntry,
        "login_sessions": Session,
    }
    for kind, entry in entries.items():
        assert entry.event == "bewaartermijn"
        assert entry.actor is None
        assert entry.content_type == ContentType.objects.get_for_model(
            models[kind], for_concrete_model=False
        )
        assert entry.additional_data["count"] == run.removed[kind]
        assert entry.additional_data["run"] == run.pk
        if kind == "login_sessions":
            assert "ids" not in entry.additional_data  # session keys are not kept
        else:
            assert entry.additional_data["ids"] == run.removed_ids[kind]
    # Each record removed is in the trail as deleted too, by nobody (the task).
    for pk in run.removed_ids["signals"] + run.removed_ids["signals_of_sessions"]:
        (deleted,) = AuditEntry.objects.of_event(AuditEvent.DELETED).filter(
            content_type=ContentType.objects.get_for_model(Signal), object_pk=str(pk)
        )
        assert deleted.actor is None
    for pk in run.removed_ids["sessions"]:
        assert AuditEntry.objects.of_event(AuditEvent.DELETED).filter(
            content_type=ContentType.objects.get_for_model(Beraad), object_pk=str(pk)
        )


def test_what_goes_with_a_beraad_is_recorded_with_the_beraad_s_cutoff(
    landscape, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(now=landscape["now"])
    for kind in ("memos_of_sessions", "signals_of_sessions"):
        (entry,) = AuditEntry.objects.of_event(AuditEvent.RETENTION).filter(
            additional_data__kind=kind
        )
        assert entry.additional_data["cutoff"] == run.cutoffs["sessions"], kind


def test_a_second_run_right_after_removes_nothing(landscape, django_capture_on_commit_callbacks):
    now = landscape["now"]
    with django_capture_on_commit_callbacks(execute=True):
        first = retention_apply(now=now)
    assert first.total_removed
    before = rows()
    retention_entries = AuditEntry.objects.of_event(AuditEvent.RETENTION).count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # At the same moment (the records within their terms are a second from the edge).
        second = retention_apply(now=now)
    assert callbacks == []  # no file to delete
    assert second.removed == {}
    assert second.removed_ids == {}
    assert second.total_removed == 0
    assert_removed_exactly(before, rows(), {})
    assert AuditEntry.objects.of_event(AuditEvent.RETENTION).count() == retention_entries
    assert RetentionRun.objects.count() == 2


def test_a_beraad_in_progress_is_never_touched_whatever_its_age(
    now, chair, body, other_body, settings, fresh_storage
):
    """Terms of one day, and a beraad in session and one drafting its memo (no memo yet)
    whose every record is half a century old: not a column changes."""
    bodies = [body, other_body]
    in_session, _ = held_session(chair, bodies, year=2001, state=BeraadState.IN_BERAAD)
    drafting, _ = held_session(chair, bodies, year=2002, state=BeraadState.IN_BERAAD)
    drafting = advance(drafting, chair, BeraadState.CONCEPT_MEMO)
    ancient = now - 50 * 365 * DAY
    for beraad in (in_session, drafting):
        Beraad.objects.filter(pk=beraad.pk).update(
            created_at=ancient,
            updated_at=ancient,
            intake_opened_at=ancient,
            started_at=ancient,
            memo_drafted_at=ancient if beraad == drafting else None,
            date=ancient.date(),
        )
        Signal.objects.filter(inclusions__beraad=beraad).update(
            created_at=ancient, updated_at=ancient, submitted_at=ancient
        )
        Tag.objects.filter(beraad=beraad).update(created_at=ancient)
        Intake.objects.filter(beraad=beraad).update(completed_at=ancient)
    settings.RETENTION_DAYS = dict.fromkeys(settings.RETENTION_DAYS, 1)
    before = rows()
    run = retention_apply(now=now)
    assert_removed_exactly(before, rows(), {})
    assert run.removed == {}


def test_a_beraad_drafting_its_memo_keeps_its_concept_memos(
    now, chair, body, other_body, fresh_storage, django_capture_on_commit_callbacks
):
    drafting, _ = held_session(chair, [body, other_body], year=2003, state=BeraadState.CONCEPT_MEMO)
    memo = Memo.objects.get(beraad=drafting)
    set_moment(memo, requested_at=cutoff(now, "memos") - DAY)
    with django_capture_on_commit_callbacks(execute=True):
        retention_apply(now=now)
    assert Memo.objects.filter(pk=memo.pk).exists()
    assert default_storage.exists(memo.file.name)


def test_a_signal_is_in_one_beraad_at_most(chair, body, other_body):
    """Why no signal can be discussed in an expired and a live beraad at once (the case
    retention guards against): the database refuses a second inclusion."""
    first, (signal, _) = held_session(
        chair, [body, other_body], year=2004, state=BeraadState.IN_BERAAD
    )
    second = BeraadFactory(chair=chair, bodies=[body, other_body], year=2005)
    with pytest.raises(IntegrityError), transaction.atomic():
        BeraadSignal.objects.create(beraad=second, signal=signal, body=body)
    assert list(signal.inclusions.values_list("beraad", flat=True)) == [first.pk]


# --- The terms are settings ---------------------------------------------------------------------
def test_the_terms_are_configurable(now, chair, body, other_body, settings, fresh_storage):
    """Records months old: within the default terms, past shorter ones."""
    beraad, signals = held_session(
        chair, [body, other_body], year=2014, state=BeraadState.VASTGESTELD
    )
    set_moment(beraad, adopted_at=now - 400 * DAY)
    its_memos = sorted(Memo.objects.filter(beraad=beraad).values_list("pk", flat=True))
    recent = BeraadFactory(chair=chair, bodies=[body], year=2015, state=BeraadState.VASTGESTELD)
    set_moment(recent, adopted_at=now)
    concept_memo = ready_memo(recent, kind=MemoKind.CONCEPT)
    set_moment(concept_memo, requested_at=now - 40 * DAY)
    concept = SignalFactory(body=body)
    set_moment(concept, updated_at=now - 40 * DAY)
    submitted_signal = submitted(body)
    set_moment(submitted_signal, updated_at=now - 400 * DAY)
    entry = audit_entry(body, now - 400 * DAY)

    assert retention_apply(now=now).removed == {}
    assert Beraad.objects.filter(pk=beraad.pk).exists()

    settings.RETENTION_DAYS = {
        "sessions": 365,
        "signals": 365,
        "concept_signals": 30,
        "memos": 30,
        "audit": 365,
    }
    run = retention_apply(now=now)
    assert run.removed_ids == {
        "sessions": [beraad.pk],
        "memos_of_sessions": its_memos,
        "signals_of_sessions": sorted(signal.pk for signal in signals),
        "memos": [concept_memo.pk],
        "signals": sorted([concept.pk, submitted_signal.pk]),
        "audit": [entry.pk],
    }
    assert run.cutoffs["sessions"] == (now - 365 * DAY).isoformat()
    assert run.cutoffs["memos"] == (now - 30 * DAY).isoformat()
    assert not Beraad.objects.filter(pk=beraad.pk).exists()
    assert Beraad.objects.filter(pk=recent.pk).exists()


def test_the_default_terms_are_the_documented_ones():
    assert django_settings.RETENTION_DAYS == {
        "sessions": 10 * 365,
        "signals": 5 * 365,
        "concept_signals": 365,
        "memos": 90,
        "audit": 7 * 365,
    }


# --- Property: nothing within its term is ever touched -----------------------------------------
KINDS = ("sessions", "memos", "signals", "concept_signals", "audit", "login_sessions")
# Seconds from the edge of the term: positive or zero is within it, negative past it.
OFFSET = st.one_of(
    st.sampled_from([-1, 0, 1]), st.integers(min_value=-3 * 86_400, max_value=3 * 86_400)
)


@hypothesis_settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(offsets=st.fixed_dictionaries(dict.fromkeys(KINDS, OFFSET)))
def test_nothing_within_its_term_is_ever_touched(chair, body, offsets):
    """For records of every kind at random distances around the edge of their term: those
    within it are unchanged to the last column, those past it gone."""
    now = timezone.now().replace(microsecond=0)

    def edge(kind):
        if kind == "login_sessions":
            return now + timedelta(seconds=offsets[kind])
        return cutoff(now, kind) + timedelta(seconds=offsets[kind])

    with transaction.atomic():
        # A beraad adopted at the edge of the sessions term, with a discussed signal, a tag
        # and its definitive memo.
        beraad = BeraadFactory(chair=chair, bodies=[body], year=2015, state=BeraadState.VASTGESTELD)
        discussed = SignalFactory(body=body, state=SignalState.BESPROKEN)
        included = BeraadSignal.objects.create(beraad=beraad, signal=discussed, body=body)
        tagged = Tag.objects.create(
            beraad=beraad, inclusion=included, theme=ThemeFactory(name="Tijdigheid"), body=body
        )
        definitive = Memo.objects.create(
            beraad=beraad, version=1, kind=MemoKind.DEFINITIEF, state=MemoState.KLAAR
        )
        set_moment(beraad, adopted_at=edge("sessions"))
        # A concept memo of a beraad adopted just now.
        recent = BeraadFactory(chair=chair, bodies=[body], year=2016, state=BeraadState.VASTGESTELD)
        set_moment(recent, adopted_at=now)
        concept = Memo.objects.create(
            beraad=recent, version=1, kind=MemoKind.CONCEPT, state=MemoState.KLAAR
        )
        set_moment(concept, requested_at=edge("memos"))
        # Signals outside any beraad, an audit entry, a sign-in session.
        signal = submitted(body)
        set_moment(signal, updated_at=edge("signals"))
        draft = SignalFactory(body=body)
        set_moment(draft, updated_at=edge("concept_signals"))
        entry = audit_entry(body, edge("audit"))
        login = old_session("sessie" + "z" * 26, edge("login_sessions"))

        records = {
            "sessions": {
                Beraad: {beraad.pk},
                BeraadSignal: {included.pk},
                Tag: {tagged.pk},
                Memo: {definitive.pk},
                Signal: {discussed.pk},
            },
            "memos": {Memo: {concept.pk}},
            "signals": {Signal: {signal.pk}},
            "concept_signals": {Signal: {draft.pk}},
            "audit": {AuditEntry: {entry.pk}},
            "login_sessions": {Session: {login.pk}},
        }
        before = rows()
        retention_apply(now=now)
        after = rows()
        for kind, tables in records.items():
            within = offsets[kind] >= 0
            for model, pks in tables.items():
                for pk in pks:
                    if within:
                        assert after[model].get(pk) == before[model][pk], (kind, offsets[kind])
                    else:
                        assert pk not in after[model], (kind, offsets[kind])
        transaction.set_rollback(True)


# --- The task -----------------------------------------------------------------------------------
def test_the_task_is_registered_and_scheduled_every_night():
    assert TASK in celery_app.tasks
    schedule = [entry for entry in celery_app.conf.beat_schedule.values() if entry["task"] == TASK]
    assert len(schedule) == 1
    nightly = schedule[0]["schedule"]
    assert isinstance(nightly, crontab)
    # Once a day, at a quarter past three at night.
    assert nightly.hour == {3}
    assert nightly.minute == {15}
    assert nightly.day_of_week == set(range(7))
    assert django_settings.CELERY_BEAT_SCHEDULE["retention-apply"]["task"] == TASK


def test_the_task_does_what_the_service_does(body, fresh_storage):
    now = timezone.now()
    concept = SignalFactory(body=body)
    set_moment(concept, updated_at=now - term("concept_signals") - DAY)
    kept = SignalFactory(body=body)
    entry = audit_entry(body, now - term("audit") - DAY)
    expired = old_session("verlopen" + "q" * 24, now - DAY)

    with transaction.atomic():
        total = retention_task.delay().get()
        by_task = RetentionRun.objects.get()
        outcome = (by_task.removed, by_task.removed_ids)
        assert not Signal.objects.filter(pk=concept.pk).exists()
        transaction.set_rollback(True)
    assert Signal.objects.filter(pk=concept.pk).exists()  # undone, for the service to do

    run = retention_apply()
    assert (run.removed, run.removed_ids) == outcome
    assert total == run.total_removed == 3
    assert run.removed_ids == {"signals": [concept.pk], "audit": [entry.pk]}
    assert Signal.objects.filter(pk=kept.pk).exists()
    assert not Session.objects.filter(pk=expired.pk).exists()
    # The task through the registry, as beat sends it: nothing more to remove.
    assert celery_app.tasks[TASK].apply().get() == 0


def test_signals_a_planned_beraad_will_take_in_stay_whatever_their_age(
    now, chair, body, other_body, settings
):
    """A submitted signal waits for the next beraad; it is not removed while one is planned
    that will take it in, even with a term shorter than the time between sessions."""
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    awaited = submitted(body, period_start=beraad.period_start, period_end=beraad.period_end)
    stray = submitted(other_body, period_start=beraad.period_start, period_end=beraad.period_end)
    Beraad.objects.filter(pk=beraad.pk).update(state=BeraadState.VOORBEREIDING)
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "signals": 1}
    Signal.objects.filter(pk__in=[awaited.pk, stray.pk]).update(updated_at=now - 30 * DAY)
    beraad.bodies.remove(other_body)  # the ombudsman no longer takes part: its signal goes
    run = retention_apply(now=now)
    assert Signal.objects.filter(pk=awaited.pk).exists()
    assert not Signal.objects.filter(pk=stray.pk).exists()
    assert run.removed_ids["signals"] == [stray.pk]


def test_failed_sign_ins_the_lockout_kept_go_once_their_cool_off_is_over(now, member, settings):
    from axes.models import AccessAttempt

    old = AccessAttempt.objects.create(
        username="iemand", ip_address="203.0.113.5", failures_since_start=3
    )
    recent = AccessAttempt.objects.create(
        username="lid", ip_address="203.0.113.6", failures_since_start=10
    )
    cooloff = timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=now - cooloff - DAY)
    AccessAttempt.objects.filter(pk=recent.pk).update(attempt_time=now - cooloff + DAY / 24)
    run = retention_apply(now=now)
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert run.removed_ids["login_attempts"] == [old.pk]
