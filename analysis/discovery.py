"""``python -m analysis discover``: scenario discovery of where the partnership breaks.

A point of the sweep *breaks* when P(holds) < ``threshold``. PRIM (Friedman & Fisher
1999; scenario discovery after Bryant & Lempert 2010) peels the parameter space down to
boxes rich in breaking points. The implementation is EMA Workbench's
(``ema_workbench.analysis.prim``), not our own.

For each box, along its peeling trajectory:

* coverage = breaking points inside the box / all breaking points
* density  = breaking points inside the box / all points inside the box
* mass     = points inside the box / all points

On each trajectory the box kept is the one with the best balance of the two (largest
harmonic mean of coverage and density) among those with density ≥ ``min_density``; the
next box is then sought among the points outside it. The reported numbers are recomputed
on the whole sweep; the quasi-p value of each limit (Bryant & Lempert's one-sided
binomial test, from EMA Workbench) says whether that restriction is significant.

Outputs: ``discover.md`` (printed), ``discover.json``, ``discover_tradeoff.png|pdf``
(coverage against density along each peeling trajectory, the kept boxes marked) and
``discover_boxes.png|pdf`` (the points on the two most restricted parameters, box drawn).
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, require
from analysis.report import json_safe, markdown_table, write_json, write_text
from analysis.runs import Sweep, load_sweep
from sim.sweep_table import parameter_label
from sim.plotstyle import PALETTE, STYLE, figure, save


@dataclass
class Box:
    limits: dict  # restricted parameter -> (lower or None, upper or None) in parameter units
    coverage: float
    density: float
    mass: float
    n_points: int
    n_breaking: int
    qp: dict  # parameter -> (qp of lower limit, qp of upper limit), None where unrestricted
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per peeling step
    selected: int  # index of the kept step on the trajectory

    def contains(self, frame: pd.DataFrame) -> np.ndarray:
        inside = np.ones(len(frame), dtype=bool)
        for name, (lo, hi) in self.limits.items():
            values = frame[name].to_numpy(float)
            if lo is not None:
                inside &= values >= lo
            if hi is not None:
                inside &= values <= hi
        return inside

    def describe(self) -> str:
        parts = []
        for name, (lo, hi) in self.limits.items():
            if lo is not None and hi is not None:
                parts.append(f"{lo:.4g} ≤ {name} ≤ {hi:.4g}")
            elif lo is not None:
                parts.append(f"{name} ≥ {lo:.4g}")
            else:
                parts.append(f"{name} ≤ {hi:.4g}")
        return " and ".join(parts) or "anywhere in the swept range"

    def as_dict(self) -> dict:
        return {
            "limits": {k: {"lower": lo, "upper": hi} for k, (lo, hi) in self.limits.items()},
            "rule": self.describe(), "coverage": self.coverage, "density": self.density, "mass": self.mass,
            "n_points": self.n_points, "n_breaking": self.n_breaking,
            "quasi_p": {k: {"lower": a, "upper": b} for k, (a, b) in self.qp.items()},
        }


@dataclass
class Discovery:
    sweep: Sweep
    threshold: float
    breaking: np.ndarray  # [points that ran] bool
    boxes: list[Box] = field(default_factory=list)
    note: str = ""
    markdown: str = ""
    written: list[Path] = field(default_factory=list)


def _select(trajectory: pd.DataFrame, min_density: float) -> int:
    cov = trajectory["coverage"].to_numpy(float)
    den = trajectory["density"].to_numpy(float)
    f = np.where(cov + den > 0, 2 * cov * den / np.maximum(cov + den, 1e-300), 0.0)
    eligible = den >= min_density - 1e-12
    if not eligible.any():
        return int(np.argmax(den))
    f = np.where(eligible, f, -1.0)
    best = np.flatnonzero(f >= f.max() - 1e-12)
    return int(best[np.argmax(den[best])])  # ties: the denser


def _prim_boxes(x: pd.DataFrame, y: np.ndarray, min_density: float, max_boxes: int) -> list[tuple]:
    """[(box limits frame, qp dict, trajectory, selected index)] from EMA Workbench's PRIM."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench: optional-dependency notices at import
        ema_prim = require("ema_workbench.analysis.prim", "discover")
    logging.getLogger("EMA").setLevel(logging.WARNING)
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside ema_workbench
        engine = ema_prim.Prim(x, y, threshold=min_density, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
        for _ in range(max_boxes):
            remaining = engine.yi_remaining
            if remaining.size == 0 or not y[remaining].any():
                break
            box = engine.find_box()
            if box is None:
                break
            trajectory = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].astype(float).reset_index(drop=True)
            if trajectory["density"].max() < min_density or len(trajectory) < 2:
                break  # a "dump box": no region meets the density asked for
            i = _select(trajectory, min_density)
            box.select(i)
            found.append((box.box_lims[i], box.qp[i], trajectory, i, engine.box_init))
    return found


