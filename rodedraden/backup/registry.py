"""The files a backup must carry besides the database, as each app declares them.

The platform knows no domain model: an app with a ``FileField`` whose files live in the
configured storage registers it in its ``AppConfig.ready()`` (reports: the memo PDFs), and
the backup copies every file such a field names in the database it dumps, and restores it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models


@dataclass(frozen=True)
class CarriedFiles:
    model: type[models.Model]
    field: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def column(self) -> str:
        return self.model._meta.get_field(self.field).column


_carried: list[CarriedFiles] = []


def register_files(model: type[models.Model], field: str) -> None:
    """Registers the files of ``model.field`` (in ``ready()``); again is a no-op."""
    if not isinstance(model._meta.get_field(field), models.FileField):
        raise ImproperlyConfigured(f"{model._meta.label}.{field} is not a file field.")
    carried = CarriedFiles(model=model, field=field)
    if carried not in _carried:
        _carried.append(carried)


def carried_files() -> list[CarriedFiles]:
    return list(_carried)
