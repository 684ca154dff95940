"""Bit-identical results whatever the thread count or batch size; common random numbers."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import numpy as np

from sim import load_config, run
from tests.conftest import ROOT

_SCRIPT = """
import hashlib, sys, numpy as np
from sim import load_config
from sim.compile import compile_model
from sim.engines import run_engine
import numba
model = compile_model(load_config("baseline", ["horizon_months=24", "dynamics.detection_rate=0.5"]))
t = run_engine(model, np.arange(64), "numba")
h = hashlib.sha256()
for a in t.outputs():
    h.update(np.ascontiguousarray(a).tobytes())
print(numba.get_num_threads(), h.hexdigest())
"""


def _digest(threads: int) -> tuple[str, str]:
    env = {"NUMBA_NUM_THREADS": str(threads), "PYTHONPATH": str(ROOT)}
    import os

    proc = subprocess.run([sys.executable, "-c", _SCRIPT], env={**os.environ, **env},
                          capture_output=True, text=True, check=True, timeout=600)
    return tuple(proc.stdout.split())


def test_identical_for_one_and_two_threads():
    one, two = _digest(1), _digest(2)
    assert one[0] == "1" and two[0] == "2"
    assert one[1] == two[1]


def _fingerprint(results) -> str:
    table = results.replications()
    summary = {k: v for k, v in results.summary().items() if k != "overrides"}
    h = hashlib.sha256(json.dumps(summary, sort_keys=True).encode())
    h.update(table.to_csv(index=False).encode())
    h.update(results.cell_quantiles.tobytes())
    h.update(results.pair_index.tobytes())
    return h.hexdigest()


def test_identical_for_any_batch_size():
    prints = {
        batch: _fingerprint(run("baseline", ["replications=40", "horizon_months=24", f"batch_size={batch}"], progress=False))
        for batch in (40, 7, 1)
    }
    assert len(set(prints.values())) == 1, prints


def test_same_seed_same_results_and_other_seed_differs():
    a = run("baseline", ["replications=20", "horizon_months=12"], progress=False)
    b = run("baseline", ["replications=20", "horizon_months=12"], progress=False)
    c = run("baseline", ["replications=20", "horizon_months=12", "seed=1"], progress=False)
    assert np.array_equal(a.pair_index, b.pair_index)
    assert not np.array_equal(a.pair_index, c.pair_index)


def test_common_random_numbers_across_configs():
    """A parameter's per-replication draws do not depend on which other parameters are ranged."""
    from sim.compile import compile_model

    base = compile_model(load_config("baseline", ["replications=16"]))
    other = compile_model(load_config("baseline", ["replications=16", "relations.USA.CHN.trust=[0.1,0.3]"]))
    reps = np.arange(16)
    path = "relations.RUS.CHN.dependency"
    assert np.array_equal(base.draw(reps).sampled[path], other.draw(reps).sampled[path])


def _blocks(model, draw, lanes, horizon):
    """The core's blocks at a given width, recording whole trajectories and reducing them."""
    from sim.aggregate import QuantileAccumulator, cell_catalogue
    from sim.kernels.ensemble import simulate_blocks
    from sim.kernels.lanes import lanewise
    from sim.kernels.reduce import bins_by_replication
    from sim.trajectories import Reductions, Trajectories

    ev, n = model.events, len(model.roster)
    out = Trajectories.empty(draw.reps, horizon, n, len(ev.names))
    acc = QuantileAccumulator(horizon + 1, cell_catalogue(model.roster))
    red = Reductions.empty(draw.reps.shape[0], horizon, n, acc.bins, acc.lo, acc.hi, 0.9, 2, 0,  # 0.9 of the peak:
                           lanes=lanes)  # ruptures occur; the bins' blocks are the core's
    n_bins, lo, hi, bins, sums, threshold, months, pair, index, ruptured, final = red.arrays()
    n_blocks = (draw.reps.shape[0] + lanes - 1) // lanes
    block_sums = np.zeros((n_blocks,) + sums.shape, dtype=np.int64)
    simulate_blocks(0, n_blocks, lanes, model.config.seed, draw.reps, draw.glob, draw.actor, draw.dyad, model.flags,
                    ev.ev_int, ev.ev_hazard, ev.eff_int, ev.eff_float, horizon, *out.outputs(), n_bins, lo, hi, bins,
                    block_sums, threshold, months, pair, index, ruptured, final, lanewise(n, lanes))
    return out, (bins_by_replication(bins, draw.reps.shape[0]), block_sums.sum(axis=0), index, ruptured, final)


def test_identical_for_any_block_width_and_lane():
    """The core runs replications in SIMD lanes; a replication's results, and the
    reductions of the batch made as the months run, must not depend on the block width,
    its lane, or the padding of the last block."""
    from sim.compile import compile_model
    from sim.trajectories import Trajectories

    config = load_config("taiwan_drones", ["horizon_months=24", "dynamics.detection_rate=0.5"])
    model = compile_model(config)
    reps = np.array([5, 0, 17, 3, 11, 2, 8, 1, 9, 30, 4, 12, 7], dtype=np.int64)  # 13: partial blocks
    draw = model.draw(reps)
    outputs = [_blocks(model, draw, lanes, 24) for lanes in (8, 16, 64)]
    for other in outputs[1:]:
        for name in Trajectories.ARRAYS:
            assert np.array_equal(getattr(outputs[0][0], name), getattr(other[0], name)), name
        for mine, theirs in zip(outputs[0][1], other[1]):
            assert np.array_equal(mine, theirs)
    assert outputs[0][0].detections.sum() > 0 and outputs[0][0].fires.sum() > 0  # discrete events exercised
    assert (outputs[0][1][3] >= 0).any() and (outputs[0][1][3] == -1).any()  # ruptures and holds exercised
    alone, _ = _blocks(model, model.draw(reps[2:3]), 8, 24)
    assert np.array_equal(alone.dyad[0], outputs[0][0].dyad[2])
