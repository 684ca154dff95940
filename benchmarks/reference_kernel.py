"""A tight reference kernel of the core's shape: the limit the core is measured against.

What the core's month costs at least, written as one would for speed alone: no layout
tables, no switches, no events, no recording, every loop over SIMD lanes (replications)
innermost, the core's vectorisable ``exp`` and ``log`` (``sim.kernels.fastmath``). Per
ordered dyad and month it does the work the model's equations cannot do without
(``sim.mechanisms``):

- three counter-based draws (``sim.kernels.rng``: type change, support noise, detection),
- the logistic support decision of ``support``: a linear utility of ten state terms, the
  two type means mu^O, mu^R and the noisy choice (three ``exp``, one ``log``),
- the Bayesian belief update of ``trust`` (one ``exp``, the detection likelihood),
- the O(N^3) balance sum of ``balance`` (every third actor),

then a synchronous commit. It has none of the other mechanisms (threat and its O(N^3)
shared threat, the dilemma's O(N^3) outside options, dependency, alignment, events),
so the core, which has them all, cannot reach it: the ratio says how much of the core's
time is the model's irreducible arithmetic. ``bench_reference`` times both in one run.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.kernels.fastmath import exp, log
from sim.kernels.rng import month_key, open_odds_at, dyad_key, uniform_at

_FLAGS = dict(nogil=True, fastmath=False, error_model="numpy")  # the core's flags, no cache
S_TYPE, S_SUPPORT, S_DETECTION = 6, 1, 2  # stream ids (any distinct values do)


@njit(**_FLAGS)
def _month(seed, reps, month, w, trust, support, affinity, reliable, keys, u, xi, mo, mr, nxt_t, nxt_s, nxt_f):
    """One month for a block: state planes [N, N, lanes], coefficients w[10, lanes]."""
    n, lanes = trust.shape[0], trust.shape[2]
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                keys[i, j, lane] = dyad_key(month_key(seed, reps[lane], month), i, j)
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):  # types redrawn at a low rate; the utility
                if uniform_at(keys[i, j, lane], S_TYPE) < 0.02:
                    reliable[i, j, lane] = 1.0 - reliable[i, j, lane]
                u[lane] = (w[0, lane] + w[1, lane] * (trust[i, j, lane] - 0.5) + w[2, lane] * support[j, i, lane]
                           + w[3, lane] * affinity[i, j, lane] + w[4, lane] * trust[j, i, lane]
                           + w[5, lane] * support[i, j, lane] + w[6, lane] * affinity[j, i, lane]
                           - w[7, lane] * reliable[j, i, lane] + w[8, lane] * trust[i, j, lane] * support[j, i, lane])
                xi[lane] = open_odds_at(keys[i, j, lane], S_SUPPORT)
            for lane in range(lanes):
                mo[i, j, lane] = 1.0 / (1.0 + exp(-u[lane]))
                mr[i, j, lane] = 1.0 / (1.0 + exp(-(u[lane] + w[9, lane])))
                v = u[lane] + w[9, lane] if reliable[i, j, lane] == 1.0 else u[lane]
                nxt_s[i, j, lane] = 1.0 / (1.0 + exp(-(v + 0.5 * log(xi[lane]))))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):  # Bayes on the support received and on a detection
                s = nxt_s[j, i, lane]
                xi[lane] = -((s - mo[j, i, lane]) ** 2 - (s - mr[j, i, lane]) ** 2) / 2.0
            for lane in range(lanes):
                xi[lane] = exp(xi[lane])
            for lane in range(lanes):
                odds = xi[lane] * (1.0 / 0.7 if uniform_at(keys[i, j, lane], S_DETECTION) < 0.01 else 1.001)
                tau = trust[i, j, lane]
                nxt_t[i, j, lane] = tau / (tau + (1.0 - tau) * odds)
            for lane in range(lanes):  # the balance sum over third actors and its weight
                u[lane] = 0.0
                xi[lane] = 0.0
            for k in range(n):
                if k != i and k != j:
                    for lane in range(lanes):
                        p = affinity[i, k, lane] * affinity[k, j, lane]
                        u[lane] += p
                        xi[lane] += abs(p)
            for lane in range(lanes):
                nxt_f[i, j, lane] = min(1.0, max(-1.0, affinity[i, j, lane] + 0.02 * u[lane] / (1.0 + xi[lane])))
    for i in range(n):
        for j in range(n):
            if i != j:
                for lane in range(lanes):
                    trust[i, j, lane] = min(1.0, max(0.0, nxt_t[i, j, lane]))
                    support[i, j, lane] = min(1.0, max(0.0, nxt_s[i, j, lane]))
                    affinity[i, j, lane] = nxt_f[i, j, lane]


@njit(**_FLAGS)
def run_reference(start, stop, lanes, n, months, seed, out):
    """Blocks start..stop-1 of ``lanes`` replications of ``n`` actors for ``months`` months;
    out[R] the final trust of (0, 1) (so nothing is optimised away)."""
    for block in range(start, stop):
        reps = np.arange(block * lanes, (block + 1) * lanes)
        shape = (n, n, lanes)
        trust, support, affinity = np.full(shape, 0.5), np.full(shape, 0.1), np.full(shape, 0.1)
        reliable = np.zeros(shape)
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    affinity[i, j, lane] = 0.3 if (i + j) % 3 else -0.3
        w = np.ones((10, lanes))
        keys = np.empty(shape, dtype=np.uint64)
        u, xi = np.empty(lanes), np.empty(lanes)
        mo, mr, nxt_t, nxt_s, nxt_f = np.zeros(shape), np.zeros(shape), np.zeros(shape), np.zeros(shape), np.zeros(shape)
        for month in range(1, months + 1):
            _month(seed, reps, month, w, trust, support, affinity, reliable, keys, u, xi, mo, mr, nxt_t, nxt_s, nxt_f)
        for lane in range(lanes):
            out[block * lanes + lane] = trust[0, 1, lane]
