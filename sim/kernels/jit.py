"""JIT flags for every kernel, defined once, and where compiled kernels are cached.

Cache policy (numba's own cache does not notice edits to *other* modules a kernel
uses, and freezes module constants at compile time; its index files are pickles, so
whoever can write the cache folder can run code in the next process that reads it):

- Kernels are cached in ``<root>/numba-<key>`` (``<root>/alliance-sim-<key>`` inside a
  user-set ``NUMBA_CACHE_DIR``), where ``key`` hashes numba's version and the source of
  every file in ``sim/kernels/`` and ``sim/mechanisms/``: any edit to the compiled core
  gives a new folder, so stale machine code is never served, whatever folder is used.
- ``<root>`` is ``$NUMBA_CACHE_DIR``, else ``$ALLIANCE_SIM_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/alliance-sim``, else ``~/.cache/alliance-sim``, else
  ``<system temp>/alliance-sim-<uid>``. The first usable one wins. Usable: the root is
  a folder owned by this user that no one else may write (mode without group/other
  write), and the keyed folder is owned by this user with mode 0700 (created so; a
  folder with looser mode that this user owns is tightened). A folder owned by someone
  else (e.g. planted in ``/tmp``) is never used. If none is usable, caching is off
  (correct, slower); ``CACHE_REASON`` says why.
- ``ALLIANCE_SIM_NO_CACHE=1`` disables caching.
- Entries are saved one at a time under a lock on the cache folder
  (``LockedIndexDataCacheFile``): processes compiling at once never share a data file.

What importing this module changes in the process: it adds one cache locator to numba
that claims only functions defined in the ``sim`` package (other libraries' kernels keep
numba's own locators and ``NUMBA_CACHE_DIR``; no environment variable is written), and,
if no threading layer was chosen (``NUMBA_THREADING_LAYER`` unset), numba's
``config.THREADING_LAYER`` becomes ``workqueue``: it ships with numba and is fork-safe,
unlike GNU OpenMP (the default here), so numba threads can be combined with forked
workers (the kernels run on threads of their own, ``parallel_for``; numba's pool serves
code of other libraries). Results never depend on the layer or the thread count: every
random draw is counter-based (``sim.kernels.rng``).
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numba
from numba.core import caching

try:
    import fcntl
except ImportError:  # not POSIX
    fcntl = None

_PACKAGE = Path(__file__).resolve().parents[1]  # the ``sim`` package
KERNEL_DIRS = (_PACKAGE / "kernels", _PACKAGE / "mechanisms")


def kernel_source_key() -> str:
    """16 hex digits hashing numba's version and every source file of ``KERNEL_DIRS``."""
    digest = hashlib.sha256(numba.__version__.encode())
    for folder in KERNEL_DIRS:
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{folder.name}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _owned_by_me(info: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


def _private_folder(target: Path) -> str | None:
    """Create ``target`` (0700) or check it; None if usable, else why not."""
    root = target.parent
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = root.stat()
        if not stat.S_ISDIR(info.st_mode) or not _owned_by_me(info) or info.st_mode & 0o022:
            return f"{root} is not a folder of this user that only this user can write"
        target.mkdir(mode=0o700, exist_ok=True)
        info = target.lstat()
        if not stat.S_ISDIR(info.st_mode) or not _owned_by_me(info):
            return f"{target} is not a folder owned by this user"
        if info.st_mode & 0o077:
            os.chmod(target, 0o700)
        tempfile.TemporaryFile(dir=target).close()
    except OSError as err:
        return f"{target}: {err.strerror or err}"
    return None


def _candidates(key: str) -> list[Path]:
    env = os.environ
    if env.get("NUMBA_CACHE_DIR"):
        return [Path(env["NUMBA_CACHE_DIR"]) / f"alliance-sim-{key}"]
    roots = []
    if env.get("ALLIANCE_SIM_CACHE_DIR"):
        roots.append(Path(env["ALLIANCE_SIM_CACHE_DIR"]))
    if env.get("XDG_CACHE_HOME"):
        roots.append(Path(env["XDG_CACHE_HOME"]) / "alliance-sim")
    roots.append(Path.home() / ".cache" / "alliance-sim")
    uid = os.geteuid() if hasattr(os, "geteuid") else os.getpid()
    roots.append(Path(tempfile.gettempdir()) / f"alliance-sim-{uid}")
    return [root / f"numba-{key}" for root in roots]


def configure_cache() -> tuple[bool, str | None, str]:
    """(enabled, cache folder, reason) under the policy of the module doc."""
    if os.environ.get("ALLIANCE_SIM_NO_CACHE") == "1":
        return False, None, "ALLIANCE_SIM_NO_CACHE=1"
    reasons = []
    for target in _candidates(kernel_source_key()):
        problem = _private_folder(target)
        if problem is None:
            return True, str(target), "ok"
        reasons.append(problem)
    return False, None, "; ".join(reasons)


CACHE_ENABLED, CACHE_DIR, CACHE_REASON = configure_cache()


def cache_is_cold() -> bool:
    """True if the kernels will be compiled in this process (no cached index yet)."""
    return not CACHE_ENABLED or not any(Path(CACHE_DIR).glob("*/*.nbi"))


class ProjectCacheLocator(caching.UserProvidedCacheLocator):
    """Numba cache locator for the ``sim`` package's own kernels: ``CACHE_DIR``, one
    subfolder per source folder. Returns None for any other file (numba's own apply)."""

    def __init__(self, py_func, py_file):
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = os.path.join(CACHE_DIR, Path(py_file).resolve().parent.name)

    def ensure_cache_path(self):
        os.makedirs(self._cache_path, mode=0o700, exist_ok=True)
        tempfile.TemporaryFile(dir=self._cache_path).close()

    @classmethod
    def from_function(cls, py_func, py_file):
        if not CACHE_ENABLED or not Path(py_file).resolve().is_relative_to(_PACKAGE):
            return None
        # skip UserProvidedCacheLocator.from_function, which declines unless NUMBA_CACHE_DIR
        # is set (numba's in-tree locator would then cache next to the sources, keyed by
        # the defining file alone: stale after an edit to a module the kernel calls)
        return super(caching.UserProvidedCacheLocator, cls).from_function(py_func, py_file)


class LockedIndexDataCacheFile(caching.IndexDataCacheFile):
    """Numba's index and data files of one kernel, saved under a lock on ``CACHE_DIR``.

    Numba saves an entry by reading the index, naming the data file by the first free
    number, then writing both. Two processes compiling other signatures of one kernel at
    once (a forecast's lane-by-lane form beside a run's) would both pick the same number:
    one index entry is lost and its file may hold the other's machine code, which a later
    run would call with arguments it was not compiled for. The lock makes those saves
    one at a time (loads need none: a data file of a listed entry is only ever replaced,
    atomically, by the same signature's)."""

    def save(self, key, data):
        if fcntl is None:  # no POSIX locks (Windows): numba's own, unlocked save
            return super().save(key, data)
        with open(os.path.join(CACHE_DIR, ".save.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return super().save(key, data)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _lock_saves(dispatcher):
    """Give a cached kernel of the project the locked save (``LockedIndexDataCacheFile``)."""
    cache = getattr(dispatcher, "_cache", None)
    if isinstance(getattr(cache, "_impl", None), caching.CacheImpl) and isinstance(cache._impl.locator,
                                                                                   ProjectCacheLocator):
        cache._cache_file.__class__ = LockedIndexDataCacheFile
    return dispatcher


if ProjectCacheLocator not in caching.CacheImpl._locator_classes:
    caching.CacheImpl._locator_classes.insert(0, ProjectCacheLocator)

if not os.environ.get("NUMBA_THREADING_LAYER"):
    numba.config.THREADING_LAYER = "workqueue"

# error_model="numpy": division follows IEEE (no ZeroDivisionError checks in loops);
# fastmath stays off so the core matches the Mesa reference to rounding.
JIT = dict(nogil=True, cache=CACHE_ENABLED, fastmath=False, error_model="numpy")


def njit(func):
    """Compile a kernel with the project's flags (serial; ``parallel_for`` runs it on threads)."""
    return _lock_saves(numba.njit(**JIT)(func))


def njit_inline(func):
    """``njit`` inlined into its callers at numba's IR level (no library of its own)."""
    return _lock_saves(numba.njit(inline="always", **JIT)(func))


def parallel_for(kernel, n_items: int, *args) -> None:
    """``kernel(start, stop, *args)`` over contiguous chunks of ``range(n_items)`` on
    ``numba.get_num_threads()`` threads (kernels release the GIL: ``nogil``).

    The threads split independent items (blocks of replications, months), so results never
    depend on their number. Python threads rather than numba's ``parallel=True``: a parfor
    kernel compiles about twice as long, and this is most of a first run. A fresh pool per
    call (microseconds) is safe in forked workers.
    """
    threads = min(numba.get_num_threads(), n_items)
    if threads <= 1:
        kernel(0, n_items, *args)
        return
    chunks = min(n_items, 4 * threads)  # a few chunks per thread: a slow thread delays less
    bounds = [n_items * k // chunks for k in range(chunks + 1)]
    with ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(kernel, bounds[k], bounds[k + 1], *args) for k in range(chunks)]:
            done.result()
