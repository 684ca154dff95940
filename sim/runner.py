"""Run an ensemble in batches and reduce it to ``Results`` as it goes.

Batches of ``config.batch_size`` replications go through the chosen engine. The numba
core reduces each batch as its months run (cell bins and fixed-point sums, every
pair's rupture, the outcome pair's index: ``sim.trajectories.Reductions``) and records
only the state at the horizon, plus the whole trajectories of the sample replications
(simulated again, recorded: the same numbers); the Mesa engine's trajectories are
reduced by the same kernels afterwards. Memory stays bounded for any number of
replications. Replication ``r`` always has the same random numbers, so the
results do not depend on the batch size or the thread count.
"""

from __future__ import annotations

import numpy as np

from sim.aggregate import QuantileAccumulator, cell_catalogue, pending_batches
from sim.blocs import replication_blocs
from sim.compile import Draw, compile_model
from sim.config.schema import SimConfig
from sim.engines import run_engine
from sim.engines.numba_core import run_draw
from sim.kernels.layout import A_CAPABILITY, RECORDED_DYAD
from sim.kernels.reduce import pair_number, reduce_batch
from sim.outcomes import holds, weakest_hold
from sim.progress import progress_bar
from sim.results import Results
from sim.trajectories import Reductions, Trajectories


def simulate(config: SimConfig, *, progress: bool = False) -> Results:
    """Simulate ``config.replications`` replications with ``config.engine``."""
    model = compile_model(config)
    roster = model.roster
    n, horizon, total = len(roster), config.horizon_months, config.replications
    a, b = (roster.index(code) for code in config.outcome.pair)
    cells = cell_catalogue(roster)
    acc = QuantileAccumulator(horizon + 1, cells)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    pair = pair_number(a, b, n)
    pair_holds = np.zeros(len(pairs), dtype=np.int64)
    index = np.empty((total, horizon + 1))
    ruptured = np.empty(total, dtype=np.int64)
    bloc_labels = np.empty((total, n), dtype=np.int64)
    bloc_tied = np.empty(total, dtype=bool)
    table: dict[str, list[np.ndarray]] = {}
    keep = min(config.output.sample_replications, total)
    sample = np.empty((keep, horizon + 1, len(RECORDED_DYAD), n, n))
    out = config.outcome
    bar = progress_bar(total, unit="rep", desc=f"{config.engine} ensemble", enabled=progress, leave=False)
    # buffers for every batch (fresh arrays per batch cost page faults): the reductions,
    # and the state at the horizon -- the core never writes whole trajectories here
    batch = min(total, config.batch_size)
    red_buffer = Reductions.empty(batch, horizon, n, acc.bins, acc.lo, acc.hi, out.rupture_threshold,
                                  out.rupture_months, pair)
    last_buffer = Trajectories.empty(np.arange(batch), 0, n, len(model.events.names))
    # whole batches' bins wait in slots and are counted a few batches at a time
    pending = np.empty((pending_batches(batch, len(cells), horizon + 1),) + red_buffer.bins.shape, dtype=np.uint16)
    filled = 0
    for start in range(0, total, config.batch_size):
        reps = np.arange(start, min(total, start + config.batch_size), dtype=np.int64)
        draw = model.draw(reps)
        whole = reps.shape[0] == batch
        red = red_buffer.head(reps.shape[0], pending[filled] if whole else None)
        n_keep = max(0, min(keep - start, reps.shape[0]))
        if config.engine == "numba":
            last = run_draw(model, draw, last_buffer, red)
            if n_keep:  # the sample's whole trajectories: the same replications again, recorded
                first = slice(0, n_keep)
                sample[start:start + n_keep] = run_draw(model, Draw(reps[first], draw.glob[first], draw.actor[first],
                                                                    draw.dyad[first], {})).dyad
        else:
            traj = run_engine(model, reps, config.engine, draw=draw)
            reduce_batch(traj.dyad, traj.actor, traj.world, *red.arrays())
            last = Trajectories(traj.reps, traj.dyad[:, -1:], traj.world[:, -1:], traj.actor[:, -1:],
                                traj.detections, traj.fires)
            sample[start:start + n_keep] = traj.dyad[:n_keep]
        acc.add_sums(red)
        if not whole:
            acc.count(red.bins[None], reps.shape[0])
        elif (filled := filled + 1) == pending.shape[0]:
            acc.count(pending, batch)
            filled = 0
        rows = slice(start, start + reps.shape[0])
        index[rows] = red.index
        ruptured[rows] = red.ruptured[:, pair]
        pair_holds += holds(red.ruptured).sum(axis=0)
        bloc_labels[rows], bloc_tied[rows] = replication_blocs(draw.actor[:, A_CAPABILITY], last.variable("affinity")[:, -1])
        _collect(table, draw, last, model.events.names, roster, a, b)
        bar.update(reps.shape[0])
    acc.count(pending[:filled], batch)
    bar.close()
    columns = {name: np.concatenate(parts) for name, parts in table.items()}
    return Results(
        config=config,
        roster=roster,
        cells=cells,
        cell_quantiles=acc.quantiles(),
        cell_means=acc.means(),
        bins=acc.bins,
        pair_index=index,
        ruptured_at=ruptured,
        weakest=weakest_hold(index, out.rupture_months),
        bloc_labels=bloc_labels,
        bloc_tied=bloc_tied,
        pair_holds={f"{roster[i]}-{roster[j]}": int(c) for (i, j), c in zip(pairs, pair_holds)},
        replication_columns=columns,
        sample_dyad=sample,
    )


def _collect(table: dict, draw, traj, event_names, roster, a: int, b: int) -> None:
    """Per-replication columns: sampled parameters, final pair state, detections, events."""
    pa, pb = roster[a], roster[b]
    columns = {"replication": draw.reps}
    columns |= draw.sampled
    for var in RECORDED_DYAD:
        series = traj.variable(var)
        columns[f"final_{var}.{pa}.{pb}"] = series[:, -1, a, b]
        columns[f"final_{var}.{pb}.{pa}"] = series[:, -1, b, a]
    columns[f"detections.{pa}.{pb}"] = traj.detections[:, a, b]
    columns[f"detections.{pb}.{pa}"] = traj.detections[:, b, a]
    for k, name in enumerate(event_names):
        columns[f"fires.{name}"] = traj.fires[:, k]
    for name, values in columns.items():
        # a copy: a view would keep the batch's whole trajectory array alive
        table.setdefault(name, []).append(np.array(values, copy=True))
