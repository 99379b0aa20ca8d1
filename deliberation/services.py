"""Every write of the deliberation app: keyword-only, typed, atomic, named <entity>_<action>.

Who may do what is checked here, not in the views: the chair runs the beraad, members of a
body complete their body's intake, readers record the organisation's response.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from rodedraden.accounts.models import Role, User
from rodedraden.audit.services import audit_bulk_changes_record
from signals.guard import ensure_no_personal_data
from signals.models import Membership, OrganisationUnit, OversightBody, Signal, SignalState
from signals.services import signals_bring_into_beraad, signals_mark_discussed

from .models import (
    Addressee,
    Analysis,
    Beraad,
    BeraadSignal,
    BeraadState,
    Intake,
    Recommendation,
    RecommendationStatus,
    Season,
    Tag,
    Theme,
    ThemeEvent,
)

logger = logging.getLogger(__name__)


class Conflict(Exception):
    """Someone else saved in the meantime; nothing was overwritten."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__("Changed in the meantime.")


class NotAllowed(ValidationError):
    """An action that the rules do not allow in this state."""


def _ensure_chair(user: User) -> None:
    if not user.is_active or user.role != Role.CHAIR:
        raise PermissionDenied


def _ensure_not_frozen(beraad: Beraad) -> None:
    if beraad.is_frozen:
        raise NotAllowed(_("This beraad has been adopted; its content can no longer change."))


def _ensure_started(beraad: Beraad) -> None:
    if not beraad.is_started:
        raise NotAllowed(_("Analyses and recommendations follow once the beraad has started."))


def _lock(beraad: Beraad) -> Beraad:
    return Beraad.objects.select_for_update().get(pk=beraad.pk)


# --- Sessions ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    title: str
    season: str
    year: int
    period_start: date
    period_end: date
    date: date
    submission_deadline: date


def beraad_propose(*, today: date | None = None) -> Proposal:
    """The next session, twice a year: in spring over the second half of the year before, in
    autumn over the first half of this year. After the latest session, or from today."""
    # Autumn comes after spring in a year (alphabetically it would not).
    latest = Beraad.objects.order_by(
        "-year", Case(When(season=Season.NAJAAR, then=1), default=0).desc()
    ).first()
    today = today or timezone.localdate()
    if latest is not None:
        season = Season.NAJAAR if latest.season == Season.VOORJAAR else Season.VOORJAAR
        year = latest.year if season == Season.NAJAAR else latest.year + 1
    else:
        season = Season.VOORJAAR if today.month <= 6 else Season.NAJAAR
        year = today.year
    if season == Season.VOORJAAR:
        start, end = date(year - 1, 7, 1), date(year - 1, 12, 31)
        meeting = date(year, 3, 15)
    else:
        start, end = date(year, 1, 1), date(year, 6, 30)
        meeting = date(year, 10, 15)
    label = _("Spring") if season == Season.VOORJAAR else _("Autumn")
    return Proposal(
        title=_("Rode-dradenberaad %(season)s %(year)s") % {"season": label.lower(), "year": year},
        season=season,
        year=year,
        period_start=start,
        period_end=end,
        date=meeting,
        submission_deadline=meeting - timedelta(days=21),
    )


def _clean_beraad(beraad: Beraad) -> None:
    if beraad.submission_deadline and beraad.date and beraad.submission_deadline > beraad.date:
        raise ValidationError(
            {"submission_deadline": _("The deadline must fall before the meeting.")}
        )
    beraad.full_clean(exclude=["chair"] if beraad.chair_id is None else None)


@transaction.atomic
def beraad_create(
    *,
    user: User,
    title: str,
    season: str,
    year: int,
    date: date,
    period_start: date,
    period_end: date,
    submission_deadline: date,
    bodies: Iterable[OversightBody],
    agenda: str = "",
    min_bodies: int = 2,
) -> Beraad:
    _ensure_chair(user)
    bodies = list(bodies)
    if not bodies:
        raise ValidationError({"bodies": _("Choose the bodies that take part.")})
    ensure_no_personal_data({"title": title, "agenda": agenda})
    beraad = Beraad(
        title=title.strip(),
        season=season,
        year=year,
        date=date,
        period_start=period_start,
        period_end=period_end,
        submission_deadline=submission_deadline,
        chair=user,
        agenda=agenda.strip(),
        min_bodies=min_bodies,
    )
    _clean_beraad(beraad)
    beraad.save()
    beraad.bodies.set(bodies)
    logger.info("Beraad %s created", beraad.pk)
    return beraad


