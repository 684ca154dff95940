"""A finished sweep as a table of points: reading it, pooling points, ranking parameters.

A batched sweep folder (``python -m sim sweep=grid|lhs|sobol``) holds ``sweep.parquet``
(one row per point: the swept parameters, then the outcome columns of
``sim.sweep.points.outcome_columns``) and ``sweep.json`` (the design: method, the swept
``parameters`` with their [low, high], replications per point, SALib's problem).

* ``pool``: P(holds) of several points together — successes summed over their
  replications, Wilson 95% interval (``sim.outcomes.wilson_interval``).
* ``first_order_shares``: how much of the variance of an outcome over the sweep each
  parameter explains on its own (the first-order sensitivity index, estimated from the
  points themselves: the correlation ratio η² = Var(E[Y | group]) / Var(Y)). Groups are
  the parameter's values when it takes at most ``MAX_DISCRETE`` of them (a grid: then
  η² is the exact main-effect share of the design), else equal-count bins of a
  continuous design (LHS, the points of a Saltelli design), where the group means are
  estimated from few points and η² is corrected for that like an adjusted R²:
  1 − (1 − η²)(n − 1)/(n − k). So the sweep ranks its own parameters, without SALib.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.outcomes import wilson_interval

SWEEP_TABLE = "sweep.parquet"
SWEEP_META = "sweep.json"
MAX_DISCRETE = 30  # at most this many distinct values: group by value, else by equal-count bins
OUTCOME_LABELS = {
    "p_hold": "P(partnership holds)",
    "index_median": "partnership index at the horizon, median (0–1)",
}


@dataclass
class Sweep:
    """Points of a design (rows) with their parameters and outcomes."""

    folder: Path
    frame: pd.DataFrame  # all points; ``error`` is None where the point ran
    parameters: list[str]
    bounds: dict[str, tuple[float, float]]  # the swept range of each parameter
    method: str  # grid | lhs | sobol | multirun
    meta: dict

    @property
    def ok(self) -> pd.DataFrame:
        """Points that ran (no error, a P(holds))."""
        frame = self.frame
        good = frame["p_hold"].notna()
        if "error" in frame.columns:
            good &= frame["error"].isna()
        return frame[good]

    @property
    def n_failed(self) -> int:
        return int(len(self.frame) - len(self.ok))

    def check_parameter(self, key: str, option: str) -> str:
        if key not in self.parameters:
            allowed = ", ".join(self.parameters) or "(none)"
            raise ConfigError(option, f"unknown parameter {key!r} of sweep {self.folder}; allowed: {allowed}")
        return key

    def replications(self, frame: pd.DataFrame) -> np.ndarray | None:
        """Replications behind each row of ``frame`` (None if unknown)."""
        if "n_replications" in frame.columns and frame["n_replications"].notna().all():
            return frame["n_replications"].to_numpy(float)
        reps = self.meta.get("replications")
        return np.full(len(frame), float(reps)) if reps else None


def outcome_names(frame: pd.DataFrame, meta: dict) -> set[str]:
    """The outcome columns of a sweep table (``sim.sweep.points.outcome_columns`` of its pair)."""
    from sim.sweep.points import outcome_columns

    pair = meta.get("pair")
    if not pair:  # read the pair off a final_trust.<B>.<A> column
        column = next((c for c in frame.columns if c.startswith("final_trust.")), None)
        pair = tuple(reversed(column.split(".")[1:3])) if column else ("?", "?")
    return set(outcome_columns(tuple(pair)))


def read_sweep(path) -> Sweep:
    """The batched sweep in folder ``path`` (or its ``sweep.parquet``); ``ConfigError`` if it is none."""
    folder = Path(path)
    if not folder.exists():
        raise ConfigError(str(path), "no such folder; give a sweep folder (with sweep.parquet)")
    if folder.is_file():
        if folder.name != SWEEP_TABLE:
            raise ConfigError(str(path), "not a folder; give a sweep folder (with sweep.parquet)")
        folder = folder.parent
    table = folder / SWEEP_TABLE
    if not table.exists():
        raise ConfigError(str(path), "no sweep.parquet: not a finished batched sweep (re-run the sweep command to finish it)")
    try:
        frame = pd.read_parquet(table)
    except Exception as err:  # noqa: BLE001 - any reader failure is bad input
        raise ConfigError(str(table), f"not a readable parquet table ({err.__class__.__name__})") from None
    if "p_hold" not in frame.columns:
        raise ConfigError(str(table), "has no 'p_hold' column; expected the table of a batched sweep")
    meta: dict = {}
    meta_path = folder / SWEEP_META
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
        except ValueError as err:
            raise ConfigError(str(meta_path), f"not valid JSON ({err})") from None
    declared = meta.get("parameters") or {}
    if declared:
        parameters = list(declared)
        missing = [p for p in parameters if p not in frame.columns]
        if missing:
            raise ConfigError(str(table), f"lacks the swept parameter column(s) {', '.join(missing)} named in sweep.json")
    else:
        outcomes = outcome_names(frame, meta)
        parameters = [c for c in frame.columns if c != "point" and c not in outcomes]
    if not parameters:
        raise ConfigError(str(table), "has no parameter columns")
    if "point" in frame.columns:
        frame = frame.sort_values("point", kind="stable").reset_index(drop=True)
    if "error" not in frame.columns:
        frame["error"] = None
    frame["error"] = frame["error"].astype(object).where(frame["error"].notna(), None)
    bounds = {}
    for p in parameters:
        given = declared.get(p) if isinstance(declared, dict) else None
        if isinstance(given, (list, tuple)) and len(given) == 2:
            bounds[p] = (float(given[0]), float(given[1]))
        else:
            bounds[p] = (float(frame[p].min()), float(frame[p].max()))
    return Sweep(folder=folder, frame=frame, parameters=parameters, bounds=bounds,
                 method=str(meta.get("method", "unknown")), meta=meta)


def pool(frame: pd.DataFrame, reps: np.ndarray | None) -> dict:
    """Pooled P(holds) of some points: Wilson on summed successes, or the mean and its CI bounds."""
    p = frame["p_hold"].to_numpy(float)
    if reps is not None:
        successes = int(np.round(p * reps).sum())
        n = int(reps.sum())
        lo, hi = wilson_interval(successes, n)
        p_pool = successes / n
        lo, hi = min(lo, p_pool), max(hi, p_pool)  # guard against rounding at p = 0 or 1
        return {"p_hold": p_pool, "p_hold_lo": lo, "p_hold_hi": hi, "n_points": len(frame), "n_replications": n}
    lo = frame["p_hold_lo"].mean() if "p_hold_lo" in frame else np.nan
    hi = frame["p_hold_hi"].mean() if "p_hold_hi" in frame else np.nan
    return {"p_hold": float(p.mean()), "p_hold_lo": lo, "p_hold_hi": hi, "n_points": len(frame), "n_replications": np.nan}


def groups_of(values: np.ndarray, bins: int | None = None) -> np.ndarray:
    """Group label of each value: the value itself (≤ MAX_DISCRETE distinct), else its equal-count bin."""
    if np.unique(values).size <= MAX_DISCRETE:
        return np.unique(values, return_inverse=True)[1]
    bins = bins or int(np.clip(round(math.sqrt(values.size)), 3, MAX_DISCRETE))
    edges = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)))
    return np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)


def first_order_shares(sweep: Sweep, outcome: str = "p_hold") -> dict[str, float] | None:
    """{parameter: adjusted η² of ``outcome``} over the points that ran; None if it is constant."""
    ok = sweep.ok
    y = ok[outcome].to_numpy(float) if outcome in ok.columns else np.array([])
    if y.size < 3 or not np.isfinite(y).all() or np.ptp(y) == 0:
        return None
    total = float(((y - y.mean()) ** 2).sum())
    shares = {}
    for name in sweep.parameters:
        values = ok[name].to_numpy(float)
        labels = groups_of(values)
        k = int(labels.max()) + 1
        counts = np.bincount(labels, minlength=k)
        means = np.bincount(labels, weights=y, minlength=k) / np.maximum(counts, 1)
        eta2 = float((counts * (means - y.mean()) ** 2).sum() / total)
        binned = np.unique(values).size > MAX_DISCRETE
        shares[name] = max(0.0, 1 - (1 - eta2) * (y.size - 1) / (y.size - k)) if binned and y.size > k else eta2
    return shares


def ranking(sweep: Sweep) -> tuple[str, list[tuple[str, float]]]:
    """(outcome ranked on, [(parameter, share)] by decreasing share): P(holds), else the final index.

    Ties keep the order of the design; an outcome constant over the sweep ranks nothing,
    and then the parameters keep their order with a share of NaN.
    """
    for outcome in ("p_hold", "index_median"):
        shares = first_order_shares(sweep, outcome)
        if shares is not None:
            order = sorted(sweep.parameters, key=lambda p: -shares[p])
            return outcome, [(p, shares[p]) for p in order]
    return "", [(p, math.nan) for p in sweep.parameters]


# -- axis labels --------------------------------------------------------------------------
def parameter_unit(path: str) -> str | None:
    """The declared unit of a schema path (``sim.mechanisms``; None for other paths)."""
    from sim import mechanisms

    parts = path.split(".")
    section, depth = {"world": ("world", 2), "dynamics": ("dynamics", 2), "actors": ("actor", 3),
                      "relations": ("relation", 4)}.get(parts[0], (None, 0))
    if section is None or len(parts) != depth:
        return None
    declared = {p.name: p for p in mechanisms.section(section)}.get(parts[-1])
    return declared.unit if declared is not None else None


def parameter_label(path: str, swept: tuple[float, float] | None = None, sep: str = " ") -> str:
    """``relations.RUS.CHN.counterintelligence (dimensionless; swept 0.2–0.95)``; ``sep`` before the brackets."""
    notes = [n for n in (parameter_unit(path), f"swept {swept[0]:g}–{swept[1]:g}" if swept else None) if n]
    return f"{path}{sep}({'; '.join(notes)})" if notes else path
