"""A second process that compiles the kernels of a cold first run beside the first.

Numba compiles within one process under one lock, so a cold run (``python -m sim``, a
notebook's first ``simulate``) keeps one core busy for ~30 s while the other idles. When
the cache is cold, ``start()`` launches ``python -m sim.kernels.prewarm``: it compiles the
kernels listed in ``signatures.json`` into the same cache folder (``helper_order``: first
``ENTRY``'s callees, last first, so that the two processes meet in the middle; then the
kernels the run calls after ``ENTRY``, which it needs only once ``ENTRY``'s own module is
built). ``ENTRY`` is the kernel whose typing makes the run compile the others; the run,
typing it, loads every callee the helper has saved instead of compiling it. A cached
kernel keeps the bitcode its callers link (numba's ``serialize_using_object_code``), so
the run's machine code, and its results, are the same either way; saves are locked
(``sim.kernels.jit.LockedIndexDataCacheFile``).

Only with caching on, on a cold cache, with two or more cores, and unless
``ALLIANCE_SIM_NO_PREWARM=1``. The helper ends with the run that started it.
``signatures.json`` is generated, never edited: ``python -m sim.signatures --write``
compiles taiwan_drones in a fresh cache and records each kernel (first compiled first)
with its signatures. A stale list costs speed only: a signature that no longer matches
is compiled to no use, or skipped if numba cannot read it.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

SIGNATURES = Path(__file__).with_name("signatures.json")
ENTRY = ("sim.kernels.ensemble", "simulate_blocks")
_decided = False  # start() has looked, in this process


def kernels() -> list[tuple[str, str, list[str]]]:
    """(module, name, [signature as numba prints it]) in the order a run compiles them."""
    return [tuple(row) for row in json.loads(SIGNATURES.read_text())]


def helper_order(listed: list[tuple[str, str, list[str]]]) -> list[tuple[str, str, list[str]]]:
    """The helper's order of the run's kernels (``kernels()``, first compiled first), without
    ``ENTRY``: the ones compiled before it, last first, then the ones after it, in order.

    Typing ``ENTRY``, the run compiles its callees first to last; the helper, working back
    from the last, saves the run each one it reaches first. The kernels called after
    ``ENTRY`` wait until ``ENTRY``'s own module is built (~8 s of one core), long enough
    for the helper to reach them once the callees are done."""
    at = [(module, name) for module, name, _signatures in listed].index(ENTRY)
    return listed[at - 1::-1] + listed[at + 1:] if at else listed[1:]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def start() -> subprocess.Popen | None:
    """Launch the helper if this process is about to compile (see module doc). Decided at
    the first call of a process: later calls (every batch of a sweep) return at once."""
    global _decided
    from sim.kernels.jit import CACHE_DIR, CACHE_ENABLED, cache_is_cold

    if _decided:
        return None
    _decided = True
    if not CACHE_ENABLED or os.environ.get("ALLIANCE_SIM_NO_PREWARM") == "1" or _cores() < 2 or not cache_is_cold():
        return None
    try:
        helper = subprocess.Popen([sys.executable, "-m", "sim.kernels.prewarm", CACHE_DIR], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:  # no interpreter to start (an embedded Python): the run compiles alone
        return None
    atexit.register(_stop, helper)
    return helper


def _stop(helper: subprocess.Popen) -> None:
    if helper.poll() is None:
        helper.terminate()
        helper.wait()


def compile_listed(cache_dir: str) -> int:
    """Compile every listed kernel but ``ENTRY``, in ``helper_order``; the number compiled. Does
    nothing unless this process resolves the same cache folder as the run, or while
    another helper works on it (parallel jobs on one cold cache start one each)."""
    from numba.core import types

    from sim.kernels.jit import CACHE_DIR, fcntl

    if CACHE_DIR != cache_dir:
        return 0
    lock = open(os.path.join(CACHE_DIR, ".prewarm.lock"), "a")  # noqa: SIM115 - held while this function runs
    if fcntl is not None:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another run's helper (parallel jobs on one cold cache) is at it
            return 0
    names = {"__builtins__": {}, **{name: getattr(types, name) for name in dir(types)}}
    done = 0
    for module, name, signatures in helper_order(kernels()):
        kernel = getattr(importlib.import_module(module), name, None)
        for text in signatures if kernel is not None else ():
            try:
                kernel.compile(eval(text, names))  # the package's own file, numba's type names only
            except Exception:  # noqa: BLE001 - a stale entry costs speed only (module doc)
                continue
            done += 1
    return done


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m sim.kernels.prewarm CACHE_DIR (started by a cold run; see the module doc)",
              file=sys.stderr)
        sys.exit(2)
    compile_listed(sys.argv[1])
