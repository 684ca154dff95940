"""Each replication's lowest-energy two-coalition partition (landscape theory, ``sim.blocs``), compiled.

E(X) = ¼ (Σ_ij w_ij − Σ_ij x_i w_ij x_j) for labels x_i = ±1 (actor 0 always −1, label 0)
and pair weights w_ij = s_i s_j (p_ij + p_ji), w_ii = 0: every one of the 2^(N−1)
partitions is evaluated, each sum in a fixed order (actors i, then j, ascending), so the
result does not depend on the CPU or on a BLAS library.
"""

import numpy as np

from sim.kernels.jit import njit, parallel_for


@njit
def _best_partitions(start, stop, sizes, signed, tolerance, labels, tied):
    """``best_partitions`` for replications start..stop-1: per replication, the sums of
    every partition side by side (a loop over partitions innermost, which vectorises)."""
    n = sizes.shape[1]
    n_configs = 1 << (n - 1)
    x = np.empty((n, n_configs))  # x[i, code]: actor i's ±1 in partition ``code``
    for code in range(n_configs):
        x[0, code] = -1.0
        for i in range(1, n):
            x[i, code] = 2.0 * ((code >> (i - 1)) & 1) - 1.0
    w = np.empty((n, n))
    same = np.empty(n_configs)
    for r in range(start, stop):
        total = 0.0
        for i in range(n):
            for j in range(n):
                w[i, j] = 0.0 if i == j else sizes[r, i] * sizes[r, j] * (signed[r, i, j] + signed[r, j, i])
                total += w[i, j]
        same[:] = 0.0
        for i in range(n):
            for j in range(n):
                wij = w[i, j]
                for code in range(n_configs):
                    same[code] += x[i, code] * wij * x[j, code]
        best, second, best_code = np.inf, np.inf, 0
        for code in range(n_configs):
            energy = 0.25 * (total - same[code])
            if energy < best:  # strict: the first of equal minima, as argmin
                second, best, best_code = best, energy, code
            elif energy < second:
                second = energy
        labels[r, 0] = 0
        for i in range(1, n):
            labels[r, i] = (best_code >> (i - 1)) & 1
        tied[r] = second - best <= tolerance


def best_partitions(sizes, signed, tolerance, labels, tied):
    """labels[R, N] (0/1, actor 0 always 0) the lowest-energy partition of each replication
    r with sizes[r] (≥ 0) and signed relations signed[r] [N, N]; tied[R]: the second-lowest
    energy is within ``tolerance`` of it (never, with one actor's single partition).
    Replications in parallel; up to ~20 actors (2^(N−1) partitions each)."""
    parallel_for(_best_partitions, sizes.shape[0], sizes, signed, float(tolerance), labels, tied)
