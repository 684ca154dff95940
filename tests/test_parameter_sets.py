"""``run_parameter_sets``: many small ensembles in one core call, as each alone."""

from __future__ import annotations

import numpy as np

from sim import load_config
from sim.compile import Draw, compile_model
from sim.engines.numba_core import run_draw, run_parameter_sets
from sim.kernels import layout
from sim.kernels.reduce import pair_number
from sim.outcomes import partnership_index, rupture_month


def test_each_parameter_set_is_its_own_ensemble_on_common_random_numbers():
    config = load_config("taiwan_drones", ["horizon_months=20", "outcome.rupture_threshold=0.45",
                                           "outcome.rupture_months=2"])
    model = compile_model(config)
    base = model.draw(np.arange(5, 11, dtype=np.int64))  # R = 6 replications
    fields = [layout.slot(layout.GLOB_FIELDS, "GLOB_FIELDS", name) for name in ("balance_rate", "w_trust")]
    values = np.array([[0.0, 1.0], [0.05, 3.0], [0.02, 2.0]])  # P = 3 sets
    last, red = run_parameter_sets(model, base, fields, values)
    assert last.dyad.shape[:2] == (18, 1) and red.ruptured.shape[0] == 18
    a, b = (model.roster.index(code) for code in config.outcome.pair)
    for p, row in enumerate(values):
        glob = base.glob.copy()
        glob[:, fields] = row
        alone = run_draw(model, Draw(base.reps, glob, base.actor, base.dyad, {}))
        rows = slice(6 * p, 6 * (p + 1))
        assert np.array_equal(last.dyad[rows, 0], alone.dyad[:, -1])
        assert np.array_equal(last.detections[rows], alone.detections)
        index = partnership_index(alone.dyad, a, b)
        assert np.array_equal(red.index[rows], index)
        assert np.array_equal(red.ruptured[rows, pair_number(a, b, len(model.roster))],
                              rupture_month(index, 0.45, 2))
    assert (red.ruptured >= 0).any() and (red.ruptured == -1).any()  # ruptures and holds exercised
    # a reused buffer (views of its first rows) gives the same numbers
    first = red.ruptured[:12].copy(), last.dyad[:12].copy()
    red.ruptured[:], last.dyad[:] = 99, np.nan  # the second call must write them again
    again_last, again = run_parameter_sets(model, base, fields, values[:2], (last, red))
    assert np.shares_memory(again.ruptured, red.ruptured) and again.ruptured.shape[0] == 12
    assert np.array_equal(again.ruptured, first[0]) and np.array_equal(again_last.dyad, first[1])
