"""The ensemble driver: all replications of a batch in parallel (``prange``).

Each replication copies its own parameter arrays, so threads share nothing writable
but their own output rows; results are identical for any thread count or batch split.
"""

import numpy as np

from sim.kernels.events import apply_events
from sim.kernels.jit import njit, njit_parallel, prange
from sim.kernels.layout import D_ALIGNMENT, D_DEPENDENCY, D_SUPPORT, D_TRUST, G_STRAIT, G_WAR, M_EVENTS

# The recorded dyad variables are the first four planes of the dyad state, in order.
assert (D_TRUST, D_SUPPORT, D_DEPENDENCY, D_ALIGNMENT) == (0, 1, 2, 3)
from sim.kernels.rng import month_key
from sim.kernels.step import step, threat_and_need


@njit
def _record(r, month, glob, dyad, need, out_dyad, out_world, out_need):
    """Copy the recorded state (the first four dyad planes, ``RECORDED_DYAD``) of month ``month``."""
    n = dyad.shape[1]
    for v in range(4):
        for i in range(n):
            for j in range(n):
                out_dyad[r, month, v, i, j] = dyad[v, i, j]
    out_world[r, month, 0] = glob[G_WAR]
    out_world[r, month, 1] = glob[G_STRAIT]
    for i in range(n):
        out_need[r, month, i] = need[i]


@njit_parallel
def simulate(seed, reps, glob0, actor0, dyad0, flags, ev_int, ev_hazard, eff_int, eff_float, horizon,
             out_dyad, out_world, out_need, out_detections, out_fires):
    """Run ``len(reps)`` replications for ``horizon`` months.

    Inputs (R = batch size, N = actors): reps[R] global replication indices;
    glob0[R, G], actor0[R, A, N], dyad0[R, D, N, N] sampled parameters; flags[M] 0/1.
    Outputs (filled in place): out_dyad[R, T+1, 4, N, N] trust, support, dependency,
    alignment; out_world[R, T+1, 2] war, strait; out_need[R, T+1, N];
    out_detections[R, N, N] detection counts; out_fires[R, E] event firings.
    """
    n_rep = reps.shape[0]
    n = actor0.shape[2]
    for r in prange(n_rep):
        rep = reps[r]
        glob = glob0[r].copy()
        actor = actor0[r].copy()
        dyad = dyad0[r].copy()
        scratch = np.zeros((9, n, n))
        keys = np.empty((n, n), dtype=np.uint64)
        marks = np.zeros((2, n, n), dtype=np.bool_)
        threat_and_need(glob, actor, dyad, flags, scratch[0], scratch[6, 0], scratch[7, 0], scratch[1])
        _record(r, 0, glob, dyad, scratch[7, 0], out_dyad, out_world, out_need)
        for month in range(1, horizon + 1):
            if flags[M_EVENTS]:
                apply_events(seed, rep, month, glob, actor, dyad, ev_int, ev_hazard, eff_int, eff_float,
                             out_fires[r])
            step(month_key(seed, rep, month), glob, actor, dyad, flags, scratch, keys, marks)
            for i in range(n):
                for j in range(n):
                    if marks[0, i, j]:
                        out_detections[r, i, j] += 1
            _record(r, month, glob, dyad, scratch[7, 0], out_dyad, out_world, out_need)
