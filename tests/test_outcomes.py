"""Outcome measures on hand-made trajectories with known answers."""

import numpy as np
import pytest

from sim.kernels.layout import RECORDED_ACTOR, RECORDED_DYAD, RECORDED_WORLD

from sim.outcomes import (
    NO_RUPTURE,
    holds,
    median_rupture_month,
    partnership_index,
    rupture_month,
    survival_curve,
    wilson_interval,
)


def _dyad(trust, support):
    """Recorded dyad trajectories [R, T+1, V, N, N] with the given trust and support planes."""
    dyad = np.zeros(trust.shape[:2] + (len(RECORDED_DYAD),) + trust.shape[2:])
    dyad[:, :, RECORDED_DYAD.index("trust")] = trust
    dyad[:, :, RECORDED_DYAD.index("support")] = support
    return dyad


def test_partnership_index_is_mean_of_geometric_means():
    trust = np.zeros((1, 1, 2, 2))
    support = np.zeros((1, 1, 2, 2))
    trust[0, 0, 0, 1], trust[0, 0, 1, 0] = 0.81, 0.25
    support[0, 0, 0, 1], support[0, 0, 1, 0] = 0.64, 0.16
    assert partnership_index(_dyad(trust, support), 0, 1)[0, 0] == pytest.approx(0.5 * 0.45 + 0.5 * 0.32)


def test_rupture_is_first_month_of_a_long_enough_run_below_a_share_of_the_running_peak():
    index = np.array([
        [0.8, 0.15, 0.15, 0.8, 0.15, 0.15, 0.15, 0.8],  # run of 2, then run of 3 starting month 4
        [0.8, 0.15, 0.15, 0.8, 0.8, 0.8, 0.8, 0.8],  # never 3 in a row
        [0.4, 0.08, 0.08, 0.08, 0.8, 0.8, 0.8, 0.8],  # month 0 is not judged, but it is the peak: run 1..3
        [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],  # a low level is not a fall: never below 0.25 of its peak
        [0.1, 0.8, 0.6, 0.19, 0.19, 0.19, 0.9, 0.9],  # the peak of month 1 (0.8) is the reference: run 3..5
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],  # peak 0: nothing to lose, never ruptures
    ])
    got = rupture_month(index, threshold=0.25, months=3)
    assert got.tolist() == [4, NO_RUPTURE, 1, NO_RUPTURE, 3, NO_RUPTURE]
    assert holds(got).tolist() == [False, True, False, True, False, True]


def test_retained_share_is_the_index_over_its_running_peak():
    from sim.outcomes import retained_share, running_peak

    index = np.array([[0.4, 0.8, 0.2, 0.9, 0.45], [0.0, 0.0, 0.3, 0.15, 0.3]])
    np.testing.assert_array_equal(running_peak(index), [[0.4, 0.8, 0.8, 0.9, 0.9], [0.0, 0.0, 0.3, 0.3, 0.3]])
    np.testing.assert_allclose(retained_share(index), [[1, 1, 0.25, 1, 0.5], [1, 1, 1, 0.5, 1]], rtol=0, atol=1e-15)


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


