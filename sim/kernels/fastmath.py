"""``exp`` and ``log`` written out in float arithmetic, so loops over SIMD lanes vectorise.

The support decision and the belief update call ``exp`` four times and ``log`` once per
ordered dyad, lane and month; libm's are scalar calls (about half of the core's time,
benchmarks/README.md). These are the textbook constructions (Cody & Waite 1980; the
fdlibm ``e_exp.c`` / ``e_log.c`` argument reductions; Muller 2016, *Elementary Functions*,
ch. 11) with no table and no branch the loop vectoriser cannot turn into a select:

- ``exp(x) = 2^k exp(r)``, ``k = round(x / ln 2)`` by the 1.5 * 2^52 rounding trick,
  ``r = x - k ln 2`` in two parts (Cody-Waite, |r| <= ln(2)/2), ``exp(r)`` by its Taylor
  polynomial to degree 13 (truncation < 5e-18 relative), ``2^k`` built from its bits;
- ``log(x) = e ln 2 + log(m)``, ``x = 2^e m`` with m in [sqrt(1/2), sqrt(2)) from the bits,
  ``log(m) = 2 atanh(s)``, ``s = f / (2 + f)``, ``f = m - 1``, odd series to s^21
  (|s| <= 0.1716, truncation < 1e-18 relative), summed in fdlibm's order around f.

Both engines use them (the Mesa reference calls these compiled functions), so the
engines still agree bit for bit; tests/test_fastmath.py bounds their error against
``math`` in ulps and checks the edge cases (exp: 0 far below, inf far above, subnormal
results, NaN; log: 0, negatives, subnormals, inf, NaN).
"""

from __future__ import annotations

import math

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from sim.kernels.jit import njit_inline

LOG2E = 1.4426950408889634  # 1 / ln 2
LN2_HI = 6.93147180369123816490e-01  # ln 2, upper 32 bits (k * LN2_HI exact for |k| < 2^20)
LN2_LO = 1.90821492927058770002e-10  # ln 2 - LN2_HI
ROUND_SHIFT = 6755399441055744.0  # 1.5 * 2^52: x + ROUND_SHIFT - ROUND_SHIFT rounds x to an integer
SQRT_HALF = 0.7071067811865476
MIN_NORMAL = 2.2250738585072014e-308
TWO_54 = 18014398509481984.0  # 2^54: scales subnormals into the normal range
MANTISSA_BITS = 0x000FFFFFFFFFFFFF  # the 52 fraction bits of a float64

_EXP_TAYLOR = tuple(1.0 / math.factorial(n) for n in range(13, -1, -1))  # 1/13! ... 1/0!: exp(r), |r| <= ln(2)/2
_ATANH_TAIL = tuple(2.0 / (2 * n + 1) for n in range(10, 0, -1))  # 2/21 ... 2/3: (2 atanh(s) - 2s) / s^3 in s^2


@intrinsic
def float_bits(typingctx, x):
    """The IEEE 754 bit pattern of a float64 as an int64 (a register move, no memory)."""
    if x != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def from_bits(typingctx, b):
    """The float64 whose IEEE 754 bit pattern is the int64 ``b``."""
    if b != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@intrinsic
def _fma(typingctx, a, b, c):
    """a * b + c rounded once (IEEE 754 fusedMultiplyAdd; one instruction where the CPU has
    FMA, libm's exact ``fma`` otherwise: the same bits either way)."""
    if not (a == b == c == types.float64):
        return None

    def codegen(context, builder, signature, args):
        return builder.fma(*args)

    return types.float64(types.float64, types.float64, types.float64), codegen


@njit_inline
def _horner(x, coefficients):
    """sum_k c_k x^k for ``coefficients`` from the highest degree down, one FMA per step."""
    p = 0.0
    for c in coefficients:
        p = _fma(p, x, c)
    return p


@njit_inline
def exp(x):
    """e^x for a float64 x (any value)."""
    xc = min(max(x, -746.0), 710.0)  # beyond these exp is 0 or inf; keeps k in [-1077, 1025]
    t = xc * LOG2E + ROUND_SHIFT
    k = t - ROUND_SHIFT  # round(xc / ln 2), exactly
    r = (xc - k * LN2_HI) - k * LN2_LO
    kb = float_bits(t) - float_bits(ROUND_SHIFT)  # the same k as an int64
    half = kb >> 1  # 2^k as 2^half 2^(k - half): each factor a normal double
    y = _horner(r, _EXP_TAYLOR) * from_bits((half + 1023) << 52) * from_bits((kb - half + 1023) << 52)
    if x != x:
        y = x
    return y


@njit_inline
def log(x):
    """Natural log of a float64 x (any value)."""
    xs = x
    shift = 0.0
    if x < MIN_NORMAL:  # subnormal (or <= 0, handled below): scale into the normal range
        xs = x * TWO_54
        shift = 54.0
    b = float_bits(xs)
    biased = from_bits((b >> 52) | float_bits(4503599627370496.0)) - 4503599627370496.0  # 2^52 + field
    m = from_bits((b & MANTISSA_BITS) | 0x3FF0000000000000)  # mantissa in [1, 2)
    if m > 2.0 * SQRT_HALF:
        m = 0.5 * m
        biased = biased + 1.0
    e = biased - 1023.0 - shift
    f = m - 1.0  # exact
    s = f / (2.0 + f)
    z = s * s
    p = _horner(z, _ATANH_TAIL)
    half_f2 = 0.5 * f * f  # 2 atanh(s) = f - (f^2/2 - s (f^2/2 + R)), R = z p (fdlibm's form)
    y = e * LN2_HI - ((half_f2 - (s * (half_f2 + z * p) + e * LN2_LO)) - f)
    if x == 0.0:
        y = -math.inf
    if x < 0.0:
        y = math.nan
    if x == math.inf:
        y = math.inf
    if x != x:
        y = x
    return y
