"""What a view does with a service's refusal, once for every app.

A service raises ``PermissionDenied`` when the user may not do what was asked and a Django
``ValidationError`` when the rules do not allow it now. A view calls it inside
:class:`service_errors`::

    with service_errors(request) as call:
        services.beraad_start(beraad=beraad, user=request.user)
    if not call.refused:
        messages.success(request, _("The beraad has started."))
    return redirect(beraad)

- ``PermissionDenied`` becomes a 404: what a user may not touch, they do not see;
- a ``ValidationError`` is kept in ``call.error`` (nothing else is raised) and shown: with a
  ``form``, at the fields it names that the form has and above the form for the rest; else,
  with a ``request``, as an error message; with neither, the view shows it itself.

A service that refuses a stale save raises its own conflict (with ``current_version``); given
as ``conflict`` with the ``conflict_message`` to show, it is kept in ``call.error`` too and
shown: on a form with :func:`rodedraden.conflicts.refuse_stale_save` (the input stays, a second
save replaces the other version), else as an error message. Other exceptions pass unchanged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from rodedraden.conflicts import refuse_stale_save


def refusal_text(error: ValidationError) -> str:
    """The messages of a refusal as one sentence after another."""
    return " ".join(str(message) for message in error.messages)


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal on a form: at the fields it names that the form has, above the
    form for the rest. A guarded form (``add_personal_data``, signals.guard) shows personal
    data in its findings panel, with the proposed redaction; this module knows no domain, so
    it asks the form."""
    show_findings = getattr(form, "add_personal_data", None)
    if show_findings is not None and hasattr(error, "results"):
        show_findings(error)
        return
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


class service_errors:  # lower case: used like contextlib.suppress
    """Calls a service on behalf of a view: see the module's description."""

    def __init__(
        self,
        request: HttpRequest | None = None,
        *,
        form=None,
        conflict: type[Exception] | None = None,
        conflict_message: str = "",
    ):
        self.request = request
        self.form = form
        self.conflict = conflict
        self.conflict_message = conflict_message
        self.error: Exception | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None

    def __enter__(self) -> service_errors:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is None:
            return False
        if issubclass(kind, PermissionDenied):
            raise Http404 from None
        if self.conflict is not None and issubclass(kind, self.conflict):
            self.error = error
            if self.form is not None:
                refuse_stale_save(self.form, self.conflict_message, error.current_version)
            elif self.request is not None:
                messages.error(self.request, self.conflict_message)
            return True
        if not issubclass(kind, ValidationError):
            return False
        self.error = error
        if self.form is not None:
            add_errors(self.form, error)
        elif self.request is not None:
            messages.error(self.request, refusal_text(error))
        return True
