"""The core against a tight reference kernel of its shape (``benchmarks.reference_kernel``).

Both run the same number of replications (default roster size, 60 months, blocks of 64
lanes, at most 2 threads through the same ``parallel_for``), alternating, best of 5 each:
the ratio of their throughputs is what counts, not either absolute figure. The reference
keeps only its final state, so the ratio's core records the state at the horizon alone
(as the calibration and the forecasts run it); the core recording every month (what
``bench_throughput`` times: ~2.4 kB written per replication-month) is timed beside it.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from benchmarks._common import Row, kernel_call


def run(quick: bool = False) -> list[Row]:
    import sim
    from benchmarks.reference_kernel import run_reference
    from sim.kernels.jit import parallel_for

    reps = 1024 if quick else 4096
    threads = min(2, numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(threads)
    config = sim.load_config("baseline", [f"replications={reps}"])
    n, months = len(config.actors), config.horizon_months
    out = np.empty(reps)

    def reference() -> None:
        parallel_for(run_reference, reps // 64, 64, n, months, config.seed, out)

    calls = {"core": kernel_call(config, reps, every_month=False), "reference": reference,
             "recording": kernel_call(config, reps)}
    best = dict.fromkeys(calls, float("inf"))
    for fn in calls.values():
        fn()  # compile or load
    for _ in range(3 if quick else 5):
        for name, fn in calls.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    rate = {name: reps * months / seconds / 1e6 for name, seconds in best.items()}
    ratio = rate["core"] / rate["reference"]
    return [
        Row("reference kernel", rate["reference"], "M rep-months/s",
            note=f"benchmarks/reference_kernel.py, N={n}, {reps:,} reps, {months} months, {threads} threads, best of "
                 f"{3 if quick else 5}"),
        Row("core vs reference", ratio, "×", "≥ 0.7", ratio >= 0.7,
            note=f"core {rate['core']:.2f} M/s writing the horizon state, as the reference its final state (same "
                 f"run, alternating; recording every month {rate['recording']:.2f} M/s, "
                 f"{rate['recording'] / rate['reference']:.2f}×); the reference has the decision, Bayes and balance "
                 "only"),
    ]


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
