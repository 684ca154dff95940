"""The histograms' quantiles (one pass per histogram, months in parallel) follow their
definition, stated here once more with numpy's cumulative sums."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels.reduce import histogram_quantiles


def by_definition(counts, n, qs, lo, hi):
    """Quantile q of each histogram: the first bin b whose cumulative count reaches
    rank = q n (at least 1e-12; b = 0, below = 0 if none does), then linear within it."""
    n_bins = counts.shape[2]
    out = np.empty(counts.shape[:2] + (len(qs),))
    for t in range(counts.shape[0]):
        for c in range(counts.shape[1]):
            cum = np.cumsum(counts[t, c])
            for k, q in enumerate(qs):
                rank = q * n
                reached = np.flatnonzero(cum >= max(rank, 1e-12))
                b = int(reached[0]) if reached.size else 0
                below = int(cum[b] - counts[t, c, b]) if reached.size else 0
                inside = counts[t, c, b]
                frac = (rank - below) / max(inside, 1) if inside > 0 else 0.0
                out[t, c, k] = lo[c] + (hi[c] - lo[c]) * (b + min(1.0, max(0.0, frac))) / n_bins
    return out


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_bins=st.integers(1, 40), spread=st.integers(1, 40),
       qs=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6), extra=st.integers(-3, 3))
def test_quantiles_follow_their_definition(seed, n_bins, spread, qs, extra):
    rng = np.random.default_rng(seed)
    months, cells = 5, 4
    counts = np.zeros((months, cells, n_bins), dtype=np.int32)
    centre = rng.integers(0, n_bins, size=(months, cells))
    for t in range(months):
        for c in range(cells):
            if rng.random() < 0.8:  # some histograms stay empty
                values = np.clip(centre[t, c] + rng.integers(-spread, spread + 1, size=rng.integers(1, 60)), 0, n_bins - 1)
                np.add.at(counts[t, c], values, 1)
    n = int(counts.sum(axis=2).max()) + extra  # ranks beyond the total are reached by no bin
    qs = np.sort(np.asarray(qs))
    lo, hi = rng.uniform(-1, 0, cells), rng.uniform(0.5, 2, cells)
    out = np.empty((months, cells, len(qs)))
    histogram_quantiles(counts, max(n, 0), qs, lo, hi, out)
    assert np.array_equal(out, by_definition(counts, max(n, 0), qs, lo, hi))


def test_quantiles_must_be_ascending():
    counts = np.ones((1, 1, 4), dtype=np.int32)
    with pytest.raises(ValueError, match="ascending"):
        histogram_quantiles(counts, 4, np.array([0.5, 0.25]), np.zeros(1), np.ones(1), np.empty((1, 1, 2)))
