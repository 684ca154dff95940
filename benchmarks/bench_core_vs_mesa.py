"""Cost per replication-month: numba core against the Mesa reference (same scenario, seed).

Both engines run in this process, one after the other; the Mesa reference on a few
replications (it is slow), the core on many. The first replications of both are also
compared, to show the figures come from the same results.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._common import Row, kernel_call, timings

SCENARIO = "taiwan_drones"


def run(quick: bool = False) -> list[Row]:
    import sim
    from sim.compile import compile_model
    from sim.engines import run_engine

    mesa_reps, core_reps = (1, 256) if quick else (4, 4096)
    config = sim.load_config(SCENARIO, [f"replications={core_reps}"])
    model = compile_model(config)
    months = config.horizon_months

    reps = np.arange(mesa_reps, dtype=np.int64)
    run_engine(model, reps[:1], "numba")  # compile before timing anything
    start = time.perf_counter()
    reference = run_engine(model, reps, "mesa")
    mesa_cost = (time.perf_counter() - start) / (mesa_reps * months)
    core = run_engine(model, reps, "numba")
    gap = float(np.max(np.abs(reference.dyad - core.dyad)))

    best, median = timings(kernel_call(config, core_reps))
    core_cost = best / (core_reps * months)
    ratio = mesa_cost / core_cost
    return [
        Row("Mesa reference", mesa_cost * 1e6, "µs/rep-month", note=f"{SCENARIO}, {mesa_reps} reps"),
        Row("numba core", core_cost * 1e6, "µs/rep-month",
            note=f"{SCENARIO}, {core_reps:,} reps, best of 3 (median {median / (core_reps * months) * 1e6:.3f})"),
        Row("core vs Mesa", ratio, "×", "≥ 300× (aim 1,000×)", ratio >= 300,
            note=f"same seed; max |Δ| on the shared reps {gap:.1e}"),
    ]


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
