"""Replication-months per second: the numba core alone, and the whole ensemble.

The core: one kernel call on pre-drawn parameters writing every month of every
replication (``Trajectories``, what ``sim.engines.run_engine`` returns), default roster,
60 months, at most 2 threads. The ensemble: ``sim.runner.simulate`` (drawing, the core
reducing as it runs, histogram counts and quantiles, blocs, outcome tables) as ``python
-m sim`` runs it, without writing files. The two alternate, best of 5 each; their ratio
is the target (the reductions must not cost much more than writing the trajectories).
"""

from __future__ import annotations

import statistics
import time

import numba

from benchmarks._common import Row, kernel_call


def run(quick: bool = False) -> list[Row]:
    import sim
    from sim.runner import simulate

    reps = 1024 if quick else 8192
    threads = min(2, numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(threads)
    config = sim.load_config("baseline", [f"replications={reps}"])
    months = config.horizon_months
    core_call = kernel_call(config, reps)
    core_call()
    simulate(config)  # warm-up
    repeat = 3 if quick else 5
    core_times, ensemble_times = [], []
    for _ in range(repeat):
        for fn, times in ((core_call, core_times), (lambda: simulate(config), ensemble_times)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    core = reps * months / min(core_times) / 1e6
    core_median = reps * months / statistics.median(core_times) / 1e6
    ensemble = reps * months / min(ensemble_times) / 1e6
    ratio = ensemble / core
    return [
        Row("core throughput", core, "M rep-months/s", "≥ 1.2 M/s", core >= 1.2,
            note=f"best of {repeat} (median {core_median:.2f}); baseline roster (7), {months} months, "
                 f"{reps:,} reps, {threads} threads, every month recorded"),
        Row("ensemble throughput", ensemble, "M rep-months/s",
            note="simulate(): core reducing as it runs + histograms, quantiles, blocs, tables; no files"),
        Row("ensemble vs core", ratio, "×", "≥ 0.8", ratio >= 0.8,
            note=f"same run, alternating, best of {repeat} each"),
    ]


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
