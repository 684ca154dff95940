"""Finding and reading run folders (``python -m sim``) and sweep folders.

A *run folder* holds ``summary.json`` (its presence marks a complete run) and the
parquet tables of ``sim.outputs``. A Hydra multirun folder holds one run folder per job
(``multirun/<date>/<time>/<n>/``). A *batched sweep folder* holds ``sweep.parquet``
(one row per point) and ``sweep.json`` (the design); ``sim.sweep_table`` reads it, and
a multirun over numeric overrides is turned into the same ``Sweep`` here.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError, translated
from sim.sweep_table import SWEEP_TABLE, Sweep, read_sweep

SUMMARY = "summary.json"

# Overrides that say how a run was executed or stored, not what was simulated: left out
# of labels and never taken as swept parameters.
BOOKKEEPING = re.compile(r"^(replications|output(\..*)?|hydra([./].*)?|batch_size|progress)$")


def parse_overrides(items) -> dict[str, str]:
    """``['scenario=a', '~x=null', '+x=0.2', '++replications=9']`` -> ``{'scenario': 'a', 'x': '0.2', ...}``.

    Deletions (``~key``) written by the preflight before a re-add are dropped; ``+``/``++``
    prefixes are stripped, so the dict holds what the run was given.
    """
    out: dict[str, str] = {}
    for item in items or ():
        item = str(item)
        if item.startswith("~") or "=" not in item:
            continue
        key, value = item.lstrip("+").split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _natural_key(path: Path):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(path))]


@dataclass
class Run:
    """One run folder: its summary and (lazily) its tables."""

    folder: Path
    summary: dict
    label: str = ""
    overrides: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Run:
        path = folder / SUMMARY
        try:
            summary = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            raise AnalysisError(str(path), f"not a readable summary.json ({err.__class__.__name__}: {err})") from None
        if not isinstance(summary, dict) or "p_hold" not in summary:
            raise AnalysisError(str(path), "not a run summary (no 'p_hold'); written by `python -m sim`")
        items = summary.get("overrides")
        if items is None:
            hydra = folder / ".hydra" / "overrides.yaml"
            if hydra.exists():
                import yaml

                items = yaml.safe_load(hydra.read_text()) or []
        return cls(folder=folder, summary=summary, overrides=parse_overrides(items))

    # -- headline numbers ------------------------------------------------------------
    @property
    def scenario(self) -> str:
        return str(self.summary.get("scenario", "?"))

    @property
    def n(self) -> int:
        return int(self.summary.get("replications", 0))

    @property
    def p_hold(self) -> float:
        return float(self.summary["p_hold"])

    @property
    def p_hold_ci(self) -> tuple[float, float]:
        lo, hi = self.summary.get("p_hold_ci", (math.nan, math.nan))
        return float(lo), float(hi)

    @property
    def model_overrides(self) -> dict[str, str]:
        """Overrides that change the model (not scenario, replications, output.*, hydra/*)."""
        return {k: v for k, v in self.overrides.items() if k != "scenario" and not BOOKKEEPING.match(k)}

    # -- tables ------------------------------------------------------------------------
    @cached_property
    def partnership(self) -> pd.DataFrame | None:
        path = self.folder / "partnership.parquet"
        return pd.read_parquet(path) if path.exists() else None

    @cached_property
    def outcome(self) -> dict:
        """The run's outcome settings (pair, thresholds): from ``config.resolved.yaml``, else
        Hydra's ``.hydra/config.yaml``, else the schema's defaults."""
        import yaml

        from sim.config.schema import SimConfig

        settings = SimConfig.model_fields["outcome"].default.model_dump()
        for path in (self.folder / "config.resolved.yaml", self.folder / ".hydra" / "config.yaml"):
            if path.exists():
                try:
                    given = (yaml.safe_load(path.read_text()) or {}).get("outcome") or {}
                except (yaml.YAMLError, AttributeError):
                    continue
                return settings | {k: v for k, v in given.items() if k in settings}
        return settings

    @cached_property
    def info(self) -> dict:
        """``run.json``: overrides as typed, git commit, versions ({} for older runs)."""
        path = self.folder / "run.json"
        try:
            return json.loads(path.read_text()) if path.exists() else {}
        except ValueError:
            return {}

    @cached_property
    def replications(self) -> pd.DataFrame | None:
        path = self.folder / "replications.parquet"
        if not path.exists():
            return None
        frame = pd.read_parquet(path)
        if "replication" not in frame.columns:  # older tables: row order is the replication index
            frame.insert(0, "replication", range(len(frame)))
        return frame


def find_runs(paths) -> list[Run]:
    """Every run below the given folders (recursively), in argument then natural order.

    Raises ``AnalysisError`` naming the path if it does not exist or holds no run.
    """
    runs: list[Run] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise AnalysisError(str(raw), "no such folder; give run folders (outputs/<date>/<time>) or multirun folders")
        if path.is_file():
            if path.name != SUMMARY:
                raise AnalysisError(str(raw), "not a folder; give run folders (outputs/<date>/<time>) or multirun folders")
            path = path.parent
        found = sorted(
            (s.parent for s in path.rglob(SUMMARY) if ".hydra" not in s.parts),
            key=_natural_key,
        )
        if not found:
            hint = (
                "a batched sweep (sweep.parquet) has no run folders: use `python -m analysis sweep|sensitivity|discover`"
                if (path / SWEEP_TABLE).exists()
                else "no run found (no summary.json below it); runs are written by `python -m sim`"
            )
            raise AnalysisError(str(raw), hint)
        for folder in found:
            key = folder.resolve()
            if key not in seen:
                seen.add(key)
                runs.append(Run.read(folder))
    assign_labels(runs)
    return runs


def assign_labels(runs: list[Run]) -> None:
    """Label each run by its scenario and the model overrides that set it apart.

    With one run: scenario plus all its model overrides. With several: scenario plus the
    overrides whose value is not the same in every run. Runs that would still share a
    label get their folder name appended.
    """
    if len(runs) == 1:
        varying = set(runs[0].model_overrides)
    else:
        keys = set().union(*(r.model_overrides for r in runs))
        varying = {k for k in keys if len({r.model_overrides.get(k) for r in runs}) > 1}
    for run in runs:
        parts = [run.scenario] + [f"{k}={v}" for k, v in run.model_overrides.items() if k in varying]
        run.label = " ".join(parts)
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.label] = counts.get(run.label, 0) + 1
    for run in runs:
        if counts[run.label] > 1:
            run.label = f"{run.label} ({run.folder.name})"


# --------------------------------------------------------------------------------------
# sweeps: a batched sweep folder is read by sim (``sim.sweep_table``); a multirun becomes one
# --------------------------------------------------------------------------------------
def load_sweep(path, scenario: str | None = None) -> Sweep:
    """A batched sweep folder (``sweep.parquet``, read by ``sim.sweep_table``) or a multirun folder as a sweep."""
    folder = Path(path)
    if folder.is_dir() and not (folder / SWEEP_TABLE).exists():
        if any(folder.rglob(SUMMARY)):
            return _multirun_sweep(folder, scenario)
        raise AnalysisError(str(path), "no sweep found (no sweep.parquet and no run folders with summary.json below it)")
    with translated():
        sweep = read_sweep(folder)
    if scenario is not None:
        raise AnalysisError("--scenario", "only applies to multirun folders, not to a batched sweep")
    return sweep


def _as_number(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _multirun_sweep(folder: Path, scenario: str | None) -> Sweep:
    runs = find_runs([folder])
    if scenario is not None:
        names = sorted({r.scenario for r in runs})
        runs = [r for r in runs if r.scenario == scenario]
        if not runs:
            raise AnalysisError("--scenario", f"no run of scenario {scenario!r} in {folder}; allowed: {', '.join(names)}")
    keys = set().union(*(r.model_overrides for r in runs))
    parameters = []
    for key in sorted(keys):
        values = [_as_number(r.model_overrides.get(key)) for r in runs]
        if all(v is not None for v in values) and len(set(values)) > 1:
            parameters.append(key)
    if not parameters:
        raise AnalysisError(str(folder), "its runs differ in no numeric override; a sweep needs sweep.parquet "
                                         "or a multirun over numeric values (e.g. relations.RUS.CHN.trust=0.2,0.5,0.8)")
    rows = []
    for k, run in enumerate(runs):
        s = run.summary
        index = s.get("partnership_index", {})
        row = {"point": k, "scenario": run.scenario}
        row.update({p: _as_number(run.model_overrides[p]) for p in parameters})
        lo, hi = run.p_hold_ci
        row.update({
            "p_hold": run.p_hold, "p_hold_lo": lo, "p_hold_hi": hi,
            "index_median": index.get("median"), "index_q05": index.get("q05"), "index_q95": index.get("q95"),
            "median_rupture_month": s.get("median_rupture_month"),
            "n_replications": run.n, "error": None, "folder": str(run.folder),
        })
        for var in ("final_trust", "final_support"):
            for src, targets in (s.get(var) or {}).items():
                for dst, value in targets.items():
                    row[f"{var}.{src}.{dst}"] = value
        rows.append(row)
    frame = pd.DataFrame(rows)
    bounds = {p: (float(frame[p].min()), float(frame[p].max())) for p in parameters}
    scenarios = sorted(frame["scenario"].unique())
    meta = {"method": "multirun", "parameters": {p: list(b) for p, b in bounds.items()}, "scenarios": scenarios}
    return Sweep(folder=folder, frame=frame, parameters=parameters, bounds=bounds, method="multirun", meta=meta)
