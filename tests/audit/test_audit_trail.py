"""The audit trail (issue 6): every create, change, delete, state transition, tag, sign-in,
failed sign-in, export and download is recorded with who, when and what (before and after for
changes), through the real views; the trail holds no free text and no raw personal data; the
administrator reads it in the admin, filtered, and can change nothing in it."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from deliberation.models import (
    Analysis,
    Beraad,
    BeraadState,
    Recommendation,
    Tag,
)
from reports.models import MemoKind
from rodedraden.audit.models import AuditEntry, AuditEvent
from signals.models import Aspect, Signal, SignalState
from tests.conftest import sign_in
from tests.deliberation.helpers import advance, inclusion, submitted, tag
from tests.factories import (
    PASSWORD,
    BeraadFactory,
    MembershipFactory,
    SignalFactory,
    ThemeFactory,
    UserFactory,
)
from tests.reports.helpers import FAKE_PDF, ready_memo

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

# Free text with words found nowhere else: if any of them turns up in the trail, the trail
# holds text a user typed.
TITLE = "Terugbelverzoekenachterstand bij het klantcontactcentrum"
DESCRIPTION = "Inwoners met een terugbelverzoek wachten wekenlang; geen dossierregistratie."
SOURCE = "Kwartaalrapportage wachtrijmonitor"
REPORT = "Onderzoeksrapport doorlooptijdenanalyse"
NEW_TITLE = "Terugbelverzoekenachterstand opgelost volgens steekproefcontrole"
ANALYSIS = "Drie organen zien structurele vertragingspatronen in de aanvraagverwerking."
RECOMMENDATION = "Richt een doorlooptijdendashboard in voor iedere voorzieningsaanvraag."


# --- Helpers ------------------------------------------------------------------------------------
def trail(obj=None, *, event: str | None = None, model=None) -> list[AuditEntry]:
    """The entries about ``obj`` (or about any record of ``model``), oldest first."""
    entries = AuditEntry.objects.order_by("pk")
    if obj is not None:
        entries = entries.filter(
            content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
        )
    if model is not None:
        entries = entries.filter(content_type=ContentType.objects.get_for_model(model))
    if event is not None:
        entries = entries.of_event(event)
    return list(entries)


def stored(entries=None) -> str:
    """Every column of the given entries (default: the whole trail) as the database holds
    them, as one lower-case string."""
    rows = AuditEntry.objects.order_by("pk")
    if entries is not None:
        rows = rows.filter(pk__in=[entry.pk for entry in entries])
    return json.dumps(list(rows.values()), default=str, ensure_ascii=False).lower()


def distinctive_words(*texts: str) -> set[str]:
    """The words of ``texts`` long enough to be the user's own (not "bij", "het")."""
    return {word.lower() for text in texts for word in re.findall(r"\w{7,}", text)}


def assert_no_trace(*texts: str, entries=None) -> None:
    everything = stored(entries)
    for text in texts:
        assert text.lower() not in everything
    leaked = {word for word in distinctive_words(*texts) if word in everything}
    assert not leaked, f"the audit trail holds typed text: {sorted(leaked)}"


def masked(text: str) -> str:
    return f"[{len(text)} tekens]"


