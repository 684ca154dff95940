"""The ensemble driver: all replications of a batch in parallel (``prange``).

Replications run in blocks of ``LANES`` (the innermost, SIMD axis of the core's state);
each block copies its own parameter arrays, so threads share nothing writable but their
own output rows. A last, partial block is padded with copies of its last replication,
whose results are discarded. Every lane computes exactly what its replication computes
alone, so results are identical for any thread count, batch split or lane position.
"""

import numpy as np

from sim.kernels.events import apply_events
from sim.kernels.jit import njit, njit_parallel, prange
from sim.kernels.layout import D_ALIGNMENT, D_DEPENDENCY, D_SUPPORT, D_TRUST, G_STRAIT, G_WAR, LANES, M_EVENTS
from sim.kernels.rng import month_key
from sim.kernels.step import step, threat_and_need

# The recorded dyad variables are the first four planes of the dyad state, in order.
assert (D_TRUST, D_SUPPORT, D_DEPENDENCY, D_ALIGNMENT) == (0, 1, 2, 3)


@njit
def _record(first, valid, month, glob, dyad, need, out_dyad, out_world, out_need):
    """Copy the recorded state (``RECORDED_DYAD``, world, need) of lanes 0..valid-1 into
    rows first.. of the outputs."""
    n = dyad.shape[1]
    for v in range(4):
        for i in range(n):
            for j in range(n):
                for lane in range(valid):
                    out_dyad[first + lane, month, v, i, j] = dyad[v, i, j, lane]
    for lane in range(valid):
        out_world[first + lane, month, 0] = glob[G_WAR, lane]
        out_world[first + lane, month, 1] = glob[G_STRAIT, lane]
        for i in range(n):
            out_need[first + lane, month, i] = need[i, lane]


@njit
def _load(rows, glob0, actor0, dyad0, glob, actor, dyad):
    """Lane ``k`` of the block state takes the parameters of row ``rows[k]``."""
    for lane in range(LANES):
        r = rows[lane]
        for g in range(glob0.shape[1]):
            glob[g, lane] = glob0[r, g]
        for a in range(actor0.shape[1]):
            for i in range(actor0.shape[2]):
                actor[a, i, lane] = actor0[r, a, i]
        for d in range(dyad0.shape[1]):
            for i in range(dyad0.shape[2]):
                for j in range(dyad0.shape[3]):
                    dyad[d, i, j, lane] = dyad0[r, d, i, j]


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
    n_blocks = (n_rep + LANES - 1) // LANES
    for block in prange(n_blocks):
        first = block * LANES
        valid = min(LANES, n_rep - first)
        rows = np.empty(LANES, dtype=np.int64)
        for lane in range(LANES):
            rows[lane] = first + min(lane, valid - 1)
        glob = np.empty((glob0.shape[1], LANES))
        actor = np.empty((actor0.shape[1], n, LANES))
        dyad = np.empty((dyad0.shape[1], n, n, LANES))
        _load(rows, glob0, actor0, dyad0, glob, actor, dyad)
        work = np.zeros((9, n, n, LANES))
        keys = np.empty((n, n, LANES), dtype=np.uint64)
        tmp = np.empty((2, LANES))
        marks = np.zeros((2, n, n, LANES), dtype=np.bool_)
        month_keys = np.empty(LANES, dtype=np.uint64)
        fires = np.zeros((LANES, out_fires.shape[1]), dtype=out_fires.dtype)
        detections = np.zeros((n, n, LANES), dtype=out_detections.dtype)
        events = flags[M_EVENTS] != 0 and ev_int.shape[0] > 0
        threat_and_need(glob, actor, dyad, flags, work[0], work[6, 0], work[7, 0], work[1], tmp)
        _record(first, valid, 0, glob, dyad, work[7, 0], out_dyad, out_world, out_need)
        for month in range(1, horizon + 1):
            for lane in range(LANES):
                rep = reps[rows[lane]]
                month_keys[lane] = month_key(seed, rep, month)
                if events:
                    apply_events(seed, rep, month, glob[:, lane], actor[:, :, lane], dyad[:, :, :, lane],
                                 ev_int, ev_hazard, eff_int, eff_float, fires[lane])
            step(month_keys, glob, actor, dyad, flags, work, keys, tmp, marks)
            for i in range(n):
                for j in range(n):
                    for lane in range(LANES):
                        detections[i, j, lane] += marks[0, i, j, lane]
            _record(first, valid, month, glob, dyad, work[7, 0], out_dyad, out_world, out_need)
        for lane in range(valid):
            for i in range(n):
                for j in range(n):
                    out_detections[first + lane, i, j] = detections[i, j, lane]
            for e in range(out_fires.shape[1]):
                out_fires[first + lane, e] = fires[lane, e]
