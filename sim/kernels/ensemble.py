"""The ensemble driver: all replications of a batch, blocks of them in parallel (``parallel_for``).

Replications run in blocks of up to ``LANES`` (the innermost, SIMD axis of the core's
state; ``block_width``); each block copies its own parameter arrays, so threads share
nothing writable but their own output rows. A last, partial block is padded with copies
of its last replication, whose results are discarded. Every lane computes exactly what
its replication computes alone, so results are identical for any thread count, batch
split or lane position.
"""

import numpy as np
from numba import get_num_threads

from sim.kernels import layout as L, prewarm
from sim.kernels.jit import njit, parallel_for
from sim.kernels.lanes import lanewise
from sim.kernels.reduce import reduce_month
from sim.kernels.rng import month_key
from sim.kernels.step import start, step
from sim.mechanisms.events import apply_events

_BLOCK_BYTES = 2 * 2**20  # target size of one block's state and work arrays


@njit
def _record(first, valid, month, horizon, glob, dyad, awork, out_dyad, out_world, out_actor):
    """Copy the recorded variables (``layout.RECORDED_*``) of lanes 0..valid-1 into rows
    first.. of the outputs that exist: every month if they hold T+1 months, else (one
    month) the horizon's state only."""
    slot = month
    if out_dyad.shape[1] == 1:
        if month != horizon:
            return
        slot = 0
    valid = min(valid, out_dyad.shape[0] - first)
    n = dyad.shape[1]
    for lane in range(valid):  # each replication's month is contiguous in the outputs
        for v in range(len(L.RECORDED_DYAD_PLANES)):
            d = L.RECORDED_DYAD_PLANES[v]
            for i in range(n):
                for j in range(n):
                    out_dyad[first + lane, slot, v, i, j] = dyad[d, i, j, lane]
    for lane in range(valid):
        for w in range(len(L.RECORDED_WORLD_SLOTS)):
            out_world[first + lane, slot, w] = glob[L.RECORDED_WORLD_SLOTS[w], lane]
        for k in range(len(L.RECORDED_ACTOR_ROWS)):
            row = L.RECORDED_ACTOR_ROWS[k]
            for i in range(n):
                out_actor[first + lane, slot, k, i] = awork[row, i, lane]


