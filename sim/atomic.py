"""Atomic file writes: write to a temporary file in the same folder, then rename.

A reader (or a resumed sweep) sees either the previous complete file or the new
complete file, never a partial one, even if the process is killed mid-write. The
finished file gets the permissions of a normal file under the user's umask (e.g. 0644),
not the 0600 of the temporary file, so colleagues in the user's group can read results.

Temporary files are named ``.<name>.<host>.<pid>.<random>.tmp``: a process removes its
own on failure, and ``remove_stale`` removes those of processes on this host that no
longer run (a killed run), never a temporary that a live process is still writing.
"""

from __future__ import annotations

import json
import os
import re
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
_TEMP = re.compile(r"^\..+\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[^.]+\.tmp$")


def _umask() -> int:
    """The process umask, read without changing it where the OS allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike, final_name: Callable[[Path], str] | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it replaces ``path`` (or the
    file named ``final_name(tmp)`` in that folder, e.g. a name holding a checksum)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_HOST}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path if final_name is None else path.with_name(final_name(Path(tmp))))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(path: str | os.PathLike, writer: Callable[[Path], None],
                 final_name: Callable[[Path], str] | None = None) -> Path:
    """Call ``writer(tmp_path)`` and move the result to ``path`` (see ``atomic_path``)
    atomically; returns the path written."""
    names: list[str] = []

    def name(tmp: Path) -> str:
        names.append(final_name(tmp) if final_name else Path(path).name)
        return names[-1]

    with atomic_path(path, name) as tmp:
        writer(tmp)
    return Path(path).with_name(names[-1])


def write_json(path: str | os.PathLike, data) -> Path:
    """Pretty JSON, written atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, allow_nan=False) + "\n"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def is_stale(path: Path) -> bool:
    """True if ``path`` is a temporary of ``atomic_path`` whose writer on this host has ended."""
    match = _TEMP.match(path.name)
    return bool(match) and match["host"] == _HOST and not _alive(int(match["pid"]))


def remove_stale(folder: str | os.PathLike, depth: int = 0) -> list[Path]:
    """Remove stale temporaries (``is_stale``) in ``folder`` and ``depth`` levels below it."""
    removed = []
    folder = Path(folder)
    patterns = ["/".join(["*"] * level + [".*.tmp"]) for level in range(depth + 1)]
    for pattern in patterns:
        for path in folder.glob(pattern):
            if path.is_file() and not path.is_symlink() and is_stale(path):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
