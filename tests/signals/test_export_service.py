"""The export's audit entry is written by the service that makes the file
(signals.services.signals_export; issue 18, point 4), whoever calls it."""

from __future__ import annotations

import csv
import io

from rodedraden.audit.models import AuditEntry, AuditEvent
from signals import services
from signals.models import Signal, SignalState
from tests.factories import SignalFactory


def exports_of(body) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.of_event(AuditEvent.EXPORT).filter(object_pk=str(body.pk)).order_by("pk")
    )


def test_the_export_service_records_what_it_exported_without_the_filters_values(member, body):
    SignalFactory(body=body, state=SignalState.INGEDIEND, title="Signaal een")
    SignalFactory(body=body, state=SignalState.INGEDIEND, title="Signaal twee")

    content = services.signals_export(
        body=body,
        user=member,
        signals=Signal.objects.filter(body=body),
        fmt="csv",
        filters=["state", "q"],
    )

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 2
    (entry,) = exports_of(body)
    assert entry.actor == member
    assert entry.additional_data == {
        "event": "export",
        "format": "csv",
        "rows": 2,
        "filters": ["q", "state"],
    }

    content = services.signals_export(
        body=body, user=member, signals=Signal.objects.none(), fmt="xlsx"
    )
    assert content[:2] == b"PK"
    assert exports_of(body)[-1].additional_data["rows"] == 0
