"""The beraad: sessions, the sealed intake, the theme catalogue, tags, rode draden with their
analysis, recommendations and their follow-up."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rodedraden.accounts.models import Role
from signals.guard import GuardedCharField, GuardedTextField
from signals.models import Membership, OrganisationUnit, OversightBody, Signal


class BeraadState(models.TextChoices):
    GEPLAND = "gepland", _("planned")
    VOORBEREIDING = "voorbereiding", _("preparation")
    IN_BERAAD = "in_beraad", _("in session")
    CONCEPT_MEMO = "concept_memo", _("draft memo")
    VASTGESTELD = "vastgesteld", _("adopted")
    GEDEELD = "gedeeld", _("shared")


# The states in order; "at or after" comparisons use this.
STATE_ORDER = list(BeraadState.values)
STARTED_STATES = STATE_ORDER[STATE_ORDER.index(BeraadState.IN_BERAAD) :]
FROZEN_STATES = (BeraadState.VASTGESTELD, BeraadState.GEDEELD)


class Season(models.TextChoices):
    VOORJAAR = "voorjaar", _("spring")
    NAJAAR = "najaar", _("autumn")


class BeraadQuerySet(models.QuerySet):
    def for_user(self, user) -> BeraadQuerySet:
        """The one gate for reading sessions.

        Chairs and administrators see every session; members see the sessions their bodies
        take part in; readers see a session once it is shared (its memo and aggregates).
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role in (Role.CHAIR, Role.ADMIN):
            return self
        if user.role == Role.MEMBER:
            bodies = OversightBody.objects.for_user(user).values("pk")
            return self.filter(
                pk__in=Beraad.bodies.through.objects.filter(oversightbody__in=bodies).values(
                    "beraad"
                )
            )
        if user.role == Role.READER:
            return self.filter(state=BeraadState.GEDEELD)
        return self.none()


