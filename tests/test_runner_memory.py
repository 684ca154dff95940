"""The ensemble runner keeps aggregates, not trajectories: memory does not grow with R."""

import numpy as np

import sim
from sim.compile import compile_model
from sim.engines import run_engine
from sim.runner import _collect, simulate


def test_per_replication_columns_do_not_keep_a_batch_alive():
    """Each batch's columns are copies: a view would pin the batch's whole trajectory
    array (~95 kB per replication) until the end of the run."""
    config = sim.load_config("baseline", ["replications=8", "horizon_months=4"])
    model = compile_model(config)
    traj = run_engine(model, np.arange(8, dtype=np.int64), "numba")
    table: dict = {}
    _collect(table, model.draw(traj.reps), traj, model.events.names, model.roster, 0, 1)
    for name, parts in table.items():
        assert all(part.base is None for part in parts), f"{name} is a view of the batch"


def test_results_have_one_row_per_replication_and_the_sample_only():
    config = sim.load_config("baseline", ["replications=40", "batch_size=16", "horizon_months=6",
                                          "output.sample_replications=3"])
    res = simulate(config)
    assert all(column.shape[0] == 40 for column in res.replication_columns.values())
    assert res.sample_dyad.shape[0] == 3
    assert res.pair_index.shape == (40, 7) and np.isfinite(res.pair_index).all()
