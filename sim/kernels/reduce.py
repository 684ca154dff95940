"""Reductions of an ensemble (numba), month by month inside the core's pass or from whole trajectories.

* ``month_cells`` bins every cell of ``sim.aggregate.cell_catalogue`` for one month of a
  block of lanes (the same bins as clipping ``(v - lo) / (hi - lo) * bins`` to
  ``0..bins-1``) into a uint16 array [B, T+1, C, L] (block-major: replication b L + lane
  is bins[b, :, :, lane], so a block writes only its own contiguous slab and it stays in
  cache while the block runs) and adds its fixed-point value (``MEAN_SCALE``) to the
  block's sums; ``count_bins`` then histograms the bins of several batches in a pass
  parallel over months. Counts and fixed-point sums add exactly, so nothing depends on
  the block width, batch or thread that did the work.
* ``track_pairs`` follows every unordered pair's rupture run month by month.
* The numba core (``sim.kernels.ensemble``) calls both after each month, on its own
  state, so a whole ensemble never writes its trajectories out; ``reduce_trajectories``
  does the same for trajectories an engine has written (the Mesa reference, tests).
* ``partnership``, ``retained``, ``next_run`` and ``first_rupture`` are the one statement
  of the partnership index and of rupture (``sim.outcomes`` and the Mesa engine call
  them): a month counts towards rupture when the index retains less than the threshold's
  share of its running peak (a peak-to-trough rule, docs/model.md §7.11).
"""

import math

import numpy as np

from sim.kernels.fastmath import MANTISSA_BITS, ROUND_SHIFT, float_bits
from sim.kernels.jit import njit, parallel_for
from sim.kernels.layout import (ACTOR_WORK, D_ALIGNMENT, D_SUPPORT, D_TRUST, DYAD_FIELDS, GLOB_FIELDS, LANES,
                                RECORDED_ACTOR_ROWS, RECORDED_DYAD, RECORDED_DYAD_PLANES, RECORDED_WORLD_SLOTS)


# Dyad variables derived from the recorded ones, in the cell order (sim.aggregate).
DERIVED_DYAD = ("gap",)
# Fixed-point scale of the exact sums behind cell means: 2^32 (resolution 2.3e-10).
MEAN_SCALE = 4294967296.0


@njit
def _whole(f):
    """The integer-valued float64 ``f`` (|f| < ``WHOLE_LIMIT``) as an int64, exactly, read
    off the bits of f + 1.5 * 2^52: a vector integer add, where float-to-int64
    conversion has no vector instruction before AVX-512 (each value would go through
    a scalar conversion)."""
    return float_bits(f + ROUND_SHIFT) - float_bits(ROUND_SHIFT)


WHOLE_LIMIT = 2.0**51  # |f| below which ``_whole`` is exact


@njit
def _bin(value, lo, hi, inverse, bins):
    """Bin of ``value`` clipped to [lo, hi] among ``bins`` equal bins: (v - lo) / (hi - lo),
    computed as (v - lo) * inverse when ``inverse`` (> 0) is 1 / (hi - lo) exactly
    (v * bins is in [0, bins]: its floor, its integer part, is whole)."""
    x = min(hi, max(lo, value)) - lo
    v = x * inverse if inverse > 0.0 else x / (hi - lo)
    return min(_whole(math.floor(v * bins)), bins - 1)


@njit
def exact_inverse(width):
    """1 / width if that is exact (width > 0 a power of two, all its mantissa bits 0: then
    x / width == x * (1 / width) for every x, bit for bit), else 0."""
    return 1.0 / width if width > 0.0 and (float_bits(width) & MANTISSA_BITS) == 0 else 0.0


@njit
def _fixed_whole(value):
    """``value`` in fixed point, as a whole float64: the nearest integer to
    value * MEAN_SCALE (halves up)."""
    return math.floor(value * MEAN_SCALE + 0.5)


