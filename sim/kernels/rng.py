"""Counter-based random numbers: a hash of (seed, replication, month, i, j, stream).

Every draw is a pure function of its coordinates, so results do not depend on thread
count, batch size, replication order or engine, and two scenarios run on one seed see
the same draws wherever their coordinates coincide (common random numbers).

The mixer is SplitMix64's finaliser (Steele, Lea & Flood 2014), absorbed once per
coordinate; the top 53 bits give a double in [0, 1). All arithmetic is on uint64 with
wrap-around (numba compiles it as such; mixing signed and unsigned ints would promote
to float64, hence the explicit casts).
"""

import math

import numpy as np

from sim.kernels.jit import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_S12 = np.uint64(12)
_INV_2_53 = 1.0 / 9007199254740992.0
_INV_2_52 = 1.0 / 4503599627370496.0


@njit
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit
def _absorb(h, x):
    return _mix(h + (np.uint64(x) + np.uint64(1)) * _GOLDEN)


@njit
def _hash(seed, rep, month, i, j, stream):
    h = _absorb(np.uint64(0x6A09E667F3BCC909), seed)
    h = _absorb(h, rep)
    h = _absorb(h, month)
    h = _absorb(h, i)
    h = _absorb(h, j)
    return _absorb(h, stream)


@njit
def uniform(seed, rep, month, i, j, stream):
    """A double in [0, 1) for these integer coordinates (all >= 0)."""
    return float(_hash(seed, rep, month, i, j, stream) >> _S11) * _INV_2_53


@njit
def open_uniform(seed, rep, month, i, j, stream):
    """A double strictly inside (0, 1): 52 random bits, centred in their cell."""
    h = _hash(seed, rep, month, i, j, stream)
    return (float(h >> _S12) + 0.5) * _INV_2_52


@njit
def logistic_noise(seed, rep, month, i, j, stream):
    """A standard logistic variate (mean 0, scale 1) by inversion of one uniform."""
    u = open_uniform(seed, rep, month, i, j, stream)
    return math.log(u / (1.0 - u))


@njit
def uniform_many(seed, reps, month, i, j, stream):
    """``uniform`` for each replication index in ``reps`` (other coordinates fixed)."""
    out = np.empty(reps.shape[0])
    for r in range(reps.shape[0]):
        out[r] = uniform(seed, reps[r], month, i, j, stream)
    return out
