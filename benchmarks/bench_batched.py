"""Many small ensembles in one core call (``run_parameter_sets``) against one large ensemble.

The calibration (``sim.calibrate``) simulates many parameter sets with a few replications
each. Cost per replication-month, baseline roster, 60 months, at most 2 threads, best of
3 (after a warm-up), side by side in one run:

- one large ensemble: 1 parameter set x 4,096 replications, one call;
- batched small ensembles: 256 parameter sets x 16 replications, one call;
- the same 256 small ensembles one call each (what a per-particle loop does).
"""

from __future__ import annotations

import time

import numba
import numpy as np

from benchmarks._common import Row


def _best(fn, repeat: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(quick: bool = False) -> list[Row]:
    import sim
    from sim.compile import compile_model
    from sim.engines.numba_core import run_parameter_sets
    from sim.kernels import layout

    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    sets, small, large = (32, 8, 256) if quick else (256, 16, 4096)
    config = sim.load_config("baseline", [])
    model = compile_model(config)
    months = config.horizon_months
    fields = [layout.slot(layout.GLOB_FIELDS, "GLOB_FIELDS", name) for name in ("balance_rate", "w_trust")]
    values = np.column_stack([np.linspace(0.0, 0.05, sets), np.linspace(1.0, 3.0, sets)])
    big, few = model.draw(np.arange(large)), model.draw(np.arange(small))
    buffers = {}

    def one_large():
        buffers["large"] = run_parameter_sets(model, big, fields, values[:1], buffers.get("large"))

    def batched():
        buffers["batched"] = run_parameter_sets(model, few, fields, values, buffers.get("batched"))

    def one_by_one():
        for p in range(sets):
            buffers["single"] = run_parameter_sets(model, few, fields, values[p:p + 1], buffers.get("single"))

    repeat = 2 if quick else 3
    cost = {name: _best(fn, repeat) / (rows * months) * 1e6
            for name, fn, rows in (("large", one_large, large), ("batched", batched, sets * small),
                                   ("single", one_by_one, sets * small))}
    ratio = cost["batched"] / cost["large"]
    return [
        Row("small ensembles, batched", cost["batched"], "µs/rep-month", "≤ 2× one large ensemble", ratio <= 2.0,
            note=f"{ratio:.2f}× one large ensemble ({cost['large']:.2f} µs/rep-month, 1 set x {large:,} reps); "
                 f"{sets} sets x {small} reps in one run_parameter_sets call"),
        Row("small ensembles, one call each", cost["single"], "µs/rep-month",
            note=f"{cost['single'] / cost['large']:.2f}× one large ensemble: {sets} calls of {small} reps"),
    ]


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
