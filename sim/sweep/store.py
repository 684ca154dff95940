"""The sweep folder: a manifest, one atomically written file per chunk of points, the merged table.

Layout of ``sweeps/<method>-<digest>/``::

    sweep.json             the design and how it was run (``complete`` once merged)
    chunks/points-<first>-<last>.parquet   rows of finished points (written atomically)
    sweep.parquet          all points, one row each, sorted by ``point`` (written last)

The digest hashes everything that determines the results (the validated model
configuration, the design, the kernel sources), so the same command finds the same
folder and resumes it: points present in a chunk file are never recomputed, and a
chunk is either complete or absent (temporary files of a killed write are removed).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from sim.atomic import write_atomic, write_json
from sim.errors import ConfigError

MANIFEST = "sweep.json"
TABLE = "sweep.parquet"
CHUNKS = "chunks"


def sweep_digest(config, spec) -> str:
    """12 hex digits naming what the sweep computes (see module doc)."""
    from sim.kernels.jit import kernel_source_key

    model = config.model_dump(mode="json", exclude={"batch_size", "output", "engine"})
    payload = json.dumps({"model": model, "design": spec.design_fields(), "kernels": kernel_source_key()},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def default_folder(spec, digest: str, base: Path | None = None) -> Path:
    return (base or Path.cwd()) / "sweeps" / f"{spec.method}-{digest}"


class SweepStore:
    """Reads and writes one sweep folder."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    @property
    def chunk_dir(self) -> Path:
        return self.folder / CHUNKS

    def check(self, digest: str) -> dict:
        """The existing manifest (or {}); ``ConfigError`` if the folder is unusable for this sweep."""
        path = self.folder / MANIFEST
        probe = self.folder
        while not probe.exists():
            probe = probe.parent
        if not probe.is_dir():
            raise ConfigError("sweep.dir", f"{probe} is a file; allowed: a folder")
        if not os.access(probe, os.W_OK | os.X_OK):
            raise ConfigError("sweep.dir", f"cannot write to {probe}; allowed: a writable folder")
        if not path.exists():
            return {}
        try:
            old = json.loads(path.read_text())
        except ValueError:
            old = {}
        if old.get("digest") != digest:
            raise ConfigError("sweep.dir", f"{self.folder} holds another sweep (digest {old.get('digest')}, "
                              f"this one {digest}); allowed: an empty folder or the same sweep")
        return old

    def open(self, manifest: dict) -> None:
        """Create the folder or check that it holds this same sweep; write the manifest."""
        old = self.check(manifest["digest"])
        if old:
            manifest = old | {k: v for k, v in manifest.items() if k != "created"}
        self.chunk_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.chunk_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        write_json(self.folder / MANIFEST, manifest)

    def done_points(self) -> set[int]:
        """Points already in a readable chunk file (unreadable files are removed and redone)."""
        done: set[int] = set()
        for path in sorted(self.chunk_dir.glob("points-*.parquet")):
            try:
                done.update(int(p) for p in pd.read_parquet(path, columns=["point"])["point"])
            except Exception:  # noqa: BLE001 - a corrupt chunk is recomputed, not trusted
                path.unlink(missing_ok=True)
        return done

    def write_chunk(self, frame: pd.DataFrame) -> Path:
        first, last = int(frame["point"].iloc[0]), int(frame["point"].iloc[-1])
        path = self.chunk_dir / f"points-{first:07d}-{last:07d}.parquet"
        return write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))

    def read_chunks(self) -> pd.DataFrame:
        parts = [pd.read_parquet(p) for p in sorted(self.chunk_dir.glob("points-*.parquet"))]
        if not parts:
            return pd.DataFrame()
        frame = pd.concat(parts, ignore_index=True)
        frame["error"] = frame["error"].astype(object).where(frame["error"].notna(), None)
        return frame.drop_duplicates("point", keep="first").sort_values("point", kind="stable").reset_index(drop=True)

    def merge(self, n_points: int, manifest_update: dict) -> pd.DataFrame | None:
        """Write ``sweep.parquet`` if every point is done; return it (None if some are missing)."""
        frame = self.read_chunks()
        if len(frame) < n_points or not np.array_equal(frame["point"].to_numpy(), np.arange(n_points)):
            return None
        write_atomic(self.folder / TABLE, lambda tmp: frame.to_parquet(tmp, index=False))
        path = self.folder / MANIFEST
        write_json(path, json.loads(path.read_text()) | manifest_update)
        return frame
