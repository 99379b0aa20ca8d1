"""The registry of body kinds.

Every kind of oversight body is one module in this package (``rekenkamer.py``, ``fg.py``, …)
that defines ``KIND``, an instance of :class:`BodyKind`: its label, what it is, and its own
yardstick (taxonomy). Adding a kind of body is adding one module; nothing else changes, and no
migration is needed because ``OversightBody.kind`` takes its choices from this registry.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cache

from django.utils.functional import Promise


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
