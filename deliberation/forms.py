"""Forms of the deliberation app (no business logic: the services decide)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from signals.forms import DateInput
from signals.guard import GuardedFormField, GuardedFormMixin
from signals.models import OrganisationUnit, OversightBody

from .models import (
    Addressee,
    Beraad,
    BeraadSignal,
    Recommendation,
    RecommendationStatus,
    Response,
    Theme,
)

# Every free text of the beraad is at most this long: the personal-data scan of a text is
# linear, but without a bound one request could still keep a worker busy.
TEXT_MAX_LENGTH = 10_000


def limited_text(model_field, **kwargs):
    """ModelForm fields as Django makes them, with a maximum length for every TextField."""
    if isinstance(model_field, models.TextField):
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
    return model_field.formfield(**kwargs)


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if fields:
        helper.layout = Layout(*fields)
    return helper


class BeraadForm(GuardedFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = limited_text
        model = Beraad
        fields = (
            "title",
            "season",
            "year",
            "date",
            "period_start",
            "period_end",
            "submission_deadline",
            "bodies",
            "min_bodies",
            "agenda",
            "attendance",
            "minutes",
            "summary",
        )
        widgets = {
            "date": DateInput,
            "period_start": DateInput,
            "period_end": DateInput,
            "submission_deadline": DateInput,
            "bodies": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "attendance": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "summary": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bodies"].queryset = OversightBody.objects.filter(is_active=True)
        creating = self.instance.pk is None
        if creating:
            for name in ("attendance", "minutes", "summary"):
                del self.fields[name]
        else:
            del self.fields["season"]
            del self.fields["year"]
            self.initial.setdefault("version", self.instance.version)
            if self.instance.is_started:
                for name in ("period_start", "period_end", "bodies"):
                    self.fields[name].disabled = True
        dates = Div(
            Div("date", css_class="col-sm-6"),
            Div("submission_deadline", css_class="col-sm-6"),
            Div("period_start", css_class="col-sm-6"),
            Div("period_end", css_class="col-sm-6"),
            css_class="row",
        )
        parts = [
            Fieldset(_("The session"), "title", *(["season", "year"] if creating else []), dates),
            Fieldset(_("Who takes part"), "bodies", "min_bodies"),
            Fieldset(_("Agenda"), "agenda"),
        ]
        if not creating:
            parts.append(Fieldset(_("The meeting"), "attendance", "minutes", "summary"))
        self.helper = _helper(*parts, "version")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        deadline, meeting = cleaned.get("submission_deadline"), cleaned.get("date")
        if deadline and meeting and deadline > meeting:
            self.add_error("submission_deadline", _("The deadline must fall before the meeting."))
        return cleaned

    def _post_clean(self):
        pass  # the services validate and save


class ThemeForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = limited_text
        model = Theme
        fields = ("name", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def _post_clean(self):
        pass  # uniqueness (case-insensitive) and history are the service's


class ThemeMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Theme.objects.none(),
        help_text=_("Every tag, analysis and recommendation of this theme moves to that one."),
    )

    def __init__(self, *args, theme: Theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Theme.objects.active().exclude(pk=theme.pk)
        self.helper = _helper()


class TagForm(forms.Form):
    inclusion = forms.IntegerField(widget=forms.HiddenInput)
    theme = forms.IntegerField(widget=forms.HiddenInput)
    tagged = forms.TypedChoiceField(
        choices=(("1", "1"), ("0", "0")), coerce=lambda value: value == "1"
    )


class NewThemeTagForm(GuardedFormMixin, forms.Form):
    """The workspace's field that tags a signal with a new theme (rendered by hand in
    deliberation/includes/signal_tags.html, with the findings panel when the name holds
    personal data)."""

    inclusion = forms.IntegerField(widget=forms.HiddenInput)
    name = GuardedFormField(max_length=120, label=_("Theme"))


class AnalysisForm(GuardedFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = GuardedFormField(
        label=_("Analysis"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Why this is a rode draad and what it means for the organisation."),
    )
    examples = forms.ModelMultipleChoiceField(
        label=_("Example signals for the memo"),
        queryset=BeraadSignal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, inclusions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["examples"].queryset = inclusions
        self.fields["examples"].label_from_instance = lambda inclusion: (
            f"{inclusion.signal.title} ({inclusion.body.name})"
        )
        self.helper = _helper()


class RecommendationForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = limited_text
        model = Recommendation
        fields = ("text", "addressee", "directorate")
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "addressee": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        # It shares its page with the analysis form, whose text field is id_text too: the ids
        # (and so the labels) must be its own.
        kwargs.setdefault("auto_id", "id_recommendation_%s")
        super().__init__(*args, **kwargs)
        self.fields["addressee"].choices = Addressee.choices
        self.fields["directorate"].queryset = OrganisationUnit.objects.filter(
            parent__isnull=True, is_active=True
        )
        self.fields["directorate"].help_text = _("Only when the addressee is a directorate.")
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("addressee") == Addressee.DIRECTIE and not cleaned.get("directorate"):
            self.add_error("directorate", _("Choose the directorate."))
        return cleaned

    def _post_clean(self):
        pass


class ResponseForm(GuardedFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        formfield_callback = limited_text
        model = Recommendation
        fields = ("response", "response_reason", "owner", "due_date", "status", "progress")
        widgets = {
            "response": forms.RadioSelect,
            "response_reason": forms.Textarea(attrs={"rows": 3}),
            "due_date": DateInput,
            "progress": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = Response.choices
        self.fields["response"].required = True
        self.fields["status"].choices = RecommendationStatus.choices
        self.initial.setdefault("version", self.instance.version)
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("response") in ("deels", "niet")
            and not (cleaned.get("response_reason") or "").strip()
        ):
            self.add_error(
                "response_reason",
                _("Give the reason when a recommendation is not adopted fully."),
            )
        return cleaned

    def _post_clean(self):
        pass
