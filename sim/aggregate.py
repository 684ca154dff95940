"""Streaming per-month quantiles and means of every recorded variable, batch by batch.

Holding every trajectory of a large ensemble does not fit in memory (100k
replications × 61 months × 6 variables × 49 dyads is 14 GB), so each batch is binned
into integer histograms over each variable's declared range, and summed in fixed
point (``MEAN_SCALE``). Counts and fixed-point sums add exactly, so the quantiles and
means do not depend on the batch size or the thread count; quantiles are interpolated
within a bin, accurate to one bin width (range/bins), means to 2^-32.

Cells, in the order ``sim.kernels.reduce.histogram_cells`` fills them: the recorded
dyad variables (ordered pairs), the derived dyad variables ``DERIVED_DYAD`` (the
public-private gap, alignment - trust), the partnership index (unordered pairs), the
actor and the world variables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import mechanisms
from sim.kernels.layout import RECORDED_ACTOR, RECORDED_DYAD, RECORDED_WORLD
from sim.kernels.reduce import DERIVED_DYAD, MEAN_SCALE, count_bins, histogram_cells, histogram_quantiles
from sim.trajectories import Reductions, Trajectories

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_MEMORY_BUDGET = 256 * 2**20  # bytes of histogram counts
_PENDING_BUDGET = 128 * 2**20  # bytes of batches' bins waiting to be counted
# Ranges of the variables that are not declared parameters.
_DERIVED_RANGE = {"gap": (-1.0, 1.0), "partnership": (0.0, 1.0), "need": (0.0, 1.0)}


@dataclass(frozen=True)
class Cell:
    """One recorded series: ``variable`` of ``source`` towards ``target`` ("" if none)."""

    variable: str
    source: str
    target: str


def cell_catalogue(roster: tuple[str, ...]) -> tuple[Cell, ...]:
    """Dyad variables (ordered pairs), partnership index (unordered pairs), actor and
    world variables: the order ``sim.kernels.reduce.histogram_cells`` fills."""
    n = len(roster)
    dyads = [(roster[i], roster[j]) for i in range(n) for j in range(n) if i != j]
    cells = [Cell(v, a, b) for v in (*RECORDED_DYAD, *DERIVED_DYAD) for a, b in dyads]
    cells += [Cell("partnership", roster[i], roster[j]) for i in range(n) for j in range(i + 1, n)]
    cells += [Cell(v, a, "") for v in RECORDED_ACTOR for a in roster]
    cells += [Cell(w, "world", "") for w in RECORDED_WORLD]
    return tuple(cells)


def cell_kind(cell: Cell) -> str:
    """``dyad`` (source towards target), ``actor`` (source only) or ``world`` (neither)."""
    if cell.source == "world":
        return "world"
    return "dyad" if cell.target else "actor"


def month_dates(start: str, months: int) -> pd.DatetimeIndex:
    """First day of each simulated month; month 0 is ``start`` (YYYY-MM)."""
    return pd.date_range(pd.Timestamp(f"{start}-01"), periods=months, freq="MS")


def variable_range(variable: str) -> tuple[float, float]:
    """The [lo, hi] range of a cell variable: its declaration, or the derived variable's."""
    if variable in _DERIVED_RANGE:
        return _DERIVED_RANGE[variable]
    section = "world" if variable in RECORDED_WORLD else "relation"
    p = mechanisms.parameter(section, variable)
    return p.lo, p.hi


def cell_ranges(cells: tuple[Cell, ...]) -> tuple[np.ndarray, np.ndarray]:
    """[C] lower and upper ends of each cell's range."""
    ranges = np.array([variable_range(c.variable) for c in cells], dtype=np.float64).reshape(-1, 2)
    return np.ascontiguousarray(ranges[:, 0]), np.ascontiguousarray(ranges[:, 1])


def pending_batches(batch: int, n_cells: int, n_months: int) -> int:
    """Batches whose bins are kept before they are counted: up to 4,096 replications and
    128 MB (each count streams the whole histograms through memory once)."""
    per_batch = batch * n_cells * n_months * np.dtype(np.uint16).itemsize
    return int(max(1, min(4096 // max(batch, 1), _PENDING_BUDGET // max(per_batch, 1))))


def default_bins(n_cells: int, n_months: int) -> int:
    """Bins per histogram: 1000, fewer for large rosters so counts stay within 256 MB."""
    return int(max(50, min(1000, _MEMORY_BUDGET // (4 * n_cells * n_months))))


class QuantileAccumulator:
    """Integer histograms [T+1, C, bins] over each cell's range and fixed-point sums
    [T+1, C], filled one batch at a time."""

    def __init__(self, n_months: int, cells: tuple[Cell, ...], bins: int | None = None):
        self.bins = bins or default_bins(len(cells), n_months)
        self.lo, self.hi = cell_ranges(cells)
        self.counts = np.zeros((n_months, len(cells), self.bins), dtype=np.int32)
        self.sums = np.zeros((n_months, len(cells)), dtype=np.int64)
        self.n = 0

    def add(self, traj: Trajectories) -> None:
        """Add every cell of a batch's trajectories (values clipped to their ranges)."""
        n_cells = len(cell_catalogue(tuple(range(traj.actor.shape[3]))))
        if traj.dyad.shape[1] != self.counts.shape[0] or n_cells != self.counts.shape[1]:
            raise ValueError(f"batch has {traj.dyad.shape[1]} months x {n_cells} cells; "
                             f"histograms hold {self.counts.shape[0]} x {self.counts.shape[1]}")
        histogram_cells(traj.dyad, traj.actor, traj.world, self.lo, self.hi, self.counts, self.sums)
        self.n += traj.dyad.shape[0]

    def add_sums(self, red: Reductions) -> None:
        """Add the fixed-point sums of a batch the core has reduced as it ran (its bins
        are counted by ``count``, several batches at a time)."""
        if red.sums.shape != self.sums.shape or red.n_bins != self.bins:
            raise ValueError(f"batch has {red.sums.shape} months x cells in {red.n_bins} bins; "
                             f"histograms hold {self.sums.shape} in {self.bins}")
        self.sums += red.sums
        self.n += red.n_rep

    def count(self, bins: np.ndarray, n_rep: int) -> None:
        """Add the first ``n_rep`` replications of each of K batches' block-major bins
        [K, B, T+1, C, L] (``sim.trajectories.Reductions``) to the histograms."""
        count_bins(bins, n_rep, self.counts)

    def means(self) -> np.ndarray:
        """[T+1, C] means over the replications added so far."""
        return self.sums / (MEAN_SCALE * max(self.n, 1))

    def quantiles(self, qs=QUANTILES) -> np.ndarray:
        """[T+1, C, Q] quantiles, linear within the bin that holds them (``histogram_quantiles``)."""
        out = np.empty(self.counts.shape[:2] + (len(qs),))
        histogram_quantiles(self.counts, self.n, np.asarray(qs, dtype=np.float64), self.lo, self.hi, out)
        return out