def test_numba_reductions_match_the_numpy_definitions():
    """sim.kernels.reduce (used by the runner) agrees with sim.outcomes / the catalogue."""
    from sim.aggregate import Cell, QuantileAccumulator, cell_catalogue
    from sim.kernels.reduce import empty_pair_arrays, pair_index, pair_outcomes
    from sim.trajectories import Trajectories

    rng = np.random.default_rng(3)
    n_rep, n_months, n = 64, 25, 4
    dyad = rng.uniform(0.0, 0.6, size=(n_rep, n_months, len(RECORDED_DYAD), n, n))
    actor = rng.uniform(size=(n_rep, n_months, len(RECORDED_ACTOR), n))
    world = rng.uniform(size=(n_rep, n_months, len(RECORDED_WORLD)))
    ruptured, final = empty_pair_arrays(n_rep, n)
    pair_outcomes(dyad, 0.6, 3, ruptured, final)
    trust, support = RECORDED_DYAD.index("trust"), RECORDED_DYAD.index("support")
    p = 0
    for a in range(n):
        for b in range(a + 1, n):
            index = 0.5 * np.sqrt(dyad[:, :, trust, a, b] * dyad[:, :, trust, b, a]) + 0.5 * np.sqrt(
                dyad[:, :, support, a, b] * dyad[:, :, support, b, a])
            expected = _rupture_by_hand(index, 0.6, 3)
            assert ruptured[:, p].tolist() == expected.tolist()
            np.testing.assert_array_equal(final[:, p], index[:, -1])
            got = np.empty((n_rep, n_months))
            pair_index(dyad, a, b, got)
            np.testing.assert_allclose(got, index, rtol=0, atol=1e-15)
            np.testing.assert_array_equal(partnership_index(dyad, a, b), got)
            p += 1
    assert ruptured.min() == NO_RUPTURE and ruptured.max() > 0  # both cases exercised

    roster = tuple("ABCD")
    cells = cell_catalogue(roster)
    acc = QuantileAccumulator(n_months, cells, bins=10)
    acc.add(Trajectories(np.arange(n_rep), dyad, world, actor, np.zeros((n_rep, n, n)), np.zeros((n_rep, 0))))
    assert acc.counts.sum() == n_rep * n_months * len(cells)
    # the bin of one known cell: variable 0 (over its declared range) A->B at month 5 of every replication
    lo, hi = acc.lo[0], acc.hi[0]
    expected_bins = np.minimum(((dyad[:, 5, 0, 0, 1] - lo) / (hi - lo) * 10).astype(int), 9)
    assert cells[0] == Cell(RECORDED_DYAD[0], "A", "B")
    assert acc.counts[5, 0].tolist() == np.bincount(expected_bins, minlength=10).tolist()
    # exact means (fixed point) and the derived gap cell: alignment - trust of A->B
    np.testing.assert_allclose(acc.means()[5, 0], dyad[:, 5, 0, 0, 1].mean(), atol=1e-9)
    gap = cells.index(Cell("gap", "A", "B"))
    alignment = RECORDED_DYAD.index("alignment")
    np.testing.assert_allclose(acc.means()[5, gap], (dyad[:, 5, alignment, 0, 1] - dyad[:, 5, trust, 0, 1]).mean(),
                               atol=1e-9)


def _rupture_by_hand(index, threshold, months):
    """The rupture rule written out independently of sim.kernels.reduce (months 1..T,
    the retained share of the running peak, the index > 0 here)."""
    out = np.full(index.shape[0], NO_RUPTURE)
    share = index / np.maximum.accumulate(index, axis=1)
    for r in range(index.shape[0]):
        run = 0
        for t in range(1, index.shape[1]):
            run = run + 1 if share[r, t] < threshold else 0
            if run >= months:
                out[r] = t - months + 1
                break
    return out


def test_weakest_hold_is_the_threshold_at_which_rupture_starts():
    """P(holds) at a threshold equals the share with m_r >= threshold, for every threshold."""
    from sim.outcomes import hold_curve, weakest_hold

    rng = np.random.default_rng(5)
    index = rng.uniform(0.0, 0.6, size=(200, 25))
    m = weakest_hold(index, 3)
    for theta in (0.05, 0.2, 0.31, 0.45, 0.7, 0.9):
        by_rule = rupture_month(index, theta, 3) == NO_RUPTURE
        assert (m >= theta).tolist() == by_rule.tolist()
        assert hold_curve(m, [theta])[0] == pytest.approx(by_rule.mean())


def test_censored_means_held_but_below_the_threshold_at_the_horizon():
    from sim.outcomes import censored

    index = np.array([[0.9, 0.9, 0.9, 0.1], [0.9, 0.1, 0.1, 0.1], [0.9, 0.9, 0.9, 0.9]])
    ruptured = rupture_month(index, 0.25, 3)
    assert ruptured.tolist() == [NO_RUPTURE, 1, NO_RUPTURE]
    assert censored(index, ruptured, 0.25).tolist() == [True, False, False]
