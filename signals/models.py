from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rodedraden.accounts.models import Role

from .bodies import BodyKind, get_kind, kind_choices


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

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(
        _("short name"),
        max_length=60,
        unique=True,
        help_text=_("Used in web addresses: lower case letters, digits and hyphens."),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=kind_choices, db_index=True)
    description = models.TextField(_("description"), blank=True)
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

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
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

    name = models.CharField(_("name"), max_length=150, unique=True)
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
