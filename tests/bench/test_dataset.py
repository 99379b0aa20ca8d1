"""The synthetic data set of bench/dataset.py (make bench builds it at 10,000 and 100,000
signals), here at a tiny size: the right rows, states and snapshots, and what each role sees."""

import pytest
from django.db.models import F

from bench import dataset
from deliberation.models import Beraad, BeraadSignal, BeraadState, Tag
from deliberation.selectors import matrix
from signals.models import Signal, SignalState

pytestmark = pytest.mark.django_db


def test_a_tiny_data_set_has_every_part():
    data = dataset.build(400, sessions=6)
    counts = data.counts()
    assert counts["bodies"] == 5
    assert counts["sessions"] == 6
    assert counts["signals"] == 400
    assert counts["current_inclusions"] == 10  # 2.5 %
    open_signals = Signal.objects.filter(state__in=(SignalState.CONCEPT, SignalState.INGEDIEND))
    assert counts["inclusions"] == 400 - open_signals.count()
    assert 0 < open_signals.count() < 60
    # Three recommendations per session from the draft memo back (five of the six).
    assert counts["recommendations"] == 15
    states = list(Beraad.objects.order_by("date").values_list("state", flat=True))
    assert states == [BeraadState.GEDEELD] * 3 + [
        BeraadState.VASTGESTELD,
        BeraadState.CONCEPT_MEMO,
        BeraadState.IN_BERAAD,
    ]
    assert counts["frozen_with_snapshot"] == 4
    # Every inclusion matches its signal's body and state; the session now has rode draden.
    assert not BeraadSignal.objects.exclude(body=F("signal__body")).exists()
    assert set(
        Signal.objects.filter(inclusions__beraad=data.current).values_list("state", flat=True)
    ) == {SignalState.IN_BERAAD}
    assert Tag.objects.filter(beraad=data.current).count() > 0
    assert matrix(data.current).rode_draden


def test_growing_adds_signals_to_the_earlier_sessions_only():
    data = dataset.build(200, sessions=4)
    current_before = BeraadSignal.objects.filter(beraad=data.current).count()
    snapshot_before = len(data.sessions[0].snapshot["signals"])
    dataset.grow(data, 300)
    assert Signal.objects.count() == 500
    assert BeraadSignal.objects.filter(beraad=data.current).count() == current_before
    oldest = Beraad.objects.get(pk=data.sessions[0].pk)
    assert len(oldest.snapshot["signals"]) > snapshot_before
    assert len(oldest.snapshot["signals"]) == oldest.inclusions.count()
