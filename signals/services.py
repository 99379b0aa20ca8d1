import logging
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from rodedraden.accounts.models import Role, User
from rodedraden.audit.models import AuditEvent
from rodedraden.audit.services import audit_bulk_changes_record, audit_event_record

from . import transfer
from .bodies import CLASSIFICATION_KEY, BodyKind, get_kind
from .guard import PersonalDataInField, ensure_no_personal_data, guarded_fields
from .models import (
    Aspect,
    Impact,
    Membership,
    OrganisationUnit,
    OversightBody,
    Signal,
    SignalState,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def body_create(
    *, name: str, kind: str, slug: str = "", description: str = "", is_active: bool = True
) -> OversightBody:
    get_kind(kind)  # an unknown kind is a programming error, not user input
    body = OversightBody(
        name=name,
        slug=slug or slugify(name)[:60],
        kind=kind,
        description=description,
        is_active=is_active,
    )
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def organisation_unit_create(
    *, name: str, parent: OrganisationUnit | None = None
) -> OrganisationUnit:
    unit = OrganisationUnit(name=name, parent=parent)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def membership_create(*, user: User, body: OversightBody, notify: bool = True) -> Membership:
    """Add a user to a body; once committed, the user is welcomed by e-mail (in a task)."""
    membership = Membership(user=user, body=body)
    membership.full_clean()
    membership.save()
    if notify:
        from .tasks import membership_send_welcome_task

        # robust: a broker that is down must not turn the saved membership into an error
        # page; membership_requeue_unwelcomed picks the welcome up later.
        transaction.on_commit(
            lambda: membership_send_welcome_task.delay(membership_id=membership.pk), robust=True
        )
    return membership


@transaction.atomic
def membership_send_welcome(*, membership_id: int) -> bool:
    """Send the welcome e-mail for a membership, once. Returns whether a message was sent.

    Idempotent: the row is locked, and a membership that was welcomed before, or that no
    longer exists, is left alone, so a task delivered twice sends one e-mail.
    """
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "body")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or membership.welcomed_at is not None:
        return False
    if not membership.user.email or not membership.user.is_active:
        return False
    user = membership.user
    set_password_url = ""
    if not user.has_usable_password():
        # A new account without a password: the welcome is also the way to choose one.
        set_password_url = settings.SITE_URL + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    context = {
        "set_password_url": set_password_url,
        "membership": membership,
        "body": membership.body,
        "user": membership.user,
        "url": f"{settings.SITE_URL}{membership.body.get_absolute_url()}",
        "municipality_name": settings.MUNICIPALITY_NAME,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("signals/email/membership_welcome_subject.txt", context)
        message = render_to_string("signals/email/membership_welcome.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=message,
        from_email=None,
        recipient_list=[membership.user.email],
    )
    membership.welcomed_at = timezone.now()
    membership.save(update_fields=["welcomed_at"])
    logger.info("Welcome e-mail sent for membership %s", membership.pk)
    return True


def membership_requeue_unwelcomed(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Queue the welcome again for members who should have had it by now (the broker was
    down, or the mail server kept failing). The task is idempotent, so this is safe."""
    from .tasks import membership_send_welcome_task

    pending = Membership.objects.filter(
        welcomed_at__isnull=True,
        created_at__lt=timezone.now() - older_than,
        user__is_active=True,
    ).exclude(user__email="")
    ids = list(pending.values_list("pk", flat=True))
    for membership_id in ids:
        membership_send_welcome_task.delay(membership_id=membership_id)
    return len(ids)


# --- Signals ------------------------------------------------------------------------------------
class SignalConflict(Exception):
    """The signal was changed by someone else since the user loaded it."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__("The signal was changed in the meantime.")


class TransitionNotAllowed(ValidationError):
    pass


def _ensure_may_write(user: User, body: OversightBody) -> None:
    """Members write for their own active bodies; administrators maintain everything."""
    if not user.is_active:
        raise PermissionDenied
    if user.role == Role.ADMIN:
        return
    if user.role != Role.MEMBER or not body.is_active:
        raise PermissionDenied
    if not Membership.objects.filter(user=user, body=body).exists():
        raise PermissionDenied


@sensitive_variables()
def signal_free_texts(
    *, kind: BodyKind, title: str, description: str, source_reference: str, details: Mapping
) -> dict[str, str]:
    """Every piece of free text of a signal, by field name, for the anonymisation guard."""
    texts = {"title": title, "description": description, "source_reference": source_reference}
    for name, form_field in kind.details_fields().items():
        value = details.get(name)
        if isinstance(value, str) and not getattr(form_field, "choices", None):
            texts[f"details_{name}"] = value
    if not kind.taxonomy:
        texts[f"details_{CLASSIFICATION_KEY}"] = " ; ".join(details.get(CLASSIFICATION_KEY) or [])
    return texts


@sensitive_variables()
def _clean_details(kind: BodyKind, details: Mapping | None) -> dict:
    """Details as the kind declares them: known keys only, validated by the kind's form."""
    details = dict(details or {})
    classification = [str(value).strip() for value in details.pop(CLASSIFICATION_KEY, []) or []]
    classification = [value for value in classification if value]
    if kind.taxonomy:
        known = {category.code for category in kind.taxonomy}
        if any(value not in known for value in classification):
            raise ValidationError(
                {
                    f"details_{CLASSIFICATION_KEY}": _(
                        "Unknown classification. Use the codes of the yardstick: %(codes)s."
                    )
                    % {"codes": ", ".join(sorted(known))}
                }
            )
    form = kind.details_form(
        data={key: "" if value is None else value for key, value in details.items()}
    )
    form.is_valid()
    # Personal data in a detail is left to ensure_no_personal_data, which names every field
    # that holds some at once (with what it found, for the form's findings panel).
    personal, problems = {}, {}
    for name, errors in form.errors.as_data().items():
        others = [error for error in errors if not isinstance(error, PersonalDataInField)]
        if others:
            problems[f"details_{name}"] = [m for error in others for m in error.messages]
        else:
            personal[name] = str(details[name]).strip()
    if problems:
        raise ValidationError(problems)
    cleaned = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
    cleaned.update(personal)
    if classification:
        cleaned[CLASSIFICATION_KEY] = list(dict.fromkeys(classification))
    return cleaned


@sensitive_variables()
def _apply_fields(
    signal: Signal,
    *,
    title: str,
    description: str,
    period_start: date,
    period_end: date,
    case_count: int,
    impact: str,
    source_reference: str,
    is_positive: bool,
    details: Mapping | None,
) -> None:
    kind = signal.body.kind_spec
    signal.title = title.strip()
    signal.description = description.strip()
    signal.period_start = period_start
    signal.period_end = period_end
    signal.case_count = case_count
    signal.impact = impact
    signal.source_reference = source_reference.strip()
    signal.is_positive = is_positive
    signal.details = _clean_details(kind, details)
    ensure_no_personal_data(
        signal_free_texts(
            kind=kind,
            title=signal.title,
            description=signal.description,
            source_reference=signal.source_reference,
            details=signal.details,
        )
    )
    signal.full_clean(exclude=["author"])


@sensitive_variables()
@transaction.atomic
def signal_create(
    *,
    body: OversightBody,
    author: User,
    title: str,
    description: str,
    period_start: date,
    period_end: date,
    case_count: int = 1,
    impact: str = Impact.MIDDEN,
    source_reference: str = "",
    is_positive: bool = False,
    aspects: Iterable[Aspect] = (),
    organisation_units: Iterable[OrganisationUnit] = (),
    details: Mapping | None = None,
) -> Signal:
    """A new draft signal of ``body`` by ``author``, who must be one of its members."""
    _ensure_may_write(author, body)
    signal = Signal(body=body, author=author, state=SignalState.CONCEPT)
    _apply_fields(
        signal,
        title=title,
        description=description,
        period_start=period_start,
        period_end=period_end,
        case_count=case_count,
        impact=impact,
        source_reference=source_reference,
        is_positive=is_positive,
        details=details,
    )
    signal.save()
    signal.aspects.set(aspects)
    signal.organisation_units.set(organisation_units)
    logger.info("Signal %s created for body %s", signal.pk, body.pk)
    return signal


def _lock(signal: Signal) -> Signal:
    return Signal.objects.select_for_update(of=("self",)).select_related("body").get(pk=signal.pk)


def _check_version(signal: Signal, version: int | None) -> None:
    if version is not None and signal.version != version:
        raise SignalConflict(signal.version)


@sensitive_variables()
@transaction.atomic
def signal_update(
    *,
    signal: Signal,
    user: User,
    version: int,
    title: str,
    description: str,
    period_start: date,
    period_end: date,
    case_count: int,
    impact: str,
    source_reference: str,
    is_positive: bool,
    aspects: Iterable[Aspect],
    organisation_units: Iterable[OrganisationUnit],
    details: Mapping | None,
) -> Signal:
    """Change a draft. ``version`` is the version the user edited: if someone saved in the
    meantime, :class:`SignalConflict` is raised and nothing is overwritten."""
    locked = _lock(signal)
    _ensure_may_write(user, locked.body)
    _check_version(locked, version)
    # Administrators may correct a signal in any state (say, to remove personal data that
    # slipped through before); members change drafts only.
    if locked.state != SignalState.CONCEPT and user.role != Role.ADMIN:
        raise TransitionNotAllowed(
            _("Only a draft can be changed. Withdraw the signal first to change it.")
        )
    _apply_fields(
        locked,
        title=title,
        description=description,
        period_start=period_start,
        period_end=period_end,
        case_count=case_count,
        impact=impact,
        source_reference=source_reference,
        is_positive=is_positive,
        details=details,
    )
    locked.version += 1
    locked.save()
    locked.aspects.set(aspects)
    locked.organisation_units.set(organisation_units)
    logger.info("Signal %s updated to version %s", locked.pk, locked.version)
    return locked


def _move(signal: Signal, *, source: str, target: str, message: str) -> Signal:
    if signal.state != source:
        raise TransitionNotAllowed(message)
    signal.state = target
    signal.version += 1
    fields = ["state", "version", "updated_at"]
    if target == SignalState.INGEDIEND:
        signal.submitted_at = timezone.now()
        fields.append("submitted_at")
    elif target == SignalState.CONCEPT:
        signal.submitted_at = None
        fields.append("submitted_at")
    signal.save(update_fields=fields)
    logger.info("Signal %s: %s -> %s", signal.pk, source, target)
    return signal


@transaction.atomic
def signal_submit(*, signal: Signal, user: User, version: int | None = None) -> Signal:
    """A draft is submitted for the beraad: the chair can see it from now on."""
    locked = _lock(signal)
    _ensure_may_write(user, locked.body)
    _check_version(locked, version)
    return _move(
        locked,
        source=SignalState.CONCEPT,
        target=SignalState.INGEDIEND,
        message=_("Only a draft can be submitted."),
    )


@transaction.atomic
def signal_withdraw(*, signal: Signal, user: User, version: int | None = None) -> Signal:
    """A submitted signal goes back to draft; only before its beraad has started."""
    locked = _lock(signal)
    _ensure_may_write(user, locked.body)
    _check_version(locked, version)
    return _move(
        locked,
        source=SignalState.INGEDIEND,
        target=SignalState.CONCEPT,
        message=_(
            "Only a submitted signal can be withdrawn, and only before its beraad has started."
        ),
    )


@transaction.atomic
def signal_delete(*, signal: Signal, user: User, version: int | None = None) -> None:
    locked = _lock(signal)
    _ensure_may_write(user, locked.body)
    _check_version(locked, version)
    if locked.state != SignalState.CONCEPT:
        raise TransitionNotAllowed(_("Only a draft can be deleted."))
    logger.info("Signal %s deleted", locked.pk)
    locked.delete()


@transaction.atomic
def signals_bring_into_beraad(*, signal_ids: Iterable[int]) -> int:
    """Submitted signals enter a beraad that starts (called by the deliberation app, which
    checks who may start it). Returns how many signals moved."""
    return _move_many(signal_ids, source=SignalState.INGEDIEND, target=SignalState.IN_BERAAD)


@transaction.atomic
def signals_mark_discussed(*, signal_ids: Iterable[int]) -> int:
    """Signals of a beraad that was held are discussed (called by the deliberation app)."""
    return _move_many(signal_ids, source=SignalState.IN_BERAAD, target=SignalState.BESPROKEN)


def _move_many(signal_ids: Iterable[int], *, source: str, target: str) -> int:
    ids = list(signal_ids)
    locked = list(Signal.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    wrong = [signal.pk for signal in locked if signal.state != source]
    if len(locked) != len(set(ids)) or wrong:
        raise TransitionNotAllowed(
            _("These signals cannot move from %(source)s to %(target)s.")
            % {"source": SignalState(source).label, "target": SignalState(target).label}
        )
    moved = Signal.objects.filter(pk__in=ids).update(
        state=target, version=models.F("version") + 1, updated_at=timezone.now()
    )
    # update() sends no model signals: the audit trail is told of each transition here.
    audit_bulk_changes_record(objects=locked, changes={"state": [source, target]})
    return moved


@sensitive_variables()
@transaction.atomic
def signals_import(*, body: OversightBody, user: User, rows: Iterable[Mapping]) -> list[Signal]:
    """Create every signal of an import, or none: one transaction, every row through the
    same checks (and the same anonymisation guard) as a signal entered in the browser."""
    _ensure_may_write(user, body)
    signals = [signal_create(body=body, author=user, **row) for row in rows]
    logger.info("Imported %s signals for body %s", len(signals), body.pk)
    return signals


@transaction.atomic
def signals_export(
    *,
    body: OversightBody,
    user: User,
    signals: models.QuerySet[Signal],
    fmt: str,
    filters: Iterable[str] = (),
) -> bytes:
    """The file of an export (``fmt`` "csv" or "xlsx") of ``signals``, the signals of the body
    that the user sees with the workspace's ``filters`` (their names), recorded in the audit
    trail with the format, the number of rows and the names of the filters, never their
    values (a search is text someone typed)."""
    header, rows = transfer.export_rows(body.kind_spec, transfer.export_queryset(signals))
    audit_event_record(
        event=AuditEvent.EXPORT,
        obj=body,
        actor=user,
        details={"format": fmt, "rows": len(rows), "filters": sorted(filters)},
    )
    if fmt == "xlsx":
        return transfer.write_xlsx(header, rows, title=_("Signals"))
    return transfer.write_csv(header, rows)


# --- Personal data stored before the guard -----------------------------------------------------
@sensitive_variables()
@transaction.atomic
def stored_personal_data_redact(*, apply: bool = False) -> dict[str, int]:
    """Find the personal data that rows written before the guard still hold, in every guarded
    field of every model, and with ``apply`` replace it by the placeholders ([NAAM], [BSN], …).

    Returns, per ``app_label.Model.field``, how many rows hold personal data (never the data
    itself). The redacted rows are written with ``QuerySet.update()``, which the guard checks
    as every write, and each row's version goes up where it has one (an open edit of the old
    text is refused as a conflict, never written back).
    """
    from django.apps import apps

    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = guarded_fields(model)
        if not fields or model._meta.proxy:
            continue
        names = [field.attname for field in fields]
        has_version = any(field.name == "version" for field in model._meta.concrete_fields)
        rows = model._base_manager.only("pk", *names).order_by("pk")
        for row in rows.iterator(chunk_size=500):
            changes = {}
            for field in fields:
                value = getattr(row, field.attname)
                if field.guard_result(value) is None:
                    continue
                label = f"{model._meta.label}.{field.name}"
                counts[label] = counts.get(label, 0) + 1
                changes[field.attname] = field.redact_personal_data(value)
            if changes and apply:
                if has_version:
                    changes["version"] = models.F("version") + 1
                model._base_manager.filter(pk=row.pk).update(**changes)
    if apply and counts:
        logger.info("Personal data redacted in stored rows: %s", counts)
    return counts
