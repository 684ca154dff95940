"""The command line end to end: files in Hydra's run folder, readable in one line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from PIL import Image

from tests.conftest import run_cli

SUMMARY_KEYS = {"p_hold", "p_hold_ci", "median_rupture_month", "partnership_index", "final_trust",
                "final_support", "blocs", "seed", "replications", "scenario", "version"}


def test_taiwan_drones_run_writes_everything(tmp_path):
    proc = run_cli(["scenario=taiwan_drones", "replications=60"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "P(CHN-RUS partnership holds)" in proc.stdout
    (run_dir,) = [p.parent for p in tmp_path.glob("outputs/*/*/summary.json")]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert SUMMARY_KEYS <= set(summary)
    assert summary["scenario"] == "taiwan_drones" and summary["replications"] == 60
    assert 0 <= summary["p_hold_ci"][0] <= summary["p_hold"] <= summary["p_hold_ci"][1] <= 1
    assert set(summary["final_trust"]["RUS"]) == {"CHN", "UKR", "USA", "NATO", "PRK", "TWN"}
    reps = pd.read_parquet(run_dir / "replications.parquet")
    assert len(reps) == 60 and "relations.RUS.CHN.dependency" in reps
    traj = pd.read_parquet(run_dir / "trajectories.parquet")
    assert {"variable", "source", "target", "month", "date", "q05", "q50", "q95"} <= set(traj)
    assert (traj["q05"] <= traj["q50"]).all() and (traj["q50"] <= traj["q95"]).all()
    assert len(pd.read_parquet(run_dir / "partnership.parquet")) == 61
    assert (run_dir / ".hydra" / "config.yaml").is_file()
    for name in ("partnership_index", "survival", "trust_network"):
        with Image.open(run_dir / "figures" / f"{name}.png") as img:
            assert img.size[0] > 500 and img.size[1] > 300
            assert np.unique(np.asarray(img.convert("L"))).size > 10  # not a blank canvas
        assert (run_dir / "figures" / f"{name}.pdf").stat().st_size > 1000


def test_multirun_sweeps_scenarios_and_relations(tmp_path):
    proc = run_cli(["-m", "scenario=baseline,taiwan_drones", "relations.RUS.CHN.counterintelligence=0.2,0.8",
                    "replications=20", "horizon_months=12", "output.figures=false", "hydra/launcher=basic"],
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    summaries = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("multirun/*/*/*/summary.json"))]
    assert len(summaries) == 4
    assert {s["scenario"] for s in summaries} == {"baseline", "taiwan_drones"}
