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
