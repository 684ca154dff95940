"""Multirun launchers give the same results as Hydra's basic launcher (docs/cluster.md).

Results depend only on seed and configuration, so every launcher must reproduce the
basic launcher's summaries exactly: the default joblib launcher, submitit (the local
mode of the SLURM path) and Ray, on a Ray cluster this test starts on loopback.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import run_cli

POINTS = ["relations.RUS.CHN.counterintelligence=0.2,0.8", "replications=40", "horizon_months=12",
          "output.figures=false", "output.trajectories=false"]


def _summaries(cwd: Path) -> dict[str, dict]:
    """Summaries of a multirun folder, keyed by the job's overrides (volatile keys dropped)."""
    out = {}
    for path in cwd.glob("multirun/*/*/*/summary.json"):
        summary = json.loads(path.read_text())
        out[" ".join(sorted(summary.pop("overrides")))] = summary
    return out


def _multirun(tmp_path: Path, name: str, launcher: list[str], env: dict | None = None) -> dict[str, dict]:
    cwd = tmp_path / name
    cwd.mkdir()
    proc = run_cli(["-m", *launcher, *POINTS], cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = _summaries(cwd)
    assert len(found) == 2, found.keys()
    return found


@pytest.fixture(scope="module")
def basic(tmp_path_factory) -> dict[str, dict]:
    return _multirun(tmp_path_factory.mktemp("basic"), "basic", ["hydra/launcher=basic"])


def test_default_joblib_launcher_matches_basic(tmp_path, basic):
    assert _multirun(tmp_path, "joblib", []) == basic


def test_submitit_local_matches_basic(tmp_path, basic):
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    got = _multirun(tmp_path, "submitit", ["hydra/launcher=slurm_local"], env={"NUMBA_NUM_THREADS": "1"})
    assert got == basic
    assert list(tmp_path.glob("submitit/multirun/*/*/.submitit/*")), "jobs did not go through submitit"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ray_cluster():
    """A one-node Ray cluster on 127.0.0.1 (2 CPUs), its files in a temporary folder."""
    pytest.importorskip("ray")
    ray_cli = shutil.which("ray", path=str(Path(sys.executable).parent)) or shutil.which("ray")
    assert ray_cli, "the ray command is not installed"
    home = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))  # short: Ray's socket paths are limited
    env = dict(os.environ, HOME=str(home), RAY_USAGE_STATS_ENABLED="0", NUMBA_NUM_THREADS="1")
    port = _free_port()
    start = subprocess.run([ray_cli, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
                            "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats",
                            f"--temp-dir={home / 'tmp'}"], env=env, capture_output=True, text=True, timeout=180)
    try:
        assert start.returncode == 0, start.stderr[-3000:]
        yield {"RAY_ADDRESS": f"127.0.0.1:{port}", "HOME": str(home), "RAY_USAGE_STATS_ENABLED": "0"}
    finally:
        subprocess.run([ray_cli, "stop", "--force"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(home, ignore_errors=True)


def test_ray_launcher_on_a_loopback_cluster_matches_basic(tmp_path, basic, ray_cluster):
    got = _multirun(tmp_path, "ray", ["hydra/launcher=ray_cluster"], env=ray_cluster)
    assert got == basic


def test_ray_launcher_runs_a_sharded_batched_sweep(tmp_path, ray_cluster):
    """Shards of one batched sweep as Ray jobs: the merged table equals the one-process sweep."""
    import pandas as pd

    args = ["sweep=lhs", "sweep.points=6", "replications=10", "horizon_months=12", "sweep.shards=2"]
    cwd = tmp_path / "ray-shards"
    cwd.mkdir()
    proc = run_cli(["-m", "hydra/launcher=ray_cluster", *args, "sweep.shard=0,1"], cwd=cwd, env=ray_cluster)
    assert proc.returncode == 0, proc.stderr[-3000:]
    sharded = pd.read_parquet(next(cwd.glob("sweeps/lhs-*/sweep.parquet")))
    whole = tmp_path / "whole"
    whole.mkdir()
    assert run_cli(args[:-1], cwd=whole).returncode == 0
    pd.testing.assert_frame_equal(sharded, pd.read_parquet(next(whole.glob("sweeps/lhs-*/sweep.parquet"))))


def test_slurm_config_composes_into_an_sbatch_script(tmp_path):
    """The SLURM launcher config resolves, and submitit turns it into a job script that
    gives each task as many numba threads as CPUs."""
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    from submitit.slurm.slurm import _make_sbatch_string

    from sim.config.compose import _compose, register_scenarios

    register_scenarios()
    cfg = _compose(["hydra/launcher=slurm", "hydra.launcher.partition=compute",
                    "hydra.launcher.cpus_per_task=16"], hydra_config=True)
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher")
    setup = list(launcher.setup)
    assert "export NUMBA_NUM_THREADS=16" in setup
    script = _make_sbatch_string(command="python -m sim", folder=str(tmp_path), job_name="sim",
                                 partition=launcher.partition, time=launcher.timeout_min,
                                 cpus_per_task=launcher.cpus_per_task, mem=f"{launcher.mem_gb}GB",
                                 array_parallelism=launcher.array_parallelism, setup=setup)
    assert "#SBATCH --partition=compute" in script
    assert "#SBATCH --cpus-per-task=16" in script
    assert "export NUMBA_NUM_THREADS=16" in script


def test_unknown_launcher_is_one_line(tmp_path):
    proc = run_cli(["-m", "hydra/launcher=nope", "replications=5"], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "hydra/launcher" in proc.stderr and "Traceback" not in proc.stderr