_FIXED_LIMIT = WHOLE_LIMIT / MEAN_SCALE / 2  # |value| below: its fixed point is within WHOLE_LIMIT


@njit
def _fixed_sum(rows, r, valid):
    """The sum of the fixed points (``_fixed_whole``) of rows[r, 0..valid-1] as int64,
    through ``_whole`` (vectorised) when every value is small enough (always, for the
    model's bounded variables)."""
    large = False
    for lane in range(valid):
        large |= not abs(rows[r, lane]) < _FIXED_LIMIT  # NaN counts as large
    total = np.int64(0)
    if large:
        for lane in range(valid):
            total += np.int64(_fixed_whole(rows[r, lane]))
    else:
        for lane in range(valid):
            total += _whole(_fixed_whole(rows[r, lane]))
    return total


_TRUST = RECORDED_DYAD.index("trust")
_SUPPORT = RECORDED_DYAD.index("support")


@njit
def partnership(trust_ab, trust_ba, support_ab, support_ba):
    """The partnership index I_ab = (sqrt(tau_ab tau_ba) + sqrt(s_ab s_ba)) / 2, in [0, 1]."""
    return 0.5 * math.sqrt(trust_ab * trust_ba) + 0.5 * math.sqrt(support_ab * support_ba)


@njit
def retained(index, peak):
    """The share R = I / peak of its running peak (the highest index of months 0..t) that
    the index keeps, in [0, 1]; 1 when the peak is 0 (a pair with nothing to lose)."""
    return index / peak if peak > 0.0 else 1.0


@njit
def next_run(run, share, threshold):
    """Consecutive months with the retained share below the rupture threshold, after a
    month with this share."""
    return run + 1 if share < threshold else 0


@njit
def _index(dyad, r, t, a, b):
    """Partnership index of (a, b) at month t of replication r (dyad: [R, T+1, V, N, N])."""
    return partnership(dyad[r, t, _TRUST, a, b], dyad[r, t, _TRUST, b, a],
                       dyad[r, t, _SUPPORT, a, b], dyad[r, t, _SUPPORT, b, a])


def pair_number(a: int, b: int, n: int) -> int:
    """The number of the unordered pair {a, b} of n actors in the order (0,1), (0,2), ..., (N-2, N-1)."""
    a, b = min(a, b), max(a, b)
    return a * n - a * (a + 1) // 2 + (b - a - 1)


@njit
def pair_indices(valid, dyad, pidx):
    """pidx[P, lanes] = the partnership index of every unordered pair P (order (0,1), (0,2),
    ..., (N-2, N-1)) for lanes 0..valid-1 of the lane-layout state dyad[D, N, N, lanes]."""
    n = dyad.shape[1]
    p = 0
    for a in range(n):
        for b in range(a + 1, n):
            for lane in range(valid):
                pidx[p, lane] = partnership(dyad[D_TRUST, a, b, lane], dyad[D_TRUST, b, a, lane],
                                            dyad[D_SUPPORT, a, b, lane], dyad[D_SUPPORT, b, a, lane])
            p += 1


@njit
def _add_cell(t, c, valid, rows, r, n_bins, lo, hi, bins, sums):
    """Cell c at month t from rows[r, lane] (a 2-d view of a state array, made once per
    month rather than a view sliced per cell): bins[t, c, lane] (the block's slab
    [T+1, C, L]) and sums[t, c], lanes 0..valid-1."""
    lo_c, hi_c = lo[c], hi[c]
    inverse = exact_inverse(hi_c - lo_c)  # no division per value where the range allows
    for lane in range(valid):  # loops of their own, hoisted ranges
        bins[t, c, lane] = _bin(rows[r, lane], lo_c, hi_c, inverse, n_bins)
    sums[t, c] += _fixed_sum(rows, r, valid)


