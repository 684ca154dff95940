"""Parallel efficiency: the same ensemble on 1 and on 2 threads.

Each measurement is a fresh child process with ``NUMBA_NUM_THREADS`` set (numba fixes
its pool at start); 1- and 2-thread children alternate and the medians are compared.
Efficiency = t1 / (2 t2).
"""

from __future__ import annotations

import statistics

from benchmarks._common import Row, child_json

_CHILD = """
import json
import sim
from benchmarks._common import best_time, kernel_call
config = sim.load_config("baseline", ["replications={reps}"])
print(json.dumps({{"seconds": best_time(kernel_call(config, {reps}))}}))
"""


def run(quick: bool = False) -> list[Row]:
    reps, rounds = (1024, 1) if quick else (8192, 5)
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(rounds):
        for threads in (1, 2):
            out = child_json(_CHILD.format(reps=reps), env={"NUMBA_NUM_THREADS": str(threads)})
            times[threads].append(out["seconds"])
    t1, t2 = statistics.median(times[1]), statistics.median(times[2])
    efficiency = t1 / (2 * t2)
    return [Row("parallel efficiency", 100 * efficiency, "%", "≥ 90%", efficiency >= 0.9,
                note=f"medians of {rounds} alternating child pairs: 1 thread {t1 * 1e3:.0f} ms, 2 threads "
                     f"{t2 * 1e3:.0f} ms (baseline, {reps:,} reps, 60 months, core only)")]


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
