"""The rupture threshold and duration are what the fixed procedure of
``sim.history.thresholds`` gives, and they are the schema's defaults (derive, don't number)."""

from __future__ import annotations

import numpy as np

from sim.config.schema import Outcome
from sim.history import thresholds
from sim.outcomes import NO_RUPTURE, rupture_month


def test_schema_defaults_are_the_procedure_result():
    result = thresholds.fixed_thresholds()
    assert Outcome().rupture_threshold == result.rupture_threshold
    assert Outcome().rupture_months == result.rupture_months


def test_the_threshold_maximises_youden_and_the_duration_is_the_shortest_that_keeps_spurious_ruptures_rare():
    index = thresholds.hindcast_index(200)
    result = thresholds.choose(index)
    case = thresholds.load_case(thresholds.CASE)
    share = index / np.maximum.accumulate(index, axis=1)  # retained share of the running peak (index > 0 here)
    alliance = share[:, 1:case.month_of(thresholds.ALLIANCE[1]) + 1]
    after = share[:, case.month_of(thresholds.RUPTURED[0]):case.month_of(thresholds.RUPTURED[1]) + 1]
    j = (after < result.rupture_threshold).mean() - (alliance < result.rupture_threshold).mean()
    assert j == result.youden_j
    for other in (result.rupture_threshold - 0.05, result.rupture_threshold + 0.05):
        assert (after < other).mean() - (alliance < other).mean() <= j
    last = case.month_of(thresholds.ALLIANCE[1])

    def spurious(months):
        at = rupture_month(index, result.rupture_threshold, months)
        return np.mean((at != NO_RUPTURE) & (at <= last))

    assert spurious(result.rupture_months) <= thresholds.MAX_SPURIOUS
    assert result.rupture_months == 1 or spurious(result.rupture_months - 1) > thresholds.MAX_SPURIOUS
