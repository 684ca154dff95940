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


def lanewise(n: int, lanes: int) -> int | None:
    """The phases' ``lanewise`` argument for N actors in blocks of ``lanes``: 1, the O(N^3)
    terms lane by lane, SIMD over rows of N actors (N larger than two lane vectors: large
    rosters, 8 lanes), or None, across the lanes, SIMD over the lane vector (small rosters,
    wide blocks). Chosen here, in Python, because numba drops the branch a value does not
    take (``lanewise is not None``) when it compiles: each form compiles only where a run
    uses it. Both give the same numbers."""
    return 1 if n > 2 * lanes else None
