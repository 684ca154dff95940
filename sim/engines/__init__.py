"""Engines: the numba core (ensembles) and the Mesa reference (readable, one replication).

Both take a ``CompiledModel`` and global replication indices and return
``Trajectories``; on the same seed they agree to rounding (tests/test_engines_agree.py).
"""

from __future__ import annotations

import numpy as np

from sim.compile import CompiledModel
from sim.trajectories import Trajectories


def run_engine(model: CompiledModel, reps: np.ndarray, engine: str, out: Trajectories | None = None) -> Trajectories:
    """Simulate replications ``reps`` with ``engine`` ("numba" or "mesa").

    ``out``: a buffer the numba core may fill and return views of (``run_draw``).
    """
    if engine == "numba":
        from sim.engines.numba_core import run_numba

        return run_numba(model, reps, out)
    if engine == "mesa":
        from sim.engines.mesa_reference import run_mesa

        return run_mesa(model, reps)
    raise ValueError(f"engine: unknown engine {engine!r}; allowed: numba, mesa")
