"""The reductions' integers read off float bit patterns (``sim.kernels.reduce._whole``, so
they vectorise without AVX-512) equal the direct conversions, small values and large."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from sim.kernels.reduce import MEAN_SCALE, WHOLE_LIMIT, _bin, _fixed_sum, _whole


@njit
def _wholes(values, out):
    for i in range(values.shape[0]):
        out[i] = _whole(values[i])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**51) + 1, 2**51 - 1), min_size=1, max_size=64))
def test_whole_equals_int64_below_the_limit(ints):
    values = np.array(ints, dtype=np.float64)  # whole numbers below 2^51 are exact doubles
    out = np.empty(values.shape[0], dtype=np.int64)
    _wholes(values, out)
    assert np.array_equal(out, values.astype(np.int64)) and WHOLE_LIMIT == 2.0**51


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-2e6, 2e6, allow_nan=False), min_size=1, max_size=64))
def test_fixed_sums_equal_the_direct_conversion(values):
    rows = np.array([values])  # one row; past 2^18 in magnitude: the direct path (sums of 64 stay in int64)
    expected = sum(int(math.floor(v * MEAN_SCALE + 0.5)) for v in values)
    assert _fixed_sum(rows, 0, len(values)) == expected


@settings(max_examples=200, deadline=None)
@given(value=st.floats(-3.0, 3.0), lo=st.floats(-2.0, 0.0), width=st.floats(0.01, 4.0), bins=st.integers(1, 5000))
def test_bins_equal_the_truncated_position(value, lo, width, bins):
    hi = lo + width
    x = min(hi, max(lo, value)) - lo
    expected = min(int(x / (hi - lo) * bins), bins - 1)
    assert _bin(value, lo, hi, 0.0, bins) == expected
