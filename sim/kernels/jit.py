"""JIT flags for every kernel, defined once, and the numba cache location.

Cache policy (numba's own cache does not notice edits to *other* modules a kernel
uses, and freezes module constants at compile time):

- The cache lives in ``<cache root>/numba-<key>`` where ``key`` hashes the source of
  every file in ``sim/kernels/`` plus numba's version. Any edit to the compiled core
  gives a new directory, so stale machine code is never served.
- ``<cache root>`` is ``$ALLIANCE_SIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/alliance-sim``,
  else ``~/.cache/alliance-sim``, else a per-user folder in the system temp dir. The
  first that is writable wins; if none is, caching is switched off (correct, slower).
- A user who sets ``NUMBA_CACHE_DIR`` keeps full control (then edits are the user's
  responsibility, as in plain numba).
- ``ALLIANCE_SIM_NO_CACHE=1`` disables caching.

Threading layer: ``workqueue`` unless ``NUMBA_THREADING_LAYER`` is set. It ships with
numba and is fork-safe, unlike GNU OpenMP (the default here), so numba threads can be
combined with process-based sweep launchers. Results never depend on the layer or the
thread count: every random draw is counter-based (``sim.kernels.rng``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numba

_KERNEL_DIRS = (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1] / "mechanisms")


def kernel_source_key() -> str:
    """16 hex digits hashing numba's version and every source file with kernels
    (``sim/kernels``, ``sim/mechanisms``)."""
    digest = hashlib.sha256(numba.__version__.encode())
    for folder in _KERNEL_DIRS:
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{folder.name}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, prefix=".probe", delete=True)
        probe.close()
        return True
    except OSError:
        return False


def _cache_roots() -> list[Path]:
    roots = []
    if os.environ.get("ALLIANCE_SIM_CACHE_DIR"):
        roots.append(Path(os.environ["ALLIANCE_SIM_CACHE_DIR"]))
    if os.environ.get("XDG_CACHE_HOME"):
        roots.append(Path(os.environ["XDG_CACHE_HOME"]) / "alliance-sim")
    roots.append(Path.home() / ".cache" / "alliance-sim")
    user = os.environ.get("USER") or str(os.getuid() if hasattr(os, "getuid") else "user")
    roots.append(Path(tempfile.gettempdir()) / f"alliance-sim-{user}")
    return roots


def configure_cache() -> tuple[bool, str | None]:
    """Point numba's cache at a writable, source-keyed folder; return (enabled, dir)."""
    if os.environ.get("ALLIANCE_SIM_NO_CACHE") == "1":
        return False, None
    if os.environ.get("NUMBA_CACHE_DIR"):
        return True, os.environ["NUMBA_CACHE_DIR"]
    key = kernel_source_key()
    for root in _cache_roots():
        target = root / f"numba-{key}"
        if _writable(target):
            # Set both: numba re-reads NUMBA_* variables whenever any of them changes.
            os.environ["NUMBA_CACHE_DIR"] = numba.config.CACHE_DIR = str(target)
            return True, str(target)
    return False, None


if not os.environ.get("NUMBA_THREADING_LAYER"):
    os.environ["NUMBA_THREADING_LAYER"] = numba.config.THREADING_LAYER = "workqueue"

CACHE_ENABLED, CACHE_DIR = configure_cache()

# error_model="numpy": division follows IEEE (no ZeroDivisionError checks in loops);
# fastmath stays off so the core matches the Mesa reference to rounding.
JIT = dict(nogil=True, cache=CACHE_ENABLED, fastmath=False, error_model="numpy")
PARALLEL_JIT = dict(JIT, parallel=True)


def njit(func):
    """Compile a serial kernel with the project's flags."""
    return numba.njit(**JIT)(func)


def njit_parallel(func):
    """Compile a kernel whose outer ``prange`` loop runs across threads."""
    return numba.njit(**PARALLEL_JIT)(func)


prange = numba.prange
