"""sim.kernels.fastmath: exp and log against libm (``math``), in ulps, and at the edges."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from sim.kernels import fastmath


@njit(error_model="numpy")
def _exp_loop(x, out):
    for i in range(x.size):
        out[i] = fastmath.exp(x[i])


@njit(error_model="numpy")
def _log_loop(x, out):
    for i in range(x.size):
        out[i] = fastmath.log(x[i])


def _libm(f, x: float) -> float:
    try:
        return f(x)
    except OverflowError:
        return math.inf
    except ValueError:  # log of 0 or of a negative
        return -math.inf if x == 0.0 else math.nan


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units in the last place between same-sign finite doubles."""
    return np.abs(a.view(np.int64) - b.view(np.int64))


def _vector(loop, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    loop(x, out)
    return out


RNG = np.random.default_rng(20261202)
EXP_ARGS = np.concatenate([RNG.uniform(-40, 40, 100_000), RNG.uniform(-745, 709.7, 100_000),
                           RNG.normal(0, 1e-6, 10_000), np.arange(-745, 710, 0.25)])
LOG_ARGS = np.concatenate([np.exp(RNG.uniform(-40, 40, 100_000)), RNG.uniform(0.5, 2, 100_000),
                           10.0 ** RNG.uniform(-323, 308, 20_000), 1.0 + RNG.normal(0, 1e-9, 10_000)])


@pytest.mark.parametrize("name, loop, args", [("exp", _exp_loop, EXP_ARGS), ("log", _log_loop, LOG_ARGS)])
def test_within_one_ulp_of_libm(name, loop, args):
    """Vectorised loops over 2e5+ arguments: never more than 1 ulp from glibc, mostly equal."""
    ref = np.array([_libm(getattr(math, name), v) for v in args])
    got = _vector(loop, args)
    finite = np.isfinite(ref) & (ref != 0.0)
    ulps = _ulps(got[finite], ref[finite])
    assert ulps.max() <= 1, f"{name}: {ulps.max()} ulps at {args[finite][ulps.argmax()]!r}"
    assert (ulps == 0).mean() > 0.9


@settings(max_examples=500, deadline=None)
@given(st.floats(min_value=-745.0, max_value=709.7))
def test_exp_scalar_call_is_the_vector_loop(x):
    """The Mesa engine calls the compiled function from Python: the same bits as in a loop."""
    assert fastmath.exp(x) == _vector(_exp_loop, np.array([x]))[0]
    assert _ulps(np.array([fastmath.exp(x)]), np.array([_libm(math.exp, x)]))[0] <= 1


@settings(max_examples=500, deadline=None)
@given(st.floats(min_value=5e-324, max_value=1.7e308))
def test_log_scalar_call_is_the_vector_loop(x):
    assert fastmath.log(x) == _vector(_log_loop, np.array([x]))[0]
    assert _ulps(np.array([fastmath.log(x)]), np.array([math.log(x)]))[0] <= 1


@pytest.mark.parametrize("x, expected", [
    (0.0, 1.0), (-0.0, 1.0), (1.0, math.e), (710.0, math.inf), (1e308, math.inf), (math.inf, math.inf),
    (-746.0, 0.0), (-1e308, 0.0), (-math.inf, 0.0), (-745.0, 5e-324), (-708.5, math.exp(-708.5)),
])
def test_exp_edges(x, expected):
    got = _vector(_exp_loop, np.array([x]))[0]
    assert got == expected or _ulps(np.array([got]), np.array([expected]))[0] <= 1


@pytest.mark.parametrize("x, expected", [
    (1.0, 0.0), (0.0, -math.inf), (-0.0, -math.inf), (math.inf, math.inf), (5e-324, math.log(5e-324)),
    (1e-310, math.log(1e-310)), (2.0, math.log(2.0)),
])
def test_log_edges(x, expected):
    assert _vector(_log_loop, np.array([x]))[0] == expected


@pytest.mark.parametrize("loop, x", [(_exp_loop, math.nan), (_log_loop, math.nan), (_log_loop, -1.0),
                                     (_log_loop, -math.inf)])
def test_nan_cases(loop, x):
    assert math.isnan(_vector(loop, np.array([x]))[0])
