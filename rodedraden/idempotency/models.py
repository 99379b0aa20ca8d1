"""What a form that creates something was answered, by the random key it carried: a form sent
again (the connection broke after the commit, the button was pressed twice) gets the first
answer instead of a second record. The key is a random number, no personal data; a key is
removed by the nightly retention run once it is older than KEPT."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A form sent again comes within seconds or minutes; a day is ample.
KEPT = timedelta(hours=24)


class IdempotencyKey(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.UUIDField(_("key"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # Where the first answer sent the browser: a path the application made (reverse()).
    location = models.CharField(_("answer"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self):
        return str(self.key)
