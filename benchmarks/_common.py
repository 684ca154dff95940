"""Shared helpers of the benchmarks: timing, child processes, synthetic rosters, the report.

Timings are wall-clock (``time.perf_counter``), best of a few repeats after a warm-up
call that compiles or loads the kernels. Ratios are always taken from measurements made
side by side in one run, so a busy machine slows both sides alike.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Row:
    """One reported figure: ``measured`` in ``unit``, checked against ``target``."""

    benchmark: str
    measured: float
    unit: str
    target: str = ""
    ok: bool | None = None  # None: reported only, no target
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """Seconds of the fastest of ``repeat`` calls of ``fn``, after one warm-up call."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def kernel_call(config, reps: int, flags: np.ndarray | None = None) -> Callable[[], None]:
    """A function running the numba core once on ``reps`` replications of ``config``.

    Parameters are drawn and outputs allocated beforehand: the call times the core only.
    """
    from sim.compile import compile_model
    from sim.kernels.ensemble import simulate
    from sim.trajectories import Trajectories

    model = compile_model(config)
    draw = model.draw(np.arange(reps, dtype=np.int64))
    ev, horizon = model.events, config.horizon_months
    out = Trajectories.empty(draw.reps, horizon, len(model.roster), len(ev.names))
    use = model.flags if flags is None else flags

    def call() -> None:
        out.detections[:] = 0
        out.fires[:] = 0
        simulate(config.seed, draw.reps, draw.glob, draw.actor, draw.dyad, use, ev.ev_int, ev.ev_hazard,
                 ev.eff_int, ev.eff_float, horizon, out.dyad, out.world, out.need, out.detections, out.fires)

    return call


def synthetic_config(n_actors: int, overrides: tuple[str, ...] = ()):
    """The baseline with ``n_actors`` actors: extra actors copy the default ones in turn
    (codes X08, X09, ...) and take the relation defaults towards everyone."""
    import sim
    from sim.config.schema import SimConfig

    dump = sim.load_config("baseline", list(overrides)).model_dump()
    codes = list(dump["actors"])
    for k in range(len(codes), n_actors):
        dump["actors"][f"X{k + 1:02d}"] = dict(dump["actors"][codes[k % len(codes)]])
    return SimConfig.model_validate(dump)


def child_json(code: str, env: dict[str, str] | None = None, timeout: float = 1800) -> dict:
    """Run ``code`` in a fresh Python; it must print one JSON object as its last line."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    proc = subprocess.run([sys.executable, "-c", code], env=full_env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def timed_cli(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
              timeout: float = 1800) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of ``python -m sim ARGS`` in a child process."""
    runner = (
        "import json, resource, runpy, sys, time\n"
        f"sys.argv = ['sim', *{args!r}]\n"
        "start = time.perf_counter()\n"
        "try:\n"
        "    runpy.run_module('sim', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exit_:\n"
        "    if exit_.code not in (0, None):\n"
        "        raise\n"
        "wall = time.perf_counter() - start\n"
        "print(json.dumps({'wall': wall, 'maxrss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n"
    )
    start = time.perf_counter()
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    proc = subprocess.run([sys.executable, "-c", runner], env=full_env, cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - start  # interpreter start-up and imports included
    if proc.returncode != 0:
        raise RuntimeError(f"python -m sim {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return wall, int(json.loads(proc.stdout.strip().splitlines()[-1])["maxrss_kib"])


def machine_info() -> dict:
    """What the figures were measured on."""
    import numba
    import numpy

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sim.kernels.jit  # noqa: F401 - sets the threading layer

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "threading_layer": numba.config.THREADING_LAYER,
        "python": platform.python_version(),
        "numba": numba.__version__,
        "numpy": numpy.__version__,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def print_table(rows: list[Row]) -> None:
    """The report: one line per figure, with its target and PASS / MISS."""
    header = ("benchmark", "measured", "target", "status", "note")
    lines = []
    for r in rows:
        value = f"{r.measured:,.3g} {r.unit}" if abs(r.measured) < 1000 else f"{r.measured:,.0f} {r.unit}"
        status = "" if r.ok is None else ("PASS" if r.ok else "MISS")
        lines.append((r.benchmark, value, r.target, status, r.note))
    widths = [max(len(str(x[k])) for x in [header, *lines]) for k in range(len(header))]
    for k, line in enumerate([header, *lines]):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
