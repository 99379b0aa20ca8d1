"""Forms of the signals app: the signal form (with the anonymisation guard), the workspace
filters and the import. No business logic: the services decide and save."""

from __future__ import annotations

import copy

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from .bodies import CLASSIFICATION_KEY, BodyKind
from .guard import GuardedFormField, GuardedFormMixin
from .models import Aspect, OrganisationUnit, OversightBody, Signal, SignalState
from .search import MAX_QUERY_LENGTH, search

DETAILS_PREFIX = "details_"
CLASSIFICATION_FIELD = DETAILS_PREFIX + CLASSIFICATION_KEY
# The free-text fields of the form, in the order they are shown.
TEXT_FIELDS = ("title", "description", "source_reference")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def classification_field(kind: BodyKind) -> forms.Field:
    if kind.taxonomy:
        choices = [
            (str(group), [(category.code, category.label) for category in categories])
            if group
            else None
            for group, categories in kind.taxonomy_groups()
        ]
        if None in choices:  # no clusters: a flat list
            choices = [(category.code, category.label) for category in kind.taxonomy]
        return forms.MultipleChoiceField(
            label=kind.taxonomy_label,
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Classify the signal by your body's own yardstick."),
        )
    return GuardedFormField(
        label=_("Own classification"),
        required=False,
        max_length=300,
        help_text=_("Your own terms, separated by semicolons."),
    )


