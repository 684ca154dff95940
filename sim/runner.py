"""Run an ensemble in batches and reduce it to ``Results`` as it goes.

Batches of ``config.batch_size`` replications go through the chosen engine; after each,
the per-month histograms, the pair's index trajectories and the per-replication
outcomes are kept and the raw trajectories dropped, so memory stays bounded for any
number of replications. Replication ``r`` always has the same random numbers, so the
results do not depend on the batch size or the thread count.
"""

from __future__ import annotations

import numpy as np

from sim.aggregate import QuantileAccumulator, cell_catalogue
from sim.compile import compile_model
from sim.config.schema import SimConfig
from sim.engines import run_engine
from sim.kernels.layout import A_CAPABILITY, RECORDED_DYAD
from sim.kernels.reduce import empty_pair_arrays, pair_index, pair_outcomes
from sim.blocs import replication_blocs
from sim.outcomes import holds, weakest_hold
from sim.progress import progress_bar
from sim.results import Results
from sim.trajectories import Trajectories


def simulate(config: SimConfig, *, progress: bool = False) -> Results:
    """Simulate ``config.replications`` replications with ``config.engine``."""
    model = compile_model(config)
    roster = model.roster
    n, horizon, total = len(roster), config.horizon_months, config.replications
    a, b = (roster.index(code) for code in config.outcome.pair)
    cells = cell_catalogue(roster)
    acc = QuantileAccumulator(horizon + 1, cells)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
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
    # one output buffer for every batch (fresh arrays per batch cost page faults)
    buffer = Trajectories.empty(np.arange(min(total, config.batch_size)), horizon, n, len(model.events.names))
    for start in range(0, total, config.batch_size):
        reps = np.arange(start, min(total, start + config.batch_size), dtype=np.int64)
        draw = model.draw(reps)
        traj = run_engine(model, reps, config.engine, buffer, draw=draw)
        acc.add(traj)
        rows = slice(start, start + reps.shape[0])
        pair_index(traj.dyad, a, b, index[rows])
        ruptured_by_pair, final_by_pair = empty_pair_arrays(reps.shape[0], n)
        pair_outcomes(traj.dyad, out.rupture_threshold, out.rupture_months, ruptured_by_pair, final_by_pair)
        ruptured[rows] = ruptured_by_pair[:, pairs.index((min(a, b), max(a, b)))]
        pair_holds += holds(ruptured_by_pair).sum(axis=0)
        bloc_labels[rows], bloc_tied[rows] = replication_blocs(draw.actor[:, A_CAPABILITY], traj.variable("affinity")[:, -1])
        if start < keep:
            n_keep = min(keep - start, reps.shape[0])
            sample[start:start + n_keep] = traj.dyad[:n_keep]
        _collect(table, draw, traj, model.events.names, roster, a, b)
        bar.update(reps.shape[0])
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