def _limits(box_lim: pd.DataFrame, box_init: pd.DataFrame, qp: dict) -> tuple[dict, dict]:
    limits, qps = {}, {}
    for name in box_lim.columns:
        lo, hi = float(box_lim[name].iloc[0]), float(box_lim[name].iloc[1])
        lo0, hi0 = float(box_init[name].iloc[0]), float(box_init[name].iloc[1])
        lower = None if lo <= lo0 else lo
        upper = None if hi >= hi0 else hi
        if lower is None and upper is None:
            continue
        limits[name] = (lower, upper)
        q = qp.get(name, [-1, -1]) if isinstance(qp, dict) else [-1, -1]
        qps[name] = tuple(None if (v is None or v < 0 or (isinstance(v, float) and math.isnan(v))) else float(v) for v in q)
    return limits, qps


def render_markdown(result: Discovery) -> str:
    sweep, ok = result.sweep, result.sweep.ok
    n_break = int(result.breaking.sum())
    lines = [
        f"# Scenario discovery: where P(holds) < {result.threshold:g}", "",
        f"Sweep {sweep.folder} ({sweep.method}, {len(ok)} points, {n_break} breaking); "
        "PRIM from EMA Workbench (ema_workbench.analysis.prim).", "",
    ]
    if result.note:
        lines += [result.note, ""]
    if result.boxes:
        rows = []
        covered = np.zeros(len(ok), dtype=bool)
        for k, box in enumerate(result.boxes, 1):
            covered |= box.contains(ok)
            cum = (covered & result.breaking).sum() / max(n_break, 1)
            rows.append([str(k), box.describe(), f"{box.coverage:.3f}", f"{box.density:.3f}", f"{box.mass:.3f}",
                         f"{box.n_breaking}/{box.n_points}", f"{cum:.3f}"])
        lines.append(markdown_table(["box", "region", "coverage", "density", "mass", "breaking/inside",
                                     "cumulative coverage"], rows, align=["l", "l", "r", "r", "r", "r", "r"]))
        lines.append("")
        for k, box in enumerate(result.boxes, 1):
            lines.append(f"Box {k} limits (quasi-p of each restriction; < 0.05 is significant):")
            for name, (lo, hi) in box.limits.items():
                qlo, qhi = box.qp.get(name, (None, None))
                lo_s = "—" if lo is None else f"{lo:.4g} (qp {qlo:.2g})" if qlo is not None else f"{lo:.4g}"
                hi_s = "—" if hi is None else f"{hi:.4g} (qp {qhi:.2g})" if qhi is not None else f"{hi:.4g}"
                lines.append(f"- {name}: lower {lo_s}, upper {hi_s} (swept {sweep.bounds[name][0]:g}–{sweep.bounds[name][1]:g})")
            lines.append("")
    if sweep.n_failed:
        lines.append(f"{sweep.n_failed} failed point(s) left out.")
    return "\n".join(lines).rstrip() + "\n"


def plot_tradeoff(result: Discovery):
    fig, ax = figure(figsize=(5.6, 4.0))
    with plt.rc_context(STYLE):
        for k, box in enumerate(result.boxes):
            t = box.trajectory
            colour = PALETTE[k % len(PALETTE)]
            ax.plot(t["coverage"], t["density"], "-", color=colour, lw=0.8, alpha=0.6)
            n_par = max(1, len(result.sweep.parameters))
            sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap=plt.get_cmap("viridis", n_par + 1), s=14,
                            zorder=3, vmin=-0.5, vmax=n_par + 0.5)
            sel = t.iloc[box.selected]
            ax.scatter([sel["coverage"]], [sel["density"]], s=110, facecolors="none", edgecolors=colour, lw=1.8,
                       zorder=4, label=f"box {k + 1}: coverage {box.coverage:.2f}, density {box.density:.2f}")
        if result.boxes:
            bar = fig.colorbar(sc, ax=ax, shrink=0.85, ticks=range(0, max(1, len(result.sweep.parameters)) + 1))
            bar.set_label("restricted parameters (count)")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("coverage (share of breaking points inside the box)")
        ax.set_ylabel("density (share of points inside that break)")
        ax.set_title(f"PRIM peeling trajectories: P(holds) < {result.threshold:g}")
        ax.legend(loc="lower left", frameon=False, fontsize=7)
    return fig


