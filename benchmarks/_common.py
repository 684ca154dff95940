"""Shared helpers of the benchmarks: timing, child processes, synthetic rosters, the report.

Timings are wall-clock (``time.perf_counter``): a warm-up call that compiles or loads the
kernels, then the best (and the median) of a few repeats. Ratios are always taken from measurements made
side by side in one run, so a busy machine slows both sides alike.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
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
    shown: str = ""  # printed instead of the number (e.g. "yes" for a 1/0 check)

    def as_dict(self) -> dict:
        return asdict(self)


def timings(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """(best, median) seconds of ``repeat`` calls of ``fn``, after one warm-up call."""
    fn()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return min(seconds), statistics.median(seconds)


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """Seconds of the fastest of ``repeat`` calls of ``fn``, after one warm-up call."""
    return timings(fn, repeat)[0]


def kernel_call(config, reps: int, flags: np.ndarray | None = None, every_month: bool = True) -> Callable[[], None]:
    """A function running the numba core once on ``reps`` replications of ``config``,
    recording every month (``every_month``) or the state at the horizon alone (as the
    calibration and the forecasts run it).

    Parameters are drawn and outputs allocated beforehand: the call times the core only.
    """
    from sim.compile import compile_model
    from sim.kernels.ensemble import simulate
    from sim.trajectories import Trajectories

    model = compile_model(config)
    draw = model.draw(np.arange(reps, dtype=np.int64))
    ev, horizon = model.events, config.horizon_months
    out = Trajectories.empty(draw.reps, horizon if every_month else 0, len(model.roster), len(ev.names))
    use = model.flags if flags is None else flags

    def call() -> None:
        out.detections[:] = 0
        out.fires[:] = 0
        simulate(config.seed, draw.reps, draw.glob, draw.actor, draw.dyad, use, ev.ev_int, ev.ev_hazard,
                 ev.eff_int, ev.eff_float, horizon, *out.outputs())

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


def child_env(env: dict[str, str | None] | None = None) -> dict[str, str]:
    """This process's environment, the repository on ``PYTHONPATH``, then ``env``
    (a value of None removes the variable)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT)}
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    return full


def child_json(code: str, env: dict[str, str | None] | None = None, timeout: float = 1800,
               cwd: Path = ROOT) -> dict:
    """Run ``code`` in a fresh Python; it must print one JSON object as its last line."""
    proc = subprocess.run([sys.executable, "-c", code], env=child_env(env), cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# Peak RSS of the child itself. Not ru_maxrss: Linux carries the parent's peak over a
# vfork + exec (subprocess uses vfork), so a child of a large process would report the
# parent's peak. VmHWM belongs to the new address space.
_PEAK_RSS = ("next((int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')), "
             "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")


# Numba compile time per kernel, from numba's event API (inclusive of the kernels it calls).
_COMPILE_LISTENER = (
    "from numba.core import event\n"
    "compiles = {}\n"
    "class _Listener(event.Listener):\n"
    "    def on_start(self, ev):\n"
    "        ev.data['_cpu'] = time.process_time()\n"
    "    def on_end(self, ev):\n"
    "        f = ev.data['dispatcher'].py_func\n"
    "        name = f'{f.__module__}.{f.__qualname__}'\n"
    "        compiles[name] = compiles.get(name, 0.0) + time.process_time() - ev.data['_cpu']\n"
    "event.register('numba:compile', _Listener())\n"
)


def timed_cli(args: list[str], env: dict[str, str | None] | None = None, cwd: Path | None = None,
              timeout: float = 1800, compiles: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of ``python -m sim ARGS`` in a child process;
    ``compiles``: filled with the CPU seconds of each numba kernel compiled (inclusive)."""
    runner = (
        "import atexit, json, resource, runpy, sys, time\n"
        + (_COMPILE_LISTENER if compiles is not None else "compiles = {}\n")
        + f"sys.argv = ['sim', *{args!r}]\n"
        "start = time.perf_counter()\n"
        "def report():\n"
        "    wall = time.perf_counter() - start\n"
        f"    print(json.dumps({{'wall': wall, 'maxrss_kib': {_PEAK_RSS}, 'compiles': compiles}}), flush=True)\n"
        "atexit.register(report)  # python -m sim runs the exit handlers, then os._exit (sim/__main__.py)\n"
        "try:\n"
        "    runpy.run_module('sim', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exit_:\n"
        "    if exit_.code not in (0, None):\n"
        "        raise\n"
    )
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", runner], env=child_env(env), cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - start  # interpreter start-up and imports included
    if proc.returncode != 0:
        raise RuntimeError(f"python -m sim {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if compiles is not None:
        compiles.update(result["compiles"])
    return wall, int(result["maxrss_kib"])


def jit_cache_dir(env: dict[str, str | None] | None = None, pythonpath: Path = ROOT) -> str | None:
    """The numba cache folder ``sim.kernels.jit`` picks in a child with ``env`` (None: off)."""
    code = "import json, sim.kernels.jit as j; print(json.dumps({'dir': j.CACHE_DIR if j.CACHE_ENABLED else None}))"
    return child_json(code, env=dict(env or {}, PYTHONPATH=str(pythonpath)), cwd=pythonpath)["dir"]


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
        "load_avg_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def _cells(rows: list[Row]) -> list[tuple[str, str, str, str, str]]:
    cells = []
    for r in rows:
        if r.shown:
            value = r.shown
        elif abs(r.measured) < 1000:
            value = f"{r.measured:,.3g} {r.unit}"
        else:
            value = f"{r.measured:,.0f} {r.unit}"
        status = "" if r.ok is None else ("PASS" if r.ok else "MISS")
        cells.append((r.benchmark, value.strip(), r.target, status, r.note))
    return cells


HEADER = ("benchmark", "measured", "target", "status", "note")


def print_table(rows: list[Row]) -> None:
    """The report: one line per figure, with its target and PASS / MISS."""
    lines = _cells(rows)
    widths = [max(len(str(x[k])) for x in [HEADER, *lines]) for k in range(len(HEADER))]
    for k, line in enumerate([HEADER, *lines]):
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


def markdown_table(rows: list[Row]) -> str:
    """The same report as a Markdown table (for benchmarks/README.md)."""
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in _cells(rows)]
    return "\n".join(out) + "\n"
