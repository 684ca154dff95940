"""``python -m analysis sweep``: P(holds) against one swept parameter (line) or two (heatmap).

* One parameter: P(holds) per value with a 95% band. Points that share a value (a grid
  over further parameters) are pooled — successes summed over their replications, Wilson
  interval (``sim.outcomes.wilson_interval``) — so the line is P(holds) averaged over
  the other swept parameters. A continuous design (LHS, Sobol: almost every value
  distinct) is pooled in quantile bins. The crossings of the tipping level are
  interpolated and printed. A multirun over several scenarios gets one line each.
* Two parameters: a heatmap of P(holds), red where the partnership breaks and blue where
  it holds, with the tipping contour P(holds) = 0.5. A full grid is drawn cell by cell;
  a scattered design (LHS/Sobol) is interpolated linearly between the points
  (``scipy.interpolate.griddata``) when only the two plotted parameters vary, and pooled
  on a coarse grid of cells when further parameters vary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.report import write_csv
from analysis.runs import Sweep, load_sweep, parameter_label
from sim.outcomes import wilson_interval
from sim.plotstyle import DIVERGING, PALETTE, STYLE, figure, save

MAX_DISCRETE = 30  # at most this many distinct values: pool by value, else by quantile bin


@dataclass
class SweepPlot:
    sweep: Sweep
    x: str
    y: str | None
    data: pd.DataFrame  # what was drawn
    crossings: list = field(default_factory=list)  # 1-D: x values where P crosses the threshold
    contour: bool = False  # 2-D: whether the tipping contour lies inside the swept range
    text: str = ""
    written: list[Path] = field(default_factory=list)


def _replications(sweep: Sweep, frame: pd.DataFrame) -> np.ndarray | None:
    if "n_replications" in frame.columns and frame["n_replications"].notna().all():
        return frame["n_replications"].to_numpy(float)
    reps = sweep.meta.get("replications")
    return np.full(len(frame), float(reps)) if reps else None


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


def line_data(sweep: Sweep, frame: pd.DataFrame, x: str) -> pd.DataFrame:
    reps = _replications(sweep, frame)
    frame = frame.assign(_reps=reps if reps is not None else np.nan)
    values = frame[x].to_numpy(float)
    if np.unique(values).size <= MAX_DISCRETE:
        keys = values
    else:
        bins = int(np.clip(len(frame) // 10, 5, 15))
        edges = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)))
        keys = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for key, part in frame.groupby(keys, sort=True):
        r = pool(part, part["_reps"].to_numpy(float) if reps is not None else None)
        rows.append({x: float(part[x].mean()), "x_min": float(part[x].min()), "x_max": float(part[x].max()), **r})
    return pd.DataFrame(rows).sort_values(x).reset_index(drop=True)


def crossings(xs: np.ndarray, ps: np.ndarray, level: float) -> list[float]:
    """x values where the piecewise-linear curve crosses ``level`` (interpolated)."""
    out = []
    for i in range(len(xs) - 1):
        a, b = ps[i] - level, ps[i + 1] - level
        if a == 0:
            out.append(float(xs[i]))
        elif a * b < 0:
            out.append(float(xs[i] + (xs[i + 1] - xs[i]) * a / (a - b)))
    if len(ps) and ps[-1] == level:
        out.append(float(xs[-1]))
    return out


def plot_line(sweep: Sweep, x: str, threshold: float):
    ok = sweep.ok
    groups = list(ok.groupby("scenario", sort=False)) if "scenario" in ok.columns and ok["scenario"].nunique() > 1 else [(None, ok)]
    others = [p for p in sweep.parameters if p != x]
    fig, ax = figure(figsize=(6.0, 3.8))
    tables, cross = [], []
    with plt.rc_context(STYLE):
        for k, (name, part) in enumerate(groups):
            colour = PALETTE[k % len(PALETTE)]
            data = line_data(sweep, part, x)
            if name is not None:
                data.insert(0, "scenario", name)
            tables.append(data)
            if len(data) < len(part):  # pooled: show the points behind the line
                ax.scatter(part[x], part["p_hold"], s=8, color=colour, alpha=0.25, lw=0)
            ax.fill_between(data[x], data["p_hold_lo"], data["p_hold_hi"], color=colour, alpha=0.2, lw=0)
            ax.plot(data[x], data["p_hold"], "o-", color=colour, ms=3.5, lw=1.6,
                    label=(f"{name}: " if name else "") + "P(holds), 95% band")
            for c in crossings(data[x].to_numpy(float), data["p_hold"].to_numpy(float), threshold):
                cross.append((name, c))
                ax.axvline(c, color=colour, ls=":", lw=1)
                ax.annotate(f"{c:.3g}", (c, threshold), xytext=(3, 4), textcoords="offset points", fontsize=7, color=colour)
        ax.axhline(threshold, color="black", ls="--", lw=0.9, label=f"tipping level P = {threshold:g}")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(parameter_label(x))
        ax.set_ylabel("P(partnership holds)")
        title = f"P(holds) against {x}"
        if others:
            title += f"\n(averaged over {len(others)} other swept parameter{'s' if len(others) > 1 else ''})"
        ax.set_title(title)
        ax.legend(loc="best", frameon=False)
    return fig, pd.concat(tables, ignore_index=True), cross


def _edges(centres: np.ndarray) -> np.ndarray:
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = 0.5 * (centres[1:] + centres[:-1])
    return np.concatenate([[centres[0] - (mid[0] - centres[0])], mid, [centres[-1] + (centres[-1] - mid[-1])]])


def heatmap_data(sweep: Sweep, x: str, y: str):
    """(x centres, y centres, P grid [ny, nx], mode, long table)."""
    ok = sweep.ok
    reps = _replications(sweep, ok)
    ok = ok.assign(_reps=reps if reps is not None else np.nan)
    xs, ys = np.unique(ok[x].to_numpy(float)), np.unique(ok[y].to_numpy(float))
    others = [p for p in sweep.parameters if p not in (x, y)]
    grid = xs.size <= 60 and ys.size <= 60 and len(ok.groupby([x, y])) == xs.size * ys.size
    if grid:
        mode = "grid"
        xi, yi = np.searchsorted(xs, ok[x]), np.searchsorted(ys, ok[y])
    elif not others and len(ok) >= 4:
        from scipy.interpolate import griddata

        mode = "interpolated"
        (xlo, xhi), (ylo, yhi) = (ok[x].min(), ok[x].max()), (ok[y].min(), ok[y].max())
        gx, gy = np.linspace(xlo, xhi, 120), np.linspace(ylo, yhi, 120)
        X, Y = np.meshgrid(gx, gy)
        pts = np.column_stack([ok[x].to_numpy(float), ok[y].to_numpy(float)])
        try:
            Z = griddata(pts, ok["p_hold"].to_numpy(float), (X, Y), method="linear")
        except Exception:  # noqa: BLE001 - degenerate (collinear) designs: nearest value
            Z = griddata(pts, ok["p_hold"].to_numpy(float), (X, Y), method="nearest")
        table = ok[[x, y, "p_hold", "p_hold_lo", "p_hold_hi"]].reset_index(drop=True)
        return gx, gy, Z, mode, table
    else:
        mode = "binned"
        k = int(np.clip(np.sqrt(len(ok) / 5), 3, 20))
        (xlo, xhi), (ylo, yhi) = sweep.bounds[x], sweep.bounds[y]
        xe, ye = np.linspace(xlo, xhi, k + 1), np.linspace(ylo, yhi, k + 1)
        xs, ys = 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])
        xi = np.clip(np.searchsorted(xe, ok[x], side="right") - 1, 0, k - 1)
        yi = np.clip(np.searchsorted(ye, ok[y], side="right") - 1, 0, k - 1)
    Z = np.full((ys.size, xs.size), np.nan)
    rows = []
    for (i, j), part in ok.groupby([np.asarray(xi), np.asarray(yi)]):
        r = pool(part, part["_reps"].to_numpy(float) if reps is not None else None)
        Z[j, i] = r["p_hold"]
        rows.append({x: xs[i], y: ys[j], **r})
    return xs, ys, Z, mode, pd.DataFrame(rows)


def plot_heatmap(sweep: Sweep, x: str, y: str, threshold: float):
    xs, ys, Z, mode, table = heatmap_data(sweep, x, y)
    others = [p for p in sweep.parameters if p not in (x, y)]
    fig, ax = figure(figsize=(5.8, 4.6))
    with plt.rc_context(STYLE):
        cmap = plt.get_cmap(DIVERGING).with_extremes(bad="#dddddd")
        masked = np.ma.masked_invalid(Z)
        if mode == "interpolated":
            mesh = ax.pcolormesh(xs, ys, masked, cmap=cmap, vmin=0, vmax=1, shading="nearest")
            ok = sweep.ok
            ax.scatter(ok[x], ok[y], s=6, color="black", alpha=0.35, lw=0, label="design points")
        else:
            mesh = ax.pcolormesh(_edges(xs), _edges(ys), masked, cmap=cmap, vmin=0, vmax=1, shading="flat")
        ax.grid(False)
        finite = Z[np.isfinite(Z)]
        contour = bool(finite.size and finite.min() < threshold < finite.max() and xs.size > 1 and ys.size > 1)
        if contour:
            cs = ax.contour(xs, ys, masked, levels=[threshold], colors="black", linewidths=1.6)
            ax.clabel(cs, fmt={threshold: f"P = {threshold:g}"}, fontsize=7)
            ax.plot([], [], color="black", lw=1.6, label=f"tipping contour P(holds) = {threshold:g}")
        bar = fig.colorbar(mesh, ax=ax, shrink=0.85)
        bar.set_label("P(partnership holds)  (red: breaks, blue: holds)")
        ax.set_xlabel(parameter_label(x))
        ax.set_ylabel(parameter_label(y))
        title = f"P(holds) over {x} × {y}"
        notes = []
        if mode == "binned":
            notes.append("pooled in cells")
        if others:
            notes.append(f"averaged over {len(others)} other parameter{'s' if len(others) > 1 else ''}")
        if not contour:
            notes.append(f"P(holds) does not cross {threshold:g} in range")
        if notes:
            title += "\n(" + "; ".join(notes) + ")"
        ax.set_title(title)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False, fontsize=7)
    return fig, table, contour, mode


def _stem(*paths: str) -> str:
    return "sweep_" + "__".join(paths)


def sweep_plot(path, out=None, x: str | None = None, y: str | None = None, threshold: float = 0.5,
               scenario: str | None = None, formats=("png", "pdf"), echo: bool = False) -> SweepPlot:
    """Draw P(holds) against ``x`` (line) or ``x`` and ``y`` (heatmap); see module doc."""
    sweep = load_sweep(path, scenario)
    if x is not None:
        sweep.check_parameter(x, "--x")
    if y is not None:
        sweep.check_parameter(y, "--y")
        if x is None:
            x = next(p for p in sweep.parameters if p != y) if len(sweep.parameters) > 1 else None
            if x is None:
                raise AnalysisError("--y", f"needs a second swept parameter for --x; the sweep has only {y}")
    if x is None:
        x = sweep.parameters[0]
        if len(sweep.parameters) > 1 and y is None:
            y = sweep.parameters[1]
    if y == x:
        raise AnalysisError("--y", f"must differ from --x ({x}); allowed: {', '.join(p for p in sweep.parameters if p != x)}")
    ok = sweep.ok
    if ok.empty:
        raise AnalysisError(str(path), f"no point of the sweep ran ({len(sweep.frame)} failed); nothing to plot")
    if y is not None and "scenario" in ok.columns and ok["scenario"].nunique() > 1:
        names = ", ".join(sorted(ok["scenario"].unique()))
        raise AnalysisError("--scenario", f"a heatmap needs one scenario; the runs hold {names}: choose one with --scenario")
    out = Path(out) if out is not None else Path(sweep.folder) / "analysis"
    if out.exists() and not out.is_dir():
        raise AnalysisError(str(out), "--out exists and is not a folder")

    if y is None:
        fig, data, cross = plot_line(sweep, x, threshold)
        result = SweepPlot(sweep, x, None, data, crossings=cross)
        if cross:
            where = "; ".join((f"{name}: " if name else "") + f"{x} ≈ {c:.4g}" for name, c in cross)
            text = f"P(holds) crosses {threshold:g} at {where}"
        else:
            text = f"P(holds) does not cross {threshold:g} in the swept range of {x}"
        stem = _stem(x)
    else:
        fig, data, contour, mode = plot_heatmap(sweep, x, y, threshold)
        result = SweepPlot(sweep, x, y, data, contour=contour)
        text = (f"tipping contour P(holds) = {threshold:g} drawn ({mode} heatmap)" if contour
                else f"P(holds) does not cross {threshold:g} over {x} × {y} ({mode} heatmap)")
        stem = _stem(x, y)
    failed = f"; {sweep.n_failed} failed point(s) left out" if sweep.n_failed else ""
    result.text = f"sweep {sweep.folder} ({sweep.method}, {len(ok)} points{failed}): {text}"
    result.written += save(fig, out, stem, formats)
    result.written.append(write_csv(out / f"{stem}.csv", data))
    if echo:
        print(result.text)
        print(f"written: {out}")
    return result
