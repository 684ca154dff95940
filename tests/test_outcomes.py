"""Outcome measures on hand-made trajectories with known answers."""

import numpy as np
import pytest

from sim.outcomes import (
    NO_RUPTURE,
    holds,
    median_rupture_month,
    partnership_index,
    rupture_month,
    survival_curve,
    wilson_interval,
)


def test_partnership_index_is_mean_of_geometric_means():
    trust = np.zeros((1, 1, 2, 2))
    support = np.zeros((1, 1, 2, 2))
    trust[0, 0, 0, 1], trust[0, 0, 1, 0] = 0.81, 0.25
    support[0, 0, 0, 1], support[0, 0, 1, 0] = 0.64, 0.16
    assert partnership_index(trust, support, 0, 1)[0, 0] == pytest.approx(0.5 * 0.45 + 0.5 * 0.32)


def test_rupture_is_first_month_of_a_long_enough_run():
    index = np.array([
        [0.9, 0.2, 0.2, 0.9, 0.2, 0.2, 0.2, 0.9],  # run of 2, then run of 3 starting month 4
        [0.9, 0.2, 0.2, 0.9, 0.9, 0.9, 0.9, 0.9],  # never 3 in a row
        [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9],  # month 0 not judged: run 1..3
    ])
    got = rupture_month(index, threshold=0.25, months=3)
    assert got.tolist() == [4, NO_RUPTURE, 1]
    assert holds(index, got, hold_threshold=0.35).tolist() == [False, True, False]


def test_survival_and_median_rupture():
    ruptured = np.array([2, 5, NO_RUPTURE, NO_RUPTURE])
    assert survival_curve(ruptured, 6).tolist() == [1, 1, 0.75, 0.75, 0.75, 0.5, 0.5]
    assert median_rupture_month(ruptured) is None
    assert median_rupture_month(np.array([2, 5, 7, NO_RUPTURE])) == 6.0
    assert median_rupture_month(np.array([3, NO_RUPTURE, 1])) == 3.0


def test_wilson_interval_matches_published_value():
    # Newcombe (1998), Stat. Med. 17:857, example 81/263: Wilson score interval 0.2553-0.3662
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)
    assert wilson_interval(5, 10)[0] < 0.5 < wilson_interval(5, 10)[1]