@sensitive_variables()
@transaction.atomic
def beraad_update(
    *,
    beraad: Beraad,
    user: User,
    version: int,
    title: str,
    date: date,
    period_start: date,
    period_end: date,
    submission_deadline: date,
    bodies: Iterable[OversightBody],
    agenda: str,
    attendance: str,
    minutes: str,
    summary: str,
    min_bodies: int,
) -> Beraad:
    """Change a session. Its period and bodies are fixed once it has started (its signals
    were chosen by them); nothing changes once it is adopted."""
    _ensure_chair(user)
    locked = _lock(beraad)
    if locked.version != version:
        raise Conflict(locked.version)
    _ensure_not_frozen(locked)
    bodies = list(bodies)
    if locked.is_started and (
        (period_start, period_end) != (locked.period_start, locked.period_end)
        or {b.pk for b in bodies} != set(locked.bodies.values_list("pk", flat=True))
    ):
        raise NotAllowed(
            _("The period and the bodies of a beraad that has started can no longer change.")
        )
    ensure_no_personal_data(
        {
            "title": title,
            "agenda": agenda,
            "attendance": attendance,
            "minutes": minutes,
            "summary": summary,
        }
    )
    locked.title = title.strip()
    locked.date = date
    locked.period_start = period_start
    locked.period_end = period_end
    locked.submission_deadline = submission_deadline
    locked.agenda = agenda.strip()
    locked.attendance = attendance.strip()
    locked.minutes = minutes.strip()
    locked.summary = summary.strip()
    locked.min_bodies = min_bodies
    locked.version += 1
    _clean_beraad(locked)
    locked.save()
    if not locked.is_started:
        locked.bodies.set(bodies)
    return locked


def _transition(beraad: Beraad, user: User, *, source: str, target: str, stamp: str) -> Beraad:
    _ensure_chair(user)
    locked = _lock(beraad)
    if locked.state != source:
        raise NotAllowed(
            _("This step is only possible when the beraad is “%(source)s”; it is “%(state)s”.")
            % {
                "source": BeraadState(source).label,
                "state": BeraadState(locked.state).label,
            }
        )
    locked.state = target
    setattr(locked, stamp, timezone.now())
    locked.version += 1
    locked.save(update_fields=["state", stamp, "version", "updated_at"])
    logger.info("Beraad %s: %s -> %s", locked.pk, source, target)
    return locked


@transaction.atomic
def beraad_open_intake(*, beraad: Beraad, user: User) -> Beraad:
    """The bodies may now submit their signals for the period."""
    return _transition(
        beraad,
        user,
        source=BeraadState.GEPLAND,
        target=BeraadState.VOORBEREIDING,
        stamp="intake_opened_at",
    )


def signals_for_intake(beraad: Beraad):
    """The submitted signals of the participating bodies over the beraad's period that are
    not in another beraad yet."""
    return Signal.objects.filter(
        state=SignalState.INGEDIEND,
        body__in=beraad.bodies.all(),
        period_start__lte=beraad.period_end,
        period_end__gte=beraad.period_start,
        inclusions__isnull=True,
    )


@transaction.atomic
def beraad_start(*, beraad: Beraad, user: User) -> Beraad:
    """The meeting starts: the submitted signals are included, move to ``in_beraad`` and
    become visible to every participating body."""
    started = _transition(
        beraad,
        user,
        source=BeraadState.VOORBEREIDING,
        target=BeraadState.IN_BERAAD,
        stamp="started_at",
    )
    signals = list(signals_for_intake(started).select_for_update(of=("self",)).order_by("pk"))
    inclusions = BeraadSignal.objects.bulk_create(
        [BeraadSignal(beraad=started, signal=signal, body_id=signal.body_id) for signal in signals]
    )
    audit_bulk_changes_record(
        objects=inclusions,
        action=LogEntry.Action.CREATE,
        changes={"beraad": [None, str(started.pk)]},
    )
    signals_bring_into_beraad(signal_ids=[signal.pk for signal in signals])
    logger.info("Beraad %s started with %s signals", started.pk, len(signals))
    return started


@transaction.atomic
def beraad_draft_memo(*, beraad: Beraad, user: User) -> Beraad:
    return _transition(
        beraad,
        user,
        source=BeraadState.IN_BERAAD,
        target=BeraadState.CONCEPT_MEMO,
        stamp="memo_drafted_at",
    )


