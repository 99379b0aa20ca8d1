"""The headline figures of a body's workspace are computed in the database (one aggregate
query, whatever the number of signals); the memo computes the same figures over the facts of
its snapshot. Both must agree, also on details that are missing, empty, null or not a number."""

import pytest

from signals.bodies import all_kinds
from signals.models import Signal
from signals.selectors import signal_facts
from tests.factories import OversightBodyFactory, SignalFactory

pytestmark = pytest.mark.django_db

# Per signal: its number of cases and details, of every kind's keys (the others ignore them).
DETAILS = [
    (3, {"uitkomst": "gegrond", "behandelduur_dagen": 40, "onderwerp": "datalek"}),
    (5, {"uitkomst": "deels_gegrond", "behandelduur_dagen": 12, "gemeld_bij_ap": "ja"}),
    (7, {"uitkomst": "ongegrond", "behandelduur_dagen": 2.5, "soort_zaak": "klacht"}),
    (2, {"uitkomst": "", "behandelduur_dagen": None, "opvolging": "niet"}),
    (4, {"uitkomst": None, "behandelduur_dagen": "30", "toezegging_nagekomen": "nee"}),
    (6, {"behandelduur_dagen": True, "onderwerp": "dpia", "soort_zaak": "onderzoek"}),
    (1, {}),
]


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda kind: kind.code)
def test_the_database_gives_the_figures_of_the_facts(kind):
    body = OversightBodyFactory(kind=kind.code)
    for case_count, details in DETAILS:
        SignalFactory(body=body, case_count=case_count, details=details)
    signals = Signal.objects.filter(body=body)
    in_python = kind.headline(signal_facts(signals))
    asked = []
    in_database, total = kind.headline_of(signals, facts=lambda: asked.append(1) or [])
    assert in_database == in_python
    assert total == len(DETAILS)
    assert not asked  # every figure of every kind is computed in the database


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda kind: kind.code)
def test_without_signals_the_figures_are_empty_alike(kind):
    body = OversightBodyFactory(kind=kind.code)
    signals = Signal.objects.filter(body=body)
    assert kind.headline_of(signals, facts=list) == (kind.headline([]), 0)


def test_the_figures_are_one_query(django_assert_num_queries):
    kind = next(kind for kind in all_kinds() if kind.code == "klachtencommissaris")
    body = OversightBodyFactory(kind=kind.code)
    for case_count, details in DETAILS:
        SignalFactory(body=body, case_count=case_count, details=details)
    with django_assert_num_queries(1):
        headline, _total = kind.headline_of(Signal.objects.filter(body=body), facts=list)
    figures = {figure.code: value for figure, value in headline}
    # Upheld (fully or partly) of the cases with a known outcome: (3 + 5) / (3 + 5 + 7).
    assert figures["gegrond"] == round(100 * 8 / 15, 1)
    # The handling time of the cases with a number of days: (40·3 + 12·5 + 2.5·7) / 15.
    assert figures["behandelduur"] == round((120 + 60 + 17.5) / 15, 1)
