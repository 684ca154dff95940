"""Face validity: each scenario moves the outcome it is about, well outside the noise.

All runs share seed and replication indices, so every parameter draw and every random
number is common across scenarios (common random numbers); effects are judged on the
paired per-replication difference, |mean| > 4 standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import run

REPS = ["replications=1000", "seed=11"]


@pytest.fixture(scope="module")
def baseline():
    return run("baseline", REPS, progress=False)


def paired(reference, other, column):
    a = reference.replications()[column].to_numpy(dtype=float)
    b = other.replications()[column].to_numpy(dtype=float)
    diff = b - a
    return diff.mean(), diff.std(ddof=1) / np.sqrt(diff.size)


def test_baseline_holds_while_the_war_goes_on(baseline):
    """F10: the partnership is expected to last at least as long as the war."""
    assert baseline.p_hold_ci[0] >= 0.85


@pytest.mark.parametrize(
    ("scenario", "column", "sign"),
    [
        ("entente4_escalation", "final_trust.RUS.CHN", -1),        # F1
        (["ukraine_ceasefire", "us_russia_reset"], "holds", -1),    # F10, F16
        ("secondary_sanctions", "final_support.CHN.RUS", -1),       # F17, F20
        ("nk_pivot", "final_trust.CHN.RUS", -1),                    # F9
        ("taiwan_drones", "final_dependency.CHN.RUS", +1),          # F12, F3, F7
    ],
    ids=["entente4", "ceasefire+reset", "sanctions", "nk_pivot", "taiwan_drones"],
)
def test_scenario_moves_its_outcome(baseline, scenario, column, sign):
    other = run(scenario, REPS, progress=False)
    mean, se = paired(baseline, other, column)
    assert sign * mean > 4 * se, f"{column}: paired difference {mean:+.4f} (SE {se:.4f})"
