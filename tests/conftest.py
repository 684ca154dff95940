"""Test set-up: a fresh numba cache for the session, shared with CLI subprocesses and
with pytest-xdist's workers (the controller sets it before they start; each worker
inherits it) and filled by the controller before they start, removed when the session
ends."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Before anything imports numba: compile into a throw-away cache, never the user's.
# A NUMBA_CACHE_DIR already set is the user's, or the xdist controller's (workers inherit it).
_CACHE = None if os.environ.get("NUMBA_CACHE_DIR") else tempfile.mkdtemp(prefix="alliance-sim-test-numba-")
if _CACHE:
    os.environ["NUMBA_CACHE_DIR"] = _CACHE
os.environ.pop("ALLIANCE_SIM_SCENARIOS", None)

ROOT = Path(__file__).resolve().parents[1]

if os.environ.get("CI"):
    # In CI every optional extra is installed: a missing one is a failure, not a skip.
    import importlib

    def _strict_importorskip(modname, *args, **kwargs):
        return importlib.import_module(modname)

    pytest.importorskip = _strict_importorskip


# The cold-cache run of the command line (tests/test_cli.py): the xdist controller's warm-up
# is this run, recorded (its exit code, stderr and the kernels it compiled) in the file this
# variable names.
COLD_RUN_RECORD = "ALLIANCE_SIM_TEST_COLD_RUN"
COLD_RUN_ARGS = ("replications=3000", "batch_size=500", "horizon_months=6", "output.figures=false")
COLD_RUN_ENV = {"ALLIANCE_SIM_PROGRESS_SECONDS": "0.01"}


def pytest_configure(config):
    """The xdist controller compiles the kernels once, before its workers start: they load
    them from the shared cache instead of compiling the same kernels side by side (each
    worker's cold compile cost ~20 s of CPU on a 2-core machine). The compiling run is the
    command line's first run on a cold cache, which tests/test_cli.py checks from its
    record, then the Mesa engine's reductions. Into the session's own cache, or into one set
    beforehand while it is still cold (CI's fresh folder). Other tests of the cold path use
    caches of their own."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    from sim.kernels.jit import CACHE_DIR, cache_is_cold

    if not _CACHE and not cache_is_cold():  # a cache set beforehand (CI's fresh one is cold) already holds kernels
        return
    import json

    import numpy as np

    import sim
    from sim.compile import compile_model
    from sim.engines import run_engine

    folder = Path(tempfile.mkdtemp(prefix="alliance-sim-test-cold-run-"))
    cold = run_cli(list(COLD_RUN_ARGS), cwd=folder, env=COLD_RUN_ENV)
    record = folder / "record.json"
    compiled = sorted(path.name for path in Path(CACHE_DIR).glob("*/*.nbi"))  # the kernels it compiled
    record.write_text(json.dumps({"returncode": cold.returncode, "stderr": cold.stderr, "compiled": compiled}))
    os.environ[COLD_RUN_RECORD] = str(record)
    warm = sim.load_config("baseline", ["replications=16", "horizon_months=2"])
    run_engine(compile_model(warm), np.arange(1), "mesa")


def pytest_unconfigure(config):
    """The session's throw-away cache goes with it (each session compiles afresh), and the
    cold run's folder."""
    if _CACHE:
        shutil.rmtree(_CACHE, ignore_errors=True)
    if os.environ.get(COLD_RUN_RECORD) and not hasattr(config, "workerinput"):
        shutil.rmtree(Path(os.environ[COLD_RUN_RECORD]).parent, ignore_errors=True)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def run_cli(args, cwd, env=None, timeout=600):
    """Run ``python -m sim`` in ``cwd``; returns the CompletedProcess."""
    import subprocess

    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
