"""The benchmark harness runs (tiny sizes) and reports every figure. No timing asserted:
the machines are shared, speed is reported by ``python -m benchmarks.run_all``."""

import json
import math
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

EXPECTED_ROWS = (
    "Mesa reference", "numba core", "core vs Mesa",  # 1
    "core throughput", "ensemble throughput", "ensemble vs core",  # 2
    "reference kernel", "core vs reference",  # the core against a tight kernel of its shape
    "small ensembles, batched", "small ensembles, one call each",  # calibration-sized ensembles
    "calibration (tiny budget), end to end", "calibration (tiny): COW stage (balance rate)",
    "calibration (tiny): ABC-SMC stage", "calibration (tiny): diagnostics figures",  # python -m sim.calibrate
    "parallel efficiency",  # 3
    "scaling: replications", "scaling: horizon", "scaling: roster size", "balance share at N=50",  # 4
    "forecast_signed, N=40",  # the historical networks (quick: 40 actors)
    "taiwan_drones, cold JIT cache", "compile time per kernel (cold)", "taiwan_drones, warm JIT cache",  # 6
    "other scenario and values, warm", "kernel edit → new cache folder",  # JIT cache
)


@pytest.mark.slow
def test_run_all_quick_reports_every_benchmark(tmp_path):
    out = tmp_path / "bench.json"
    # the session's NUMBA_CACHE_DIR (conftest) is inherited: children compile at most once
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run_all", "--quick", "--json", str(out)],
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["failed"] == [] and report["quick"] is True
    assert {"cpu", "cores", "numba_threads", "threading_layer", "numba", "numpy"} <= set(report["machine"])
    names = [row["benchmark"] for row in report["rows"]]
    for expected in EXPECTED_ROWS:
        assert expected in names
    assert any(name.startswith("peak RSS") for name in names)  # 5
    assert any(name.startswith("batched sweep") for name in names)  # 6
    assert all(math.isfinite(row["measured"]) for row in report["rows"])
    assert all(row["ok"] in (True, False, None) for row in report["rows"])
    # the printed table has the header and every row
    assert "target" in proc.stdout and "status" in proc.stdout
    assert all(name in proc.stdout for name in names)
