"""Replication-months per second: the numba core alone, and the whole ensemble.

The core: one kernel call on pre-drawn parameters, default roster, 60 months, at most
2 threads. The ensemble: ``sim.runner.simulate`` (drawing, core, histogram quantiles,
outcome tables) as ``python -m sim`` runs it, without writing files.
"""

from __future__ import annotations

import time

import numba

from benchmarks._common import Row, best_time, kernel_call


def run(quick: bool = False) -> list[Row]:
    import sim
    from sim.runner import simulate

    reps = 1024 if quick else 8192
    threads = min(2, numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(threads)
    config = sim.load_config("baseline", [f"replications={reps}"])
    months = config.horizon_months
    core = reps * months / best_time(kernel_call(config, reps)) / 1e6
    simulate(config)  # warm-up
    start = time.perf_counter()
    simulate(config)
    ensemble = reps * months / (time.perf_counter() - start) / 1e6
    return [
        Row("core throughput", core, "M rep-months/s", "≥ 1.1 M/s", core >= 1.1,
            note=f"baseline roster (7), 60 months, {threads} threads"),
        Row("ensemble throughput", ensemble, "M rep-months/s",
            note="simulate(): core + reductions, no files"),
    ]


if __name__ == "__main__":
    from benchmarks._common import print_table

    print_table(run())