def signal_form(**changes) -> dict:
    data = {
        "title": TITLE,
        "description": DESCRIPTION,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "case_count": "7",
        "impact": "midden",
        "source_reference": SOURCE,
        "details_indeling": ["doelmatigheid"],
        "details_rapport": REPORT,
        "details_opvolging": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def m2m_change(entry, field: str) -> dict | None:
    change = (entry.changes or {}).get(field)
    return change if isinstance(change, dict) and change.get("type") == "m2m" else None


@pytest.fixture
def fresh_storage(settings):
    """A new, empty in-memory storage for this test's memo files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def session_in_progress(chair, body, other_body):
    """Najaar 2026 of the rekenkamer and the ombudsman, in session, with one signal each."""
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    first = submitted(body, title="Eerste ingediend signaal")
    second = submitted(other_body, title="Tweede ingediend signaal")
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    return beraad, first, second


# --- Signals through the views ------------------------------------------------------------------
def test_a_signal_s_whole_life_through_the_views_is_in_the_trail(client, member, body):
    tijdigheid = Aspect.objects.get(slug="tijdigheid")
    other_aspect = Aspect.objects.exclude(pk=tijdigheid.pk).order_by("order").first()
    client.force_login(member)
    before = timezone.now()

    response = client.post(
        reverse("signals:signal-create", args=[body.slug]), signal_form(aspects=[tijdigheid.pk])
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    (created,) = trail(signal, event=AuditEvent.CREATED)
    assert created.actor == member
    assert before <= created.timestamp <= timezone.now()
    assert created.remote_addr == "127.0.0.1"
    assert created.event == "aangemaakt"
    assert created.object_repr == f"signaal #{signal.pk}"
    assert created.changes["state"] == [None, "concept"]
    assert created.changes["body"] == [None, body.pk]
    assert created.changes["title"] == ["—", masked(TITLE)]
    assert created.changes["description"] == ["—", masked(DESCRIPTION)]
    assert created.changes["source_reference"] == ["—", masked(SOURCE)]
    # The aspects by kind and number: an aspect's name is typed text too (guarded).
    aspects_added = [m2m_change(e, "aspects") for e in trail(signal, event=AuditEvent.CHANGED)]
    added = {"type": "m2m", "operation": "add", "objects": [f"invalshoek #{tijdigheid.pk}"]}
    assert added in aspects_added

    # Editing: the title changes (masked), an aspect goes and another comes.
    signal.refresh_from_db()
    response = client.post(
        reverse("signals:signal-update", args=[signal.pk]),
        signal_form(title=NEW_TITLE, aspects=[other_aspect.pk], version=signal.version),
    )
    assert response.status_code == 302
    changed = trail(signal, event=AuditEvent.CHANGED)
    edit = next(entry for entry in changed if "title" in entry.changes)
    assert edit.actor == member
    assert edit.changes["title"] == [masked(TITLE), masked(NEW_TITLE)]
    assert "description" not in edit.changes  # unchanged fields are not recorded
    m2m = [m2m_change(entry, "aspects") for entry in changed]
    assert {
        "type": "m2m",
        "operation": "delete",
        "objects": [f"invalshoek #{tijdigheid.pk}"],
    } in m2m
    assert {"type": "m2m", "operation": "add", "objects": [f"invalshoek #{other_aspect.pk}"]} in m2m

    # Submitting and withdrawing: the state before and after.
    signal.refresh_from_db()
    client.post(reverse("signals:signal-submit", args=[signal.pk]), {"version": signal.version})
    signal.refresh_from_db()
    assert signal.state == SignalState.INGEDIEND
    submit = trail(signal, event=AuditEvent.CHANGED)[-1]
    assert submit.changes["state"] == ["concept", "ingediend"]
    assert submit.changes["submitted_at"][0] is None
    assert submit.actor == member
    client.post(reverse("signals:signal-withdraw", args=[signal.pk]), {"version": signal.version})
    signal.refresh_from_db()
    assert signal.state == SignalState.CONCEPT
    withdraw = trail(signal, event=AuditEvent.CHANGED)[-1]
    assert withdraw.changes["state"] == ["ingediend", "concept"]
    assert withdraw.actor == member

    # Deleting the draft.
    pk = signal.pk
    response = client.post(reverse("signals:signal-delete", args=[pk]), {"version": signal.version})
    assert response.status_code == 302
    assert not Signal.objects.filter(pk=pk).exists()
    (deleted,) = AuditEntry.objects.of_event(AuditEvent.DELETED).filter(
        content_type=ContentType.objects.get_for_model(Signal), object_pk=str(pk)
    )
    assert deleted.event == "verwijderd"
    assert deleted.actor == member
    assert deleted.object_repr == f"signaal #{pk}"

    # Not one entry of this signal's life holds its text or its title.
    assert_no_trace(TITLE, DESCRIPTION, SOURCE, REPORT, NEW_TITLE)


def test_the_trail_of_a_signal_is_in_step_with_what_happened(client, member, body):
    """The entries are in the order of the changes, each with its own moment."""
    client.force_login(member)
    client.post(reverse("signals:signal-create", args=[body.slug]), signal_form())
    signal = Signal.objects.get()
    client.post(reverse("signals:signal-submit", args=[signal.pk]), {"version": signal.version})
    entries = trail(signal)
    assert [entry.event for entry in entries] == ["aangemaakt", "gewijzigd"]
    assert entries[0].timestamp <= entries[1].timestamp


# --- The beraad ---------------------------------------------------------------------------------
def test_each_step_of_a_beraad_is_recorded_with_the_state_before_and_after(
    client, chair, body, other_body
):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    submitted(body)
    client.force_login(chair)
    steps = [
        ("voorbereiden", "gepland", "voorbereiding", "intake_opened_at"),
        ("starten", "voorbereiding", "in_beraad", "started_at"),
        ("concept-memo", "in_beraad", "concept_memo", "memo_drafted_at"),
        ("vaststellen", "concept_memo", "vastgesteld", "adopted_at"),
        ("delen", "vastgesteld", "gedeeld", "shared_at"),
    ]
    for action, source, target, stamp in steps:
        response = client.post(
            reverse("deliberation:beraad-transition", kwargs={"pk": beraad.pk, "action": action})
        )
        assert response.status_code == 302
        beraad.refresh_from_db()
        assert beraad.state == target
        entry = trail(beraad, event=AuditEvent.CHANGED)[-1]
        assert entry.changes["state"] == [source, target], action
        assert entry.changes[stamp][0] is None
        assert entry.actor == chair
        assert entry.object_repr == f"beraad #{beraad.pk}"  # its title is typed text
    # The snapshot of the adopted content (signal titles and all) is never copied in.
    assert all("snapshot" not in (entry.changes or {}) for entry in trail(beraad))


def test_the_signals_moving_with_their_beraad_are_in_the_trail(chair, body, other_body):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    signal = submitted(body)
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    assert trail(inclusion(signal), event=AuditEvent.CREATED)
    states = [entry.changes.get("state") for entry in trail(signal, event=AuditEvent.CHANGED)]
    assert ["ingediend", "in_beraad"] in states
    advance(beraad, chair, BeraadState.VASTGESTELD)
    states = [entry.changes.get("state") for entry in trail(signal, event=AuditEvent.CHANGED)]
    assert ["in_beraad", "besproken"] in states


def test_tagging_in_the_workspace_creates_and_untagging_deletes_a_tag_entry(
    client, chair, session_in_progress
):
    beraad, signal, _other = session_in_progress
    theme = ThemeFactory(name="Tijdigheid")
    target = inclusion(signal)
    client.force_login(chair)
    url = reverse("deliberation:tag", kwargs={"pk": beraad.pk})

    response = client.post(
        url, {"inclusion": target.pk, "theme": theme.pk, "tagged": "1"}, headers=HTMX
    )
    assert response.status_code == 200
    tag_row = Tag.objects.get()
    (created,) = trail(tag_row, event=AuditEvent.CREATED)
    assert created.actor == chair
    assert created.changes["theme"] == [None, theme.pk]
    assert created.changes["inclusion"] == [None, target.pk]
    assert created.changes["beraad"] == [None, beraad.pk]
    assert created.remote_addr == "127.0.0.1"

    response = client.post(
        url, {"inclusion": target.pk, "theme": theme.pk, "tagged": "0"}, headers=HTMX
    )
    assert response.status_code == 200
    assert not Tag.objects.exists()
    (deleted,) = trail(tag_row, event=AuditEvent.DELETED)
    assert deleted.actor == chair
    assert deleted.changes["theme"] == [theme.pk, None]
    # Both entries name the tag by signal number and theme, never by the signal's title.
    assert_no_trace(signal.title, entries=[created, deleted])


def test_an_analysis_and_a_recommendation_are_recorded_with_their_text_masked(
    client, chair, session_in_progress
):
    beraad, first, second = session_in_progress
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, first, theme, chair)
    tag(beraad, second, theme, chair)
    client.force_login(chair)
    url = reverse("deliberation:rode-draad", kwargs={"pk": beraad.pk, "theme": theme.pk})

    response = client.post(url, {"version": "0", "text": ANALYSIS})
    assert response.status_code == 302
    analysis = Analysis.objects.get()
    (created,) = trail(analysis, event=AuditEvent.CREATED)
    assert created.actor == chair
    assert created.changes["text"] == ["—", masked(ANALYSIS)]
    assert created.object_repr == f"analyse #{analysis.pk}"

    response = client.post(
        url, {"add_recommendation": "1", "text": RECOMMENDATION, "addressee": "burgemeester"}
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    (created,) = trail(recommendation, event=AuditEvent.CREATED)
    assert created.actor == chair
    assert created.changes["text"] == ["—", masked(RECOMMENDATION)]
    assert created.changes["addressee"] == [None, "burgemeester"]
    assert created.object_repr == f"aanbeveling #{recommendation.pk}"

    response = client.post(
        reverse("deliberation:recommendation-delete", kwargs={"pk": recommendation.pk})
    )
    assert response.status_code == 302
    (deleted,) = trail(recommendation, event=AuditEvent.DELETED)
    assert deleted.changes["text"] == [masked(RECOMMENDATION), "—"]
    assert_no_trace(ANALYSIS, RECOMMENDATION)


# --- Signing in and out ------------------------------------------------------------------------
def test_signing_in_and_out_through_the_login_form_is_recorded(client, member):
    response = sign_in(client, "lid", PASSWORD)
    assert response.status_code == 302
    (login,) = trail(member, event=AuditEvent.LOGIN)
    assert login.event == "ingelogd"
    assert login.actor == member
    assert login.remote_addr == "127.0.0.1"

    response = client.post(reverse("logout"))
    assert response.status_code in (200, 302)
    (logout,) = trail(member, event=AuditEvent.LOGOUT)
    assert logout.event == "uitgelogd"
    assert logout.actor == member
    assert logout.timestamp >= login.timestamp
    assert_no_trace(PASSWORD)


def test_a_failed_sign_in_of_a_known_account_names_the_account_not_the_password(client, member):
    wrong = "Verkeerdwachtwoord-Zomervakantie"
    response = sign_in(client, "lid", wrong)
    assert response.status_code == 200  # the form again, with an error
    (failed,) = trail(member, event=AuditEvent.LOGIN_FAILED)
    assert failed.event == "inloggen_mislukt"
    assert failed.actor is None  # nobody signed in
    assert failed.remote_addr == "127.0.0.1"
    assert failed.additional_data["reason"] == "credentials"
    assert failed.additional_data["known_account"] is True
    assert not trail(member, event=AuditEvent.LOGIN)
    assert_no_trace(wrong)


def test_a_failed_sign_in_with_an_unknown_username_keeps_nothing_of_what_was_typed(client, member):
    typed = "Mijngeheimwachtwoord-Per-Ongeluk"  # a password typed into the username field
    response = sign_in(client, typed, "Tweedegeheimwachtwoord")
    assert response.status_code == 200
    (failed,) = AuditEntry.objects.of_event(AuditEvent.LOGIN_FAILED)
    assert failed.object_pk == ""
    assert failed.object_id is None
    assert failed.actor is None
    assert failed.additional_data["known_account"] is False
    assert_no_trace(typed, "Tweedegeheimwachtwoord")


def test_a_sign_in_refused_by_the_lockout_is_recorded_as_such(client, member, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "lid", "fout-wachtwoord")
    response = sign_in(client, "lid", PASSWORD)
    assert response.status_code == 429
    reasons = [entry.additional_data["reason"] for entry in trail(member, event="inloggen_mislukt")]
    # Every attempt is there; the first ones failed on the password, the one with the right
    # password was refused by the lockout (as was the failure that set it off).
    assert len(reasons) == settings.AXES_FAILURE_LIMIT + 1
    assert reasons[0] == "credentials"
    assert reasons[-1] == "locked_out"
    assert not trail(member, event=AuditEvent.LOGIN)


def test_switching_two_factors_on_is_recorded_but_never_the_secret(client, member):
    client.force_login(member)
    url = reverse("two_factor:setup")
    assert client.get(url).status_code == 200
    response = client.post(url, {"setup_view-current_step": "welcome"})
    assert response.status_code == 200
    secret = response.context["secret_key"]
    key = base64.b32decode(secret)
    response = client.post(
        url, {"setup_view-current_step": "generator", "generator-token": totp(key)}
    )
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=member)
    assert device.key == key.hex()
    (created,) = trail(device, event=AuditEvent.CREATED)
    assert created.actor == member
    assert created.changes["user"] == [None, member.pk]
    assert created.changes["confirmed"] == [None, True]
    for field in ("key", "last_t", "drift", "throttling_failure_timestamp"):
        assert field not in created.changes
    everything = stored()
    assert device.key.lower() not in everything
    assert secret.lower() not in everything


# --- Exports and downloads ----------------------------------------------------------------------
def test_an_export_is_recorded_with_its_format_and_row_count(client, member, body, other_body):
    for number in range(3):
        SignalFactory(body=body, state=SignalState.INGEDIEND, title=f"Signaal {number}")
    SignalFactory(body=body, title="Exportconcept Wachtkamerprobleem")  # a draft
    SignalFactory(body=other_body, state=SignalState.INGEDIEND)  # not this body
    client.force_login(member)

    response = client.get(
        reverse("signals:signal-export", kwargs={"slug": body.slug, "fmt": "csv"})
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    (export,) = trail(body, event=AuditEvent.EXPORT)
    assert export.event == "export"
    assert export.actor == member
    assert export.remote_addr == "127.0.0.1"
    assert export.additional_data["format"] == "csv"
    assert export.additional_data["rows"] == len(rows) - 1 == 4
    assert export.additional_data["filters"] == []

    # The spreadsheet with a search: the count of what was exported, the names of the
    # filters, never what was searched for.
    response = client.get(
        reverse("signals:signal-export", kwargs={"slug": body.slug, "fmt": "xlsx"}),
        {"q": "Wachtkamerprobleem", "state": "concept"},
    )
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    xlsx = trail(body, event=AuditEvent.EXPORT)[-1]
    assert xlsx.additional_data["format"] == "xlsx"
    assert xlsx.additional_data["filters"] == ["q", "state"]
    assert xlsx.additional_data["rows"] == 1
    assert xlsx.actor == member
    assert_no_trace("Wachtkamerprobleem")


def test_a_memo_download_is_recorded(client, chair, body, other_body, fresh_storage):
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    submitted(body)
    beraad = advance(beraad, chair, BeraadState.CONCEPT_MEMO)
    memo = ready_memo(beraad, kind=MemoKind.CONCEPT, requested_by=chair)
    client.force_login(chair)
    response = client.get(reverse("reports:memo-download", kwargs={"pk": memo.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF
    (download,) = trail(memo, event=AuditEvent.DOWNLOAD)
    assert download.event == "download"
    assert download.actor == chair
    assert download.remote_addr == "127.0.0.1"
    assert download.additional_data["kind"] == "concept"
    assert download.additional_data["version"] == 1


def test_a_refused_download_is_no_download(client, member, body, chair, other_body):
    """A memo one may not see is a 404 and no download in the trail."""
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    beraad = advance(beraad, chair, BeraadState.VOORBEREIDING)
    memo = ready_memo(beraad, kind=MemoKind.CONCEPT)
    client.force_login(member)
    response = client.get(reverse("reports:memo-download", kwargs={"pk": memo.pk}))
    assert response.status_code == 404
    assert not trail(memo, event=AuditEvent.DOWNLOAD)


# --- No personal data ---------------------------------------------------------------------------
def test_an_accepted_redaction_leaves_neither_the_raw_nor_the_saved_text_in_the_trail(
    client, member, body
):
    client.force_login(member)
    response = client.post(
        reverse("signals:signal-create", args=[body.slug]),
        signal_form(
            title="Klacht van mevrouw Jansen over de terugbelachterstand",
            description="Mevrouw Jansen belde vanaf 06-12345678 over haar aanvraag.",
            source_reference="",
            details_rapport="",
            accept_redaction="1",
        ),
    )
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.description == "Mevrouw [NAAM] belde vanaf [TELEFOON] over haar aanvraag."
    assert trail(signal, event=AuditEvent.CREATED)
    assert_no_trace("Jansen", "06-12345678", signal.title, signal.description)


def test_no_entry_holds_free_text_of_signals_analyses_or_recommendations(
    client, member, chair, body, other_body
):
    """Everything written in this test, through every path that writes it: no column of any
    entry of the trail holds any of its words."""
    client.force_login(member)
    client.post(reverse("signals:signal-create", args=[body.slug]), signal_form())
    signal = Signal.objects.get(title=TITLE)
    client.post(
        reverse("signals:signal-update", args=[signal.pk]),
        signal_form(title=NEW_TITLE, version=signal.version),
    )
    signal.refresh_from_db()
    client.post(reverse("signals:signal-submit", args=[signal.pk]), {"version": signal.version})
    other = submitted(
        other_body,
        title="Ombudsmanmelding beslistermijnoverschrijding",
        description="Gezinnen wachten maandenlang op jeugdhulpindicaties.",
    )
    beraad = BeraadFactory(chair=chair, bodies=[body, other_body])
    beraad = advance(beraad, chair, BeraadState.IN_BERAAD)
    theme = ThemeFactory(name="Tijdigheid")
    tag(beraad, signal, theme, chair)
    tag(beraad, other, theme, chair)
    client.force_login(chair)
    url = reverse("deliberation:rode-draad", kwargs={"pk": beraad.pk, "theme": theme.pk})
    client.post(url, {"version": "0", "text": ANALYSIS})
    client.post(
        url, {"add_recommendation": "1", "text": RECOMMENDATION, "addressee": "burgemeester"}
    )
    analysis = Analysis.objects.get()
    client.post(url, {"version": str(analysis.version), "text": ANALYSIS + " Aanvullingsnotitie."})
    assert Recommendation.objects.get().text == RECOMMENDATION
    Beraad.objects.filter(pk=beraad.pk).update(summary="Samenvattingstekst vergaderverslag.")
    beraad = advance(beraad, chair, BeraadState.GEDEELD)  # the snapshot holds every title
    assert beraad.snapshot

    assert AuditEntry.objects.count() > 20
    assert_no_trace(
        TITLE,
        NEW_TITLE,
        DESCRIPTION,
        SOURCE,
        REPORT,
        other.title,
        other.description,
        ANALYSIS,
        "Aanvullingsnotitie",
        RECOMMENDATION,
        "Samenvattingstekst vergaderverslag",
    )
    # Entries about signals, analyses and recommendations name them by kind and number only.
    for model, label in (
        (Signal, "signaal"),
        (Analysis, "analyse"),
        (Recommendation, "aanbeveling"),
    ):
        entries = trail(model=model)
        assert entries
        for entry in entries:
            assert re.fullmatch(rf"{label} #\d+", entry.object_repr), entry.object_repr


def test_the_account_s_e_mail_address_is_never_stored(client, member, body):
    client.force_login(member)
    client.post(reverse("signals:signal-create", args=[body.slug]), signal_form())
    client.get(reverse("signals:signal-export", kwargs={"slug": body.slug, "fmt": "csv"}))
    client.post(reverse("logout"))
    sign_in(client, "lid", "fout")
    assert AuditEntry.objects.of_event(AuditEvent.LOGIN_FAILED).exists()
    entries = AuditEntry.objects.filter(actor=member)
    assert entries.count() >= 3
    columns = {field.attname for field in AuditEntry._meta.concrete_fields}
    if "actor_email" in columns:  # auditlog's column, if the model has it: always empty
        assert set(AuditEntry.objects.values_list("actor_email", flat=True)) <= {None, ""}
    assert member.email.lower() not in stored()


def test_no_entry_holds_an_account_s_name(client, body):
    person = UserFactory(username="lid-naam", first_name="Wilhelmina", last_name="Vanderveen")
    MembershipFactory(user=person, body=body)
    sign_in(client, "lid-naam", "fout")
    sign_in(client, "lid-naam", PASSWORD)
    assert trail(person, event=AuditEvent.LOGIN)
    assert_no_trace("Wilhelmina", "Vanderveen")


# --- In the admin -------------------------------------------------------------------------------
@pytest.fixture
def some_trail(client, member, body):
    """A signal made and submitted by the member, and an export; then the member signs out."""
    client.force_login(member)
    client.post(reverse("signals:signal-create", args=[body.slug]), signal_form())
    signal = Signal.objects.get()
    client.post(reverse("signals:signal-submit", args=[signal.pk]), {"version": signal.version})
    client.get(reverse("signals:signal-export", kwargs={"slug": body.slug, "fmt": "csv"}))
    client.logout()
    return signal


def changelist(client, **params):
    response = client.get(reverse("admin:audit_auditentry_changelist"), params)
    assert response.status_code == 200
    return response, list(response.context["cl"].result_list)


def test_the_administrator_sees_and_filters_the_trail(client, admin_user, member, some_trail):
    signal = some_trail
    client.force_login(admin_user)

    response, everything = changelist(client)
    assert {entry.pk for entry in everything} == set(
        AuditEntry.objects.values_list("pk", flat=True)
    )
    html = response.content.decode()
    assert f"signaal #{signal.pk}" in html
    assert "delete_selected" not in html  # no bulk delete action
    assert reverse("admin:audit_auditentry_add") not in html

    _, exports = changelist(client, event="export")
    assert [entry.event for entry in exports] == ["export"]
    assert exports[0].actor == member

    _, changes = changelist(client, event="gewijzigd")
    assert changes
    assert all(entry.event == "gewijzigd" for entry in changes)

    signal_type = ContentType.objects.get_for_model(Signal)
    _, about_signals = changelist(client, soort=signal_type.pk)
    assert {entry.pk for entry in about_signals} == {entry.pk for entry in trail(signal)}
    assert len(about_signals) >= 2

    _, by_member = changelist(client, actor__id__exact=member.pk)
    assert {entry.pk for entry in by_member} == set(
        AuditEntry.objects.filter(actor=member).values_list("pk", flat=True)
    )
    assert all(entry.actor == member for entry in by_member)

    # By date: an entry moved to an earlier day is found on that day, and only it.
    old = trail(signal, event=AuditEvent.CREATED)[0]
    AuditEntry.objects.filter(pk=old.pk).update(timestamp=datetime(2024, 3, 14, 12, tzinfo=UTC))
    _, that_day = changelist(client, timestamp__year=2024, timestamp__month=3, timestamp__day=14)
    assert [entry.pk for entry in that_day] == [old.pk]
    day = timezone.localtime(everything[0].timestamp).date()
    _, this_day = changelist(
        client, timestamp__year=day.year, timestamp__month=day.month, timestamp__day=day.day
    )
    assert {entry.pk for entry in this_day} == {
        entry.pk
        for entry in AuditEntry.objects.exclude(pk=old.pk)
        if timezone.localtime(entry.timestamp).date() == day
    }
    assert old.pk not in {entry.pk for entry in this_day}

    # Combined: the member's changes to signals.
    _, combined = changelist(
        client, event="gewijzigd", soort=signal_type.pk, actor__id__exact=member.pk
    )
    assert [entry.changes["state"] for entry in combined] == [["concept", "ingediend"]]


def test_the_administrator_sees_before_and_after_on_an_entry(client, admin_user, some_trail):
    signal = some_trail
    submit = next(e for e in trail(signal, event=AuditEvent.CHANGED) if "state" in e.changes)
    client.force_login(admin_user)
    response = client.get(reverse("admin:audit_auditentry_change", args=[submit.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # auditlog's table: field, before, after
    assert re.search(r"<td>[^<]*</td><td>concept</td><td>ingediend</td>", html)
    assert 'name="_save"' not in html  # read-only
    created = trail(signal, event=AuditEvent.CREATED)[0]
    response = client.get(reverse("admin:audit_auditentry_change", args=[created.pk]))
    assert masked(TITLE) in response.content.decode()
    assert TITLE not in response.content.decode()


def test_the_trail_cannot_be_added_to_changed_or_deleted_in_the_admin(
    client, admin_user, some_trail
):
    entry = trail(some_trail)[0]
    client.force_login(admin_user)
    count = AuditEntry.objects.count()
    assert client.get(reverse("admin:audit_auditentry_add")).status_code in (403, 404)
    assert client.post(reverse("admin:audit_auditentry_add"), {}).status_code in (403, 404)
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert client.post(change, {"object_repr": "gewijzigd"}).status_code in (403, 404)
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.get(delete).status_code in (403, 404)
    assert client.post(delete, {"post": "yes"}).status_code in (403, 404)
    bulk = client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert AuditEntry.objects.count() == count
    entry.refresh_from_db()
    assert entry.object_repr == f"signaal #{some_trail.pk}"


@pytest.mark.parametrize("role", ["member", "chair", "reader"])
def test_only_administrators_see_the_trail(client, request, role, some_trail):
    client.force_login(request.getfixturevalue(role))
    for url in (
        reverse("admin:audit_auditentry_changelist"),
        reverse("admin:audit_auditentry_change", args=[trail(some_trail)[0].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url


def test_the_records_administrators_manage_are_followed_too(body):
    """A membership made and a body's description changed: recorded, the text masked."""
    account = UserFactory(username="nieuw-lid")
    membership = MembershipFactory(user=account, body=body)
    assert trail(membership, event=AuditEvent.CREATED)
    body.description = "Nieuwe omschrijvingstekst"
    body.save()
    (changed,) = trail(body, event=AuditEvent.CHANGED)
    assert changed.changes["description"] == ["—", masked("Nieuwe omschrijvingstekst")]
