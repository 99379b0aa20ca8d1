from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rodedraden.accounts.models import Role

from .bodies import BodyKind, get_kind, kind_choices
from .guard import GuardedCharField, GuardedJSONField, GuardedSlugField, GuardedTextField


class OversightBodyQuerySet(models.QuerySet):
    def for_user(self, user) -> "OversightBodyQuerySet":
        """The one gate for reading bodies: chairs and administrators see every body, a member
        sees the active bodies they belong to, and nobody else sees any."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role in (Role.ADMIN, Role.CHAIR):
            return self
        if user.role == Role.MEMBER:
            # A subquery, not a join: counts annotated on top must see every membership.
            return self.filter(
                is_active=True, pk__in=Membership.objects.filter(user=user).values("body")
            )
        return self.none()


class OversightBody(models.Model):
    """An independent oversight body of the municipality (toezichtsorgaan)."""

    name = GuardedCharField(_("name"), max_length=150, unique=True)
    slug = GuardedSlugField(
        _("short name"),
        max_length=60,
        unique=True,
        help_text=_("Used in web addresses: lower case letters, digits and hyphens."),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=kind_choices, db_index=True)
    description = GuardedTextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive bodies keep their history but take no part in new work."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="oversight_bodies",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OversightBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("oversight body")
        verbose_name_plural = _("oversight bodies")
        ordering = ("name",)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("signals:body-detail", kwargs={"slug": self.slug})

    @property
    def kind_spec(self) -> BodyKind:
        return get_kind(self.kind)

    @property
    def short_name(self) -> str:
        """A few letters for narrow columns: the initials of a name of several words
        ("FG"), else its first letters ("Rek")."""
        words = [word for word in self.name.split() if word[:1].isalpha()]
        if len(words) > 1:
            return "".join(word[0].upper() for word in words)[:4]
        return self.name[:3]


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> "MembershipQuerySet":
        """Memberships are visible to whoever may see the body they belong to."""
        return self.filter(body__in=OversightBody.objects.for_user(user))


class Membership(models.Model):
    """A user taking part in the work of an oversight body."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    body = models.ForeignKey(
        OversightBody,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("oversight body"),
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)
    welcomed_at = models.DateTimeField(
        _("welcome e-mail sent at"), null=True, blank=True, editable=False
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ("body__name", "user__username")
        constraints = [
            models.UniqueConstraint(fields=("user", "body"), name="membership_unique_user_body"),
        ]

    def __str__(self):
        return f"{self.user} – {self.body}"


class Aspect(models.Model):
    """A shared angle (invalshoek) that every body can use, whatever its own yardstick.

    Managed by the functional administrator; the seven of the rode-dradenberaad are created by
    a data migration.
    """

    name = GuardedCharField(_("name"), max_length=120, unique=True)
    slug = GuardedSlugField(_("short name"), max_length=60, unique=True)
    description = GuardedTextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive aspects stay on existing signals.")
    )

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ("order", "name")

    def __str__(self):
        return self.name


class OrganisationUnit(models.Model):
    """A part of the municipal organisation a signal can concern (a directorate, a team)."""

    name = GuardedCharField(_("name"), max_length=150, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive units stay on existing signals.")
    )

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ("name",)

    def __str__(self):
        return f"{self.parent.name} – {self.name}" if self.parent_id else self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot be part of itself.")})
            ancestor = ancestor.parent


class SignalState(models.TextChoices):
    CONCEPT = "concept", _("draft")
    INGEDIEND = "ingediend", _("submitted")
    IN_BERAAD = "in_beraad", _("in deliberation")
    BESPROKEN = "besproken", _("discussed")


class Impact(models.TextChoices):
    LAAG = "laag", _("low")
    MIDDEN = "midden", _("medium")
    HOOG = "hoog", _("high")


# Apps that build on signals may widen what a member sees (a signal shared in a beraad is
# visible to every body taking part). Each entry takes a user and returns a queryset of the
# primary keys of the signals it adds. Registered in an AppConfig.ready(), so that this app
# need not know the apps that build on it.
_member_visibility: list[Callable[[object], models.QuerySet]] = []


def register_member_visibility(extension: Callable[[object], models.QuerySet]) -> None:
    if extension not in _member_visibility:
        _member_visibility.append(extension)


class SignalQuerySet(models.QuerySet):
    def for_user(self, user) -> "SignalQuerySet":
        """The one gate for reading signals (DESIGN.md, Access).

        - members see every signal of the active bodies they belong to, drafts included;
        - the chair sees every signal that was submitted, never a draft;
        - functional administrators see everything (they maintain the data in the admin);
        - readers see no signals: they read the memo and its aggregates.

        Once a beraad has started, members of every body taking part in it see its signals
        too (registered by the deliberation app, see ``register_member_visibility``).
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self
        if user.role == Role.CHAIR:
            return self.exclude(state=SignalState.CONCEPT)
        if user.role == Role.MEMBER:
            visible = models.Q(body__in=OversightBody.objects.for_user(user).values("pk"))
            for extension in _member_visibility:
                visible |= models.Q(pk__in=extension(user))
            return self.filter(visible)
        return self.none()


class Signal(models.Model):
    """An anonymised observation of an oversight body about how the municipality works.

    A signal describes a pattern, never a person: its free text is scanned for personal data
    before it is saved (see ``signals.anonymisation``) on every write path.
    """

    TITLE_MAX_LENGTH = 200
    DESCRIPTION_MAX_LENGTH = 5000

    body = models.ForeignKey(
        OversightBody,
        on_delete=models.PROTECT,
        related_name="signals",
        verbose_name=_("oversight body"),
    )
    title = GuardedCharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = GuardedTextField(
        _("description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("What did your body see? Describe the pattern, never a person."),
    )
    aspects = models.ManyToManyField(
        Aspect, blank=True, related_name="signals", verbose_name=_("aspects")
    )
    organisation_units = models.ManyToManyField(
        OrganisationUnit,
        blank=True,
        related_name="signals",
        verbose_name=_("organisation units concerned"),
    )
    period_start = models.DateField(_("observed from"))
    period_end = models.DateField(_("observed until"))
    case_count = models.PositiveIntegerField(
        _("number of cases"),
        default=1,
        help_text=_("How many complaints, objections, reports or cases the signal rests on."),
    )
    impact = models.CharField(
        _("impact"), max_length=10, choices=Impact.choices, default=Impact.MIDDEN
    )
    source_reference = GuardedCharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where the signal comes from, without personal data: a report, a file number of "
            "your body, an annual report."
        ),
    )
    is_positive = models.BooleanField(
        _("positive signal"),
        default=False,
        help_text=_("A good practice that is worth sharing, rather than a problem."),
    )
    details = GuardedJSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("The body's own classification and fields, declared by its kind."),
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=SignalState.choices,
        default=SignalState.CONCEPT,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Goes up with every change: an edit of an older version is refused."),
    )

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ("-updated_at", "-pk")
        indexes = [
            models.Index(fields=("body", "state", "-updated_at"), name="signal_body_state_idx"),
            models.Index(fields=("period_start", "period_end"), name="signal_period_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="signal_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("signals:signal-detail", kwargs={"pk": self.pk})

    @property
    def kind_spec(self) -> BodyKind:
        return self.body.kind_spec

    @property
    def is_draft(self) -> bool:
        return self.state == SignalState.CONCEPT

    @property
    def classification_labels(self):
        return self.kind_spec.classification_labels(self.details)

    @property
    def details_display(self):
        return self.kind_spec.details_display(self.details)
