"""Streaming per-month quantiles of every recorded variable, batch by batch.

Holding every trajectory of a large ensemble does not fit in memory (100k
replications × 61 months × 4 variables × 49 dyads is 9.6 GB), so each batch is binned
into integer histograms over [0, 1] (all recorded variables live there). Counts add
exactly, so the quantiles do not depend on the batch size or the thread count; they
are interpolated within a bin, accurate to one bin width (1/bins).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels.layout import RECORDED_DYAD
from sim.trajectories import Trajectories

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_MEMORY_BUDGET = 256 * 2**20  # bytes of histogram counts


@dataclass(frozen=True)
class Cell:
    """One recorded series: ``variable`` of ``source`` towards ``target`` ("" if none)."""

    variable: str
    source: str
    target: str


def cell_catalogue(roster: tuple[str, ...]) -> tuple[Cell, ...]:
    """Dyad variables (ordered pairs), partnership index (unordered pairs), need, world."""
    n = len(roster)
    cells = [Cell(v, roster[i], roster[j]) for v in RECORDED_DYAD for i in range(n) for j in range(n) if i != j]
    cells += [Cell("partnership", roster[i], roster[j]) for i in range(n) for j in range(i + 1, n)]
    cells += [Cell("need", a, "") for a in roster]
    cells += [Cell(w, "world", "") for w in ("war", "strait")]
    return tuple(cells)


def cell_values(traj: Trajectories) -> np.ndarray:
    """[R, T+1, C] values of every cell of ``cell_catalogue`` for a batch."""
    n = traj.dyad.shape[-1]
    ii, jj = np.where(~np.eye(n, dtype=bool))
    dyad = traj.dyad[:, :, :, ii, jj].reshape(traj.dyad.shape[0], traj.dyad.shape[1], -1)
    ui, uj = np.triu_indices(n, k=1)
    trust, support = traj.variable("trust"), traj.variable("support")
    partnership = 0.5 * np.sqrt(trust[:, :, ui, uj] * trust[:, :, uj, ui]) + 0.5 * np.sqrt(
        support[:, :, ui, uj] * support[:, :, uj, ui]
    )
    return np.concatenate([dyad, partnership, traj.need, traj.world], axis=2)


def default_bins(n_cells: int, n_months: int) -> int:
    """Bins per histogram: 1000, fewer for large rosters so counts stay within 256 MB."""
    return int(max(50, min(1000, _MEMORY_BUDGET // (4 * n_cells * n_months))))


class QuantileAccumulator:
    """Integer histograms [T+1, C, bins] over [0, 1], filled one batch at a time."""

    def __init__(self, n_months: int, n_cells: int, bins: int | None = None):
        self.bins = bins or default_bins(n_cells, n_months)
        self.counts = np.zeros((n_months, n_cells, self.bins), dtype=np.int32)
        self.n = 0

    def add(self, values: np.ndarray) -> None:
        """Add a batch of values [R, T+1, C] (clipped to [0, 1])."""
        r, t, c = values.shape
        b = np.minimum((np.clip(values, 0.0, 1.0) * self.bins).astype(np.int64), self.bins - 1)
        flat = (np.arange(t)[None, :, None] * c + np.arange(c)[None, None, :]) * self.bins + b
        self.counts += np.bincount(flat.ravel(), minlength=t * c * self.bins).reshape(t, c, self.bins)
        self.n += r

    def quantiles(self, qs=QUANTILES) -> np.ndarray:
        """[T+1, C, Q] quantiles, linear within the bin that holds them."""
        cum = np.cumsum(self.counts, axis=2)
        out = np.empty(self.counts.shape[:2] + (len(qs),))
        for k, q in enumerate(qs):
            rank = q * self.n
            b = np.argmax(cum >= max(rank, 1e-12), axis=2)
            below = np.take_along_axis(cum, b[..., None], axis=2)[..., 0] - np.take_along_axis(
                self.counts, b[..., None], axis=2
            )[..., 0]
            inside = np.take_along_axis(self.counts, b[..., None], axis=2)[..., 0]
            frac = np.where(inside > 0, (rank - below) / np.maximum(inside, 1), 0.0)
            out[..., k] = (b + np.clip(frac, 0.0, 1.0)) / self.bins
        return out
