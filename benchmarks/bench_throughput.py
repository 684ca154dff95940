"""Replication-months per second: the numba core alone, and the whole ensemble.

The core: one kernel call on pre-drawn parameters, default roster, 60 months, at most
2 threads. The ensemble: ``sim.runner.simulate`` (drawing, core, histogram quantiles,
outcome tables) as ``python -m sim`` runs it, without writing files.
"""

from __future__ import annotations

import time

import numba

from benchmarks._common import Row, kernel_call, timings


def run(quick: bool = False) -> list[Row]:
    import sim
    from sim.runner import simulate

    reps = 1024 if quick else 8192
    threads = min(2, numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(threads)
    config = sim.load_config("baseline", [f"replications={reps}"])
    months = config.horizon_months
    best, median = timings(kernel_call(config, reps), repeat=3 if quick else 5)
    core, core_median = reps * months / best / 1e6, reps * months / median / 1e6
    simulate(config)  # warm-up
    start = time.perf_counter()
    simulate(config)
    ensemble = reps * months / (time.perf_counter() - start) / 1e6
    return [
        Row("core throughput", core, "M rep-months/s", "≥ 1.1 M/s", core >= 1.1,
            note=f"best of {3 if quick else 5} (median {core_median:.2f}); baseline roster (7), {months} months, "
                 f"{reps:,} reps, {threads} threads"),
        Row("ensemble throughput", ensemble, "M rep-months/s",
            note="simulate(): core + reductions, no files"),
    ]


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
