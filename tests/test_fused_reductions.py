"""The reductions the core makes as its months run equal those of its written trajectories.

The runner never writes a numba ensemble's trajectories: the core bins every cell and
follows every pair's rupture month by month (``sim.kernels.reduce.reduce_month``). The
Mesa engine's trajectories go through the same reductions afterwards
(``reduce_batch``); both must give the same bins, sums, ruptures and indices, and the
state at the horizon must be the trajectories' last month.
"""

from __future__ import annotations

import numpy as np

from sim import load_config
from sim.aggregate import QuantileAccumulator, cell_catalogue
from sim.compile import compile_model
from sim.engines.numba_core import run_draw
from sim.kernels.reduce import reduce_batch
from sim.trajectories import Reductions, Trajectories


def test_reductions_in_the_core_equal_those_of_its_trajectories():
    config = load_config("entente4_escalation", ["horizon_months=18", "dynamics.detection_rate=0.5"])
    model = compile_model(config)
    n, horizon = len(model.roster), config.horizon_months
    draw = model.draw(np.arange(3, 40, dtype=np.int64))  # 37 rows: a partial block
    acc = QuantileAccumulator(horizon + 1, cell_catalogue(model.roster))

    def reductions():
        return Reductions.empty(37, horizon, n, acc.bins, acc.lo, acc.hi, 0.35, 2, 4)

    fused = reductions()
    last = run_draw(model, draw, Trajectories.empty(draw.reps, 0, n, len(model.events.names)), fused)
    traj = run_draw(model, draw)
    written = reductions()
    reduce_batch(traj.dyad, traj.actor, traj.world, *written.arrays())
    for name in ("bins", "sums", "index", "ruptured", "final"):
        assert np.array_equal(getattr(fused, name), getattr(written, name)), name
    assert (fused.ruptured >= 0).any() and (fused.ruptured == -1).any()  # ruptures and holds exercised
    assert fused.sums.any() and fused.bins.any()
    for name in ("dyad", "world", "actor"):
        assert np.array_equal(getattr(last, name)[:, 0], getattr(traj, name)[:, -1]), name
    for name in ("detections", "fires"):
        assert np.array_equal(getattr(last, name), getattr(traj, name)), name