class Beraad(models.Model):
    """A rode-dradenberaad: a session of the bodies, twice a year, over a period."""

    title = GuardedCharField(_("title"), max_length=200)
    season = models.CharField(_("season"), max_length=10, choices=Season.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("date of the meeting"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    submission_deadline = models.DateField(_("submission deadline"))
    bodies = models.ManyToManyField(
        OversightBody, related_name="beraden", verbose_name=_("participating bodies")
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_beraden",
        limit_choices_to={"role": Role.CHAIR},
        verbose_name=_("chair"),
    )
    agenda = GuardedTextField(_("agenda"), blank=True)
    attendance = GuardedTextField(
        _("attendance"),
        blank=True,
        help_text=_("Who took part, by role and body (for example: secretaris rekenkamer)."),
    )
    minutes = GuardedTextField(_("minutes"), blank=True)
    summary = GuardedTextField(
        _("summary"), blank=True, help_text=_("The chair's summary, at the top of the memo.")
    )
    min_bodies = models.PositiveSmallIntegerField(
        _("bodies needed for a rode draad"),
        default=2,
        help_text=_(
            "A theme is a rode draad when signals of at least this many bodies support it."
        ),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=BeraadState.choices, default=BeraadState.GEPLAND
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    snapshot = models.JSONField(
        _("frozen content"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The content as it was adopted: signals, tags, analyses, recommendations."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    intake_opened_at = models.DateTimeField(_("intake opened at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    memo_drafted_at = models.DateTimeField(_("memo drafted at"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    readers_notified_at = models.DateTimeField(
        _("readers notified at"), null=True, blank=True, editable=False
    )

    objects = BeraadQuerySet.as_manager()

    class Meta:
        verbose_name = _("beraad")
        verbose_name_plural = _("beraden")
        ordering = ("-date", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="beraad_period_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(min_bodies__gte=1), name="beraad_min_bodies"),
            models.UniqueConstraint(fields=("year", "season"), name="beraad_one_per_season"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("deliberation:beraad-detail", kwargs={"pk": self.pk})

    @property
    def is_started(self) -> bool:
        return self.state in STARTED_STATES

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def is_taggable(self) -> bool:
        return self.state in (BeraadState.IN_BERAAD, BeraadState.CONCEPT_MEMO)


class Intake(models.Model):
    """A body's declaration that it has submitted its signals for a beraad."""

    beraad = models.ForeignKey(
        Beraad, on_delete=models.CASCADE, related_name="intakes", verbose_name=_("beraad")
    )
    body = models.ForeignKey(
        OversightBody,
        on_delete=models.PROTECT,
        related_name="intakes",
        verbose_name=_("oversight body"),
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.UniqueConstraint(fields=("beraad", "body"), name="intake_once_per_body"),
        ]

    def __str__(self):
        return f"{self.body} – {self.beraad}"


class BeraadSignalQuerySet(models.QuerySet):
    def for_user(self, user):
        """Signals of a beraad: for whoever may see the beraad, once it has started; before
        that, a body sees only its own (the intake is sealed)."""
        visible = self.filter(beraad__in=Beraad.objects.for_user(user))
        if user.role in (Role.CHAIR, Role.ADMIN):
            return visible
        if user.role == Role.READER:
            return self.none()  # readers see the memo and its aggregates, not the signals
        own = Membership.objects.filter(user=user, body__is_active=True).values("body")
        return visible.filter(Q(beraad__state__in=STARTED_STATES) | Q(body__in=own))


class BeraadSignal(models.Model):
    """A signal included in a beraad (when the beraad started)."""

    beraad = models.ForeignKey(
        Beraad, on_delete=models.CASCADE, related_name="inclusions", verbose_name=_("beraad")
    )
    signal = models.ForeignKey(
        Signal, on_delete=models.PROTECT, related_name="inclusions", verbose_name=_("signal")
    )
    body = models.ForeignKey(
        OversightBody,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oversight body"),
    )
    included_at = models.DateTimeField(_("included at"), auto_now_add=True)

    objects = BeraadSignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal in a beraad")
        verbose_name_plural = _("signals in a beraad")
        constraints = [
            models.UniqueConstraint(fields=("beraad", "signal"), name="inclusion_once"),
            models.UniqueConstraint(fields=("signal",), name="signal_in_one_beraad"),
        ]

    def __str__(self):
        return f"{self.signal} ({self.beraad})"


class ThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class Theme(models.Model):
    """A theme of the catalogue, shared by every session: what signals can have in common."""

    name = GuardedCharField(_("name"), max_length=120, unique=True)
    description = GuardedTextField(_("description"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_themes",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ("name",)
        constraints = [
            # "Wachttijden" and "wachttijden" are one theme: the database says so too, also
            # when two chairs type them at the same moment (the services turn the refusal
            # into the existing theme, or into this message).
            models.UniqueConstraint(
                Lower("name"),
                name="theme_name_unique_in_any_case",
                violation_error_code="unique",
                violation_error_message=_("A theme with this name exists already."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("deliberation:theme-detail", kwargs={"pk": self.pk})


class ThemeEvent(models.Model):
    """The history of a theme: created, renamed, described, merged."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        RENAMED = "renamed", _("renamed")
        DESCRIBED = "described", _("description changed")
        MERGED = "merged", _("merged")

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="events", verbose_name=_("theme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_value = GuardedTextField(_("old value"), blank=True)
    new_value = GuardedTextField(_("new value"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("theme event")
        verbose_name_plural = _("theme events")
        ordering = ("at", "pk")

    def __str__(self):
        return f"{self.theme}: {self.get_kind_display()}"


class TagQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(inclusion__in=BeraadSignal.objects.for_user(user).values("pk"))


class Tag(models.Model):
    """A signal of a beraad tagged with a theme."""

    beraad = models.ForeignKey(
        Beraad, on_delete=models.CASCADE, related_name="tags", verbose_name=_("beraad")
    )
    inclusion = models.ForeignKey(
        BeraadSignal, on_delete=models.CASCADE, related_name="tags", verbose_name=_("signal")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="tags", verbose_name=_("theme")
    )
    body = models.ForeignKey(
        OversightBody,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oversight body"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=("inclusion", "theme"), name="tag_once"),
        ]
        # With the body: the rode-draad rule counts the distinct bodies per theme of every
        # earlier session from the index alone.
        indexes = [
            models.Index(fields=("beraad", "theme", "body"), name="tag_beraad_theme_body_idx"),
            # The workspace's suggestions learn from the newest earlier tags (HISTORY_LIMIT):
            # read in this order from the index, not sorted from all of them.
            models.Index(fields=("-created_at",), name="tag_newest_idx"),
        ]

    def __str__(self):
        return f"{self.inclusion_id} – {self.theme}"


class Analysis(models.Model):
    """The chair's analysis of a rode draad in a beraad, with the example signals chosen for
    the memo."""

    beraad = models.ForeignKey(
        Beraad, on_delete=models.CASCADE, related_name="analyses", verbose_name=_("beraad")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="analyses", verbose_name=_("theme")
    )
    text = GuardedTextField(_("analysis"), blank=True)
    examples = models.ManyToManyField(
        BeraadSignal, blank=True, related_name="+", verbose_name=_("example signals")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        constraints = [
            models.UniqueConstraint(fields=("beraad", "theme"), name="analysis_once"),
        ]

    def __str__(self):
        return f"{self.theme} ({self.beraad})"


class Addressee(models.TextChoices):
    BURGEMEESTER = "burgemeester", _("the mayor")
    CONCERNDIRECTIE = "concerndirectie", _("the executive board")
    DIRECTIE = "directie", _("a directorate")


class Response(models.TextChoices):
    # "adopted" is also the state of a beraad (vastgesteld); here it is "overgenomen".
    OVERGENOMEN = "overgenomen", pgettext_lazy("response to a recommendation", "adopted")
    DEELS = "deels", pgettext_lazy("response to a recommendation", "partly adopted")
    NIET = "niet", pgettext_lazy("response to a recommendation", "not adopted")


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_UITVOERING = "in_uitvoering", _("in progress")
    AFGEROND = "afgerond", _("completed")
    VERVALLEN = "vervallen", _("lapsed")


OPEN_STATUSES = (RecommendationStatus.OPEN, RecommendationStatus.IN_UITVOERING)


class RecommendationQuerySet(models.QuerySet):
    def for_user(self, user):
        """Recommendations of the sessions one may see; readers once shared, members once
        their session started."""
        visible = self.filter(beraad__in=Beraad.objects.for_user(user))
        if user.role == Role.MEMBER:
            return visible.filter(beraad__state__in=STARTED_STATES)
        return visible

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Recommendation(models.Model):
    """A recommendation of a beraad about a rode draad, and what the organisation does with
    it."""

    beraad = models.ForeignKey(
        Beraad, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("beraad")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("theme")
    )
    text = GuardedTextField(_("recommendation"))
    addressee = models.CharField(_("addressee"), max_length=20, choices=Addressee.choices)
    directorate = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("directorate"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The organisation's response and the follow-up.
    response = models.CharField(_("response"), max_length=20, choices=Response.choices, blank=True)
    response_reason = GuardedTextField(_("reason"), blank=True)
    owner = GuardedCharField(
        _("owner"),
        max_length=150,
        blank=True,
        help_text=_("Who sees to it, by role or unit (for example: directeur Sociaal domein)."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    progress = GuardedTextField(_("progress"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responded by"),
    )
    reminded_for = models.DateField(
        _("reminder sent for due date"), null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ("beraad", "theme__name", "order", "pk")
        constraints = [
            models.CheckConstraint(
                condition=~Q(addressee="directie") | Q(directorate__isnull=False),
                name="recommendation_directorate_named",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("deliberation:recommendation-detail", kwargs={"pk": self.pk})

    @property
    def addressee_label(self) -> str:
        if self.addressee == Addressee.DIRECTIE and self.directorate_id:
            return str(self.directorate)
        return str(self.get_addressee_display())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
