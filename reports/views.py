"""Views of the reports app: the memo versions of a beraad (with their progress), the
download, and the dashboard. Reads through ``for_user``; a memo one may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from deliberation.selectors import beraad_get
from rodedraden.accounts.access import RoleRequiredMixin
from rodedraden.accounts.models import Role
from rodedraden.idempotency.views import idempotent
from rodedraden.pagecache.pages import cached_page
from rodedraden.pagination import paginate
from rodedraden.service_errors import service_errors

from . import selectors, services
from .models import MemoKind, MemoState

ALL_ROLES = tuple(Role)
MEMOS_PER_PAGE = 20
SESSIONS_PER_PAGE = 10
PENDING_STATES = (MemoState.WACHTEND, MemoState.BEZIG)
PRINTED_FORMAT = "j F Y, H:i"  # the dashboard's "as of", on paper


class MemoMixin:
    def get_beraad(self):
        beraad = beraad_get(pk=self.kwargs["pk"], fetched_by=self.request.user)
        if beraad is None:
            raise Http404
        return beraad

    def memo_context(self, beraad) -> dict:
        memos = selectors.memo_list(beraad=beraad, fetched_by=self.request.user)
        page = paginate(self.request, memos, per_page=MEMOS_PER_PAGE)
        is_chair = self.request.user.role == Role.CHAIR
        return {
            "beraad": beraad,
            "page": page,
            "memos": page.object_list,
            # Over every version, not just this page: the page polls while any is being made.
            "pending": memos.filter(state__in=PENDING_STATES).exists(),
            "is_chair": is_chair,
            # The buttons follow the rule of memo_request itself.
            "can_request_concept": is_chair
            and services.memo_request_refusal(beraad=beraad, definitive=False) is None,
            "can_request_definitive": is_chair
            and services.memo_request_refusal(beraad=beraad, definitive=True) is None,
        }


class MemoListView(RoleRequiredMixin, MemoMixin, TemplateView):
    allowed_roles = ALL_ROLES
    template_name = "reports/memo_list.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["reports/includes/memo_versions.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        beraad = self.get_beraad()
        if not beraad.is_started:
            raise Http404  # no memo before the beraad has started
        context.update(self.memo_context(beraad))
        return context


class MemoRequestView(RoleRequiredMixin, MemoMixin, View):
    """Asks for a memo version. The definitive one is asked first (GET ?kind=definitief): it
    is made once and never changes. A concept needs no confirmation (it is made again at will);
    any other GET goes to the memo page."""

    allowed_roles = (Role.CHAIR,)
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        beraad = self.get_beraad()
        if request.GET.get("kind") != MemoKind.DEFINITIEF:
            return redirect("reports:memo-list", pk=beraad.pk)
        refusal = services.memo_request_refusal(beraad=beraad, definitive=True)
        if refusal:
            messages.error(request, refusal)
            return redirect("reports:memo-list", pk=beraad.pk)
        latest = (
            selectors.memo_list(beraad=beraad, fetched_by=request.user)
            .filter(kind=MemoKind.CONCEPT, state=MemoState.KLAAR)
            .first()
        )
        return TemplateResponse(
            request,
            "reports/memo_confirm_definitive.html",
            {"beraad": beraad, "latest_concept": latest},
        )

    @idempotent
    def post(self, request, *args, **kwargs):
        beraad = self.get_beraad()
        definitive = request.POST.get("kind") == MemoKind.DEFINITIEF
        with service_errors(request) as call:
            services.memo_request(beraad=beraad, user=request.user, definitive=definitive)
        if not call.refused:
            messages.success(
                request,
                _("The memo is being made. This page shows when it is ready."),
            )
        return redirect("reports:memo-list", pk=beraad.pk)


class MemoRetryView(RoleRequiredMixin, View):
    allowed_roles = (Role.CHAIR,)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        memo = selectors.memo_get(pk=kwargs["pk"], fetched_by=request.user)
        if memo is None:
            raise Http404
        with service_errors(request) as call:
            services.memo_retry(memo=memo, user=request.user)
        if not call.refused:
            messages.success(request, _("The memo is being made again."))
        return redirect("reports:memo-list", pk=memo.beraad_id)


class MemoDownloadView(RoleRequiredMixin, View):
    allowed_roles = ALL_ROLES

    def get(self, request, *args, **kwargs):
        memo = selectors.memo_get(pk=kwargs["pk"], fetched_by=request.user)
        if memo is None or memo.state != MemoState.KLAAR or not memo.file:
            raise Http404
        services.memo_log_download(memo=memo, user=request.user)
        response = FileResponse(
            memo.file.open("rb"),
            as_attachment=True,
            filename=memo.filename,
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class DashboardView(RoleRequiredMixin, TemplateView):
    allowed_roles = (Role.CHAIR, Role.READER, Role.ADMIN)
    template_name = "reports/dashboard.html"

    def get(self, request, *args, **kwargs):
        # The whole page from the page cache while nothing changed (rodedraden.pagecache);
        # only the moment it is printed is of each request.
        return cached_page(
            request,
            self.template_name,
            lambda: self.get_context_data(**kwargs),
            late={"printed": lambda: date_format(timezone.localtime(), PRINTED_FORMAT)},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dashboard = selectors.dashboard(fetched_by=self.request.user)
        page = paginate(self.request, dashboard.pop("sessions"), per_page=SESSIONS_PER_PAGE)
        context.update(dashboard, page=page, sessions=page.object_list)
        return context
