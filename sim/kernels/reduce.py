"""Reductions of a batch of trajectories (numba), so no per-cell Python runs per batch.

* ``histogram_cells`` adds every cell of ``sim.aggregate.cell_catalogue`` to integer
  histograms over [0, 1] — the same bins as clipping ``v * bins`` to ``0..bins-1``.
  Parallel over months: each thread owns its months' counts (no races, exact sums).
* ``pair_outcomes`` gives, for every unordered pair, the rupture month of each
  replication and whether it holds (``sim.outcomes`` definitions), in one pass.
"""

import math

import numpy as np

from sim.kernels.jit import njit, njit_parallel, prange


@njit
def _bin(value, bins):
    v = min(1.0, max(0.0, value))
    return min(int(v * bins), bins - 1)


@njit
def _index(dyad, r, t, a, b):
    """Partnership index of (a, b) at month t of replication r (dyad: [R, T+1, 4, N, N])."""
    return 0.5 * math.sqrt(dyad[r, t, 0, a, b] * dyad[r, t, 0, b, a]) + 0.5 * math.sqrt(
        dyad[r, t, 1, a, b] * dyad[r, t, 1, b, a])


@njit_parallel
def histogram_cells(dyad, need, world, counts):
    """counts[T+1, C, B] += histograms of the batch (dyad [R, T+1, 4, N, N], need [R, T+1, N], world [R, T+1, 2])."""
    n_rep, n_months, n_var, n = dyad.shape[0], dyad.shape[1], dyad.shape[2], dyad.shape[3]
    bins = counts.shape[2]
    for t in prange(n_months):
        for r in range(n_rep):
            c = 0
            for v in range(n_var):
                for i in range(n):
                    for j in range(n):
                        if i != j:
                            counts[t, c, _bin(dyad[r, t, v, i, j], bins)] += 1
                            c += 1
            for i in range(n):
                for j in range(i + 1, n):
                    counts[t, c, _bin(_index(dyad, r, t, i, j), bins)] += 1
                    c += 1
            for i in range(n):
                counts[t, c, _bin(need[r, t, i], bins)] += 1
                c += 1
            for w in range(world.shape[2]):
                counts[t, c, _bin(world[r, t, w], bins)] += 1
                c += 1


@njit_parallel
def pair_outcomes(dyad, rupture_threshold, rupture_months, hold_threshold, ruptured, held):
    """ruptured[R, P] first month of the first run of >= rupture_months months below the
    threshold (months 1..T; -1 if none); held[R, P] final index >= hold threshold and no
    rupture. Pairs P in order (0,1), (0,2), ..., (N-2, N-1)."""
    n_rep, n_months, n = dyad.shape[0], dyad.shape[1], dyad.shape[3]
    for r in prange(n_rep):
        p = 0
        for a in range(n):
            for b in range(a + 1, n):
                run = 0
                first = -1
                for t in range(1, n_months):
                    if _index(dyad, r, t, a, b) < rupture_threshold:
                        run += 1
                        if run >= rupture_months and first < 0:
                            first = t - rupture_months + 1
                    else:
                        run = 0
                ruptured[r, p] = first
                held[r, p] = first < 0 and _index(dyad, r, n_months - 1, a, b) >= hold_threshold
                p += 1


@njit_parallel
def pair_index(dyad, a, b, out):
    """out[R, T+1] partnership index of (a, b)."""
    for r in prange(dyad.shape[0]):
        for t in range(dyad.shape[1]):
            out[r, t] = _index(dyad, r, t, a, b)


def empty_pair_arrays(n_rep: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    n_pairs = n * (n - 1) // 2
    return np.empty((n_rep, n_pairs), dtype=np.int64), np.empty((n_rep, n_pairs), dtype=np.bool_)
