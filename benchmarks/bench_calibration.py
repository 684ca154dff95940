"""The full calibration, as a researcher runs it: ``python -m sim.calibrate`` in a child
process, timed from interpreter start to exit, against the target of issue 16 (at most
15 minutes on a 2-core machine).

It writes into a temporary folder (``--out``) and to a temporary posterior file
(``--posterior``), never to the shipped one. ``--quick``: the tiny budget, as the tests
run the calibration (a smoke test of the harness; the figure is not the target's). Also
reported: the stages' times that the calibration itself records (``calibration.json``:
the COW stage, the ABC stage, the diagnostics).

    python -m benchmarks.bench_calibration [--quick]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, Row, child_env, print_table

TARGET_S = 15 * 60


def run(quick: bool = False) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="alliance-sim-bench-calibration-") as tmp:
        out = Path(tmp) / "out"
        args = [sys.executable, "-m", "sim.calibrate", "--out", str(out), "--posterior", str(Path(tmp) / "p.json")]
        if quick:
            args += ["--budget", "tiny"]
        start = time.perf_counter()
        proc = subprocess.run(args, cwd=ROOT, env=child_env({}), capture_output=True, text=True, timeout=3 * TARGET_S)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"python -m sim.calibrate failed:\n{proc.stderr[-3000:]}")
        stages = json.loads((out / "calibration.json").read_text())["timings"]
    budget = "tiny" if quick else "full"
    rows = [Row(f"calibration ({budget} budget), end to end", wall, "s", f"<= {TARGET_S} s (full budget)",
                None if quick else wall <= TARGET_S, "python -m sim.calibrate in a child process")]
    for key, label in (("cow_stage_s", "COW stage (balance rate)"), ("abc_stage_s", "ABC-SMC stage"),
                       ("diagnostics_s", "diagnostics figures")):
        rows.append(Row(f"calibration ({budget}): {label}", stages[key], "s", note="from calibration.json"))
    return rows


if __name__ == "__main__":
    print_table(run(quick="--quick" in sys.argv[1:]))
