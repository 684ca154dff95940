"""Run a batch of replications on the compiled numba core."""

from __future__ import annotations

import numpy as np

from sim.compile import CompiledModel, Draw
from sim.kernels.ensemble import simulate
from sim.trajectories import Reductions, Trajectories


def run_draw(model: CompiledModel, draw: Draw, out: Trajectories | None = None,
             reductions: Reductions | None = None) -> Trajectories:
    """Simulate the parameter rows of ``draw`` (one replication each) in one kernel call.

    Row ``r`` uses the random numbers of replication ``draw.reps[r]``; rows may repeat a
    replication index with other parameters (a batched sweep's points share draws).
    ``out``: a buffer of at least as many rows to fill and return (views of its first
    rows) instead of new arrays -- for callers running many batches, which must copy
    what they keep before the next call. The core writes every output cell.
    ``reductions``: also reduce the batch as it runs (its rows are the draw's rows); then
    ``out`` may hold fewer rows (only those are recorded) or one month (the horizon's
    state), as ``sim.kernels.ensemble.simulate`` says.
    """
    horizon = model.config.horizon_months
    ev = model.events
    if out is None or out.detections.shape[0] < draw.reps.shape[0]:
        out = Trajectories.empty(draw.reps, horizon, len(model.roster), len(ev.names))
    else:
        out = out.head(draw.reps)
    simulate(model.config.seed, draw.reps, draw.glob, draw.actor, draw.dyad, model.flags,
             ev.ev_int, ev.ev_hazard, ev.eff_int, ev.eff_float, horizon, *out.outputs(),
             None if reductions is None else reductions.arrays())
    return out
