"""Forms that create a record are idempotent: the form carries a random key
({% idempotency_key %}), and the view's POST is decorated with ``idempotent``.

The key is claimed (inserted, unique per user) in the same transaction as what the view
creates, before the view runs: a second request with the same key waits for the first on the
unique index and then gets the first answer — the same redirect — without running the view
again, also when the first answer never reached the browser. A view that answers with anything
but a redirect (a form with errors) created nothing: its claim is let go, so the same form may
be sent again. A POST without a key is handled as before.
"""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

FIELD = "idempotency_key"


def key_of(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(request.POST.get(FIELD, "")))
    except ValueError:
        return None


def idempotent(post):
    """Decorates a view's ``post(self, request, *args, **kwargs)``."""

    @functools.wraps(post)
    def wrapper(self, request, *args, **kwargs):
        from .models import IdempotencyKey

        key = key_of(request)
        if key is None or not request.user.is_authenticated:
            return post(self, request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = IdempotencyKey.objects.create(user=request.user, key=key)
            except IntegrityError:
                claim = None  # sent before: that request has committed (we waited for it)
            if claim is not None:
                response = post(self, request, *args, **kwargs)
                if response.status_code in (301, 302, 303) and response.has_header("Location"):
                    claim.location = response["Location"][:500]
                    claim.save(update_fields=["location"])
                else:
                    claim.delete()  # nothing was made: the same form may be sent again
                return response
        first = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        messages.info(request, _("This form had already been sent; it was saved once."))
        return HttpResponseRedirect(first.location if first else request.path)

    return wrapper


class IdempotentMixin:
    """For a FormView: its POST is idempotent."""

    @idempotent
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
