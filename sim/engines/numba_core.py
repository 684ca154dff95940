"""Run a batch of replications on the compiled numba core."""

from __future__ import annotations

import numpy as np

from sim.compile import CompiledModel, Draw
from sim.kernels.ensemble import simulate
from sim.kernels.reduce import pair_number
from sim.trajectories import Reductions, Trajectories


def run_draw(model: CompiledModel, draw: Draw, out: Trajectories | None = None,
             reductions: Reductions | None = None) -> Trajectories:
    """Simulate the parameter rows of ``draw`` (one replication each) in one kernel call.

    Row ``r`` uses the random numbers of replication ``draw.reps[r]``; rows may repeat a
    replication index with other parameters (a batched sweep's points share draws).
    ``out``: a buffer of at least as many rows to fill and return (views of its first
    rows) instead of new arrays -- for callers running many batches, which must copy
    what they keep before the next call. The core writes every output cell. ``out`` may
    hold one month (the horizon's state alone), with or without reductions.
    ``reductions``: also reduce the batch as it runs (its rows are the draw's rows); then
    ``out`` may also hold fewer rows (only those are recorded), as
    ``sim.kernels.ensemble.simulate`` says.
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


def run_parameter_sets(model: CompiledModel, base: Draw, fields, values: np.ndarray,
                       buffers: tuple[Trajectories, Reductions] | None = None) -> tuple[Trajectories, Reductions]:
    """Many small ensembles in one core call: P parameter sets x the R replications of ``base``.

    ``fields``: K indices into the world/dynamics row (``sim.kernels.layout.GLOB_FIELDS``,
    e.g. ``layout.slot(layout.GLOB_FIELDS, "GLOB_FIELDS", "balance_rate")``); ``values``
    [P, K]: parameter set p gives ``glob[fields[k]] = values[p, k]`` on every replication
    of ``base`` (the rest of ``base`` as drawn). Row ``p * R + r`` is set p on replication
    ``base.reps[r]``: every set sees the same random numbers (common random numbers).

    Returns (horizon state, reductions), P * R rows each: ``Trajectories`` with one month
    (the state at the horizon; detections and firings) and ``Reductions`` of the pairs
    alone (``ruptured[:, P']`` every pair's first rupture month at ``config.outcome``'s
    threshold and duration, ``index`` the outcome pair's index per month, ``final`` every
    pair's index at the horizon); e.g. ``red.ruptured[:, red.pair].reshape(P, R)``.
    ``buffers``: a previous call's return value of at least as many rows, reused (views
    of its first rows are returned: copy what you keep).
    """
    values = np.asarray(values, dtype=np.float64)
    fields = np.asarray(fields, dtype=np.int64)
    n_sets, n_rep = values.shape[0], base.reps.shape[0]
    if values.ndim != 2 or values.shape[1] != fields.shape[0]:
        raise ValueError(f"values: need shape (P, {fields.shape[0]}) for {fields.shape[0]} fields, got {values.shape}")
    glob = np.repeat(base.glob[None], n_sets, axis=0)
    glob[:, :, fields] = values[:, None, :]
    draw = Draw(np.tile(base.reps, n_sets), glob.reshape(n_sets * n_rep, -1),
                np.tile(base.actor, (n_sets, 1, 1)), np.tile(base.dyad, (n_sets, 1, 1, 1)), {})
    rows = n_sets * n_rep
    if buffers is None or buffers[1].n_rep < rows:
        buffers = horizon_buffers(model, rows)
    red = buffers[1].head(rows)
    return run_draw(model, draw, buffers[0], red), red


def horizon_buffers(model: CompiledModel, rows: int) -> tuple[Trajectories, Reductions]:
    """Buffers for ``rows`` replications of ``run_draw`` that record the state at the
    horizon alone and reduce only the pairs (rupture at ``config.outcome``'s rule)."""
    n, out = len(model.roster), model.config.outcome
    pair = pair_number(*(model.roster.index(code) for code in out.pair), n)
    return (Trajectories.empty(np.arange(rows), 0, n, len(model.events.names)),
            Reductions.pairs_only(rows, model.config.horizon_months, n, out.rupture_threshold, out.rupture_months,
                                  pair))
