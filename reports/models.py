"""The memo of a beraad: its versions (PDF files), how far their rendering is, and who
downloaded them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deliberation.models import STARTED_STATES, Beraad, BeraadState
from rodedraden.accounts.models import Role
from signals.models import OversightBody


class MemoKind(models.TextChoices):
    CONCEPT = "concept", _("draft")
    DEFINITIEF = "definitief", _("definitive")


class MemoState(models.TextChoices):
    WACHTEND = "wachtend", _("waiting")
    BEZIG = "bezig", _("rendering")
    KLAAR = "klaar", _("ready")
    MISLUKT = "mislukt", _("failed")


class MemoQuerySet(models.QuerySet):
    def for_user(self, user) -> MemoQuerySet:
        """The chair sees every version; the participating bodies see the versions of their
        sessions once started; readers see the definitive memo of a shared session."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role in (Role.CHAIR, Role.ADMIN):
            return self
        if user.role == Role.MEMBER:
            bodies = OversightBody.objects.for_user(user).values("pk")
            return self.filter(
                beraad__state__in=STARTED_STATES,
                beraad__in=Beraad.objects.filter(bodies__in=bodies).values("pk"),
            )
        if user.role == Role.READER:
            return self.filter(kind=MemoKind.DEFINITIEF, beraad__state=BeraadState.GEDEELD)
        return self.none()


# What a failed version says, by the code in Memo.error (reports.services names them).
FAILURE_MESSAGES = {
    "StorageFull": _(
        "There was no room left to store the file. Try again once there is room again."
    ),
    "WorkerLost": _("The rendering stopped each time before it was done (its worker was lost)."),
    "": _("Something went wrong while it was made."),
}


def memo_path(memo: Memo, filename: str) -> str:
    return f"memos/{memo.beraad_id}/{filename}"


class Memo(models.Model):
    """One version of the memo of a beraad, as a PDF."""

    beraad = models.ForeignKey(
        Beraad, on_delete=models.PROTECT, related_name="memos", verbose_name=_("beraad")
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=MemoKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=MemoState.choices, default=MemoState.WACHTEND
    )
    file = models.FileField(_("file"), upload_to=memo_path, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    # While it is rendered: which process renders it (host:pid:thread) and when that process
    # last said it is still at it (reports.services: the heartbeat and the sweep).
    render_owner = models.CharField(_("rendered by"), max_length=300, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    objects = MemoQuerySet.as_manager()

    class Meta:
        verbose_name = _("memo")
        verbose_name_plural = _("memos")
        ordering = ("beraad", "-version")
        constraints = [
            models.UniqueConstraint(fields=("beraad", "version"), name="memo_version_once"),
            models.UniqueConstraint(
                fields=("beraad",),
                condition=Q(kind="definitief"),
                name="memo_one_definitive",
            ),
        ]

    def __str__(self):
        return f"{self.beraad} – {self.get_kind_display()} {self.version}"

    def get_absolute_url(self):
        return reverse("reports:memo-list", kwargs={"pk": self.beraad_id}) + f"#memo-{self.pk}"

    @property
    def is_definitive(self) -> bool:
        return self.kind == MemoKind.DEFINITIEF

    @property
    def is_pending(self) -> bool:
        return self.state in (MemoState.WACHTEND, MemoState.BEZIG)

    @property
    def failure_message(self) -> str:
        """Why a failed version could not be made, in words (``error`` holds a code)."""
        if self.state != MemoState.MISLUKT:
            return ""
        return str(FAILURE_MESSAGES.get(self.error, FAILURE_MESSAGES[""]))

    @property
    def filename(self) -> str:
        kind = "definitief" if self.is_definitive else "concept"
        return f"memo-{self.beraad.year}-{self.beraad.season}-{kind}-v{self.version}.pdf"


class MemoDownload(models.Model):
    """Every download of a memo version: who, when, which."""

    memo = models.ForeignKey(
        Memo, on_delete=models.CASCADE, related_name="downloads", verbose_name=_("memo")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("memo download")
        verbose_name_plural = _("memo downloads")
        ordering = ("-at",)

    def __str__(self):
        return f"{self.memo} – {self.user} – {self.at:%Y-%m-%d %H:%M}"
