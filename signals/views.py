"""Views of the signals app: thin. Reads through the selectors (and so through ``for_user``),
writes through the services; a record the user may not see is a 404."""

from __future__ import annotations

import functools
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from rodedraden.accounts.access import RoleRequiredMixin
from rodedraden.accounts.models import Role
from rodedraden.conflicts import refuse_stale_save
from rodedraden.idempotency.views import IdempotentMixin
from rodedraden.pagecache.pages import cached_page
from rodedraden.pagination import paginate
from rodedraden.service_errors import service_errors

from . import policies, selectors, services, transfer
from .forms import SignalActionForm, SignalFilter, SignalForm, SignalImportForm
from .guard import PersonalDataFound
from .models import SignalState

# Readers see the shared conclusions of the bodies, not the bodies' own pages.
BODY_ROLES = (Role.MEMBER, Role.CHAIR, Role.ADMIN)
PAGE_SIZE = 25
# The filters of a body's page that the page cache may keep it under (rodedraden.pagecache):
# a state or a kind by its code, an aspect or a unit by its number. A search or a date may be
# typed text: such a page is rendered every time and never kept.
LISTING_PARAMS = {
    "q": (),
    "state": tuple(SignalState.values),
    "nature": ("positief", "negatief"),
    "aspect": (),
    "organisation_unit": (),
    "period_from": (),
    "period_until": (),
}
# Free text must not reach error reports: Django leaves every posted value out of them (the
# body kinds' own text fields included, whatever a kind declares).
private_post = method_decorator(sensitive_post_parameters(), name="dispatch")
no_store = method_decorator(never_cache, name="dispatch")


def current_half_year(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    if today.month <= 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year, 7, 1), date(today.year, 12, 31)


class BodyListView(RoleRequiredMixin, ListView):
    allowed_roles = BODY_ROLES
    template_name = "signals/body_list.html"
    context_object_name = "bodies"

    def get_queryset(self):
        return selectors.body_list(fetched_by=self.request.user)


