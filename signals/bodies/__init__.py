"""The registry of body kinds.

Every kind of oversight body is one module in this package (``rekenkamer.py``, ``fg.py``, …)
that defines ``KIND``, an instance of :class:`BodyKind`: its label, what it is, its own
yardstick (taxonomy), the extra fields of its signals (a form whose cleaned data is stored in
``Signal.details``) and its headline figures. Adding a kind of body is adding one module;
nothing else changes, and no migration is needed because ``OversightBody.kind`` takes its
choices from this registry.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from django import forms
from django.db.models import Aggregate, BooleanField, Count, F, FloatField, Func, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import QuerySet

# The key in Signal.details under which a signal's classification by the body's own
# yardstick is stored (taxonomy codes, or free labels for a body without a taxonomy).
CLASSIFICATION_KEY = "indeling"


class NoDetails(forms.Form):
    """A body kind without extra fields."""


@dataclass(frozen=True)
class SignalFacts:
    """What headline figures are computed from: the number of cases and the details."""

    case_count: int
    details: Mapping


@dataclass(frozen=True)
class HeadlineFigure:
    """One of a body's headline figures, computed over a set of its signals.

    ``compute`` returns a number, or None when there is nothing to compute it from; ``unit``
    is "", "%" or "dagen"/"days" and decides how the number is shown.
    """

    code: str
    label: str | Promise
    # A Computation is computed in the database as well; any other callable over the facts.
    compute: Callable[[list[SignalFacts]], float | int | None]
    unit: str = ""


class Computation:
    """How a headline figure is computed: over a list of facts (called with it: the memo, from
    a snapshot) and in the database, as aggregates over a queryset of signals (the body's
    workspace, whatever the number of its signals). Both give the same figure."""

    def __call__(self, facts: list[SignalFacts]) -> float | int | None:
        raise NotImplementedError

    def aggregates(self) -> dict[str, Aggregate]:
        """The aggregates the figure is computed from, by name."""
        raise NotImplementedError

    def result(self, values: Mapping[str, object]) -> float | int | None:
        """The figure from the values of :meth:`aggregates`."""
        raise NotImplementedError


def _detail(key: str) -> str:
    return f"details__{key}"


class _SignalCount(Computation):
    def __call__(self, facts):
        return len(facts)

    def aggregates(self):
        return {"signals": Count("pk")}

    def result(self, values):
        return values["signals"]


class _TotalCases(Computation):
    def __call__(self, facts):
        return sum(fact.case_count for fact in facts)

    def aggregates(self):
        return {"cases": Sum("case_count")}

    def result(self, values):
        return values["cases"] or 0


class _CasesWhere(Computation):
    def __init__(self, key: str, values: tuple):
        self.key, self.values = key, values

    def __call__(self, facts):
        return sum(fact.case_count for fact in facts if fact.details.get(self.key) in self.values)

    def aggregates(self):
        hits = Q(**{f"{_detail(self.key)}__in": self.values})
        return {"hits": Sum("case_count", filter=hits)}

    def result(self, values):
        return values["hits"] or 0


class _ShareWhere(_CasesWhere):
    """The percentage of cases with one of ``values``, of the cases where ``key`` is known."""

    def __call__(self, facts):
        known = [fact for fact in facts if fact.details.get(self.key) not in (None, "")]
        total = sum(fact.case_count for fact in known)
        if not total:
            return None
        hits = sum(fact.case_count for fact in known if fact.details.get(self.key) in self.values)
        return round(100 * hits / total, 1)

    def aggregates(self):
        detail = _detail(self.key)
        known = Q(**{f"{detail}__isnull": False}) & ~Q(**{detail: None}) & ~Q(**{detail: ""})
        return {**super().aggregates(), "known": Sum("case_count", filter=known)}

    def result(self, values):
        if not values["known"]:
            return None
        return round(100 * (values["hits"] or 0) / values["known"], 1)


class _IsNumber(Func):
    """Whether ``details[key]`` is a JSON number (SQLite and PostgreSQL)."""

    output_field = BooleanField()

    def __init__(self, key: str):
        self.key = key
        super().__init__(F("details"))

    def as_sql(self, compiler, connection, **extra_context):
        # Dispatched here: an aggregate's filter compiles its condition with as_sql itself.
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"jsonb_typeof({sql} -> %s) = 'number'", [*params, self.key]
        path = "$." + json.dumps(self.key)
        return f"json_type({sql}, %s) IN ('integer', 'real')", [*params, path]


class _WeightedAverage(Computation):
    """The average of a number in the details, weighted by the number of cases."""

    def __init__(self, key: str):
        self.key = key

    def __call__(self, facts):
        known = [fact for fact in facts if _is_number(fact.details.get(self.key))]
        total = sum(fact.case_count for fact in known)
        if not total:
            return None
        return round(sum(fact.details[self.key] * fact.case_count for fact in known) / total, 1)

    def aggregates(self):
        number = _IsNumber(self.key)
        value = Cast(KeyTextTransform(self.key, "details"), FloatField())
        return {
            "weighted": Sum(value * F("case_count"), filter=number, output_field=FloatField()),
            "cases": Sum("case_count", filter=number),
        }

    def result(self, values):
        if not values["cases"]:
            return None
        return round(values["weighted"] / values["cases"], 1)


def _is_number(value: object) -> bool:
    # A JSON true or false is not a number (in the database neither).
    return isinstance(value, int | float) and not isinstance(value, bool)


total_cases = _TotalCases()


def cases_where(key: str, *values) -> Computation:
    return _CasesWhere(key, values)


def share_where(key: str, *values) -> Computation:
    """The percentage of cases with one of ``values``, of the cases where ``key`` is known."""
    return _ShareWhere(key, values)


def weighted_average(key: str) -> Computation:
    return _WeightedAverage(key)


SIGNAL_COUNT = HeadlineFigure("signalen", _("Signals"), _SignalCount())
CASE_COUNT = HeadlineFigure("zaken", _("Underlying cases"), total_cases)


@dataclass(frozen=True)
class Category:
    """One entry of a body's yardstick, optionally inside a named cluster."""

    code: str
    label: str | Promise
    group: str | Promise = ""


