"""``python -m sim.signatures --write``: regenerate ``sim/kernels/signatures.json``, the
kernels of a cold taiwan_drones run in the order it compiles them, with their signatures
(``sim.kernels.prewarm`` compiles them in a second process beside a cold run).
``tests/test_prewarm.py`` fails when the file is stale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from sim.kernels.prewarm import SIGNATURES

SCENARIO = "taiwan_drones"  # the run whose kernels are listed


def _run() -> None:
    import sim
    from sim.runner import simulate

    simulate(sim.load_config(SCENARIO, ["replications=64"]))


def used() -> dict[str, list[str]]:
    """``module.name`` -> sorted signatures of every project kernel a ``SCENARIO`` run has in
    this process afterwards (compiled or loaded from the cache)."""
    import gc

    from numba.core.registry import CPUDispatcher

    _run()
    return {f"{k.py_func.__module__}.{k.py_func.__name__}": sorted(repr(s) for s in k.signatures)
            for k in gc.get_objects()
            if isinstance(k, CPUDispatcher) and k.py_func.__module__.startswith("sim.") and k.signatures}


def record() -> list[tuple[str, str, list[str]]]:
    """Compile ``SCENARIO`` in this process (cache cold) and list its kernels, first compiled
    first, with their signatures."""
    from numba.core import event

    with event.install_recorder("numba:compile") as recorder:
        _run()
    order = []
    for _when, ev in recorder.buffer:
        kernel = ev.data["dispatcher"]
        if ev.is_end and kernel.py_func.__module__.startswith("sim.") and kernel not in order:
            order.append(kernel)
    return [(k.py_func.__module__, k.py_func.__name__, [repr(s) for s in k.signatures]) for k in order]


def _write() -> None:
    """``--write``: record in a fresh cache folder (a child process), then save the list."""
    with tempfile.TemporaryDirectory(prefix="alliance-sim-prewarm-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, ALLIANCE_SIM_NO_PREWARM="1")
        code = "import json, sim.signatures as s; print(json.dumps(s.record()))"
        rows = json.loads(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                                         text=True).stdout)
    SIGNATURES.write_text("[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]\n")  # a kernel a line
    print(f"{SIGNATURES}: {len(rows)} kernels")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        print("usage: python -m sim.signatures --write", file=sys.stderr)
        sys.exit(2)
    _write()
