"""Helpers over a lane vector (one value per replication of a block), shared by the mechanisms."""

from sim.kernels.jit import njit


@njit
def any_nonzero(values):
    """True if some lane of ``values`` is not 0 (±0 both count as 0): the O(N^3) terms skip a
    third actor whose every product is then 0, which changes no sum, max or min."""
    for v in values:
        if v != 0.0:
            return True
    return False


@njit
def by_lane(n, lanes):
    """True if the O(N^3) terms run lane by lane, SIMD over rows of N actors (N larger
    than two lane vectors: large rosters, 8 lanes), else across the lanes, SIMD over
    the lane vector (small rosters, wide blocks). Both give the same numbers."""
    return n > 2 * lanes
