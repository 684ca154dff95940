"""The cold run's second compiling process (``sim.kernels.prewarm``): its list is the run's
kernels and signatures, and it starts only where it can help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.kernels import jit, prewarm
from tests.conftest import COLD_RUN_RECORD, ROOT

STALE = "stale sim/kernels/signatures.json: run python -m sim.signatures --write"

def test_the_list_has_the_signatures_a_run_calls_from_python():
    """The kernels a taiwan_drones run calls from Python (loaded from the session's cache,
    so its callees stay unloaded) are listed with exactly the signatures it uses."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), ALLIANCE_SIM_NO_PREWARM="1")
    code = "import json, sim.signatures as s; print(json.dumps(s.used()))"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    used = json.loads(proc.stdout)
    listed = {f"{module}.{name}": sorted(signatures) for module, name, signatures in prewarm.kernels()}
    assert ".".join(prewarm.ENTRY) in used
    assert {name: listed.get(name) for name in used} == used, STALE


def test_the_list_names_every_kernel_the_cold_run_compiled():
    """Against the session's cold run (tests/conftest.py, recorded): no kernel missing, none
    that no longer exists. (A callee's changed signature costs speed only: the helper
    compiles it to no use; ``bench_end_to_end`` shows the cold run with and without it.)"""
    if not os.environ.get(COLD_RUN_RECORD):
        pytest.skip("the cold run is recorded by the xdist controller's warm-up (-n 1 or more, a cold cache)")
    compiled = {name.rsplit("-", 1)[0] for name in json.loads(Path(os.environ[COLD_RUN_RECORD]).read_text())["compiled"]}
    listed = {f"{module.rsplit('.', 1)[1]}.{name}" for module, name, _signatures in prewarm.kernels()}
    assert listed == compiled, STALE


def test_the_list_puts_callees_before_their_callers():
    order = [name for _module, name, _signatures in prewarm.kernels()]
    assert order.index("simulate_blocks") > max(order.index(k) for k in ("decide_support", "update_trust",
                                                                             "reduce_month", "commit"))


def test_the_helper_meets_the_run_in_the_middle_and_saves_the_later_kernels_for_last():
    """The run compiles ENTRY's callees first to last, then ENTRY's own module, then the
    kernels it calls afterwards: the helper takes the callees from the last back, then the
    later kernels in the run's order, and never ENTRY."""
    listed = [("m", name, [f"sig-{name}"]) for name in ("a", "b", "c")] + [(*prewarm.ENTRY, ["sig"])] + \
        [("m", name, [f"sig-{name}"]) for name in ("x", "y")]
    assert [name for _m, name, _s in prewarm.helper_order(listed)] == ["c", "b", "a", "x", "y"]
    listed = prewarm.kernels()
    at = [tuple(row[:2]) for row in listed].index(prewarm.ENTRY)
    shipped = prewarm.helper_order(listed)
    assert shipped[0] == listed[at - 1] and shipped[at] == listed[at + 1]  # the last callee first, then the later ones
    assert sorted(map(str, shipped)) == sorted(map(str, listed[:at] + listed[at + 1:]))  # every kernel but ENTRY, once


@pytest.mark.parametrize("reason", ["switched off", "warm cache", "other cache folder", "another helper at work"])
def test_no_helper_where_it_cannot_help(reason, monkeypatch):
    monkeypatch.setattr(prewarm, "_decided", False)
    started = []
    monkeypatch.setattr(prewarm.subprocess, "Popen", lambda *a, **k: started.append(a))
    monkeypatch.setattr(jit, "cache_is_cold", lambda: reason != "warm cache")
    monkeypatch.setattr(prewarm, "_cores", lambda: 2)
    if reason == "switched off":
        monkeypatch.setenv("ALLIANCE_SIM_NO_PREWARM", "1")
    if reason == "other cache folder":
        assert prewarm.compile_listed(str(ROOT / "not-the-cache")) == 0
    elif reason == "another helper at work":
        import fcntl

        with open(os.path.join(jit.CACHE_DIR, ".prewarm.lock"), "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            assert prewarm.compile_listed(jit.CACHE_DIR) == 0
    else:
        assert prewarm.start() is None and not started
        looked = []  # decided at the first call: later calls (a sweep's batches) do not look again
        monkeypatch.setattr(jit, "cache_is_cold", lambda: looked.append(1) or True)
        assert prewarm.start() is None and not started and not looked


def test_a_cold_cache_on_two_cores_starts_one_helper_for_this_cache(monkeypatch):
    monkeypatch.setattr(prewarm, "_decided", False)
    monkeypatch.delenv("ALLIANCE_SIM_NO_PREWARM", raising=False)
    monkeypatch.setattr(jit, "cache_is_cold", lambda: True)
    monkeypatch.setattr(prewarm, "_cores", lambda: 2)
    launched = []

    class Helper:
        def __init__(self, argv, **kwargs):
            launched.append(argv)

        def poll(self):
            return 0

    monkeypatch.setattr(prewarm.subprocess, "Popen", Helper)
    assert isinstance(prewarm.start(), Helper) and prewarm.start() is None  # once per process
    assert launched == [[sys.executable, "-m", "sim.kernels.prewarm", jit.CACHE_DIR]]
    monkeypatch.setattr(prewarm, "_decided", False)
    monkeypatch.setattr(prewarm, "_cores", lambda: 1)
    assert prewarm.start() is None and len(launched) == 1  # one core: it would only compete
