"""Run a batched sweep: design, resume, evaluate chunk by chunk, merge.

Points go through the numba core in kernel calls of about ``batch_size`` rows (points ×
replications), ``CHUNK_BATCHES`` calls to a chunk; each finished chunk is written
atomically before the next starts, so a killed sweep loses at most the chunk in flight
(a few seconds of work) and the same command resumes it. With
``sweep.shards=K`` and ``sweep.shard=k`` a job evaluates only points ``p % K == k``;
shards running anywhere (Hydra multirun on Ray or SLURM) share the folder, and the one
that finds every point done writes ``sweep.parquet``. Faults the folder survives: see
``sim.sweep.store``. Ctrl-C stops after saying what was kept (``SweepInterrupted``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config.schema import SimConfig
from sim.progress import progress_bar
from sim.sweep.design import design, n_points, salib_problem
from sim.sweep.points import PointEvaluator
from sim.sweep.spec import SweepSpec, resolve_axes
from sim.sweep.store import SweepStore, default_folder, sweep_digest

CHUNK_BATCHES = 8  # kernel calls per written chunk: ~0.5 M replication-months at the default batch size


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep; ``str()`` says what was kept and how to resume."""


@dataclass
class SweepOutcome:
    """What a sweep job did: the folder, the merged table (None until all shards are done)."""

    folder: Path
    n_points: int
    evaluated: int
    skipped: int
    table: pd.DataFrame | None

    @property
    def complete(self) -> bool:
        return self.table is not None

    def report(self) -> str:
        lines = [f"Batched sweep: {self.n_points} points ({self.evaluated} evaluated now, {self.skipped} resumed)"]
        if self.table is None:
            lines.append("  not complete: other shards still have points to run (re-run any shard to finish)")
        else:
            ok = self.table[self.table["error"].isna()]
            failed = len(self.table) - len(ok)
            if len(ok):
                lines.append(f"  P(holds) from {ok['p_hold'].min():.3f} to {ok['p_hold'].max():.3f} across points")
            if failed:
                lines.append(f"  {failed} point(s) failed; see the 'error' column")
            lines.append(f"  plot: python -m analysis sweep {self.folder}")
        lines.append(f"  results: {self.folder}")
        return "\n".join(lines)


def sweep_folder(config: SimConfig, spec: SweepSpec, base: Path | None = None) -> Path:
    """``spec.dir`` if given, else ``sweeps/<method>-<digest>``; relative to ``base`` (the
    launch folder, which a cluster job's working folder may not be), else the cwd."""
    if spec.dir:
        return Path(base or ".") / Path(spec.dir).expanduser()
    return default_folder(spec, sweep_digest(config, spec), base)


def plan_sweep(node, config: SimConfig, base: Path | None = None) -> tuple[SweepSpec, Path]:
    """Validate the composed ``sweep`` node against ``config``; return the spec and its folder.

    Raises ``ConfigError`` (naming the ``sweep.*`` key) before anything is written.
    """
    from omegaconf import OmegaConf

    from sim.sweep.spec import parse_sweep
    from sim.sweep.store import SweepStore

    data = OmegaConf.to_container(node, resolve=True) if not isinstance(node, dict) else node
    spec = parse_sweep(data)
    resolve_axes(spec, config)
    folder = sweep_folder(config, spec, base)
    SweepStore(folder).check(sweep_digest(config, spec))
    return spec, folder


def manifest(config: SimConfig, spec: SweepSpec, overrides, digest: str, seed: int) -> dict:
    """Content of ``sweep.json`` (read by ``python -m analysis``)."""
    from sim.runinfo import package_version

    return {
        "method": spec.method,
        "parameters": {p: list(a.bounds) for p, a in spec.parameters.items()},
        "n_points": n_points(spec),
        "seed": seed,
        "run_seed": config.seed,
        "replications": config.replications,
        "horizon_months": config.horizon_months,
        "pair": list(config.outcome.pair),
        "scenario": "+".join(config.scenario_names),
        "overrides": list(overrides),
        "calc_second_order": spec.calc_second_order,
        "problem": salib_problem(spec),
        "design": spec.design_fields(),
        "digest": digest,
        "complete": False,
        "version": package_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def run_sweep(config: SimConfig, spec: SweepSpec, *, overrides=(), folder: Path | str | None = None,
              progress: bool = False) -> SweepOutcome:
    """Evaluate (or resume) the sweep ``spec`` around ``config``; see module doc."""
    targets = resolve_axes(spec, config)
    digest = sweep_digest(config, spec)
    folder = Path(folder) if folder is not None else sweep_folder(config, spec)
    seed = config.seed if spec.seed is None else spec.seed
    points = design(spec, seed)
    store = SweepStore(folder)
    mine = [p for p in range(points.shape[0]) if spec.shard is None or p % spec.shards == spec.shard]
    with store.lock(spec.shard):
        store.open(manifest(config, spec, overrides, digest, seed))
        if store.complete:
            return SweepOutcome(folder, points.shape[0], 0, len(mine), store.read_table())
        done = store.done_points()
        todo = [p for p in mine if p not in done]
        try:
            _evaluate(store, config, spec, targets, points, todo, mine, progress)
        except KeyboardInterrupt:
            kept = len(set(mine) & store.done_points())
            raise SweepInterrupted(f"kept {kept} of {len(mine)} points in {folder}; the same command resumes") from None
        table = store.merge(points.shape[0], {"complete": True})
    return SweepOutcome(folder, points.shape[0], len(todo), len(mine) - len(todo), table)


def _evaluate(store: SweepStore, config: SimConfig, spec: SweepSpec, targets, points: np.ndarray,
              todo: list[int], mine: list[int], progress: bool) -> None:
    """Evaluate the points ``todo``, one chunk file per ``per_chunk`` points."""
    evaluator = PointEvaluator.build(config, spec.paths, targets)
    per_chunk = max(1, CHUNK_BATCHES * config.batch_size // config.replications)
    bar = progress_bar(len(mine), initial=len(mine) - len(todo), unit="point", desc=f"{spec.method} sweep",
                       enabled=progress)
    for start in range(0, len(todo), per_chunk):
        ids = np.array(todo[start:start + per_chunk], dtype=np.int64)
        rows = evaluator.evaluate(points[ids])
        frame = pd.DataFrame({"point": ids, **{p: points[ids, d] for d, p in enumerate(spec.paths)}})
        frame = pd.concat([frame, pd.DataFrame(rows, columns=evaluator.columns)], axis=1)
        frame["error"] = pd.array(frame["error"].tolist(), dtype="string")
        store.write_chunk(frame)
        bar.update(len(ids))
    bar.close()
