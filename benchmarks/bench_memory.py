"""Peak resident memory of ``python -m sim replications=100000`` (a child process).

The runner aggregates each batch (``batch_size`` replications) into histogram quantiles
and per-replication outcome rows, keeping full trajectories only for
``output.sample_replications`` replications, so memory does not grow with the ensemble.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks._common import Row, timed_cli


def run(quick: bool = False) -> list[Row]:
    reps = 5000 if quick else 100_000
    with tempfile.TemporaryDirectory(prefix="alliance-sim-bench-") as tmp:
        wall, rss_kib = timed_cli([f"replications={reps}", "output.figures=false",
                                   f"hydra.run.dir={Path(tmp) / 'run'}"], cwd=Path(tmp))
    mib = rss_kib / 1024
    return [Row(f"peak RSS, {reps:,} reps", mib, "MiB", "≤ 1,024 MiB", mib <= 1024,
                note=f"python -m sim, files written, {wall:.1f} s")]


if __name__ == "__main__":
    from benchmarks._common import print_table

    print_table(run())
