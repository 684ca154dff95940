"""Multirun launchers give the same results as Hydra's basic launcher (docs/cluster.md).

Results depend only on seed and configuration, so every launcher must reproduce the
basic launcher's summaries exactly: the default joblib launcher, submitit (the local
mode of the SLURM path), Ray started by the launcher (ray_local) and a Ray cluster this
test starts on loopback (ray_cluster). The SLURM config is checked by composing it into
a job script (no SLURM here).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

POINTS = ["relations.RUS.CHN.counterintelligence=0.2,0.8", "replications=40", "horizon_months=12",
          "output.figures=false", "output.trajectories=false"]


def _summaries(cwd: Path) -> dict[str, dict]:
    """Each job of a multirun folder, keyed by its overrides: its summary, and a hash of its
    replications table (every replication's parameters and outcomes, bit for bit)."""
    import pandas as pd

    out = {}
    for path in cwd.glob("multirun/*/*/*/summary.json"):
        summary = json.loads(path.read_text())
        table = pd.read_parquet(path.with_name("replications.parquet"))
        summary["replications_hash"] = int(pd.util.hash_pandas_object(table).sum())
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
    got = _multirun(tmp_path, "submitit", ["hydra/launcher=slurm_local"])
    assert got == basic
    assert list(tmp_path.glob("submitit/multirun/*/*/.submitit/*")), "jobs did not go through submitit"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Ray on loopback only: with this switch off (its default on macOS and Windows) Ray takes
# 127.0.0.1 as the node's address and binds every port there, instead of the machine's
# network address. HOME and the temp dir point into a throw-away folder (Ray writes
# ~/.ray and /tmp/ray otherwise).
_RAY_LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}


def _ray_home() -> Path:
    return Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))  # short: Ray's socket paths are limited


def _end_ray(home: Path) -> None:
    """Kill what is left of the Ray processes whose command line names ``home`` (this
    test's cluster only, never another Ray on the machine), then remove ``home``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if str(home).encode() in (proc / "cmdline").read_bytes():
                os.kill(int(proc.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def ray_cluster():
    """A one-node Ray cluster on 127.0.0.1 (2 CPUs), its files in a temporary folder.

    ``ray start --block`` in a process group of its own, stopped by killing that group:
    ``ray stop`` would stop every Ray cluster on the machine (other test runs' too)."""
    pytest.importorskip("ray")
    ray_cli = shutil.which("ray", path=str(Path(sys.executable).parent)) or shutil.which("ray")
    assert ray_cli, "the ray command is not installed"
    home = _ray_home()
    # PYTHONPATH: the workers import this checkout's ``sim`` (as the jobs' driver does)
    env = dict(os.environ, HOME=str(home), NUMBA_NUM_THREADS="1", PYTHONPATH=str(ROOT), **_RAY_LOOPBACK)
    port = _free_port()
    log = home / "ray-start.log"
    with log.open("w") as out:
        head = subprocess.Popen([ray_cli, "start", "--head", "--block", "--node-ip-address=127.0.0.1",
                                 f"--port={port}", "--num-cpus=2", "--include-dashboard=false",
                                 "--disable-usage-stats", f"--temp-dir={home / 'tmp'}"],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while "Ray runtime started" not in log.read_text():
            assert head.poll() is None, "ray start exited:\n" + log.read_text()[-3000:]
            assert time.monotonic() < deadline, "Ray did not start:\n" + log.read_text()[-3000:]
            time.sleep(0.5)
        yield {"RAY_ADDRESS": f"127.0.0.1:{port}", "HOME": str(home), **_RAY_LOOPBACK}
    finally:
        try:
            os.killpg(head.pid, signal.SIGKILL)  # SIGTERM would make Ray drain for 30 s first
        except ProcessLookupError:
            pass
        head.wait(timeout=60)
        _end_ray(home)


def test_ray_local_launcher_matches_basic(tmp_path, basic):
    """ray_local: the launcher starts Ray itself (2 CPUs) and stops it when the jobs are done."""
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    home = _ray_home()
    try:
        got = _multirun(tmp_path, "ray-local", ["hydra/launcher=ray_local",
                                                f"+hydra.launcher.ray.init._temp_dir={home / 'tmp'}"],
                        env={"HOME": str(home), **_RAY_LOOPBACK})
        assert list((home / "tmp").glob("session_*")), "Ray did not start where it was told"
    finally:
        _end_ray(home)
    assert got == basic


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


@pytest.mark.parametrize("launcher", ["ray_local", "ray_cluster"])
def test_ray_configs_give_each_job_its_cpus_as_numba_threads(launcher):
    """NUMBA_NUM_THREADS follows remote.num_cpus, as the string Ray requires."""
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    from omegaconf import OmegaConf

    from sim.config.compose import _compose, register_scenarios

    register_scenarios()
    for cpus in (None, 3):
        overrides = [f"hydra/launcher={launcher}"]
        if cpus is not None:
            overrides.append(f"hydra.launcher.ray.remote.num_cpus={cpus}")
        ray = OmegaConf.to_container(_compose(overrides, hydra_config=True).hydra.launcher.ray, resolve=True)
        assert ray["init"]["runtime_env"]["env_vars"]["NUMBA_NUM_THREADS"] == str(cpus or 1)
        assert ray["remote"]["num_cpus"] == (cpus or 1)


def test_slurm_local_config_sets_numba_threads_like_slurm():
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    from sim.config.compose import _compose, register_scenarios

    register_scenarios()
    launcher = _compose(["hydra/launcher=slurm_local", "hydra.launcher.cpus_per_task=3"],
                        hydra_config=True).hydra.launcher
    assert launcher._target_.endswith("LocalLauncher")
    assert "export NUMBA_NUM_THREADS=3" in list(launcher.setup)


def test_launcher_without_its_plugin_is_one_line(tmp_path):
    proc = run_cli(["-m", "hydra.launcher._target_=not_installed.Launcher", "replications=5"], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "alliance-sim[cluster]" in proc.stderr
    assert not (tmp_path / "multirun").exists()


@pytest.mark.skipif(shutil.which("sbatch") is not None, reason="a SLURM login node: would submit")
def test_slurm_launcher_off_a_slurm_node_is_one_line(tmp_path):
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    proc = run_cli(["-m", "hydra/launcher=slurm", "relations.RUS.CHN.counterintelligence=0.2,0.8"], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "slurm_local" in proc.stderr
    assert not (tmp_path / "multirun").exists()


def test_unknown_launcher_is_one_line(tmp_path):
    proc = run_cli(["-m", "hydra/launcher=nope", "replications=5"], cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "hydra/launcher" in proc.stderr and "Traceback" not in proc.stderr
