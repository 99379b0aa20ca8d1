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
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
    compute: Callable[[list[SignalFacts]], float | int | None]
    unit: str = ""


def total_cases(facts: list[SignalFacts]) -> int:
    return sum(fact.case_count for fact in facts)


def cases_where(key: str, *values) -> Callable[[list[SignalFacts]], int]:
    def compute(facts: list[SignalFacts]) -> int:
        return sum(fact.case_count for fact in facts if fact.details.get(key) in values)

    return compute


def share_where(key: str, *values) -> Callable[[list[SignalFacts]], float | None]:
    """The percentage of cases with one of ``values``, of the cases where ``key`` is known."""

    def compute(facts: list[SignalFacts]) -> float | None:
        known = [fact for fact in facts if fact.details.get(key) not in (None, "")]
        total = sum(fact.case_count for fact in known)
        if not total:
            return None
        hits = sum(fact.case_count for fact in known if fact.details.get(key) in values)
        return round(100 * hits / total, 1)

    return compute


def weighted_average(key: str) -> Callable[[list[SignalFacts]], float | None]:
    def compute(facts: list[SignalFacts]) -> float | None:
        known = [fact for fact in facts if isinstance(fact.details.get(key), int | float)]
        total = sum(fact.case_count for fact in known)
        if not total:
            return None
        return round(sum(fact.details[key] * fact.case_count for fact in known) / total, 1)

    return compute


SIGNAL_COUNT = HeadlineFigure("signalen", _("Signals"), len)
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