@njit
def month_cells(t, valid, dyad, glob, awork, pidx, n_bins, lo, hi, bins, sums, values):
    """Every cell of ``sim.aggregate.cell_catalogue`` at month t for lanes 0..valid-1 of a
    block in lane layout (dyad[D, N, N, lanes], glob[G, lanes], awork[K, N, lanes]; the
    recorded variables at ``layout.RECORDED_*``; pidx from ``pair_indices``): its bin among
    ``n_bins`` over [lo[c], hi[c]] into the block's slab bins[t, c, lane] (uint16,
    [T+1, C, lanes]) and its fixed-point value added to sums[t, c]. ``values[lanes]`` is
    scratch."""
    n, lanes = dyad.shape[1], dyad.shape[3]
    planes = dyad.reshape((dyad.shape[0] * n * n, lanes))  # row (d N + i) N + j
    actors = awork.reshape((awork.shape[0] * n, lanes))  # row k N + i
    scratch = values.reshape((1, lanes))
    c = np.int64(0)  # int64 variables, not literal 0s: one specialisation of the callees
    for v in range(len(RECORDED_DYAD_PLANES)):
        d = RECORDED_DYAD_PLANES[v]
        for i in range(n):
            for j in range(n):
                if i != j:
                    _add_cell(t, c, valid, planes, (d * n + i) * n + j, n_bins, lo, hi, bins, sums)
                    c += 1
    for i in range(n):  # the public-private gap, alignment - trust
        for j in range(n):
            if i != j:
                for lane in range(valid):
                    values[lane] = dyad[D_ALIGNMENT, i, j, lane] - dyad[D_TRUST, i, j, lane]
                _add_cell(t, c, valid, scratch, np.int64(0), n_bins, lo, hi, bins, sums)
                c += 1
    for p in range(pidx.shape[0]):
        _add_cell(t, c, valid, pidx, p, n_bins, lo, hi, bins, sums)
        c += 1
    for k in range(len(RECORDED_ACTOR_ROWS)):
        for i in range(n):
            _add_cell(t, c, valid, actors, RECORDED_ACTOR_ROWS[k] * n + i, n_bins, lo, hi, bins, sums)
            c += 1
    for w in range(len(RECORDED_WORLD_SLOTS)):
        _add_cell(t, c, valid, glob, RECORDED_WORLD_SLOTS[w], n_bins, lo, hi, bins, sums)
        c += 1


@njit
def track_pairs(t, horizon, first, valid, pidx, threshold, months, runs, peaks, ruptured, final):
    """Rupture of every pair, month by month (``next_run``; the same months as
    ``first_rupture``): ruptured[first + lane, P] its first rupture month (-1 if none) and,
    at t == horizon, final[first + lane, P] its index. runs[P, lanes], peaks[P, lanes]: the
    running counts and peaks."""
    for p in range(pidx.shape[0]):
        for lane in range(valid):
            row = first + lane
            if t == 0:
                runs[p, lane] = 0
                peaks[p, lane] = pidx[p, lane]
                ruptured[row, p] = -1
            else:
                peaks[p, lane] = max(peaks[p, lane], pidx[p, lane])
                runs[p, lane] = next_run(runs[p, lane], retained(pidx[p, lane], peaks[p, lane]), threshold)
                if runs[p, lane] >= months and ruptured[row, p] == -1:
                    ruptured[row, p] = t - months + 1
            if t == horizon:
                final[row, p] = pidx[p, lane]


def count_bins(bins, n_rep, counts):
    """counts[T+1, C, bins] += the histogram of the first ``n_rep`` replications of each of
    K batches' block-major bins[K, B, T+1, C, L]; months in parallel. Within a month, cells
    go in tiles whose counts fit in a core's L2 cache (``COUNTS_TILE_BYTES``) while every
    block's contiguous [tile, L] slab of that month streams past (a whole month's counts,
    1.3 MB for the default roster, do not fit; the tiles help widely spread bins, not the
    concentrated bins of a typical run: benchmarks/README.md, third pass, step 4)."""
    parallel_for(_count_bins, bins.shape[2], bins, n_rep, counts)