def block_width(n_rep: int, n_actors: int, threads: int) -> int:
    """Replications per block (results never depend on it): a multiple of 8, at most
    ``LANES``, small enough that every thread gets a block and that a block's [N, N]
    planes (state and work) stay within ~2 MB (cache) for large rosters."""
    per_thread = (n_rep + threads - 1) // threads
    planes = len(L.DYAD_FIELDS) + len(L.WORK_PLANES) + 1  # + the uint64 keys
    by_cache = _BLOCK_BYTES // (planes * 8 * n_actors * n_actors)
    return max(8, min(L.LANES, by_cache // 8 * 8, (per_thread + 7) // 8 * 8))


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
             out_dyad, out_world, out_actor, out_detections, out_fires, reductions=None):
    """Run ``len(reps)`` replications for ``horizon`` months.

    Inputs (R = batch size, N = actors): reps[R] global replication indices;
    glob0[R, G], actor0[R, A, N], dyad0[R, D, N, N] sampled parameters; flags[M] 0/1
    (``layout.SWITCHES``); the event tables of ``sim.compile.CompiledEvents``.
    Outputs (filled in place; ``sim.trajectories.Trajectories``): out_dyad[R', T+1, V, N, N]
    (``RECORDED_DYAD``), out_world[R', T+1, W] (``RECORDED_WORLD``), out_actor[R', T+1, K, N]
    (``RECORDED_ACTOR``) for the first R' <= R rows (with one month instead of T+1: the
    state at the horizon only), out_detections[R, N, N] detection counts, out_fires[R, E]
    firings. ``reductions``: None, or the arrays of ``sim.trajectories.Reductions.arrays()``
    (n_bins, lo[C], hi[C], bins[B, T+1, C, L], sums[T+1, C], threshold, months, pair,
    index[R, T+1], ruptured[R, P], final[R, P]), filled as the months run
    (``sim.kernels.reduce``); sums are added to.
    """
    prewarm.start()  # a cold cache: a second process compiles the callees beside this one
    n_bins, lo, hi, bins, sums, threshold, months, pair, index, ruptured, final = reductions or _NO_REDUCTIONS
    # the bins' blocks are the core's (``sim.trajectories.Reductions``); else the width for this call
    lanes = bins.shape[3] if bins.shape[0] > 0 else block_width(reps.shape[0], actor0.shape[2], get_num_threads())
    n_blocks = (reps.shape[0] + lanes - 1) // lanes
    block_sums = np.zeros((n_blocks,) + sums.shape, dtype=np.int64)
    parallel_for(simulate_blocks, n_blocks, lanes, seed, reps, glob0, actor0, dyad0, flags, ev_int, ev_hazard,
                 eff_int, eff_float, horizon, out_dyad, out_world, out_actor, out_detections, out_fires, n_bins, lo,
                 hi, bins, block_sums, threshold, months, pair, index, ruptured, final,
                 lanewise(actor0.shape[2], lanes))
    sums += block_sums.sum(axis=0)


_NO_REDUCTIONS = (1, np.empty(0), np.empty(0), np.empty((0, 0, 0, 0), dtype=np.uint16), np.zeros((0, 0), dtype=np.int64),
                  0.0, 1, 0, np.empty((0, 0)), np.empty((0, 0), dtype=np.int64), np.empty((0, 0)))


@njit
def simulate_blocks(first_block, stop_block, lanes, seed, reps, glob0, actor0, dyad0, flags, ev_int, ev_hazard,
                    eff_int, eff_float, horizon, out_dyad, out_world, out_actor, out_detections, out_fires, n_bins,
                    lo, hi, bins, block_sums, threshold, months, pair, index, ruptured, final, lanewise):
    """``simulate`` for blocks first_block..stop_block-1 of ``lanes`` replications (block b:
    rows b * lanes.., its fixed-point sums in block_sums[b]); ``lanewise``: the form of the
    O(N^3) terms (``sim.kernels.lanes.lanewise``), one compiled specialisation each."""
    n_rep = reps.shape[0]
    n = actor0.shape[2]
    n_pairs = n * (n - 1) // 2
    for block in range(first_block, stop_block):
        first = block * lanes
        valid = min(lanes, n_rep - first)
        rows = np.empty(lanes, dtype=np.int64)
        for lane in range(lanes):
            rows[lane] = first + min(lane, valid - 1)
        glob = np.empty((glob0.shape[1], lanes))
        actor = np.empty((actor0.shape[1], n, lanes))
        dyad = np.empty((dyad0.shape[1], n, n, lanes))
        _load(rows, glob0, actor0, dyad0, glob, actor, dyad)
        work = np.zeros((len(L.WORK_PLANES), n, n, lanes))
        awork = np.zeros((len(L.ACTOR_WORK), n, lanes))
        keys = np.empty((n, n, lanes), dtype=np.uint64)
        tmp = np.empty((L.TMP_ROWS, lanes))
        month_keys = np.empty(lanes, dtype=np.uint64)
        fires = np.zeros((lanes, out_fires.shape[1]), dtype=out_fires.dtype)
        detections = np.zeros((n, n, lanes), dtype=out_detections.dtype)
        pidx = np.empty((n_pairs, lanes))
        runs = np.empty((n_pairs, lanes), dtype=np.int64)
        peaks = np.empty((n_pairs, lanes))
        values = np.empty(lanes)
        sums = block_sums[block]
        events = flags[L.M_EVENTS] != 0 and ev_int.shape[0] > 0
        for lane in range(lanes):
            month_keys[lane] = month_key(seed, reps[rows[lane]], np.int64(0))  # not a literal 0 (see month0)
        start(month_keys, glob, actor, dyad, flags, work, awork, keys, tmp, lanewise)
        month0 = first - first  # an int64 variable, not a literal 0: one specialisation of the callees
        _record(first, valid, month0, horizon, glob, dyad, awork, out_dyad, out_world, out_actor)
        reduce_month(month0, horizon, first, valid, glob, dyad, awork, n_bins, lo, hi, bins, sums, threshold, months,
                     pair, index, ruptured, final, pidx, runs, peaks, values)
        for month in range(1, horizon + 1):
            for lane in range(lanes):
                rep = reps[rows[lane]]
                month_keys[lane] = month_key(seed, rep, month)
                if events:
                    apply_events(seed, rep, month, glob[:, lane], actor[:, :, lane], dyad[:, :, :, lane],
                                 ev_int, ev_hazard, eff_int, eff_float, fires[lane])
            step(month_keys, glob, actor, dyad, flags, work, awork, keys, tmp, lanewise)
            for i in range(n):
                for j in range(n):
                    for lane in range(lanes):
                        if work[L.W_DETECTED, i, j, lane] != 0.0:
                            detections[i, j, lane] += 1
            _record(first, valid, month, horizon, glob, dyad, awork, out_dyad, out_world, out_actor)
            reduce_month(month, horizon, first, valid, glob, dyad, awork, n_bins, lo, hi, bins, sums, threshold,
                         months, pair, index, ruptured, final, pidx, runs, peaks, values)
        for lane in range(valid):
            for i in range(n):
                for j in range(n):
                    out_detections[first + lane, i, j] = detections[i, j, lane]
            for e in range(out_fires.shape[1]):
                out_fires[first + lane, e] = fires[lane, e]
