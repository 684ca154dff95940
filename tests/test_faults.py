"""Storage and cache under faults (issue 14 §1, §4): one fault-injection test per case.

Sweep folders: a chunk with flipped bytes, a truncated ``sweep.json``, a live writer's
temporary file, two identical sweeps at once, a finished sweep run again, Ctrl-C.
Run folders: stale temporaries of killed runs, permissions under the user's umask.
The numba cache: a folder planted by someone else is never used; the source key holds
inside any cache folder; importing ``sim`` writes no environment variable.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.atomic import _HOST, is_stale, remove_stale, write_json
from sim.sweep import parse_sweep, run_sweep
from sim.sweep.store import MANIFEST, SweepStore
from tests.conftest import ROOT, run_cli

SPEC = {"method": "lhs", "points": 12, "parameters": {"dynamics": {"w_trust": [0.5, 5.0]}}}


@pytest.fixture(scope="module")
def config():
    # batch_size = replications: one point per kernel call, 8 points to a chunk (2 chunks)
    return sim.load_config("baseline", ["replications=3", "horizon_months=6", "batch_size=3"])


@pytest.fixture(scope="module")
def reference(config, tmp_path_factory):
    """The table of an undisturbed run of the sweep."""
    return run_sweep(config, parse_sweep(SPEC), folder=tmp_path_factory.mktemp("ref") / "s").table


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_flipped_bytes_in_a_chunk_are_recomputed(config, reference, tmp_path):
    folder = tmp_path / "s"
    run_sweep(config, parse_sweep(SPEC), folder=folder)
    (folder / "sweep.parquet").unlink()
    write_json(folder / MANIFEST, json.loads((folder / MANIFEST).read_text()) | {"complete": False})
    chunk = sorted((folder / "chunks").glob("points-*.parquet"))[0]
    data = bytearray(chunk.read_bytes())
    data[len(data) // 2] ^= 0xFF  # the middle: the 'point' column may still read
    chunk.write_bytes(bytes(data))
    again = run_sweep(config, parse_sweep(SPEC), folder=folder)
    assert again.evaluated > 0 and again.complete
    pd.testing.assert_frame_equal(again.table, reference)


def test_truncated_manifest_is_recovered_from_the_chunks(config, reference, tmp_path):
    folder = tmp_path / "s"
    first = run_sweep(config, parse_sweep(SPEC | {"shards": 2, "shard": 0}), folder=folder)
    assert not first.complete
    text = (folder / MANIFEST).read_text()
    (folder / MANIFEST).write_text(text[: len(text) // 3])  # truncated mid-write by a crash
    second = run_sweep(config, parse_sweep(SPEC | {"shards": 2, "shard": 1}), folder=folder)
    assert second.complete and second.skipped == 0 and second.evaluated == 6  # shard 0's points kept
    assert json.loads((folder / MANIFEST).read_text())["complete"]
    pd.testing.assert_frame_equal(second.table, reference)


def test_only_stale_temporaries_are_removed(config, tmp_path):
    folder = tmp_path / "s"
    (folder / "chunks").mkdir(parents=True)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = folder / "chunks" / f".points-0000000-0000003.parquet.{_HOST}.{sleeper.pid}.abc123.tmp"
        dead = folder / "chunks" / f".points-0000004-0000007.parquet.{_HOST}.{_dead_pid()}.def456.tmp"
        other_host = folder / "chunks" / f".points-0000008-0000009.parquet.elsewhere.{_dead_pid()}.ghi789.tmp"
        for path in (live, dead, other_host):
            path.write_bytes(b"partial")
        assert not is_stale(live) and is_stale(dead) and not is_stale(other_host)
        run_sweep(config, parse_sweep(SPEC), folder=folder)
        assert live.exists() and other_host.exists() and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_two_identical_sweeps_in_one_folder_do_not_duplicate_work(tmp_path):
    n = 2000  # several seconds of work, so the two jobs overlap
    args = ["sweep=lhs", f"sweep.points={n}", "replications=20", "batch_size=20", "horizon_months=24",
            "output.figures=false", "sweep.dir=shared"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=tmp_path, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    evaluated = [int(o[0].split("(")[1].split(" evaluated")[0]) for o in outs]
    assert sorted(evaluated) == [0, n], outs  # the second waited, then found every point done
    assert any("waiting:" in o[1] for o in outs)
    table = pd.read_parquet(tmp_path / "shared" / "sweep.parquet")
    assert table["point"].tolist() == list(range(n))


def test_the_typed_record_is_not_read_back_from_a_file_another_job_is_rewriting(tmp_path):
    """Jobs sharing a folder (the identical sweeps above) each have Hydra truncate and
    rewrite ``.hydra/hydra.yaml``; the typed record is built from the job's own config."""
    import yaml
    from hydra.core.hydra_config import HydraConfig

    from sim.app import _record_typed
    from sim.config.compose import SHIPPED, _prepared

    typed = ["replications=10", "world.war=0.5"]
    records = tmp_path / ".hydra"
    records.mkdir()
    (records / "hydra.yaml").write_text("")  # the other job's rewrite, caught mid-way
    HydraConfig.instance().set_config(_prepared(typed, multirun=False, source=SHIPPED)[2])
    try:
        _record_typed(records, typed)
    finally:
        HydraConfig.instance().cfg = None
    record = yaml.safe_load((records / "hydra.yaml").read_text())["hydra"]
    assert record["overrides"]["task"] == typed and record["job"]["override_dirname"] == "replications=10,world.war=0.5"
    assert yaml.safe_load((records / "overrides.yaml").read_text()) == typed