@dataclass(frozen=True)
class BodyKind:
    code: str
    label: str | Promise
    description: str | Promise
    taxonomy_label: str | Promise
    taxonomy: tuple[Category, ...] = field(default_factory=tuple)
    details_form: type[forms.Form] = NoDetails
    headline_figures: tuple[HeadlineFigure, ...] = (SIGNAL_COUNT, CASE_COUNT)
    order: int = 100

    def taxonomy_groups(self) -> list[tuple[str | Promise, list[Category]]]:
        """The taxonomy as (cluster, categories) pairs, in declaration order."""
        groups: dict[str | Promise, list[Category]] = {}
        for category in self.taxonomy:
            groups.setdefault(category.group, []).append(category)
        return list(groups.items())

    def category_label(self, code: str) -> str | Promise:
        for category in self.taxonomy:
            if category.code == code:
                return category.label
        raise KeyError(code)

    def classification_labels(self, details: Mapping) -> list[str | Promise]:
        """A signal's classification by this yardstick, as labels."""
        values = details.get(CLASSIFICATION_KEY) or []
        if not self.taxonomy:
            return list(values)
        known = {category.code: category.label for category in self.taxonomy}
        return [known[code] for code in values if code in known]

    def details_fields(self) -> dict[str, forms.Field]:
        return dict(self.details_form.base_fields)

    def details_display(self, details: Mapping) -> list[tuple[str | Promise, str]]:
        """The extra fields of a signal as (label, value) pairs, for people to read."""
        shown = []
        for name, form_field in self.details_fields().items():
            value = details.get(name)
            if value in (None, ""):
                continue
            if isinstance(value, bool):
                value = _("yes") if value else _("no")
            elif getattr(form_field, "choices", None):
                value = dict(form_field.choices).get(value, value)
            shown.append((form_field.label, value))
        return shown

    def headline(self, facts: Iterable[SignalFacts]) -> list[tuple[HeadlineFigure, object]]:
        facts = list(facts)
        return [(figure, figure.compute(facts)) for figure in self.headline_figures]

    def headline_of(
        self, signals: QuerySet, facts: Callable[[], list[SignalFacts]]
    ) -> tuple[list[tuple[HeadlineFigure, object]], int]:
        """The headline figures of a queryset of signals, and how many signals it holds (for
        the paginator: one scan of them less), in one aggregate query; ``facts()`` is asked
        only for figures that are not a :class:`Computation`."""
        aggregates: dict[str, Aggregate] = {"total": Count("pk")}
        for index, figure in enumerate(self.headline_figures):
            if isinstance(figure.compute, Computation):
                for name, aggregate in figure.compute.aggregates().items():
                    aggregates[f"f{index}_{name}"] = aggregate
        values = signals.order_by().aggregate(**aggregates)
        listed: list[SignalFacts] | None = None
        result = []
        for index, figure in enumerate(self.headline_figures):
            if isinstance(figure.compute, Computation):
                prefix = f"f{index}_"
                own = {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
                result.append((figure, figure.compute.result(own)))
            else:
                listed = facts() if listed is None else listed
                result.append((figure, figure.compute(listed)))
        return result, values["total"]


@cache
def _registry() -> dict[str, BodyKind]:
    kinds: dict[str, BodyKind] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, BodyKind):
            raise TypeError(f"{module.__name__} must define KIND = BodyKind(...)")
        if kind.code != module_info.name:
            raise ValueError(f"{module.__name__}: KIND.code must be {module_info.name!r}")
        codes = [category.code for category in kind.taxonomy]
        if len(codes) != len(set(codes)):
            raise ValueError(f"{module.__name__}: taxonomy codes must be unique")
        if CLASSIFICATION_KEY in kind.details_form.base_fields:
            raise ValueError(f"{module.__name__}: {CLASSIFICATION_KEY!r} is a reserved field")
        kinds[kind.code] = kind
    return dict(sorted(kinds.items(), key=lambda item: (item[1].order, item[0])))


def all_kinds() -> list[BodyKind]:
    return list(_registry().values())


def get_kind(code: str) -> BodyKind:
    try:
        return _registry()[code]
    except KeyError:
        raise LookupError(f"Unknown body kind: {code!r}") from None


def kind_choices() -> list[tuple[str, str | Promise]]:
    """Choices for ``OversightBody.kind`` (a callable, so migrations do not copy the list)."""
    return [(kind.code, kind.label) for kind in all_kinds()]