@transaction.atomic
def beraad_adopt(*, beraad: Beraad, user: User) -> Beraad:
    """The content is adopted and frozen: a snapshot of the signals as they were, the tags,
    the analyses and the recommendations. The signals are now discussed."""
    from .selectors import beraad_snapshot

    adopted = _transition(
        beraad,
        user,
        source=BeraadState.CONCEPT_MEMO,
        target=BeraadState.VASTGESTELD,
        stamp="adopted_at",
    )
    adopted.snapshot = beraad_snapshot(adopted)
    adopted.save(update_fields=["snapshot"])
    signal_ids = list(adopted.inclusions.values_list("signal_id", flat=True))
    signals_mark_discussed(signal_ids=signal_ids)
    return adopted


@transaction.atomic
def beraad_share(*, beraad: Beraad, user: User) -> Beraad:
    """The adopted memo goes to the readers, who get an e-mail (in a task, after commit)."""
    shared = _transition(
        beraad,
        user,
        source=BeraadState.VASTGESTELD,
        target=BeraadState.GEDEELD,
        stamp="shared_at",
    )
    from .tasks import beraad_notify_readers_task

    transaction.on_commit(
        lambda: beraad_notify_readers_task.delay(beraad_id=shared.pk), robust=True
    )
    return shared


@transaction.atomic
def beraad_notify_readers(*, beraad_id: int) -> bool:
    """Tell the readers that a memo was shared with them, once (idempotent)."""
    beraad = Beraad.objects.select_for_update().filter(pk=beraad_id).first()
    if beraad is None or beraad.state != BeraadState.GEDEELD or beraad.readers_notified_at:
        return False
    recipients = list(
        User.objects.filter(is_active=True, role=Role.READER)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        context = {
            "beraad": beraad,
            "url": settings.SITE_URL + beraad.get_absolute_url(),
            "municipality_name": settings.MUNICIPALITY_NAME,
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("deliberation/email/shared_subject.txt", context)
            message = render_to_string("deliberation/email/shared.txt", context)
        send_mail(
            subject=" ".join(subject.split()),
            message=message,
            from_email=None,
            recipient_list=recipients,
        )
    beraad.readers_notified_at = timezone.now()
    beraad.save(update_fields=["readers_notified_at"])
    return True


@transaction.atomic
def intake_complete(*, beraad: Beraad, body: OversightBody, user: User) -> Intake:
    """A body says it has submitted what it has for this beraad."""
    if user.role != Role.MEMBER or not Membership.objects.filter(user=user, body=body).exists():
        raise PermissionDenied
    locked = _lock(beraad)
    if not locked.bodies.filter(pk=body.pk).exists():
        raise PermissionDenied
    if locked.state != BeraadState.VOORBEREIDING:
        raise NotAllowed(_("Signals can be submitted only while the beraad is in preparation."))
    intake, _created = Intake.objects.get_or_create(
        beraad=locked, body=body, defaults={"completed_by": user}
    )
    return intake


# --- Themes ----------------------------------------------------------------------------------
def _history(value: str) -> str:
    """A former name or description for the theme's history, redacted: it may have been
    saved before the guard was (a rename that removes a name must not fail on its history)."""
    return ThemeEvent._meta.get_field("old_value").redact_personal_data(value)


def _theme_name(name: str) -> str:
    """A theme's name as it is kept: Unicode in its compatibility form (NFKC: full-width
    letters, ligatures), without invisible format characters (zero-width spaces), every run of
    white space one space."""
    name = unicodedata.normalize("NFKC", name)
    name = "".join(character for character in name if unicodedata.category(character) != "Cf")
    return " ".join(name.split())


def _themes_named(name: str) -> QuerySet[Theme]:
    """The theme of that name in any case: compared as the database's unique constraint
    compares them (both sides lowered by the database)."""
    return Theme.objects.alias(lower_name=Lower("name")).filter(lower_name=Lower(Value(name)))


def _name_taken() -> ValidationError:
    return ValidationError({"name": _("A theme with this name exists already.")})


def _unique_name(name: str, *, exclude: Theme | None = None) -> str:
    name = _theme_name(name)
    if not name:
        raise ValidationError({"name": _("Give the theme a name.")})
    clash = _themes_named(name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise _name_taken()
    return name


def _save_theme(theme: Theme) -> None:
    """Save, in a savepoint: the same name in another case, saved at the same moment by
    someone else, is the message of a name that exists, not a database error."""
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError:
        raise _name_taken() from None


@transaction.atomic
def theme_create(*, user: User, name: str, description: str = "") -> Theme:
    _ensure_chair(user)
    ensure_no_personal_data({"name": name, "description": description})
    theme = Theme(name=_unique_name(name), description=description.strip())
    # The name in any case is checked above and by the database (_save_theme).
    theme.full_clean(validate_constraints=False)
    _save_theme(theme)
    ThemeEvent.objects.create(
        theme=theme, kind=ThemeEvent.Kind.CREATED, new_value=theme.name, by=user
    )
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, user: User, name: str, description: str) -> Theme:
    _ensure_chair(user)
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.merged_into_id:
        raise NotAllowed(_("This theme was merged into another one."))
    ensure_no_personal_data({"name": name, "description": description})
    name = _unique_name(name, exclude=theme)
    if name != theme.name:
        ThemeEvent.objects.create(
            theme=theme,
            kind=ThemeEvent.Kind.RENAMED,
            old_value=_history(theme.name),
            new_value=name,
            by=user,
        )
        theme.name = name
    if description.strip() != theme.description:
        ThemeEvent.objects.create(
            theme=theme,
            kind=ThemeEvent.Kind.DESCRIBED,
            old_value=_history(theme.description),
            new_value=description.strip(),
            by=user,
        )
        theme.description = description.strip()
    _save_theme(theme)
    return theme


@transaction.atomic
def theme_merge(*, source: Theme, target: Theme, user: User) -> Theme:
    """Merge ``source`` into ``target``: every tag, analysis and recommendation moves along,
    the history of both is kept, and ``source`` stays in the catalogue as merged. Frozen
    sessions keep their snapshot as it was."""
    _ensure_chair(user)
    if source.pk == target.pk:
        raise ValidationError(_("A theme cannot be merged into itself."))
    # Locked in the order of their keys (as tag_set locks a theme): a tag of the source
    # that is being made now is made before the merge (and moves along) or after it (and is
    # refused); two merges at once do not deadlock.
    locked = {
        t.pk: t
        for t in Theme.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise NotAllowed(_("Only themes that were not merged before can be merged."))
    # Tags: a signal tagged with both keeps one tag.
    duplicates = Tag.objects.filter(
        theme=source, inclusion__in=Tag.objects.filter(theme=target).values("inclusion")
    )
    duplicates.delete()
    moved_tags = list(Tag.objects.filter(theme=source))
    Tag.objects.filter(pk__in=[tag.pk for tag in moved_tags]).update(theme=target)
    audit_bulk_changes_record(
        objects=moved_tags, changes={"theme": [str(source.pk), str(target.pk)]}
    )
    for analysis in Analysis.objects.filter(theme=source).select_related("beraad"):
        existing = Analysis.objects.filter(beraad=analysis.beraad, theme=target).first()
        if existing is None:
            analysis.theme = target
            analysis.save(update_fields=["theme", "updated_at"])
            continue
        merged = "\n\n".join(part for part in (existing.text, analysis.text) if part)
        # Texts saved before the guard may hold personal data: the merge replaces it.
        existing.text = Analysis._meta.get_field("text").redact_personal_data(merged)
        existing.version += 1
        existing.save(update_fields=["text", "version", "updated_at"])
        existing.examples.add(*analysis.examples.all())
        analysis.delete()
    moved_recommendations = list(Recommendation.objects.filter(theme=source))
    Recommendation.objects.filter(pk__in=[item.pk for item in moved_recommendations]).update(
        theme=target
    )
    audit_bulk_changes_record(
        objects=moved_recommendations, changes={"theme": [str(source.pk), str(target.pk)]}
    )
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    ThemeEvent.objects.create(
        theme=source,
        kind=ThemeEvent.Kind.MERGED,
        old_value=_history(source.name),
        new_value=_history(target.name),
        by=user,
    )
    ThemeEvent.objects.create(
        theme=target,
        kind=ThemeEvent.Kind.MERGED,
        old_value=_history(source.name),
        new_value=_history(target.name),
        by=user,
    )
    return target


# --- Tagging -----------------------------------------------------------------------------------
def _lock_active_theme(theme: Theme) -> Theme:
    """The theme as it is now, locked until the transaction ends; refused when it was merged.
    A merge that locked it first ends before we read it (and we see it merged); one that comes
    later waits, and moves along what we add to it. So no tag, analysis or recommendation is
    ever left on a merged theme (issue 17)."""
    theme = Theme.objects.select_for_update(no_key=True).get(pk=theme.pk)
    if theme.merged_into_id:
        raise NotAllowed(_("This theme was merged into another one."))
    return theme


def _taggable(beraad: Beraad, user: User) -> None:
    _ensure_chair(user)
    if not beraad.is_taggable:
        if beraad.is_frozen:
            _ensure_not_frozen(beraad)
        raise NotAllowed(_("Signals can be tagged only while the beraad is in session."))


@transaction.atomic
def tag_set(
    *, beraad: Beraad, inclusion: BeraadSignal, theme: Theme, user: User, tagged: bool
) -> bool:
    """Tag (or untag) a signal of the beraad with a theme. Idempotent: setting what is already
    so changes nothing, and two people doing the same at once end with one tag."""
    _taggable(beraad, user)
    if inclusion.beraad_id != beraad.pk:
        raise PermissionDenied  # a signal of another beraad
    theme = _lock_active_theme(theme)
    if not tagged:
        Tag.objects.filter(inclusion=inclusion, theme=theme).delete()
        return False
    try:
        with transaction.atomic():
            Tag.objects.get_or_create(
                inclusion=inclusion,
                theme=theme,
                defaults={"beraad": beraad, "body_id": inclusion.body_id, "created_by": user},
            )
    except IntegrityError:
        pass  # tagged at the same moment by someone else: the tag is there, as asked
    return True


@transaction.atomic
def tag_with_new_theme(*, beraad: Beraad, inclusion: BeraadSignal, user: User, name: str) -> Theme:
    """Create a theme on the fly and tag the signal with it (or with the existing theme of
    that name)."""
    _taggable(beraad, user)
    name = _theme_name(name)
    # Before the name is looked up: a query with personal data in it would reach the SQL log.
    ensure_no_personal_data({"name": name})
    theme = _themes_named(name).first()
    if theme is None:
        try:
            with transaction.atomic():
                theme = theme_create(user=user, name=name)
        except (IntegrityError, ValidationError):
            # Created by someone else at the same moment (in this case or another): the
            # database refused ours; use theirs.
            theme = _themes_named(name).first()
            if theme is None:
                raise
    while theme.merged_into_id:  # merged, perhaps more than once: the theme it lives on in
        theme = theme.merged_into
    tag_set(beraad=beraad, inclusion=inclusion, theme=theme, user=user, tagged=True)
    return theme


# --- Analysis and recommendations ---------------------------------------------------------------
@sensitive_variables()
@transaction.atomic
def analysis_save(
    *,
    beraad: Beraad,
    theme: Theme,
    user: User,
    version: int,
    text: str,
    example_ids: Iterable[int] = (),
) -> Analysis:
    """Save the analysis of a theme in a beraad. ``version`` is the version the chair
    edited (0 for a new one): a stale edit raises :class:`Conflict`."""
    _ensure_chair(user)
    locked = _lock(beraad)
    _ensure_not_frozen(locked)
    _ensure_started(locked)
    ensure_no_personal_data({"text": text})
    theme = _lock_active_theme(theme)
    analysis = Analysis.objects.select_for_update().filter(beraad=locked, theme=theme).first()
    current = analysis.version if analysis else 0
    if current != version:
        raise Conflict(current)
    if analysis is None:
        analysis = Analysis(beraad=locked, theme=theme)
    analysis.text = text.strip()
    analysis.version = current + 1
    analysis.save()
    examples = list(BeraadSignal.objects.filter(beraad=locked, pk__in=list(example_ids)))
    analysis.examples.set(examples)
    return analysis


def _check_addressee(addressee: str, directorate: OrganisationUnit | None) -> None:
    if addressee == Addressee.DIRECTIE and directorate is None:
        raise ValidationError({"directorate": _("Choose the directorate.")})
    if addressee == Addressee.DIRECTIE and directorate.parent_id is not None:
        raise ValidationError(
            {"directorate": _("Choose a directorate: a unit that is not part of another.")}
        )


@sensitive_variables()
@transaction.atomic
def recommendation_create(
    *,
    beraad: Beraad,
    theme: Theme,
    user: User,
    text: str,
    addressee: str,
    directorate: OrganisationUnit | None = None,
) -> Recommendation:
    _ensure_chair(user)
    locked = _lock(beraad)
    _ensure_not_frozen(locked)
    _ensure_started(locked)
    ensure_no_personal_data({"text": text})
    _check_addressee(addressee, directorate)
    theme = _lock_active_theme(theme)
    recommendation = Recommendation(
        beraad=locked,
        theme=theme,
        text=text.strip(),
        addressee=addressee,
        directorate=directorate if addressee == Addressee.DIRECTIE else None,
        order=Recommendation.objects.filter(beraad=locked, theme=theme).count() + 1,
    )
    recommendation.full_clean()
    recommendation.save()
    return recommendation


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation, user: User) -> None:
    _ensure_chair(user)
    _ensure_not_frozen(_lock(recommendation.beraad))
    recommendation.delete()


@sensitive_variables()
@transaction.atomic
def recommendation_respond(
    *,
    recommendation: Recommendation,
    user: User,
    version: int,
    response: str,
    response_reason: str,
    owner: str,
    due_date: date | None,
    progress: str,
    status: str,
) -> Recommendation:
    """The organisation's response and the follow-up, recorded by a reader (or the chair) once
    the memo is shared."""
    if not user.is_active or user.role not in (Role.READER, Role.CHAIR):
        raise PermissionDenied
    locked = (
        Recommendation.objects.select_for_update()
        .select_related("beraad")
        .get(pk=recommendation.pk)
    )
    if locked.beraad.state != BeraadState.GEDEELD:
        raise NotAllowed(_("A response can be recorded once the memo has been shared."))
    if locked.version != version:
        raise Conflict(locked.version)
    ensure_no_personal_data(
        {"response_reason": response_reason, "owner": owner, "progress": progress}
    )
    if response in ("deels", "niet") and not response_reason.strip():
        raise ValidationError(
            {"response_reason": _("Give the reason when a recommendation is not adopted fully.")}
        )
    if response == "niet" and status in (
        RecommendationStatus.OPEN,
        RecommendationStatus.IN_UITVOERING,
    ):
        status = RecommendationStatus.VERVALLEN
    if locked.due_date != due_date:
        locked.reminded_for = None
    locked.response = response
    locked.response_reason = response_reason.strip()
    locked.owner = owner.strip()
    locked.due_date = due_date
    locked.progress = progress.strip()
    locked.status = status
    locked.responded_at = timezone.now()
    locked.responded_by = user
    locked.version += 1
    locked.full_clean()
    locked.save()
    return locked


def recommendations_due_for_reminder(*, today: date | None = None) -> list[int]:
    """Open recommendations of shared sessions whose due date is near and that were not
    reminded of for that due date yet."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.RECOMMENDATION_REMINDER_DAYS)
    return list(
        Recommendation.objects.open()
        .filter(due_date__isnull=False, due_date__lte=horizon, beraad__state=BeraadState.GEDEELD)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("due_date")))
        .values_list("pk", flat=True)
    )


def recommendations_due_for_reminder_queue() -> int:
    """Queue one reminder task per recommendation that is due (the tasks are idempotent)."""
    from .tasks import recommendation_send_reminder_task

    ids = recommendations_due_for_reminder()
    for recommendation_id in ids:
        recommendation_send_reminder_task.delay(recommendation_id=recommendation_id)
    return len(ids)


@transaction.atomic
def recommendation_send_reminder(*, recommendation_id: int, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    recommendation = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("beraad", "theme", "directorate")
        .filter(pk=recommendation_id)
        .first()
    )
    if (
        recommendation is None
        or not recommendation.is_open
        or recommendation.due_date is None
        or recommendation.reminded_for == recommendation.due_date
    ):
        return False
    recipients = list(
        User.objects.filter(is_active=True, role__in=(Role.READER, Role.CHAIR))
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        context = {
            "recommendation": recommendation,
            "overdue": recommendation.due_date < today,
            "url": settings.SITE_URL + recommendation.get_absolute_url(),
            "municipality_name": settings.MUNICIPALITY_NAME,
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("deliberation/email/reminder_subject.txt", context)
            message = render_to_string("deliberation/email/reminder.txt", context)
        send_mail(
            subject=" ".join(subject.split()),
            message=message,
            from_email=None,
            recipient_list=recipients,
        )
    recommendation.reminded_for = recommendation.due_date
    recommendation.save(update_fields=["reminded_for"])
    logger.info("Reminder sent for recommendation %s", recommendation.pk)
    return True
