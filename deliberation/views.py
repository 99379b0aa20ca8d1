"""Views of the deliberation app: thin. Reads through the selectors (``for_user``), writes
through the services; what a user may not see is a 404, what the rules do not allow gets a
clear message."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, ListView, TemplateView

from rodedraden.accounts.access import RoleRequiredMixin
from rodedraden.accounts.models import Role
from rodedraden.idempotency.views import IdempotentMixin, idempotent
from rodedraden.pagecache.pages import cached_page
from rodedraden.pagination import PaginationMixin, paginate
from rodedraden.service_errors import refusal_text, service_errors
from signals.guard import PersonalDataFound

from . import selectors, services
from .forms import (
    AnalysisForm,
    BeraadForm,
    NewThemeTagForm,
    RecommendationForm,
    ResponseForm,
    TagForm,
    ThemeForm,
    ThemeMergeForm,
)
from .models import BeraadSignal, BeraadState, RecommendationStatus, Theme

CHAIR = (Role.CHAIR,)
ALL_ROLES = tuple(Role)
no_store = method_decorator(never_cache, name="dispatch")
# Free text must not reach error reports: Django leaves every posted value out of them.
private_post = method_decorator(sensitive_post_parameters(), name="dispatch")


def say_if_redacted(request, form) -> None:
    """After a save with the proposed redaction accepted: say that placeholders went in."""
    if getattr(form, "redacted", False):
        messages.info(request, _("Personal data was replaced by placeholders."))


class BeraadMixin:
    """A beraad the user may see, or a 404."""

    def get_beraad(self):
        beraad = selectors.beraad_get(pk=self.kwargs["pk"], fetched_by=self.request.user)
        if beraad is None:
            raise Http404
        return beraad


# --- Sessions ------------------------------------------------------------------------------------
class BeraadListView(RoleRequiredMixin, PaginationMixin, ListView):
    allowed_roles = ALL_ROLES
    template_name = "deliberation/beraad_list.html"
    context_object_name = "beraden"
    paginate_by = 20

    def get_queryset(self):
        return selectors.beraad_list(fetched_by=self.request.user)


@private_post
@no_store
class BeraadCreateView(IdempotentMixin, RoleRequiredMixin, FormView):
    allowed_roles = CHAIR
    form_class = BeraadForm
    template_name = "deliberation/beraad_form.html"

    def get_initial(self):
        from signals.models import OversightBody

        proposal = services.beraad_propose()
        return {
            "title": proposal.title,
            "season": proposal.season,
            "year": proposal.year,
            "date": proposal.date,
            "period_start": proposal.period_start,
            "period_end": proposal.period_end,
            "submission_deadline": proposal.submission_deadline,
            "bodies": OversightBody.objects.filter(is_active=True),
            "min_bodies": 2,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        with service_errors(form=form) as call:
            beraad = services.beraad_create(
                user=self.request.user,
                title=data["title"],
                season=data["season"],
                year=data["year"],
                date=data["date"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                submission_deadline=data["submission_deadline"],
                bodies=data["bodies"],
                agenda=data.get("agenda", ""),
                min_bodies=data["min_bodies"],
            )
        if call.refused:
            return self.form_invalid(form)
        messages.success(self.request, _("The beraad was planned."))
        say_if_redacted(self.request, form)
        return redirect(beraad)

    def form_invalid(self, form):
        messages.error(self.request, _("The beraad was not planned: see what is marked below."))
        return super().form_invalid(form)


@private_post
@no_store
class BeraadUpdateView(RoleRequiredMixin, BeraadMixin, FormView):
    allowed_roles = CHAIR
    form_class = BeraadForm
    template_name = "deliberation/beraad_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role == Role.CHAIR:
            self.beraad = self.get_beraad()
            if self.beraad.is_frozen:
                messages.warning(request, _("An adopted beraad can no longer change."))
                return redirect(self.beraad)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.beraad
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(beraad=self.beraad, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        changed = _(
            "Someone else saved this beraad while you were editing it. Your changes are still "
            "in the form; if you save again, they replace the other version."
        )
        with service_errors(
            form=form, conflict=services.Conflict, conflict_message=changed
        ) as call:
            services.beraad_update(
                beraad=self.beraad,
                user=self.request.user,
                version=data.get("version") or 0,
                title=data["title"],
                date=data["date"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                submission_deadline=data["submission_deadline"],
                bodies=data["bodies"],
                agenda=data.get("agenda", ""),
                attendance=data.get("attendance", ""),
                minutes=data.get("minutes", ""),
                summary=data.get("summary", ""),
                min_bodies=data["min_bodies"],
            )
        if call.refused:
            return self.form_invalid(form)
        messages.success(self.request, _("Your changes were saved."))
        say_if_redacted(self.request, form)
        return redirect(self.beraad)

    def form_invalid(self, form):
        messages.error(self.request, _("Your changes were not saved: see what is marked below."))
        return super().form_invalid(form)


class BeraadDetailView(RoleRequiredMixin, BeraadMixin, TemplateView):
    allowed_roles = ALL_ROLES
    template_name = "deliberation/beraad_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        beraad = self.get_beraad()
        user = self.request.user
        context.update(
            beraad=beraad,
            intake=selectors.intake_overview(beraad=beraad, fetched_by=user),
            carried_over=selectors.carried_over(beraad=beraad, fetched_by=user),
            statuses=selectors.theme_statuses(beraad) if beraad.is_started else [],
            is_chair=user.role == Role.CHAIR,
            transitions=TRANSITIONS,
        )
        return context


class Transition(NamedTuple):
    """A step in the life of a beraad, as the pages show it."""

    service: Callable
    source: str  # the state it starts from
    label: str  # the button
    explanation: str  # what happens, on the confirmation page
    done: str  # the message afterwards
    busy: str  # shown while the step runs


# name in the URL → the step. Every step is final: there is no way back to an earlier state.
TRANSITIONS = {
    "voorbereiden": Transition(
        services.beraad_open_intake,
        BeraadState.GEPLAND,
        gettext_lazy("Open the intake"),
        gettext_lazy("The bodies can then submit their signals for this beraad."),
        gettext_lazy("The intake is open: the bodies can submit their signals."),
        gettext_lazy("Opening the intake…"),
    ),
    "starten": Transition(
        services.beraad_start,
        BeraadState.VOORBEREIDING,
        gettext_lazy("Start the beraad"),
        gettext_lazy(
            "The submitted signals are included and every participating body can see them. "
            "They can no longer be withdrawn."
        ),
        gettext_lazy("The beraad has started. The signals are in the workspace."),
        gettext_lazy("Starting the beraad and including the signals…"),
    ),
    "concept-memo": Transition(
        services.beraad_draft_memo,
        BeraadState.IN_BERAAD,
        gettext_lazy("Draft the memo"),
        gettext_lazy("The rode draden, analyses and recommendations go into a draft memo."),
        gettext_lazy("The beraad now has a draft memo."),
        gettext_lazy("Moving the beraad to the draft memo…"),
    ),
    "vaststellen": Transition(
        services.beraad_adopt,
        BeraadState.CONCEPT_MEMO,
        gettext_lazy("Adopt"),
        gettext_lazy(
            "The content is frozen as it is now: signals, tags, analyses and "
            "recommendations. This cannot be undone."
        ),
        gettext_lazy("The beraad was adopted and its content frozen."),
        gettext_lazy("Adopting the beraad and freezing its content…"),
    ),
    "delen": Transition(
        services.beraad_share,
        BeraadState.VASTGESTELD,
        gettext_lazy("Share with the readers"),
        gettext_lazy("The mayor and the executive board can then read the memo and respond."),
        gettext_lazy("The beraad was shared with the readers."),
        gettext_lazy("Sharing the beraad with the readers…"),
    ),
}


class BeraadTransitionView(RoleRequiredMixin, BeraadMixin, TemplateView):
    """A step in the life of a beraad: asked for confirmation first, then done."""

    allowed_roles = CHAIR
    template_name = "deliberation/beraad_transition.html"

    def get_transition(self):
        try:
            return TRANSITIONS[self.kwargs["action"]]
        except KeyError:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transition = self.get_transition()
        context.update(
            beraad=self.get_beraad(),
            transition=transition,
            label=transition.label,
            explanation=transition.explanation,
        )
        return context

    def post(self, request, *args, **kwargs):
        transition = self.get_transition()
        beraad = self.get_beraad()
        with service_errors(request) as call:
            transition.service(beraad=beraad, user=request.user)
        if not call.refused:
            messages.success(request, transition.done)
        return redirect(beraad)


class IntakeCompleteView(RoleRequiredMixin, BeraadMixin, View):
    """A body says its submission is complete: asked first (GET ?body=…), done on POST. It
    cannot be undone."""

    allowed_roles = (Role.MEMBER,)
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        beraad = self.get_beraad()
        body_id = request.GET.get("body", "")
        row = next(
            (
                row
                for row in selectors.intake_overview(beraad=beraad, fetched_by=request.user)
                if row.is_own and body_id.isdecimal() and row.body.pk == int(body_id)
            ),
            None,
        )
        if row is None:
            raise Http404
        if row.completed:
            messages.info(
                request,
                _("%(body)s has said already that its submission is complete.")
                % {"body": row.body.name},
            )
            return redirect(beraad)
        if beraad.state != BeraadState.VOORBEREIDING:
            messages.error(
                request, _("Signals can be submitted only while the beraad is in preparation.")
            )
            return redirect(beraad)
        return TemplateResponse(
            request, "deliberation/intake_confirm.html", {"beraad": beraad, "row": row}
        )

    def post(self, request, *args, **kwargs):
        from signals.models import OversightBody

        beraad = self.get_beraad()
        body_id = request.POST.get("body", "")
        if not body_id.isdecimal():
            raise Http404
        body = get_object_or_404(OversightBody.objects.for_user(request.user), pk=int(body_id))
        with service_errors(request) as call:
            services.intake_complete(beraad=beraad, body=body, user=request.user)
        if not call.refused:
            messages.success(
                request,
                _("Thank you: %(body)s has submitted its signals for this beraad.")
                % {"body": body.name},
            )
        return redirect(beraad)


# --- The tagging workspace -----------------------------------------------------------------------
GROUPS = {
    "body": gettext_lazy("body"),
    "aspect": gettext_lazy("aspect"),
    "unit": gettext_lazy("organisation unit"),
}


class WorkspaceMixin(RoleRequiredMixin, BeraadMixin):
    allowed_roles = CHAIR


def workspace_labels(beraad) -> dict:
    """What every signal of the workspace repeats, worked out once per page (hundreds of
    signals would otherwise reverse the same URLs and translate the same words each)."""
    return {
        "tag_url": reverse("deliberation:tag", kwargs={"pk": beraad.pk}),
        "new_theme_url": reverse("deliberation:tag-new-theme", kwargs={"pk": beraad.pk}),
        "label_remove": _("remove"),
        "label_suggested": _("Suggested"),
        "label_accept": _("accept the suggestion"),
        "label_add_to": _("Add a theme to"),
        "label_themes_of": _("Themes of"),
        "label_placeholder": _("Theme: choose or type a new one"),
        "label_tag": _("Tag"),
        "label_no_theme": _("No theme."),
        "label_cases": _("cases:"),
        "label_good_practice": _("good practice"),
    }


class WorkspaceView(WorkspaceMixin, TemplateView):
    template_name = "deliberation/workspace.html"

    def get(self, request, *args, **kwargs):
        beraad = selectors.beraad_get(pk=kwargs["pk"], fetched_by=request.user, with_bodies=False)
        if beraad is None:
            raise Http404
        if not beraad.is_started:
            raise Http404  # no signals to tag before the beraad starts
        # The whole page from the page cache while nothing changed (rodedraden.pagecache).
        context = functools.partial(self.get_context_data, beraad, **kwargs)
        return cached_page(request, self.template_name, context, params={"groep": tuple(GROUPS)})

    def get_context_data(self, beraad, **kwargs):
        context = super().get_context_data(**kwargs)
        prefetch_related_objects([beraad], "bodies")  # the matrix's columns
        workspace = selectors.workspace(beraad=beraad, fetched_by=self.request.user)
        group = self.request.GET.get("groep", "body")
        group = group if group in GROUPS else "body"
        context.update(workspace_labels(beraad))
        context.update(
            beraad=beraad,
            ws=workspace,
            matrix=workspace.matrix,
            groups=GROUPS,
            group=group,
            grouped=selectors.group_inclusions(workspace.inclusions, group),
        )
        return context


class TagView(WorkspaceMixin, View):
    """Tag or untag a signal (htmx: answers with the signal's tags and the live matrix;
    without JavaScript: back to the workspace)."""

    http_method_names = ["post"]
    form = None  # a form whose findings the answer shows (TagNewThemeView)

    def post(self, request, *args, **kwargs):
        beraad = self.get_beraad()
        inclusion = None
        with service_errors() as call:
            inclusion = self.apply(beraad, request)
        error = refusal_text(call.error) if call.refused else None
        if not request.htmx and self.form is not None and self.form.findings:
            return self.findings_page(beraad)
        if not request.htmx:  # htmx shows the change in place; a reload says it
            if error:
                messages.error(request, error)
            else:
                messages.success(request, self.done)
            url = reverse("deliberation:workspace", kwargs={"pk": beraad.pk})
            anchor = f"#signaal-{inclusion.pk}" if inclusion else ""
            return HttpResponseRedirect(url + anchor)
        if inclusion is None:
            inclusion = self.inclusion(beraad, request.POST.get("inclusion"))
        context = {
            **workspace_labels(beraad),
            "beraad": beraad,
            "inclusion": selectors.inclusion_with_tags(inclusion),
            "matrix": selectors.matrix(beraad),
            "error": error,
            "oob": True,
            "new_theme_form": self.form,
        }
        return TemplateResponse(request, "deliberation/includes/tag_response.html", context)

    def findings_page(self, beraad):
        """Without JavaScript: the form with its findings panel, on a page of its own."""
        raise NotImplementedError

    def inclusion(self, beraad, pk) -> BeraadSignal:
        try:
            return (
                BeraadSignal.objects.for_user(self.request.user)
                .select_related("signal")
                .get(beraad=beraad, pk=int(pk))
            )
        except (BeraadSignal.DoesNotExist, TypeError, ValueError):
            raise Http404 from None

    def apply(self, beraad, request) -> BeraadSignal:
        form = TagForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("This tag could not be read. Reload the page."))
        inclusion = self.inclusion(beraad, form.cleaned_data["inclusion"])
        theme = get_object_or_404(Theme, pk=form.cleaned_data["theme"])
        tagged = form.cleaned_data["tagged"]
        services.tag_set(
            beraad=beraad, inclusion=inclusion, theme=theme, user=request.user, tagged=tagged
        )
        names = {"theme": theme.name, "signal": inclusion.signal.title}
        self.done = (
            _("“%(signal)s” now has the theme “%(theme)s”.") % names
            if tagged
            else _("The theme “%(theme)s” was taken off “%(signal)s”.") % names
        )
        return inclusion


# The name may hold personal data: it stays out of error reports and caches.
@private_post
@no_store
class TagNewThemeView(TagView):
    """Tag a signal with a new theme. A name with personal data is refused with the findings
    panel (in the fragment, or without JavaScript on a page of its own); accepting the
    proposed redaction tags the signal with the redacted name."""

    # Refusals that say themselves what is wrong; for the others, one message.
    OWN_MESSAGES = ("personal_data", "control_characters", "mixed_scripts")

    def apply(self, beraad, request) -> BeraadSignal:
        inclusion = self.inclusion(beraad, request.POST.get("inclusion"))
        self.inclusion_refused = inclusion
        # Ids of its own: every signal of the workspace has this form.
        self.form = form = NewThemeTagForm(request.POST, auto_id=f"new-theme-{inclusion.pk}-%s")
        if not form.is_valid():
            if any(form.has_error("name", code) for code in self.OWN_MESSAGES):
                raise ValidationError(form.errors["name"])
            raise ValidationError(_("Type the name of a theme (at most 120 characters)."))
        try:
            theme = services.tag_with_new_theme(
                beraad=beraad,
                inclusion=inclusion,
                user=request.user,
                name=form.cleaned_data["name"],
            )
        except PersonalDataFound as error:
            form.add_personal_data(error)
            raise
        self.done = _("“%(signal)s” now has the theme “%(theme)s”.") % {
            "theme": theme.name,
            "signal": inclusion.signal.title,
        }
        if form.redacted:
            self.done += " " + _("Personal data in the name was replaced by placeholders.")
        return inclusion

    def findings_page(self, beraad):
        return TemplateResponse(
            self.request,
            "deliberation/new_theme_form.html",
            {"beraad": beraad, "inclusion": self.inclusion_refused, "form": self.form},
        )


# --- A rode draad: analysis and recommendations -------------------------------------------------
@private_post
@no_store
class RodeDraadView(WorkspaceMixin, TemplateView):
    template_name = "deliberation/rode_draad.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role == Role.CHAIR:
            self.beraad = self.get_beraad()
            self.theme = get_object_or_404(Theme, pk=kwargs["theme"])
            self.inclusions = (
                BeraadSignal.objects.for_user(request.user)
                .filter(beraad=self.beraad, tags__theme=self.theme)
                .select_related("signal", "body")
            )
            if not self.beraad.is_started:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.beraad.snapshot:  # adopted: as it was adopted, whatever changed since
            status = next(
                (s for s in selectors.theme_statuses(self.beraad) if s.theme.pk == self.theme.pk),
                None,
            )
            context.update(
                beraad=self.beraad,
                theme=self.theme,
                status=status,
                frozen=selectors.frozen_rode_draad(self.beraad, self.theme.pk),
            )
            return context
        analysis = selectors.analyses_by_theme(self.beraad).get(self.theme.pk)
        status = next(
            (s for s in selectors.theme_statuses(self.beraad) if s.theme.pk == self.theme.pk),
            None,
        )
        context.setdefault(
            "analysis_form",
            AnalysisForm(
                inclusions=self.inclusions,
                initial={
                    "version": analysis.version if analysis else 0,
                    "text": analysis.text if analysis else "",
                    "examples": list(analysis.examples.all()) if analysis else [],
                },
            ),
        )
        context.setdefault("recommendation_form", RecommendationForm())
        context.update(
            beraad=self.beraad,
            theme=self.theme,
            status=status,
            inclusions=self.inclusions,
            recommendations=selectors.recommendations_by_theme(self.beraad).get(self.theme.pk, []),
        )
        return context

    @idempotent  # the recommendation form carries a key (the analysis form has a version)
    def post(self, request, *args, **kwargs):
        if self.beraad.is_frozen:  # adopted in the meantime (in another tab, say)
            messages.error(
                request, _("This beraad has been adopted; its content can no longer change.")
            )
            return redirect(request.path)
        if "add_recommendation" in request.POST:
            return self.add_recommendation(request)
        form = AnalysisForm(request.POST, inclusions=self.inclusions)
        if form.is_valid():
            changed = _(
                "Someone else saved this analysis while you were editing it. Your text is "
                "still in the form; if you save again, it replaces theirs."
            )
            with service_errors(
                form=form, conflict=services.Conflict, conflict_message=changed
            ) as call:
                services.analysis_save(
                    beraad=self.beraad,
                    theme=self.theme,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    text=form.cleaned_data["text"],
                    example_ids=[inclusion.pk for inclusion in form.cleaned_data["examples"]],
                )
            if not call.refused:
                messages.success(request, _("The analysis was saved."))
                say_if_redacted(request, form)
                return redirect(request.path)
        messages.error(request, _("The analysis was not saved: see what is marked below."))
        return self.render_to_response(self.get_context_data(analysis_form=form))

    def add_recommendation(self, request):
        form = RecommendationForm(request.POST)
        if form.is_valid():
            with service_errors(form=form) as call:
                services.recommendation_create(
                    beraad=self.beraad,
                    theme=self.theme,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    addressee=form.cleaned_data["addressee"],
                    directorate=form.cleaned_data.get("directorate"),
                )
            if not call.refused:
                messages.success(request, _("The recommendation was added."))
                say_if_redacted(request, form)
                return redirect(request.path)
        messages.error(request, _("The recommendation was not added: see what is marked below."))
        return self.render_to_response(self.get_context_data(recommendation_form=form))


FROZEN_RECOMMENDATION = gettext_lazy(
    "This beraad has been adopted; its content can no longer change."
)


class RecommendationDeleteView(RoleRequiredMixin, View):
    """Removing a recommendation is asked first (GET); it cannot be undone."""

    allowed_roles = CHAIR

    def get_recommendation(self):
        recommendation = selectors.recommendation_get(
            pk=self.kwargs["pk"], fetched_by=self.request.user
        )
        if recommendation is None:
            raise Http404
        return recommendation

    def rode_draad_url(self, recommendation) -> str:
        return reverse(
            "deliberation:rode-draad",
            kwargs={"pk": recommendation.beraad_id, "theme": recommendation.theme_id},
        )

    def get(self, request, *args, **kwargs):
        recommendation = self.get_recommendation()
        if recommendation.beraad.is_frozen:
            messages.error(request, FROZEN_RECOMMENDATION)
            return redirect(self.rode_draad_url(recommendation))
        return TemplateResponse(
            request,
            "deliberation/recommendation_confirm_delete.html",
            {
                "recommendation": recommendation,
                "beraad": recommendation.beraad,
                "back": self.rode_draad_url(recommendation),
            },
        )

    def post(self, request, *args, **kwargs):
        recommendation = self.get_recommendation()
        target = self.rode_draad_url(recommendation)
        with service_errors(request) as call:
            services.recommendation_delete(recommendation=recommendation, user=request.user)
        if not call.refused:
            messages.success(request, _("The recommendation was removed."))
        return redirect(target)


# --- The theme catalogue -------------------------------------------------------------------------
class ThemeListView(IdempotentMixin, RoleRequiredMixin, FormView):
    allowed_roles = CHAIR
    template_name = "deliberation/theme_list.html"
    form_class = ThemeForm

    def get_context_data(self, **kwargs):
        themes = selectors.theme_list(fetched_by=self.request.user)
        page = paginate(self.request, themes.filter(merged_into__isnull=True), per_page=50)
        merged = paginate(
            self.request,
            themes.filter(merged_into__isnull=False),
            per_page=25,
            param="samengevoegd",
        )
        return super().get_context_data(
            page=page,
            themes=page.object_list,
            merged_page=merged,
            merged=merged.object_list,
            **kwargs,
        )

    def form_valid(self, form):
        with service_errors(form=form) as call:
            theme = services.theme_create(
                user=self.request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        if call.refused:
            return self.form_invalid(form)
        messages.success(self.request, _("The theme “%(name)s” was added.") % {"name": theme})
        say_if_redacted(self.request, form)
        return redirect("deliberation:theme-list")

    def form_invalid(self, form):
        messages.error(self.request, _("The theme was not added: see what is marked below."))
        return super().form_invalid(form)


class ThemeDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = CHAIR
    template_name = "deliberation/theme_detail.html"

    def get_theme(self):
        return get_object_or_404(
            selectors.theme_list(fetched_by=self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        theme = self.get_theme()
        context.setdefault("form", ThemeForm(instance=theme))
        context.setdefault("merge_form", ThemeMergeForm(theme=theme))
        page = paginate(
            self.request, theme.events.select_related("by").order_by("-at", "-pk"), per_page=25
        )
        context.update(
            theme=theme,
            page=page,
            events=page.object_list,
            sessions=selectors.theme_sessions(theme=theme, fetched_by=self.request.user),
        )
        return context

    def post(self, request, *args, **kwargs):
        theme = self.get_theme()
        if "merge" in request.POST:
            form = ThemeMergeForm(request.POST, theme=theme)
            if form.is_valid() and "confirm" not in request.POST:
                # First what the merge moves, and that it cannot be undone; the form there
                # posts again with ``confirm``.
                return TemplateResponse(
                    request,
                    "deliberation/theme_merge_confirm.html",
                    {
                        "theme": theme,
                        "target": form.cleaned_data["target"],
                        "effect": selectors.theme_merge_effect(theme),
                    },
                )
            if form.is_valid():
                with service_errors(form=form) as call:
                    target = services.theme_merge(
                        source=theme, target=form.cleaned_data["target"], user=request.user
                    )
                if not call.refused:
                    messages.success(
                        request,
                        _("“%(source)s” was merged into “%(target)s”.")
                        % {"source": theme.name, "target": target.name},
                    )
                    return redirect(target)
            messages.error(request, _("The themes were not merged: see what is marked below."))
            return self.render_to_response(self.get_context_data(merge_form=form))
        form = ThemeForm(request.POST, instance=theme)
        if form.is_valid():
            with service_errors(form=form) as call:
                services.theme_update(
                    theme=theme,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
            if not call.refused:
                messages.success(request, _("The theme was saved."))
                say_if_redacted(request, form)
                return redirect(theme)
        messages.error(request, _("The theme was not saved: see what is marked below."))
        return self.render_to_response(self.get_context_data(form=form))


# --- Follow-up -----------------------------------------------------------------------------------
class RecommendationListView(RoleRequiredMixin, PaginationMixin, ListView):
    allowed_roles = (Role.CHAIR, Role.READER, Role.ADMIN)
    template_name = "deliberation/recommendation_list.html"
    context_object_name = "recommendations"
    paginate_by = 50

    def get_queryset(self):
        recommendations = selectors.recommendation_list(fetched_by=self.request.user)
        status = self.request.GET.get("status")
        if status in RecommendationStatus.values:
            recommendations = recommendations.filter(status=status)
        return recommendations

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status")
        return super().get_context_data(
            statuses=RecommendationStatus.choices,
            status=status,
            status_label=dict(RecommendationStatus.choices).get(status),
            **kwargs,
        )


@private_post
@no_store
class RecommendationDetailView(IdempotentMixin, RoleRequiredMixin, FormView):
    allowed_roles = (Role.CHAIR, Role.READER, Role.ADMIN)
    template_name = "deliberation/recommendation_detail.html"
    form_class = ResponseForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.recommendation = selectors.recommendation_get(
                pk=kwargs["pk"], fetched_by=request.user
            )
            if self.recommendation is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.recommendation
        return kwargs

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_respond = (
            user.role in (Role.READER, Role.CHAIR)
            and self.recommendation.beraad.state == BeraadState.GEDEELD
        )
        return super().get_context_data(
            recommendation=self.recommendation,
            can_respond=can_respond,
            recurrence=selectors.recurrence_after(
                recommendation=self.recommendation, fetched_by=user
            ),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        changed = _(
            "Someone else saved a response in the meantime. Your answer is still in the form; "
            "if you save again, it replaces theirs."
        )
        with service_errors(
            form=form, conflict=services.Conflict, conflict_message=changed
        ) as call:
            services.recommendation_respond(
                recommendation=self.recommendation,
                user=self.request.user,
                version=data["version"],
                response=data["response"],
                response_reason=data.get("response_reason", ""),
                owner=data.get("owner", ""),
                due_date=data.get("due_date"),
                progress=data.get("progress", ""),
                status=data["status"],
            )
        if call.refused:
            return self.form_invalid(form)
        messages.success(self.request, _("The response was saved."))
        say_if_redacted(self.request, form)
        return redirect(self.recommendation)

    def form_invalid(self, form):
        messages.error(self.request, _("The response was not saved: see what is marked below."))
        return super().form_invalid(form)