def plot_boxes(result: Discovery):
    ok = result.sweep.ok
    box = result.boxes[0]
    dims = list(box.limits)[:2]
    for p in result.sweep.parameters:  # fill up to two axes
        if len(dims) >= 2:
            break
        if p not in dims:
            dims.append(p)
    fig, ax = figure(figsize=(5.4, 4.2))
    with plt.rc_context(STYLE):
        if len(dims) == 1:
            xs = ok[dims[0]].to_numpy(float)
            ys = ok["p_hold"].to_numpy(float)
            ylabel = "P(partnership holds)"
        else:
            xs, ys = ok[dims[0]].to_numpy(float), ok[dims[1]].to_numpy(float)
            ylabel = parameter_label(dims[1], result.sweep.bounds[dims[1]])
        ax.scatter(xs[~result.breaking], ys[~result.breaking], s=10, color=PALETTE[0], alpha=0.6, lw=0,
                   label=f"holds (P ≥ {result.threshold:g})")
        ax.scatter(xs[result.breaking], ys[result.breaking], s=12, color=PALETTE[3], marker="x", lw=0.9,
                   label=f"breaks (P < {result.threshold:g})")
        for k, b in enumerate(result.boxes):
            colour = "black" if k == 0 else PALETTE[(k + 1) % len(PALETTE)]
            xlo, xhi = b.limits.get(dims[0], (None, None))
            xb = result.sweep.bounds[dims[0]]
            x0, x1 = xlo if xlo is not None else xb[0], xhi if xhi is not None else xb[1]
            if len(dims) == 1:
                y0, y1 = -0.02, 1.02
            else:
                ylo, yhi = b.limits.get(dims[1], (None, None))
                yb = result.sweep.bounds[dims[1]]
                y0, y1 = ylo if ylo is not None else yb[0], yhi if yhi is not None else yb[1]
            ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec=colour, lw=1.6,
                                       ls="-" if k == 0 else "--", label=f"box {k + 1}"))
        ax.set_xlabel(parameter_label(dims[0], result.sweep.bounds[dims[0]]))
        ax.set_ylabel(ylabel)
        ax.set_title("Where the partnership breaks: PRIM boxes")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7)
    return fig


def discover(path, out=None, threshold: float = 0.5, min_density: float = 0.8, max_boxes: int = 3,
             scenario: str | None = None, formats=("png", "pdf"), echo: bool = False) -> Discovery:
    """PRIM boxes of the swept region where P(holds) < ``threshold`` (see module doc)."""
    if not 0 < threshold < 1:
        raise AnalysisError("--threshold", f"{threshold}; allowed: 0 < threshold < 1")
    if not 0 < min_density <= 1:
        raise AnalysisError("--min-density", f"{min_density}; allowed: 0 < min-density ≤ 1")
    if max_boxes < 1:
        raise AnalysisError("--max-boxes", f"{max_boxes}; allowed: 1, 2, ...")
    sweep = load_sweep(path, scenario)
    ok = sweep.ok
    if "scenario" in ok.columns and ok["scenario"].nunique() > 1:
        names = ", ".join(sorted(ok["scenario"].unique()))
        raise AnalysisError("--scenario", f"discovery needs one scenario; the runs hold {names}: choose one with --scenario")
    if ok.empty:
        raise AnalysisError(str(path), f"no point of the sweep ran ({len(sweep.frame)} failed); nothing to discover")
    out = Path(out) if out is not None else Path(sweep.folder) / "analysis"
    if out.exists() and not out.is_dir():
        raise AnalysisError(str(out), "--out exists and is not a folder")

    breaking = ok["p_hold"].to_numpy(float) < threshold
    result = Discovery(sweep=sweep, threshold=threshold, breaking=breaking)
    n_break = int(breaking.sum())
    if n_break == 0:
        result.note = f"No point breaks: P(holds) ≥ {threshold:g} everywhere in the swept range."
    elif n_break == len(ok):
        result.note = f"Every point breaks: P(holds) < {threshold:g} everywhere in the swept range."
    else:
        x = ok[sweep.parameters].astype(float).reset_index(drop=True)
        for box_lim, qp, trajectory, selected, box_init in _prim_boxes(x, breaking.copy(), min_density, max_boxes):
            limits, qps = _limits(box_lim, box_init, qp)
            box = Box(limits=limits, coverage=0, density=0, mass=0, n_points=0, n_breaking=0, qp=qps,
                      trajectory=trajectory, selected=selected)
            inside = box.contains(ok)
            box.n_points = int(inside.sum())
            box.n_breaking = int((inside & breaking).sum())
            box.coverage = box.n_breaking / n_break
            box.density = box.n_breaking / max(box.n_points, 1)
            box.mass = box.n_points / len(ok)
            result.boxes.append(box)
        if not result.boxes:
            result.note = (f"PRIM found no box with density ≥ {min_density:g}: the breaking points "
                           "are not concentrated in a box-shaped region (try a lower --min-density).")
    result.markdown = render_markdown(result)
    if result.boxes:
        result.written += save(plot_tradeoff(result), out, "discover_tradeoff", formats)
        result.written += save(plot_boxes(result), out, "discover_boxes", formats)
    result.written.append(write_text(out / "discover.md", result.markdown))
    payload = {"sweep": str(sweep.folder), "design": sweep.method, "threshold": threshold, "min_density": min_density,
               "points": len(ok), "breaking": n_break, "failed_points": sweep.n_failed,
               "method": "PRIM (ema_workbench.analysis.prim)", "note": result.note,
               "boxes": [b.as_dict() for b in result.boxes]}
    result.written.append(write_json(out / "discover.json", json_safe(payload)))
    if echo:
        print(result.markdown)
        print(f"written: {out}")
    return result
