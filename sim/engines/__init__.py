"""Engines: the numba core (ensembles) and the Mesa reference (readable, one replication).

Both take a ``CompiledModel`` and global replication indices and return
``Trajectories``; on the same seed they agree to rounding (tests/test_engines_agree.py).
"""

from __future__ import annotations

import numpy as np

from sim.compile import CompiledModel, Draw
from sim.trajectories import Trajectories


def run_engine(model: CompiledModel, reps: np.ndarray, engine: str, out: Trajectories | None = None, *,
               draw: Draw | None = None) -> Trajectories:
    """Simulate replications ``reps`` with ``engine`` ("numba" or "mesa").

    ``out``: a buffer the numba core may fill and return views of (``run_draw``);
    ``draw``: the parameters of ``reps`` if the caller has drawn them already.
    """
    draw = model.draw(reps) if draw is None else draw
    if engine == "numba":
        from sim.engines.numba_core import run_draw

        return run_draw(model, draw, out)
    if engine == "mesa":
        from sim.engines.mesa_reference import run_mesa

        return run_mesa(model, draw)
    raise ValueError(f"engine: unknown engine {engine!r}; allowed: numba, mesa")
