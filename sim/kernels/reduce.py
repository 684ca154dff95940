"""Reductions of a batch of trajectories (numba), so no per-cell Python runs per batch.

* ``histogram_cells`` adds every cell of ``sim.aggregate.cell_catalogue`` to integer
  histograms over [0, 1] — the same bins as clipping ``v * bins`` to ``0..bins-1``.
  Parallel over months: each thread owns its months' counts (no races, exact sums).
* ``partnership``, ``next_run`` and ``first_rupture`` are the one statement of the
  partnership index and of rupture (``sim.outcomes`` and the Mesa engine call them);
  ``pair_outcomes`` applies them to every unordered pair in one pass.
"""

import math

import numpy as np

from sim.kernels.jit import njit, njit_parallel, prange
from sim.kernels.layout import RECORDED_DYAD


# Dyad variables derived from the recorded ones, in the cell order (sim.aggregate).
DERIVED_DYAD = ("gap",)
# Fixed-point scale of the exact sums behind cell means: 2^32 (resolution 2.3e-10).
MEAN_SCALE = 4294967296.0


@njit
def _bin(value, lo, hi, bins):
    """Bin of ``value`` clipped to [lo, hi] among ``bins`` equal bins."""
    v = (min(hi, max(lo, value)) - lo) / (hi - lo)
    return min(int(v * bins), bins - 1)


@njit
def _fixed(value):
    return np.int64(math.floor(value * MEAN_SCALE + 0.5))


_TRUST = RECORDED_DYAD.index("trust")
_SUPPORT = RECORDED_DYAD.index("support")
_ALIGNMENT = RECORDED_DYAD.index("alignment")


@njit
def partnership(trust_ab, trust_ba, support_ab, support_ba):
    """The partnership index I_ab = (sqrt(tau_ab tau_ba) + sqrt(s_ab s_ba)) / 2, in [0, 1]."""
    return 0.5 * math.sqrt(trust_ab * trust_ba) + 0.5 * math.sqrt(support_ab * support_ba)


@njit
def next_run(run, index, threshold):
    """Consecutive months below the rupture threshold, after a month with this index."""
    return run + 1 if index < threshold else 0


@njit
def _index(dyad, r, t, a, b):
    """Partnership index of (a, b) at month t of replication r (dyad: [R, T+1, V, N, N])."""
    return partnership(dyad[r, t, _TRUST, a, b], dyad[r, t, _TRUST, b, a],
                       dyad[r, t, _SUPPORT, a, b], dyad[r, t, _SUPPORT, b, a])


@njit
def _add(counts, sums, t, c, value, lo, hi):
    counts[t, c, _bin(value, lo[c], hi[c], counts.shape[2])] += 1
    sums[t, c] += _fixed(value)


@njit_parallel
def histogram_cells(dyad, actor, world, lo, hi, counts, sums):
    """counts[T+1, C, B] and sums[T+1, C] += the batch, cells in ``sim.aggregate.cell_catalogue``
    order with ranges lo[C], hi[C] (dyad [R, T+1, V, N, N], actor [R, T+1, K, N], world [R, T+1, W])."""
    n_rep, n_months, n_var, n = dyad.shape[0], dyad.shape[1], dyad.shape[2], dyad.shape[3]
    for t in prange(n_months):
        for r in range(n_rep):
            c = 0
            for v in range(n_var):
                for i in range(n):
                    for j in range(n):
                        if i != j:
                            _add(counts, sums, t, c, dyad[r, t, v, i, j], lo, hi)
                            c += 1
            for i in range(n):  # the public-private gap, alignment - trust
                for j in range(n):
                    if i != j:
                        _add(counts, sums, t, c, dyad[r, t, _ALIGNMENT, i, j] - dyad[r, t, _TRUST, i, j], lo, hi)
                        c += 1
            for i in range(n):
                for j in range(i + 1, n):
                    _add(counts, sums, t, c, _index(dyad, r, t, i, j), lo, hi)
                    c += 1
            for k in range(actor.shape[2]):
                for i in range(n):
                    _add(counts, sums, t, c, actor[r, t, k, i], lo, hi)
                    c += 1
            for w in range(world.shape[2]):
                _add(counts, sums, t, c, world[r, t, w], lo, hi)
                c += 1


@njit
def first_rupture(series, threshold, months):
    """First month of the first run of >= ``months`` consecutive months, among months
    1..T of ``series`` [T+1], with the index below ``threshold``; -1 if none."""
    run = 0
    for t in range(1, series.shape[0]):
        run = next_run(run, series[t], threshold)
        if run >= months:
            return t - months + 1
    return -1


@njit
def weakest_hold(series, months):
    """The highest rupture threshold at which ``series`` [T+1] would not rupture: the
    minimum, over every run of ``months`` consecutive months in 1..T, of the run's
    maximum (a run entirely below a threshold is a rupture); 1 if T < months."""
    weakest = 1.0
    for start in range(1, series.shape[0] - months + 1):
        top = series[start]
        for t in range(start + 1, start + months):
            top = max(top, series[t])
        weakest = min(weakest, top)
    return weakest


@njit_parallel
def weakest_holds(index, months, out):
    """out[R] = weakest_hold of each row of index [R, T+1]."""
    for r in prange(index.shape[0]):
        out[r] = weakest_hold(index[r], months)


@njit_parallel
def rupture_months(index, threshold, months, out):
    """out[R] = first_rupture of each row of index [R, T+1]."""
    for r in prange(index.shape[0]):
        out[r] = first_rupture(index[r], threshold, months)


@njit_parallel
def pair_outcomes(dyad, rupture_threshold, rupture_months_, ruptured, final):
    """For every unordered pair P, in order (0,1), (0,2), ..., (N-2, N-1): ruptured[R, P]
    its rupture month (``first_rupture``) and final[R, P] its index at the horizon."""
    n_rep, n_months, n = dyad.shape[0], dyad.shape[1], dyad.shape[3]
    for r in prange(n_rep):
        series = np.empty(n_months)
        p = 0
        for a in range(n):
            for b in range(a + 1, n):
                for t in range(n_months):
                    series[t] = _index(dyad, r, t, a, b)
                ruptured[r, p] = first_rupture(series, rupture_threshold, rupture_months_)
                final[r, p] = series[n_months - 1]
                p += 1


@njit_parallel
def pair_index(dyad, a, b, out):
    """out[R, T+1] partnership index of (a, b)."""
    for r in prange(dyad.shape[0]):
        for t in range(dyad.shape[1]):
            out[r, t] = _index(dyad, r, t, a, b)


def empty_pair_arrays(n_rep: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Output arrays of ``pair_outcomes``: rupture months (int) and final indices (float)."""
    n_pairs = n * (n - 1) // 2
    return np.empty((n_rep, n_pairs), dtype=np.int64), np.empty((n_rep, n_pairs))
