"""Progress of long work: a bar on a terminal or in Jupyter, a line every few seconds
otherwise (nohup, a log file, a cluster job), and one line before the kernels compile.

``progress_bar(total, desc=..., unit=...)`` returns an object with ``update(n)`` and
``close()``. ``ALLIANCE_SIM_PROGRESS_SECONDS`` sets the interval of the lines (default
10 s; 0 turns them off). A run shorter than one interval prints no line.
"""

from __future__ import annotations

import os
import sys
import time

COMPILE_MESSAGE = "compiling the model (first run only), usually ~20-40 s"
_announced = False


def interactive() -> bool:
    """stderr is a terminal, or this is a Jupyter kernel (tqdm.auto draws a widget)."""
    if sys.stderr.isatty():
        return True
    shell = sys.modules.get("IPython")
    ip = shell.get_ipython() if shell is not None and hasattr(shell, "get_ipython") else None
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def announce_compile() -> None:
    """Say once per process that the kernels are about to compile, if no cached copy exists."""
    global _announced
    from sim.kernels.jit import CACHE_ENABLED, cache_is_cold

    if _announced or not cache_is_cold():
        return
    _announced = True
    from sim.kernels import prewarm

    prewarm.start()
    note = "" if CACHE_ENABLED else " (the kernel cache is off, so every run compiles)"
    print(COMPILE_MESSAGE.replace(" (first run only)", note) if note else COMPILE_MESSAGE, file=sys.stderr, flush=True)


class LineProgress:
    """``done/total unit (pct), elapsed, remaining`` on stderr every ``every`` seconds."""

    def __init__(self, total: int, desc: str, unit: str, every: float, initial: int = 0):
        self.total, self.desc, self.unit, self.every = total, desc, unit, every
        self.done = self.start_done = initial
        self.start = self.last = time.monotonic()
        self.printed = False

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.every > 0 and now - self.last >= self.every:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        elapsed = now - self.start
        rate = (self.done - self.start_done) / elapsed if elapsed > 0 else 0.0
        left = f", ~{(self.total - self.done) / rate:.0f} s left" if rate > 0 and self.total else ""
        pct = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        print(f"{self.desc}: {self.done}/{self.total} {self.unit}{pct}, {elapsed:.0f} s{left}",
              file=sys.stderr, flush=True)
        self.printed = True

    def close(self) -> None:
        if self.printed:
            self._line(time.monotonic())


def _interval() -> float:
    try:
        return max(0.0, float(os.environ.get("ALLIANCE_SIM_PROGRESS_SECONDS", "10")))
    except ValueError:
        return 10.0


def progress_bar(total: int, *, desc: str, unit: str, enabled: bool = True, initial: int = 0, leave: bool = True):
    """A tqdm bar (terminal, Jupyter) or ``LineProgress`` (anything else); see module doc."""
    if enabled:
        announce_compile()
    if enabled and interactive():
        from tqdm.auto import tqdm

        return tqdm(total=total, initial=initial, unit=unit, desc=desc, leave=leave)
    return LineProgress(total, desc, unit, _interval() if enabled else 0.0, initial)
