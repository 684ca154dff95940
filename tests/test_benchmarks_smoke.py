"""The benchmark harness runs (tiny sizes) and reports every figure. No timing asserted."""

import json
import math
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_run_all_quick_reports_every_benchmark(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run_all", "--quick", "--json", str(out)],
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["failed"] == []
    names = [row["benchmark"] for row in report["rows"]]
    for expected in ("core vs Mesa", "core throughput", "parallel efficiency", "scaling: replications",
                     "scaling: horizon", "scaling: roster size", "balance share at N=50",
                     "taiwan_drones, warm JIT cache", "other scenario and values, warm"):
        assert expected in names
    assert any(name.startswith("peak RSS") for name in names)
    assert any(name.startswith("batched sweep") for name in names)
    assert all(math.isfinite(row["measured"]) and row["measured"] > 0 for row in report["rows"])
    assert "target" in proc.stdout and "core vs Mesa" in proc.stdout