class SignalForm(GuardedFormMixin, forms.ModelForm):
    """A signal of one body, with that body's own classification and extra fields.

    Every free-text field is guarded (signals.guard): when one holds personal data the form
    is invalid and ``findings`` holds what was found per field; posting again with
    ``accept_redaction`` saves the redacted text. The raw text is never saved.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The page shows the non-field errors above the findings (templates/bootstrap5/errors.html).
    non_field_errors_shown = True

    class Meta:
        model = Signal
        fields = (
            "title",
            "description",
            "is_positive",
            "aspects",
            "organisation_units",
            "period_start",
            "period_end",
            "case_count",
            "impact",
            "source_reference",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 7}),
            "aspects": forms.CheckboxSelectMultiple,
            "organisation_units": forms.SelectMultiple(attrs={"size": 8}),
            "period_start": DateInput,
            "period_end": DateInput,
            "impact": forms.RadioSelect,
        }

    def __init__(self, *args, body: OversightBody, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        self.kind = body.kind_spec
        instance = self.instance if self.instance.pk else None

        # Inactive aspects and units stay on the signals that have them.
        aspects = Q(is_active=True)
        units = Q(is_active=True)
        if instance is not None:
            aspects |= Q(pk__in=instance.aspects.values("pk"))
            units |= Q(pk__in=instance.organisation_units.values("pk"))
        self.fields["aspects"].queryset = Aspect.objects.filter(aspects)
        self.fields["organisation_units"].queryset = OrganisationUnit.objects.filter(
            units
        ).select_related("parent")
        self.fields["organisation_units"].help_text = _(
            "Hold Ctrl (or Cmd) to choose more than one."
        )
        self.fields["description"].widget.attrs["maxlength"] = Signal.DESCRIPTION_MAX_LENGTH
        self.fields["case_count"].widget.attrs["min"] = 0

        details = instance.details if instance is not None else {}
        self.fields[CLASSIFICATION_FIELD] = classification_field(self.kind)
        classification = details.get(CLASSIFICATION_KEY, [])
        self.initial.setdefault(
            CLASSIFICATION_FIELD,
            classification if self.kind.taxonomy else "; ".join(classification),
        )
        for name, form_field in self.kind.details_fields().items():
            self.fields[DETAILS_PREFIX + name] = copy.deepcopy(form_field)
            if name in details:
                self.initial.setdefault(DETAILS_PREFIX + name, details[name])
        if instance is not None:
            self.initial.setdefault("version", instance.version)

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        detail_names = [DETAILS_PREFIX + name for name in self.kind.details_fields()]
        self.helper.layout = Layout(
            Fieldset(_("The signal"), "title", "description", "is_positive"),
            Fieldset(
                _("Classification"),
                "aspects",
                CLASSIFICATION_FIELD,
                "organisation_units",
            ),
            Fieldset(
                _("Scope"),
                Div(
                    Div("period_start", css_class="col-sm-6"),
                    Div("period_end", css_class="col-sm-6"),
                    css_class="row",
                ),
                "case_count",
                "impact",
                "source_reference",
            ),
            *(
                [Fieldset(_("Details for %(kind)s") % {"kind": self.kind.label}, *detail_names)]
                if detail_names
                else []
            ),
            "version",
        )

    # --- cleaning -----------------------------------------------------------------------------
    @method_decorator(sensitive_variables())
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if self.findings:  # each field says what it holds; this says what to do
            raise ValidationError(
                _(
                    "The text contains personal data. Rewrite it, or accept the proposed "
                    "redaction below."
                ),
                code="personal_data",
            )
        if self.errors:
            return cleaned
        cleaned["details"] = self._details(cleaned)
        return cleaned

    def _details(self, cleaned) -> dict:
        details = {}
        for name in self.kind.details_fields():
            value = cleaned.get(DETAILS_PREFIX + name)
            if value not in (None, ""):
                details[name] = value
        classification = cleaned.get(CLASSIFICATION_FIELD) or []
        if isinstance(classification, str):
            classification = [part.strip() for part in classification.split(";") if part.strip()]
        if classification:
            details[CLASSIFICATION_KEY] = list(classification)
        return details

    def _post_clean(self):
        # The services save; the model instance of the form is never touched.
        pass

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "case_count": data["case_count"],
            "impact": data["impact"],
            "source_reference": data.get("source_reference", ""),
            "is_positive": data.get("is_positive", False),
            "aspects": data.get("aspects", []),
            "organisation_units": data.get("organisation_units", []),
            "details": data["details"],
        }


class SignalActionForm(forms.Form):
    """Submit, withdraw or delete: only the version the user looked at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SignalFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", max_length=MAX_QUERY_LENGTH
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=SignalState.choices, empty_label=_("All states")
    )
    aspect = django_filters.ModelChoiceFilter(
        label=_("Aspect"),
        field_name="aspects",
        queryset=Aspect.objects.all(),
        empty_label=_("All aspects"),
    )
    organisation_unit = django_filters.ModelChoiceFilter(
        label=_("Organisation unit"),
        field_name="organisation_units",
        queryset=OrganisationUnit.objects.select_related("parent"),
        empty_label=_("All units"),
    )
    period_from = django_filters.DateFilter(
        label=_("Observed from"),
        field_name="period_end",
        lookup_expr="gte",
        widget=DateInput,
    )
    period_until = django_filters.DateFilter(
        label=_("Observed until"),
        field_name="period_start",
        lookup_expr="lte",
        widget=DateInput,
    )
    nature = django_filters.ChoiceFilter(
        label=_("Positive or negative"),
        choices=(("positief", _("positive signals")), ("negatief", _("problems"))),
        empty_label=_("Both"),
        method="filter_nature",
    )

    class Meta:
        model = Signal
        fields = ()

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_nature(self, queryset, name, value):
        return queryset.filter(is_positive=value == "positief")


class SignalImportForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV or Excel (.xlsx) file in the layout of the template, at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    accept_redactions = forms.BooleanField(
        label=_("Replace personal data by placeholders"),
        required=False,
        help_text=_(
            "Without this, a row that holds personal data is refused. With it, names, "
            "numbers and addresses are replaced by [NAAM], [BSN], [ADRES] and the like."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
        if upload.size == 0:
            raise ValidationError(_("The file is empty."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Choose a CSV file or an Excel file (.xlsx)."))
        return upload