COUNTS_TILE_BYTES = 256 * 1024  # bytes of counts per tile: within a core's L2 (1 MB on Zen 4, 256 KB-2 MB elsewhere)


@njit
def _count_bins(start, stop, bins, n_rep, counts):
    lanes, n_cells = bins.shape[4], bins.shape[3]
    tile = max(1, COUNTS_TILE_BYTES // (counts.itemsize * counts.shape[2]))
    for t in range(start, stop):
        for first in range(0, n_cells, tile):
            last = min(n_cells, first + tile)
            for k in range(bins.shape[0]):
                for b in range(bins.shape[1]):
                    valid = min(lanes, n_rep - b * lanes)
                    for c in range(first, last):
                        for lane in range(valid):
                            counts[t, c, bins[k, b, t, c, lane]] += 1


def histogram_quantiles(counts, n, qs, lo, hi, out):
    """out[T+1, C, Q]: quantile qs[k] (ascending) of each histogram counts[T+1, C, B] of
    ``n`` values over [lo[c], hi[c]], linear within its bin: the first bin b whose
    cumulative count reaches rank = q n (at least 1e-12), at b + (rank - below) / inside
    bins (inside: the bin's count, below: the counts before it; the fraction clipped to
    [0, 1], 0 in an empty bin; b = 0 if no bin reaches the rank). Months in parallel."""
    if np.any(np.diff(qs) < 0):
        raise ValueError(f"quantiles must be ascending, got {list(qs)}")
    parallel_for(_histogram_quantiles, counts.shape[0], counts, n, qs, lo, hi, out)


@njit
def _histogram_quantiles(start, stop, counts, n, qs, lo, hi, out):
    """``histogram_quantiles`` for months start..stop-1: one pass over each histogram's
    bins for all (ascending) quantiles."""
    n_bins = counts.shape[2]
    for t in range(start, stop):
        for c in range(counts.shape[1]):
            bin_, below = 0, 0  # the first bin not yet passed, and the counts before it
            for k in range(qs.shape[0]):
                rank = qs[k] * n
                target = max(rank, 1e-12)
                while bin_ < n_bins and below + counts[t, c, bin_] < target:
                    below += counts[t, c, bin_]
                    bin_ += 1
                b, before = (bin_, below) if bin_ < n_bins else (0, 0)
                inside = counts[t, c, b]
                frac = (rank - before) / max(inside, 1) if inside > 0 else 0.0
                out[t, c, k] = lo[c] + (hi[c] - lo[c]) * (b + min(1.0, max(0.0, frac))) / n_bins


@njit
def reduce_month(month, horizon, first, valid, glob, dyad, awork, n_bins, lo, hi, bins, sums, threshold, months,
                 pair, index, ruptured, final, pidx, runs, peaks, values):
    """One month's reductions of lanes 0..valid-1 of a block (rows first.., first a
    multiple of the block width L) in lane layout, if asked for: the cells
    (``month_cells``) into bins[first // L] if ``bins`` [B, T+1, C, L] has rows; every
    pair's rupture (``track_pairs``)
    and index[first + lane, month], the index of pair number ``pair``, if ``ruptured`` has
    rows. pidx[P, lanes], runs[P, lanes], peaks[P, lanes] and values[lanes] are the block's
    scratch."""
    if bins.shape[0] == 0 and ruptured.shape[0] == 0:
        return
    pair_indices(valid, dyad, pidx)
    if bins.shape[0] > 0:
        month_cells(month, valid, dyad, glob, awork, pidx, n_bins, lo, hi, bins[first // bins.shape[3]], sums,
                    values)
    if ruptured.shape[0] > 0:
        track_pairs(month, horizon, first, valid, pidx, threshold, months, runs, peaks, ruptured, final)
        for lane in range(valid):
            index[first + lane, month] = pidx[pair, lane]


@njit
def reduce_trajectories(first_block, stop_block, lanes, dyad, actor, world, n_bins, lo, hi, bins, block_sums,
                        threshold, months, pair, index, ruptured, final):
    """``reduce_month`` of every month of a batch of whole trajectories (dyad [R, T+1, V, N, N],
    actor [R, T+1, K, N], world [R, T+1, W]), blocks first_block..stop_block-1 of ``lanes``
    rows (the width of the bins' blocks; block b's sums in block_sums[b])."""
    n_rep, n_months, n = dyad.shape[0], dyad.shape[1], dyad.shape[3]
    n_pairs = n * (n - 1) // 2
    for block in range(first_block, stop_block):
        first = block * lanes
        valid = min(lanes, n_rep - first)
        state = np.zeros((len(DYAD_FIELDS), n, n, lanes))
        glob = np.zeros((len(GLOB_FIELDS), lanes))
        awork = np.zeros((len(ACTOR_WORK), n, lanes))
        pidx = np.empty((n_pairs, lanes))
        runs = np.empty((n_pairs, lanes), dtype=np.int64)
        peaks = np.empty((n_pairs, lanes))
        values = np.empty(lanes)
        for t in range(n_months):
            for lane in range(valid):
                for v in range(len(RECORDED_DYAD_PLANES)):
                    for i in range(n):
                        for j in range(n):
                            state[RECORDED_DYAD_PLANES[v], i, j, lane] = dyad[first + lane, t, v, i, j]
                if bins.shape[0] > 0:  # the cells need them (pair_outcomes passes none)
                    for k in range(len(RECORDED_ACTOR_ROWS)):
                        for i in range(n):
                            awork[RECORDED_ACTOR_ROWS[k], i, lane] = actor[first + lane, t, k, i]
                    for w in range(len(RECORDED_WORLD_SLOTS)):
                        glob[RECORDED_WORLD_SLOTS[w], lane] = world[first + lane, t, w]
            reduce_month(t, n_months - 1, first, valid, glob, state, awork, n_bins, lo, hi, bins, block_sums[block],
                         threshold, months, pair, index, ruptured, final, pidx, runs, peaks, values)


def reduce_batch(dyad, actor, world, n_bins, lo, hi, bins, sums, threshold, months, pair, index, ruptured, final):
    """``reduce_trajectories`` with the batch's fixed-point sums added to sums[T+1, C] (the
    arrays of ``sim.trajectories.Reductions``; blocks as wide as the bins' [B, T+1, C, L])."""
    lanes = bins.shape[3] if bins.shape[0] > 0 else LANES
    n_blocks = (dyad.shape[0] + lanes - 1) // lanes
    block_sums = np.zeros((n_blocks,) + sums.shape, dtype=np.int64)
    parallel_for(reduce_trajectories, n_blocks, lanes, dyad, actor, world, n_bins, lo, hi, bins, block_sums,
                 threshold, months, pair, index, ruptured, final)
    sums += block_sums.sum(axis=0)


def block_bins(n_rep: int, n_months: int, n_cells: int, lanes: int) -> np.ndarray:
    """Zeroed block-major bins [B, T+1, C, L] for ``n_rep`` replications in blocks of ``lanes``."""
    return np.zeros(((n_rep + lanes - 1) // lanes, n_months, n_cells, lanes), dtype=np.uint16)


def bins_by_replication(bins: np.ndarray, n_rep: int) -> np.ndarray:
    """Block-major bins [B, T+1, C, L] as [T+1, C, R] (a copy): replication r's bin of cell
    c at month t, whatever the block width."""
    n_blocks, n_months, n_cells, lanes = bins.shape
    return bins.transpose(1, 2, 0, 3).reshape(n_months, n_cells, n_blocks * lanes)[:, :, :n_rep].copy()


_NO_BINS = np.empty((0, 0, 0, 0), dtype=np.uint16)
_NO_PAIRS = np.empty((0, 0), dtype=np.int64)


def histogram_cells(dyad, actor, world, lo, hi, counts, sums):
    """counts[T+1, C, B] and sums[T+1, C] += the cells (``month_cells``) of a batch of
    whole trajectories (dyad [R, T+1, V, N, N], actor [R, T+1, K, N], world [R, T+1, W])."""
    bins = block_bins(dyad.shape[0], dyad.shape[1], counts.shape[1], LANES)
    reduce_batch(dyad, actor, world, counts.shape[2], lo, hi, bins, sums, 0.0, 1, 0, np.empty((0, 0)), _NO_PAIRS,
                 np.empty((0, 0)))
    count_bins(bins[None], dyad.shape[0], counts)


def pair_outcomes(dyad, rupture_threshold, rupture_months_, ruptured, final):
    """For every unordered pair P, in order (0,1), (0,2), ..., (N-2, N-1): ruptured[R, P]
    its rupture month (``first_rupture``) and final[R, P] its index at the horizon
    (``track_pairs`` over whole trajectories dyad [R, T+1, V, N, N])."""
    r, t1 = dyad.shape[0], dyad.shape[1]
    reduce_batch(dyad, np.empty((r, t1, 0, 0)), np.empty((r, t1, 0)), 1, np.empty(0), np.empty(0), _NO_BINS,
                 np.zeros((0, 0), dtype=np.int64), rupture_threshold, rupture_months_, 0, np.empty((r, t1)), ruptured,
                 final)


@njit
def first_rupture(series, threshold, months):
    """First month of the first run of >= ``months`` consecutive months, among months
    1..T of the index ``series`` [T+1], with the retained share below ``threshold``; -1
    if none."""
    run = 0
    peak = series[0]
    for t in range(1, series.shape[0]):
        peak = max(peak, series[t])
        run = next_run(run, retained(series[t], peak), threshold)
        if run >= months:
            return t - months + 1
    return -1


@njit
def retained_shares(series, out):
    """out[T+1] = ``retained`` of each month of the index ``series`` [T+1]."""
    peak = series[0]
    for t in range(series.shape[0]):
        peak = max(peak, series[t])
        out[t] = retained(series[t], peak)


@njit
def weakest_hold(series, months):
    """The highest rupture threshold at which the index ``series`` [T+1] would not
    rupture: the minimum, over every run of ``months`` consecutive months in 1..T, of the
    run's maximum retained share (a run entirely below a threshold is a rupture); 1 if
    T < months."""
    shares = np.empty(series.shape[0])
    retained_shares(series, shares)
    weakest = 1.0
    for start in range(1, series.shape[0] - months + 1):
        top = shares[start]
        for t in range(start + 1, start + months):
            top = max(top, shares[t])
        weakest = min(weakest, top)
    return weakest


@njit
def weakest_holds(index, months, out):
    """out[R] = weakest_hold of each row of index [R, T+1]."""
    for r in range(index.shape[0]):
        out[r] = weakest_hold(index[r], months)


@njit
def rupture_months(index, threshold, months, out):
    """out[R] = first_rupture of each row of index [R, T+1]."""
    for r in range(index.shape[0]):
        out[r] = first_rupture(index[r], threshold, months)


@njit
def pair_index(dyad, a, b, out):
    """out[R, T+1] partnership index of (a, b)."""
    for r in range(dyad.shape[0]):
        for t in range(dyad.shape[1]):
            out[r, t] = _index(dyad, r, t, a, b)


def empty_pair_arrays(n_rep: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Output arrays of ``pair_outcomes``: rupture months (int) and final indices (float)."""
    n_pairs = n * (n - 1) // 2
    return np.empty((n_rep, n_pairs), dtype=np.int64), np.empty((n_rep, n_pairs))
