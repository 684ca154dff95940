"""Counter-based random numbers: a hash of (seed, replication, month, i, j, stream).

Every draw is a pure function of its coordinates, so results do not depend on thread
count, batch size, replication order or engine, and two scenarios run on one seed see
the same draws wherever their coordinates coincide (common random numbers).

The mixer is SplitMix64's finaliser (Steele, Lea & Flood 2014), absorbed once per
coordinate in the order seed, rep, month, i, j, stream; the top 53 bits give a double
in [0, 1). The core absorbs the shared prefix once (``month_key`` per month,
``dyad_key`` per dyad and month) and then one stream per draw: the same numbers as
``uniform(seed, rep, month, i, j, stream)``, at a third of the hashing. All arithmetic
is on uint64 with wrap-around (numba compiles it as such; mixing signed and unsigned
ints would promote to float64, hence the explicit casts).
"""

import hashlib

import numpy as np

from sim.kernels import fastmath
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


def path_key(path: str) -> tuple[int, int]:
    """A stable pair of 31-bit integers naming ``path`` (a parameter or event) in the counter:
    the two little-endian halves of its 8-byte BLAKE2b digest, each shifted right by one bit."""
    digest = hashlib.blake2b(path.encode(), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little") >> 1, int.from_bytes(digest[4:], "little") >> 1


@njit
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit
def _absorb(h, x):
    return _mix(h + (np.uint64(x) + np.uint64(1)) * _GOLDEN)


@njit
def month_key(seed, rep, month):
    """The hash state after absorbing (seed, replication, month): shared by a month's draws."""
    h = _absorb(np.uint64(0x6A09E667F3BCC909), seed)
    h = _absorb(h, rep)
    return _absorb(h, month)


@njit
def dyad_key(key, i, j):
    """The state after also absorbing the actor indices (i, j); ``key`` from ``month_key``."""
    return _absorb(_absorb(key, i), j)


@njit
def fill_lane_keys(month_keys, keys):
    """keys[i, j, lane] = dyad_key(month_keys[lane], i, j) for every ordered pair and lane."""
    for i in range(keys.shape[0]):
        for j in range(keys.shape[1]):
            for lane in range(keys.shape[2]):
                keys[i, j, lane] = dyad_key(month_keys[lane], i, j)


@njit
def uniform_at(key_ij, stream):
    """A double in [0, 1) for the coordinates absorbed in ``key_ij`` and ``stream``."""
    return float(_absorb(key_ij, stream) >> _S11) * _INV_2_53


@njit
def logistic_at(key_ij, stream):
    """A standard logistic variate (mean 0, scale 1) by inversion of a uniform in (0, 1).

    The uniform has 52 random bits centred in their cell, so it is never 0 or 1.
    """
    return fastmath.log(open_odds_at(key_ij, stream))


@njit
def open_odds_at(key_ij, stream):
    """u / (1 - u) for the uniform u in (0, 1) of ``logistic_at`` (its log is the variate)."""
    u = (float(_absorb(key_ij, stream) >> _S12) + 0.5) * _INV_2_52
    return u / (1.0 - u)


@njit
def uniform(seed, rep, month, i, j, stream):
    """A double in [0, 1) for these integer coordinates (all >= 0)."""
    return uniform_at(dyad_key(month_key(seed, rep, month), i, j), stream)


@njit
def logistic_noise(seed, rep, month, i, j, stream):
    """``logistic_at`` for these integer coordinates (all >= 0)."""
    return logistic_at(dyad_key(month_key(seed, rep, month), i, j), stream)


@njit
def uniform_many(seed, reps, month, i, j, stream):
    """``uniform`` for each replication index in ``reps`` (other coordinates fixed)."""
    out = np.empty(reps.shape[0])
    for r in range(reps.shape[0]):
        out[r] = uniform(seed, reps[r], month, i, j, stream)
    return out
