"""The sweep folder: a manifest, one atomically written file per chunk of points, the merged table.

Layout of ``sweeps/<method>-<digest>/``::

    sweep.json             the design and how it was run (``complete`` once merged)
    chunks/points-<first>-<last>-<sha256:16>.parquet   rows of finished points
    sweep.parquet          all points, one row each, sorted by ``point`` (written last)
    .lock-<shard>          held (``flock``) by the job running that shard

The digest hashes everything that determines the results (the validated model
configuration, the design, the kernel sources), so the same command finds the same
folder and resumes it. Faults it survives:

- a chunk is written atomically and named by the checksum of its bytes: a chunk whose
  bytes do not match (flipped, truncated) is removed and its points recomputed;
- every chunk carries the manifest in its Parquet metadata, so a damaged
  ``sweep.json`` is rebuilt from the chunks;
- temporaries of a killed write are removed only once their writer has ended
  (``sim.atomic.remove_stale``), never a live shard's file mid-write;
- two identical jobs on one folder do not duplicate work: the second waits for the
  first's lock, then finds its points done;
- a finished sweep is left as it is (``complete`` stays true).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from sim.atomic import remove_stale, write_atomic, write_json
from sim.errors import ConfigError

MANIFEST = "sweep.json"
TABLE = "sweep.parquet"
CHUNKS = "chunks"
_META_KEY = b"alliance-sim.sweep"
_CHUNK = re.compile(r"^points-(\d+)-(\d+)-([0-9a-f]{16})\.parquet$")


def sweep_digest(config, spec) -> str:
    """12 hex digits naming what the sweep computes (see module doc)."""
    from sim.kernels.jit import kernel_source_key

    model = config.model_dump(mode="json", exclude={"batch_size", "output", "engine"})
    payload = json.dumps({"model": model, "design": spec.design_fields(), "kernels": kernel_source_key()},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def default_folder(spec, digest: str, base: Path | None = None) -> Path:
    return (base or Path.cwd()) / "sweeps" / f"{spec.method}-{digest}"


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


class SweepStore:
    """Reads and writes one sweep folder."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.manifest: dict = {}

    @property
    def chunk_dir(self) -> Path:
        return self.folder / CHUNKS

    def _read_manifest(self) -> dict | None:
        """The manifest, else one rebuilt from a chunk's metadata, else None (none written yet)."""
        try:
            data = json.loads((self.folder / MANIFEST).read_text())
            if isinstance(data, dict) and "digest" in data:
                return data
        except (OSError, ValueError):
            pass
        import pyarrow.parquet as pq

        for path in self.chunks():
            try:
                meta = pq.read_schema(path).metadata or {}
                return json.loads(meta[_META_KEY])
            except (OSError, ValueError, KeyError, TypeError, Exception):  # noqa: BLE001 - untrusted bytes
                continue
        return {"digest": None} if (self.folder / MANIFEST).exists() else None

    def check(self, digest: str) -> dict:
        """The existing manifest (or {}); ``ConfigError`` if the folder is unusable for this sweep."""
        probe = self.folder
        while not probe.exists():
            probe = probe.parent
        if not probe.is_dir():
            raise ConfigError("sweep.dir", f"{probe} is a file; allowed: a folder")
        if not os.access(probe, os.W_OK | os.X_OK):
            raise ConfigError("sweep.dir", f"cannot write to {probe}; allowed: a writable folder")
        old = self._read_manifest()
        if old is None:
            return {}
        if old.get("digest") is None and not self.chunks():
            return {}  # a damaged manifest and nothing else: start afresh
        if old.get("digest") != digest:
            raise ConfigError("sweep.dir", f"{self.folder} holds another sweep (digest {old.get('digest')}, "
                              f"this one {digest}); allowed: an empty folder or the same sweep")
        return old

    def open(self, manifest: dict) -> None:
        """Create the folder or check that it holds this same sweep; write the manifest
        (unless the sweep is already complete); remove stale temporaries."""
        old = self.check(manifest["digest"])
        self.chunk_dir.mkdir(parents=True, exist_ok=True)
        remove_stale(self.chunk_dir)
        remove_stale(self.folder)
        if old.get("complete") and (self.folder / TABLE).is_file():
            self.manifest = old
            return
        keep = {"created", "complete"} & set(old)
        self.manifest = manifest | {k: old[k] for k in keep} | {"complete": False}
        write_json(self.folder / MANIFEST, self.manifest)

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete")) and (self.folder / TABLE).is_file()

    @contextmanager
    def lock(self, shard: int | None):
        """Hold the folder's lock for ``shard`` (all points if None); wait (saying so) if
        another process holds it. Without ``fcntl`` (Windows) no lock is taken."""
        try:
            import fcntl
        except ImportError:
            yield
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f".lock-{'all' if shard is None else shard}"
        with open(path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                print(f"waiting: {holder} is running this sweep in {self.folder}", file=sys.stderr, flush=True)
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}\n")
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def chunks(self) -> list[Path]:
        return sorted(p for p in self.chunk_dir.glob("points-*.parquet") if p.is_file())

    def done_points(self) -> set[int]:
        """Points in chunk files whose checksum and content hold; any other chunk file is
        removed (its points are recomputed)."""
        done: set[int] = set()
        for path in self.chunks():
            match = _CHUNK.match(path.name)
            try:
                if not match or _checksum(path) != match.group(3):
                    raise ValueError("checksum")
                points = pd.read_parquet(path, columns=["point"])["point"].to_numpy()
                if points.size == 0 or points.min() != int(match.group(1)) or points.max() != int(match.group(2)):
                    raise ValueError("range")
                done.update(int(p) for p in points)
            except Exception:  # noqa: BLE001 - a damaged chunk is recomputed, not trusted
                path.unlink(missing_ok=True)
        return done

    def write_chunk(self, frame: pd.DataFrame) -> Path:
        """Write the rows of finished points, with the manifest in the Parquet metadata,
        named by the checksum of the file's bytes."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        first, last = int(frame["point"].min()), int(frame["point"].max())
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata(dict(table.schema.metadata or {}) |
                                              {_META_KEY: json.dumps(self.manifest).encode()})
        stem = f"points-{first:07d}-{last:07d}"
        return write_atomic(self.chunk_dir / f"{stem}.parquet", lambda tmp: pq.write_table(table, tmp),
                            final_name=lambda tmp: f"{stem}-{_checksum(tmp)}.parquet")

    def read_chunks(self) -> pd.DataFrame:
        parts = [pd.read_parquet(p) for p in self.chunks()]
        if not parts:
            return pd.DataFrame()
        frame = pd.concat(parts, ignore_index=True)
        return frame.drop_duplicates("point", keep="first").sort_values("point", kind="stable").reset_index(drop=True)

    def read_table(self) -> pd.DataFrame:
        return pd.read_parquet(self.folder / TABLE)

    def merge(self, n_points: int, manifest_update: dict) -> pd.DataFrame | None:
        """Write ``sweep.parquet`` if every point is done; return it (None if some are missing)."""
        frame = self.read_chunks()
        if len(frame) < n_points or not np.array_equal(frame["point"].to_numpy(), np.arange(n_points)):
            return None
        write_atomic(self.folder / TABLE, lambda tmp: frame.to_parquet(tmp, index=False))
        self.manifest = self.manifest | manifest_update
        write_json(self.folder / MANIFEST, self.manifest)
        return frame
