"""Synthetic batched-sweep folders (``sweep.parquet`` + ``sweep.json``) with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.outcomes import wilson_interval

PAIR_OUTCOMES = ("final_trust.RUS.CHN", "final_trust.CHN.RUS", "final_support.CHN.RUS", "final_support.RUS.CHN")


def write_sweep(folder: Path, x: pd.DataFrame, p_hold, *, method: str = "lhs", bounds: dict | None = None,
                index=None, replications: int = 400, errors=None, extra_meta: dict | None = None) -> Path:
    """A batched sweep folder: one row per point of ``x`` with outcome ``p_hold`` (and ``index``)."""
    folder.mkdir(parents=True, exist_ok=True)
    p_hold = np.asarray(p_hold, dtype=float)
    n = len(x)
    k = np.round(p_hold * replications).astype(int)
    ci = np.array([wilson_interval(int(s), replications) for s in k])
    index = np.asarray(index if index is not None else 0.2 + 0.5 * p_hold, dtype=float)
    frame = pd.DataFrame({"point": np.arange(n)})
    for name in x.columns:
        frame[name] = x[name].to_numpy(float)
    frame["p_hold"] = k / replications
    frame["p_hold_lo"], frame["p_hold_hi"] = ci[:, 0], ci[:, 1]
    frame["index_median"] = index
    frame["index_q05"], frame["index_q95"] = index - 0.1, index + 0.1
    frame["median_rupture_month"] = pd.array([None] * n, dtype="Float64")
    for name in PAIR_OUTCOMES:
        frame[name] = 0.5
    frame["n_replications"] = replications
    frame["error"] = pd.Series(errors if errors is not None else [None] * n, dtype=object)
    if errors is not None:
        bad = frame["error"].notna()
        frame.loc[bad, ["p_hold", "p_hold_lo", "p_hold_hi", "index_median"]] = np.nan
    frame.to_parquet(folder / "sweep.parquet", index=False)
    bounds = bounds or {c: [float(x[c].min()), float(x[c].max())] for c in x.columns}
    meta = {"method": method, "parameters": {k: list(v) for k, v in bounds.items()}, "n_points": n, "seed": 0,
            "replications": replications, "scenario": "baseline", "overrides": []}
    meta.update(extra_meta or {})
    (folder / "sweep.json").write_text(json.dumps(meta))
    return folder
