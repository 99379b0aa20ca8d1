from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class Role(models.TextChoices):
    """What a person does in Rode draden. Exactly one per user."""

    MEMBER = "lid", _("Body member")
    CHAIR = "voorzitter", _("Chair")
    READER = "lezer", _("Reader")
    ADMIN = "beheerder", _("Administrator")


class RodeDradenUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. The role decides what they can do.

    Administrators (functioneel beheer) manage everything in the Django admin, so the role
    ``beheerder`` is what grants admin access: ``is_staff`` and ``is_superuser`` follow it.
    """

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.MEMBER, db_index=True
    )
    job_title = models.CharField(
        _("job title"),
        max_length=150,
        blank=True,
        help_text=_("For example: burgemeester, lid concerndirectie, secretaris rekenkamer."),
    )

    objects = RodeDradenUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("last_name", "first_name", "username")
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # Admin rights follow the role, also for writes that bypass save() (update()).
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.ADMIN, is_staff=True, is_superuser=True)
                    | (~models.Q(role=Role.ADMIN) & models.Q(is_staff=False, is_superuser=False))
                ),
                name="user_admin_rights_follow_role",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def _sync_admin_rights(self) -> None:
        is_admin = self.role == Role.ADMIN
        self.is_staff = is_admin
        self.is_superuser = is_admin

    def clean(self):
        super().clean()
        self._sync_admin_rights()

    def save(self, *args, **kwargs):
        self._sync_admin_rights()
        if kwargs.get("update_fields") is not None and "role" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    @property
    def needs_second_factor(self) -> bool:
        """Chairs, readers and administrators must sign in with two factors; members may."""
        return self.role in settings.TWO_FACTOR_REQUIRED_ROLES

    @property
    def is_member(self) -> bool:
        return self.role == Role.MEMBER

    @property
    def is_chair(self) -> bool:
        return self.role == Role.CHAIR

    @property
    def is_reader(self) -> bool:
        return self.role == Role.READER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


# --- The second factors, as the admin shows them ------------------------------------------------
# django-otp names its devices and their fields in English, without translations. The admin
# shows them through these proxies (rodedraden/accounts/admin.py), in words of our own.
class AuthenticatorApp(TOTPDevice):
    """An authenticator app linked to an account (django-otp's TOTP device)."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


class RecoveryCodes(StaticDevice):
    """The one-time recovery codes of an account (django-otp's static device)."""

    class Meta:
        proxy = True
        verbose_name = _("set of recovery codes")
        verbose_name_plural = _("recovery codes")
