"""Peak resident memory of ``python -m sim replications=100000`` (a child process).

The runner pushes ``batch_size`` replications at a time through the core into one
reused buffer and aggregates each batch at once (histograms for the quantiles, one
outcome row per replication); full trajectories are kept only for the first
``output.sample_replications`` replications. Memory is therefore flat in the number of
replications: the figure is compared with a 1,000-replication run of the same command.

The JIT cache is loaded by a warm-up run first: a cold compile (LLVM) alone can peak
above the steady state, and it happens once per kernel version, not per run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks._common import Row, timed_cli


def run(quick: bool = False) -> list[Row]:
    import sim

    reps = 5000 if quick else 100_000
    defaults = sim.load_config("baseline")
    keys = f"batch_size={defaults.batch_size}, output.sample_replications={defaults.output.sample_replications}"
    with tempfile.TemporaryDirectory(prefix="alliance-sim-bench-") as tmp:
        tmp = Path(tmp)

        def peak(n: int, tag: str) -> tuple[float, float]:
            wall, kib = timed_cli([f"replications={n}", "output.figures=false", f"hydra.run.dir={tmp / tag}"], cwd=tmp)
            return wall, kib / 1024

        compare = ""
        if not quick:  # quick: the in-process benchmarks before this one filled the cache
            peak(10, "warmup")  # loads (or compiles) the kernels into the JIT cache
            compare = f"1,000 reps: {peak(1000, 'small')[1]:,.0f} MiB; "
        wall, big = peak(reps, "big")
    return [Row(f"peak RSS, {reps:,} reps", big, "MiB", "≤ 1,024 MiB", big <= 1024,
                note=f"python -m sim, files written, {wall:.1f} s; {compare}{keys}")]


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