class BodyWorkspaceView(RoleRequiredMixin, DetailView):
    """The entry page of a body: its signals, filtered and searched, and its figures."""

    allowed_roles = BODY_ROLES
    template_name = "signals/body_workspace.html"
    context_object_name = "body"

    def get_queryset(self):
        return selectors.body_list(fetched_by=self.request.user)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()  # a body one may not see is a 404, cached or not
        # The whole page from the page cache while nothing changed (rodedraden.pagecache).
        context = functools.partial(self.get_context_data, object=self.object)
        return cached_page(request, self.get_template_names()[0], context, params=LISTING_PARAMS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body, user = self.object, self.request.user
        filterset = SignalFilter(
            self.request.GET or None,
            queryset=selectors.signal_list(fetched_by=user, body=body),
            request=self.request,
        )
        signals = filterset.qs
        headline, total = body.kind_spec.headline_of(
            signals, facts=lambda: selectors.signal_facts(signals)
        )
        page = paginate(self.request, signals, per_page=PAGE_SIZE, count=total)
        context.update(
            kind=body.kind_spec,
            filter=filterset,
            page=page,
            signals=page.object_list,
            query=page.query,  # the filters, for the export links
            filtered=any(value for key, value in self.request.GET.items() if key != page.param),
            headline=headline,
            can_write=policies.may_write(user=user, body=body),
            members=selectors.body_members(body=body, fetched_by=user),
        )
        return context


class WritableBodyMixin:
    """Views that enter signals for a body: only its members; for anyone else it is a 404."""

    def dispatch(self, request, *args, **kwargs):
        self.body = selectors.body_for_writing(slug=kwargs["slug"], fetched_by=request.user)
        if self.body is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(body=self.body, kind=self.body.kind_spec)
        return context


class VisibleSignalMixin:
    """A signal the user may see, or a 404."""

    def get_signal(self):
        signal = selectors.signal_get(pk=self.kwargs["pk"], fetched_by=self.request.user)
        if signal is None:
            raise Http404
        return signal


class WritableSignalMixin(VisibleSignalMixin):
    """A signal the user may change (``policies.may_write``), or a 404."""

    def get_signal(self):
        signal = super().get_signal()
        if not policies.may_write(user=self.request.user, body=signal.body):
            raise Http404
        return signal


class SignalFormMixin:
    """Shared by creating and editing: the service's refusals become form errors."""

    form_class = SignalForm
    template_name = "signals/signal_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.body
        return kwargs

    def form_valid(self, form):
        with service_errors(form=form) as call:
            signal = self.save(form)
        if call.refused:
            if isinstance(call.error, PersonalDataFound):
                form.add_error(None, _("The text contains personal data."))
            return self.form_invalid(form)
        if form.redacted:
            messages.success(
                self.request,
                _("The signal was saved with the personal data replaced by placeholders."),
            )
        else:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(signal.get_absolute_url())


@private_post
@no_store
class SignalCreateView(IdempotentMixin, WritableBodyMixin, SignalFormMixin, FormView):
    success_message = ""

    def get_initial(self):
        start, end = current_half_year()
        return {"period_start": start, "period_end": end, "case_count": 1, "impact": "midden"}

    def save(self, form):
        self.success_message = _("The signal was saved as a draft.")
        return services.signal_create(
            body=self.body, author=self.request.user, **form.service_kwargs()
        )


@private_post
@no_store
class SignalUpdateView(WritableSignalMixin, SignalFormMixin, FormView):
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        self.signal = self.get_signal()
        self.body = self.signal.body
        if not self.signal.is_draft:
            messages.warning(
                request, _("Only a draft can be changed. Withdraw the signal first to change it.")
            )
            return redirect(self.signal)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.signal
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(signal=self.signal, kind=self.body.kind_spec, body=self.body)
        return context

    def save(self, form):
        self.success_message = _("Your changes were saved.")
        return services.signal_update(
            signal=self.signal,
            user=self.request.user,
            version=form.cleaned_data.get("version") or 0,
            **form.service_kwargs(),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.SignalConflict as conflict:
            current = selectors.signal_get(pk=self.signal.pk, fetched_by=self.request.user)
            refuse_stale_save(
                form,
                _(
                    "Someone else saved this signal while you were editing it. Your changes "
                    "have not been saved; they are still in the form. Compare them with the "
                    "saved version below: if you save again, your text replaces it."
                ),
                conflict.current_version,
            )
            return self.render_to_response(self.get_context_data(form=form, conflict=current))


class SignalDetailView(RoleRequiredMixin, VisibleSignalMixin, TemplateView):
    allowed_roles = BODY_ROLES
    template_name = "signals/signal_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        signal = self.get_signal()
        context.update(
            signal=signal,
            body=signal.body,
            kind=signal.kind_spec,
            can_write=policies.may_write(user=self.request.user, body=signal.body),
        )
        return context


class SignalActionView(WritableSignalMixin, View):
    """A state change by a member of the signal's body (POST only)."""

    http_method_names = ["post"]
    action = None
    success_message = ""

    def post(self, request, *args, **kwargs):
        signal = self.get_signal()
        form = SignalActionForm(request.POST)
        version = form.cleaned_data.get("version") if form.is_valid() else None
        changed = _(
            "Someone else changed this signal in the meantime. Check the current version "
            "below and try again."
        )
        with service_errors(
            request, conflict=services.SignalConflict, conflict_message=changed
        ) as call:
            self.action(signal=signal, user=request.user, version=version)
        if not call.refused:
            messages.success(request, self.success_message)
        return redirect(signal)


class SignalSubmitView(SignalActionView):
    """Submitting is asked first (GET: what happens, with the text as it is now); the form
    posts the version the member saw, so a change by someone else in between is refused."""

    http_method_names = ["get", "post"]
    action = staticmethod(services.signal_submit)

    @property
    def success_message(self):
        return _("The signal was submitted. The chair can see it now.")

    def get(self, request, *args, **kwargs):
        signal = self.get_signal()
        if not signal.is_draft:
            messages.info(request, _("Only a draft can be submitted."))
            return redirect(signal)
        seen = request.GET.get("version", "")
        changed = seen.isdecimal() and int(seen) != signal.version
        return TemplateResponse(
            request,
            "signals/signal_confirm_submit.html",
            {"signal": signal, "body": signal.body, "changed": changed},
        )


class SignalWithdrawView(SignalActionView):
    action = staticmethod(services.signal_withdraw)

    @property
    def success_message(self):
        return _("The signal was withdrawn and is a draft again.")


class SignalDeleteView(WritableSignalMixin, TemplateView):
    template_name = "signals/signal_confirm_delete.html"

    def dispatch(self, request, *args, **kwargs):
        self.signal = self.get_signal()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(signal=self.signal, body=self.signal.body)
        return context

    def post(self, request, *args, **kwargs):
        form = SignalActionForm(request.POST)
        version = form.cleaned_data.get("version") if form.is_valid() else None
        changed = _("Someone else changed this signal in the meantime.")
        with service_errors(
            request, conflict=services.SignalConflict, conflict_message=changed
        ) as call:
            services.signal_delete(signal=self.signal, user=request.user, version=version)
        if call.refused:
            return redirect(self.signal)
        messages.success(request, _("The draft was deleted."))
        return redirect(self.signal.body)


# --- Import and export --------------------------------------------------------------------------
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(content: bytes, *, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@private_post
@no_store
class SignalImportView(IdempotentMixin, WritableBodyMixin, FormView):
    form_class = SignalImportForm
    template_name = "signals/signal_import.html"

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was imported: see what is marked below."))
        return super().form_invalid(form)

    @method_decorator(sensitive_variables())
    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            table = transfer.read_table(upload.name, upload.read())
        except transfer.FileProblem as problem:
            form.add_error("file", str(problem))
            return self.form_invalid(form)
        check = transfer.check_rows(
            body=self.body,
            table=table,
            accept_redactions=form.cleaned_data["accept_redactions"],
        )
        if not check.ok:
            return self.render_to_response(
                self.get_context_data(form=form, problems=check.problems)
            )
        with service_errors() as call:
            signals = services.signals_import(
                body=self.body, user=self.request.user, rows=check.rows
            )
        if call.refused:
            # The service names the fields of a signal, not of this form (and PersonalDataFound
            # names the kinds of data found, never the data).
            for message in call.error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        count = len(signals)
        messages.success(
            self.request,
            ngettext(
                "%(count)s signal was imported as a draft.",
                "%(count)s signals were imported as drafts.",
                count,
            )
            % {"count": count},
        )
        if check.redacted_rows:
            messages.info(
                self.request,
                ngettext(
                    "Personal data was replaced by placeholders on line %(lines)s.",
                    "Personal data was replaced by placeholders on lines %(lines)s.",
                    len(check.redacted_rows),
                )
                % {"lines": ", ".join(str(line) for line in check.redacted_rows)},
            )
        return redirect(self.body)


class ImportTemplateView(WritableBodyMixin, View):
    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        header, rows, notes = transfer.template_rows(self.body)
        if fmt == "xlsx":
            content = transfer.write_xlsx(header, rows, title=_("Signals"), notes=notes)
        else:
            content = transfer.write_csv(header, rows)
        return _download(content, filename=f"importsjabloon-{self.body.slug}", fmt=fmt)


class SignalExportView(RoleRequiredMixin, View):
    """The signals of a body that the user may see, with the workspace's filters."""

    allowed_roles = BODY_ROLES

    def get(self, request, *args, **kwargs):
        body = get_object_or_404(selectors.body_list(fetched_by=request.user), slug=kwargs["slug"])
        filterset = SignalFilter(
            request.GET or None,
            queryset=selectors.signal_list(fetched_by=request.user, body=body),
            request=request,
        )
        fmt = kwargs["fmt"]
        content = services.signals_export(
            body=body,
            user=request.user,
            signals=filterset.qs,
            fmt=fmt,
            filters=[key for key, value in request.GET.items() if value],
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        return _download(content, filename=f"signalen-{body.slug}-{stamp}", fmt=fmt)