def test_a_finished_sweep_is_not_rewritten_as_incomplete(config, tmp_path):
    folder = tmp_path / "s"
    run_sweep(config, parse_sweep(SPEC), folder=folder)
    before = (folder / MANIFEST).read_bytes(), (folder / MANIFEST).stat().st_mtime_ns
    store = SweepStore(folder)
    again = run_sweep(config, parse_sweep(SPEC), folder=folder)
    assert again.complete and again.evaluated == 0
    assert ((folder / MANIFEST).read_bytes(), (folder / MANIFEST).stat().st_mtime_ns) == before
    assert json.loads(before[0])["complete"] is True and store.folder == folder


def test_stale_temporaries_of_killed_runs_are_cleaned(tmp_path):
    old = tmp_path / "outputs" / "2026-01-01" / "00-00-00"
    old.mkdir(parents=True)
    stale = old / f".replications.parquet.{_HOST}.{_dead_pid()}.x1.tmp"
    foreign = old / ".notes.tmp"  # not one of ours: left alone
    stale.write_bytes(b"x" * 1000)
    foreign.write_bytes(b"mine")
    assert remove_stale(tmp_path / "outputs", depth=2) == [stale]
    assert foreign.exists()
    stale.write_bytes(b"x")
    proc = run_cli(["replications=5", "horizon_months=3", "output.figures=false"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists() and foreign.exists()


def test_results_follow_the_users_umask(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "sim", "replications=5", "horizon_months=3", "output.figures=false"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
                          preexec_fn=lambda: os.umask(0o027))
    assert proc.returncode == 0, proc.stderr
    (summary,) = tmp_path.glob("outputs/*/*/summary.json")
    for path in summary.parent.glob("*.parquet"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path
    assert stat.S_IMODE(summary.stat().st_mode) == 0o640


def _interrupted(args, cwd: Path, ready) -> subprocess.CompletedProcess:
    """Start ``python -m sim args``, send SIGINT once ``ready()`` holds, collect it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not ready() and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_ctrl_c_in_a_sweep_says_what_was_kept(tmp_path):
    args = ["sweep=lhs", "sweep.points=100000", "replications=4", "batch_size=4", "horizon_months=12",
            "sweep.dir=s"]
    done = _interrupted(args, tmp_path, lambda: len(list(tmp_path.glob("s/chunks/points-*.parquet"))) >= 2)
    assert done.returncode == 130, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("interrupted: kept ") and "of 100000 points" in last and "the same command resumes" in last
    assert "Traceback" not in done.stderr


def test_ctrl_c_in_a_run_says_nothing_was_kept(tmp_path):
    args = ["replications=5000000", "horizon_months=12", "batch_size=1024"]
    done = _interrupted(args, tmp_path, lambda: bool(list(tmp_path.glob("outputs/*/*/.hydra/overrides.yaml"))))
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("interrupted: no results for the run in progress")
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.glob("outputs/*/*/summary.json"))


# -- the numba cache ----------------------------------------------------------------------------
def _jit_report(env: dict) -> dict:
    code = ("import json, os, sim.kernels.jit as j; "
            "print(json.dumps({'enabled': j.CACHE_ENABLED, 'dir': j.CACHE_DIR, 'reason': j.CACHE_REASON, "
            "'key': j.kernel_source_key(), 'env': {k: v for k, v in os.environ.items() if k.startswith('NUMBA_')}}))")
    full = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "ALLIANCE_SIM_CACHE_DIR")}
    full.update(PYTHONPATH=str(ROOT), **env)
    proc = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_cache_keeps_the_source_key_inside_a_users_numba_cache_dir(tmp_path):
    (tmp_path / "numba").mkdir(mode=0o700)
    report = _jit_report({"NUMBA_CACHE_DIR": str(tmp_path / "numba")})
    assert report["enabled"] and report["dir"] == str(tmp_path / "numba" / f"alliance-sim-{report['key']}")
    assert stat.S_IMODE(os.stat(report["dir"]).st_mode) == 0o700
    assert report["env"] == {"NUMBA_CACHE_DIR": str(tmp_path / "numba")}  # nothing written by the import


def _blocked(tmp_path: Path) -> dict:
    """Environment in which the XDG, home and temp-dir cache roots cannot be used: the temp
    dir holds ``alliance-sim-<uid>`` planted by another user (the attack of issue 14)."""
    file = tmp_path / "a-file"
    file.write_text("")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    planted = tmp / f"alliance-sim-{os.geteuid()}"
    planted.mkdir(mode=0o777)
    os.chown(planted, 12345, 12345)
    return {"XDG_CACHE_HOME": str(file / "x"), "HOME": str(file), "TMPDIR": str(tmp)}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="planting another user's folder needs root")
def test_a_planted_cache_folder_is_never_used(tmp_path):
    root = tmp_path / "cache"
    root.mkdir(mode=0o700)
    key = _jit_report({"ALLIANCE_SIM_CACHE_DIR": str(root)})["key"]
    os.chown(root / f"numba-{key}", 12345, 12345)
    report = _jit_report({"ALLIANCE_SIM_CACHE_DIR": str(root), **_blocked(tmp_path)})
    assert not report["enabled"] and report["dir"] is None
    assert f"{root / f'numba-{key}'} is not a folder owned by this user" in report["reason"]
    assert "alliance-sim-" in report["reason"].split("; ")[-1]  # the planted temp-dir folder, refused too


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="planting another user's folder needs root")
def test_a_cache_root_others_can_write_is_refused(tmp_path):
    root = tmp_path / "shared"
    root.mkdir()
    os.chmod(root, 0o777)
    report = _jit_report({"ALLIANCE_SIM_CACHE_DIR": str(root), **_blocked(tmp_path)})
    assert not report["enabled"] and f"{root} is not a folder of this user that only this user can write" in report["reason"]


def test_the_source_key_covers_kernels_and_mechanisms(tmp_path, monkeypatch):
    import sim.kernels.jit as jit

    kernels, mechanisms = tmp_path / "kernels", tmp_path / "mechanisms"
    kernels.mkdir()
    mechanisms.mkdir()
    (kernels / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(jit, "KERNEL_DIRS", (kernels, mechanisms))
    before = jit.kernel_source_key()
    (mechanisms / "trust.py").write_text("y = 2\n")
    assert jit.kernel_source_key() != before


_SAVER = """
import os, sys, time
from sim.kernels.jit import LockedIndexDataCacheFile
index = LockedIndexDataCacheFile(cache_path=sys.argv[1], filename_base="kernel-1.py311", source_stamp=("stamp", 1))
open(sys.argv[3] + ".ready", "w").close()
while not os.path.exists(sys.argv[3] + ".go"):
    time.sleep(0.001)
for k in range(40):
    index.save((sys.argv[2], k), ("machine code of", sys.argv[2], k))
"""


def test_kernels_compiled_at_once_by_two_processes_keep_their_own_machine_code(tmp_path):
    """Numba names a new entry's data file by the first number free in the index it read:
    two processes saving other signatures of one kernel at once shared names (an entry
    lost, or served the other's code; 16-42 of these 80 in three tries with numba's own
    save). The project's kernels save under a lock on the cache folder."""
    from numba.core import caching

    import sim.kernels.jit as jit
    from sim.kernels.ensemble import simulate_blocks
    from sim.kernels.fastmath import exp

    if not jit.CACHE_ENABLED:
        pytest.skip(f"numba caching is off: {jit.CACHE_REASON}")
    assert all(type(k._cache._cache_file) is jit.LockedIndexDataCacheFile for k in (simulate_blocks, exp))
    folder, env, who = tmp_path / "kernels", dict(os.environ, PYTHONPATH=str(ROOT)), ("run", "forecast")
    folder.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", _SAVER, str(folder), w, str(tmp_path / w)], env=env) for w in who]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"{w}.ready").exists() for w in who) and time.monotonic() < deadline:
        time.sleep(0.01)
    for w in who:  # both start saving at once
        (tmp_path / f"{w}.go").write_text("")
    assert all(p.wait(timeout=120) == 0 for p in procs)
    index = caching.IndexDataCacheFile(cache_path=str(folder), filename_base="kernel-1.py311",
                                       source_stamp=("stamp", 1))
    found = {(w, k): index.load((w, k)) for w in who for k in range(40)}
    assert all(found[key] == ("machine code of", *key) for key in found), found
