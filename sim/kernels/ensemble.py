"""The ensemble driver: all replications of a batch in parallel (``prange``).

Replications run in blocks of up to ``LANES`` (the innermost, SIMD axis of the core's
state; ``block_width``); each block copies its own parameter arrays, so threads share
nothing writable but their own output rows. A last, partial block is padded with copies
of its last replication, whose results are discarded. Every lane computes exactly what
its replication computes alone, so results are identical for any thread count, batch
split or lane position.
"""

import numpy as np
from numba import get_num_threads

from sim.kernels.events import apply_events
from sim.kernels.jit import njit, njit_parallel, prange
from sim.kernels.layout import D_ALIGNMENT, D_DEPENDENCY, D_SUPPORT, D_TRUST, G_STRAIT, G_WAR, LANES, M_EVENTS
from sim.kernels.rng import month_key
from sim.kernels.step import step, threat_and_need

_BLOCK_BYTES = 2 * 2**20  # target size of one block's state and work arrays

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


def block_width(n_rep: int, n_actors: int, threads: int) -> int:
    """Replications per block (results never depend on it): a multiple of 8, at most
    ``LANES``, small enough that every thread gets a block and that a block's ~20
    [N, N] planes per lane stay within ~2 MB (cache) for large rosters."""
    per_thread = (n_rep + threads - 1) // threads
    by_cache = _BLOCK_BYTES // (20 * 8 * n_actors * n_actors)
    return max(8, min(LANES, by_cache // 8 * 8, (per_thread + 7) // 8 * 8))


@njit
def _load(rows, glob0, actor0, dyad0, glob, actor, dyad):
    """Lane ``k`` of the block state takes the parameters of row ``rows[k]``."""
    lanes = rows.shape[0]
    for lane in range(lanes):
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


def simulate(seed, reps, glob0, actor0, dyad0, flags, ev_int, ev_hazard, eff_int, eff_float, horizon,
             out_dyad, out_world, out_need, out_detections, out_fires):
    """Run ``len(reps)`` replications for ``horizon`` months.

    Inputs (R = batch size, N = actors): reps[R] global replication indices;
    glob0[R, G], actor0[R, A, N], dyad0[R, D, N, N] sampled parameters; flags[M] 0/1.
    Outputs (filled in place): out_dyad[R, T+1, 4, N, N] trust, support, dependency,
    alignment; out_world[R, T+1, 2] war, strait; out_need[R, T+1, N];
    out_detections[R, N, N] detection counts; out_fires[R, E] event firings.
    """
    lanes = block_width(reps.shape[0], actor0.shape[2], get_num_threads())
    _simulate_blocks(lanes, seed, reps, glob0, actor0, dyad0, flags, ev_int, ev_hazard, eff_int, eff_float,
                     horizon, out_dyad, out_world, out_need, out_detections, out_fires)


@njit_parallel
def _simulate_blocks(lanes, seed, reps, glob0, actor0, dyad0, flags, ev_int, ev_hazard, eff_int, eff_float,
                     horizon, out_dyad, out_world, out_need, out_detections, out_fires):
    """``simulate`` in blocks of ``lanes`` replications, the blocks in parallel."""
    n_rep = reps.shape[0]
    n = actor0.shape[2]
    n_blocks = (n_rep + lanes - 1) // lanes
    for block in prange(n_blocks):
        first = block * lanes
        valid = min(lanes, n_rep - first)
        rows = np.empty(lanes, dtype=np.int64)
        for lane in range(lanes):
            rows[lane] = first + min(lane, valid - 1)
        glob = np.empty((glob0.shape[1], lanes))
        actor = np.empty((actor0.shape[1], n, lanes))
        dyad = np.empty((dyad0.shape[1], n, n, lanes))
        _load(rows, glob0, actor0, dyad0, glob, actor, dyad)
        work = np.zeros((9, n, n, lanes))
        keys = np.empty((n, n, lanes), dtype=np.uint64)
        tmp = np.empty((2, lanes))
        marks = np.zeros((2, n, n, lanes), dtype=np.bool_)
        month_keys = np.empty(lanes, dtype=np.uint64)
        fires = np.zeros((lanes, out_fires.shape[1]), dtype=out_fires.dtype)
        detections = np.zeros((n, n, lanes), dtype=out_detections.dtype)
        events = flags[M_EVENTS] != 0 and ev_int.shape[0] > 0
        threat_and_need(glob, actor, dyad, flags, work[0], work[6, 0], work[7, 0], work[1], tmp)
        _record(first, valid, 0, glob, dyad, work[7, 0], out_dyad, out_world, out_need)
        for month in range(1, horizon + 1):
            for lane in range(lanes):
                rep = reps[rows[lane]]
                month_keys[lane] = month_key(seed, rep, month)
                if events:
                    apply_events(seed, rep, month, glob[:, lane], actor[:, :, lane], dyad[:, :, :, lane],
                                 ev_int, ev_hazard, eff_int, eff_float, fires[lane])
            step(month_keys, glob, actor, dyad, flags, work, keys, tmp, marks)
            for i in range(n):
                for j in range(n):
                    for lane in range(lanes):
                        detections[i, j, lane] += marks[0, i, j, lane]
            _record(first, valid, month, glob, dyad, work[7, 0], out_dyad, out_world, out_need)
        for lane in range(valid):
            for i in range(n):
                for j in range(n):
                    out_detections[first + lane, i, j] = detections[i, j, lane]
            for e in range(out_fires.shape[1]):
                out_fires[first + lane, e] = fires[lane, e]
