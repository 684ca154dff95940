"""The figure of a finished sweep: where does the partnership tip?

``sweep_figure(folder)`` draws P(holds) against the parameters that matter most:

* With two or more swept parameters, and no choice given: a heatmap over the two that
  the sweep's own sensitivity ranks highest (``sim.sweep_table.ranking``: first-order
  share of the variance of P(holds) across the points), red where the partnership
  breaks and blue where it holds, with the tipping contour P(holds) = threshold. A full
  grid is drawn cell by cell; a scattered design (LHS, Sobol) is pooled in cells
  (successes summed, Wilson interval), about ten points a cell, the points shown.
  Cells whose 95% interval includes the threshold are hatched (not distinguishable
  from it), cells without a point are grey and say why (no design point there, or the
  point failed). Further parameters are averaged over.
* With one parameter, or ``x`` alone: P(holds) per value with its 95% band (points
  sharing a value pooled; a continuous design pooled in equal-count bins, the raw
  points shown faintly), the crossings of the threshold interpolated and marked.

Axes span the swept range (``sweep.json``), labelled with the unit and that range.
Writes ``sweep_<x>[__<y>].png|pdf|csv`` (the csv: what was drawn) into ``out``
(default ``<folder>/figures``). Bad input raises ``sim.errors.ConfigError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from sim.atomic import write_atomic
from sim.errors import ConfigError
from sim.plotstyle import DIVERGING, PALETTE, STYLE, figure, safe_stem, save
from sim.sweep_table import OUTCOME_LABELS, Sweep, groups_of, parameter_label, pool, ranking, read_sweep

EMPTY = "#d9d9d9"
POINTS_PER_CELL = 10


@dataclass
class SweepFigure:
    """What was drawn, the ranking behind the axes, and where it was written."""

    sweep: Sweep
    x: str
    y: str | None
    data: pd.DataFrame  # the drawn values: one row per value/bin (line) or per cell (heatmap)
    ranked_on: str  # outcome the ranking used ("" if every outcome is constant)
    ranking: list[tuple[str, float]]  # (parameter, first-order share), highest first
    crossings: list = field(default_factory=list)  # line: (group, x) where P(holds) crosses the threshold
    contour: bool = False  # heatmap: the tipping contour lies inside the swept range
    text: str = ""
    written: list[Path] = field(default_factory=list)

    def ranking_markdown(self) -> str:
        """The ranking as a Markdown table (parameter, share, swept range)."""
        what = OUTCOME_LABELS.get(self.ranked_on, self.ranked_on) or "no outcome varies"
        lines = [f"| parameter | first-order share of var {what} | swept range |", "| :--- | ---: | ---: |"]
        for name, share in self.ranking:
            lo, hi = self.sweep.bounds[name]
            shown = "—" if math.isnan(share) else f"{share:.3f}"
            lines.append(f"| {name} | {shown} | {lo:g}–{hi:g} |")
        return "\n".join(lines)


# -- one parameter ---------------------------------------------------------------------
def line_data(sweep: Sweep, frame: pd.DataFrame, x: str) -> pd.DataFrame:
    """P(holds) pooled per value of ``x`` (or per equal-count bin of a continuous design)."""
    reps = sweep.replications(frame)
    frame = frame.assign(_reps=reps if reps is not None else np.nan)
    values = frame[x].to_numpy(float)
    keys = groups_of(values, bins=int(np.clip(len(frame) // 10, 5, 15)))
    rows = []
    for _, part in frame.groupby(keys, sort=True):
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
    """(figure, drawn table, crossings) of P(holds) against ``x``; one line per scenario of a multirun."""
    ok = sweep.ok
    several = "scenario" in ok.columns and ok["scenario"].nunique() > 1
    groups = list(ok.groupby("scenario", sort=False)) if several else [(None, ok)]
    others = [p for p in sweep.parameters if p != x]
    fig, ax = figure(figsize=(6.4, 3.9))
    tables, cross = [], []
    with plt.rc_context(STYLE):
        for k, (name, part) in enumerate(groups):
            colour = PALETTE[k % len(PALETTE)]
            data = line_data(sweep, part, x)
            if name is not None:
                data.insert(0, "scenario", name)
            tables.append(data)
            if len(data) < len(part):  # pooled: show the points behind the line
                ax.scatter(part[x], part["p_hold"], s=8, color=colour, alpha=0.25, lw=0,
                           label=(f"{name}: " if name else "") + "single points")
            ax.fill_between(data[x], data["p_hold_lo"], data["p_hold_hi"], color=colour, alpha=0.2, lw=0)
            ax.plot(data[x], data["p_hold"], "o-", color=colour, ms=3.5, lw=1.6,
                    label=(f"{name}: " if name else "") + "P(holds), pooled, 95% band")
            for c in crossings(data[x].to_numpy(float), data["p_hold"].to_numpy(float), threshold):
                cross.append((name, c))
                ax.axvline(c, color=colour, ls=":", lw=1)
                ax.annotate(f"{c:.3g}", (c, threshold), xytext=(3, 4), textcoords="offset points", fontsize=7, color=colour)
        ax.axhline(threshold, color="black", ls="--", lw=0.9, label=f"tipping level P = {threshold:g}")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlim(*sweep.bounds[x])
        ax.set_xlabel(parameter_label(x, sweep.bounds[x]))
        ax.set_ylabel("P(partnership holds)")
        title = f"P(holds) against {x}"
        if others:
            title += f"\n(averaged over {len(others)} other swept parameter{'s' if len(others) > 1 else ''})"
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7)
    return fig, pd.concat(tables, ignore_index=True), cross


# -- two parameters --------------------------------------------------------------------
def _edges(centres: np.ndarray) -> np.ndarray:
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = 0.5 * (centres[1:] + centres[:-1])
    return np.concatenate([[centres[0] - (mid[0] - centres[0])], mid, [centres[-1] + (centres[-1] - mid[-1])]])


def _is_grid(sweep: Sweep, x: str, y: str) -> bool:
    """Whether the design puts its points on a full grid of the two axes."""
    frame = sweep.frame
    xs, ys = np.unique(frame[x].to_numpy(float)), np.unique(frame[y].to_numpy(float))
    return xs.size <= 60 and ys.size <= 60 and len(frame.groupby([x, y])) == xs.size * ys.size


def heatmap_data(sweep: Sweep, x: str, y: str, threshold: float) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, str]:
    """(x edges, y edges, one row per cell with its pooled P(holds), mode ``grid``/``binned``)."""
    grid = _is_grid(sweep, x, y)
    if grid:  # cells centred on the grid values; every design point is a cell
        xs, ys = np.unique(sweep.frame[x].to_numpy(float)), np.unique(sweep.frame[y].to_numpy(float))
        xe, ye = _edges(xs), _edges(ys)
    else:
        k = int(np.clip(math.floor(math.sqrt(len(sweep.frame) / POINTS_PER_CELL)), 3, 15))
        (xlo, xhi), (ylo, yhi) = sweep.bounds[x], sweep.bounds[y]
        xe, ye = np.linspace(xlo, xhi, k + 1), np.linspace(ylo, yhi, k + 1)
        xs, ys = 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])

    def cell(frame: pd.DataFrame, column: str, values: np.ndarray, edges: np.ndarray) -> np.ndarray:
        v = frame[column].to_numpy(float)
        if grid:
            return np.searchsorted(values, v)
        return np.clip(np.searchsorted(edges, v, side="right") - 1, 0, values.size - 1)

    ok = sweep.ok
    reps = sweep.replications(ok)
    ok = ok.assign(_reps=reps if reps is not None else np.nan, _i=cell(ok, x, xs, xe), _j=cell(ok, y, ys, ye))
    designed = {(i, j) for i, j in zip(cell(sweep.frame, x, xs, xe), cell(sweep.frame, y, ys, ye))}
    pooled = {key: pool(part, part["_reps"].to_numpy(float) if reps is not None else None)
              for key, part in ok.groupby(["_i", "_j"])}
    rows = []
    for i in range(xs.size):
        for j in range(ys.size):
            r = pooled.get((i, j))
            status = "ran" if r else ("failed" if (i, j) in designed else "no design point")
            r = r or {"p_hold": np.nan, "p_hold_lo": np.nan, "p_hold_hi": np.nan, "n_points": 0, "n_replications": 0}
            undecided = bool(r["p_hold_lo"] <= threshold <= r["p_hold_hi"]) if status == "ran" else False
            rows.append({x: xs[i], y: ys[j], "cell_i": i, "cell_j": j, **r, "status": status,
                         "ci_includes_threshold": undecided})
    return xe, ye, pd.DataFrame(rows), "grid" if grid else "binned"


def plot_heatmap(sweep: Sweep, x: str, y: str, threshold: float, shares: dict[str, float]):
    """(figure, cell table, contour drawn?, mode) of P(holds) over ``x`` × ``y``."""
    xe, ye, table, mode = heatmap_data(sweep, x, y, threshold)
    nx_, ny_ = xe.size - 1, ye.size - 1
    Z = np.full((ny_, nx_), np.nan)
    Z[table["cell_j"], table["cell_i"]] = table["p_hold"]
    others = [p for p in sweep.parameters if p not in (x, y)]
    fig, ax = figure(figsize=(6.6, 4.8))
    with plt.rc_context(STYLE):
        cmap = plt.get_cmap(DIVERGING).with_extremes(bad=EMPTY)
        mesh = ax.pcolormesh(xe, ye, np.ma.masked_invalid(Z), cmap=cmap, vmin=0, vmax=1, shading="flat")
        ax.grid(False)
        handles = []
        undecided = table[table["ci_includes_threshold"]]
        for r in undecided.itertuples(index=False):
            i, j = r.cell_i, r.cell_j
            ax.add_patch(plt.Rectangle((xe[i], ye[j]), xe[i + 1] - xe[i], ye[j + 1] - ye[j], fill=False, hatch="///",
                                       ec="#555555", lw=0))
        if len(undecided):
            handles.append(Patch(fc="white", ec="#555555", hatch="///", label=f"95% CI includes P = {threshold:g}"))
        for status, text in (("no design point", "no design point in this cell"), ("failed", "the point failed (see 'error')")):
            n = int((table["status"] == status).sum())
            if n:
                handles.append(Patch(fc=EMPTY, ec="none", label=f"grey: {text} ({n})"))
        if mode == "binned":
            ok = sweep.ok
            ax.scatter(ok[x], ok[y], s=4, color="black", alpha=0.35, lw=0)
            handles.append(plt.Line2D([], [], ls="none", marker="o", ms=2.5, color="black", alpha=0.5,
                                      label=f"design points ({len(ok)}), pooled per cell"))
        finite = Z[np.isfinite(Z)]
        contour = bool(finite.size and finite.min() < threshold < finite.max() and nx_ > 1 and ny_ > 1)
        if contour:
            cx, cy = 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])
            cs = ax.contour(cx, cy, np.ma.masked_invalid(Z), levels=[threshold], colors="black", linewidths=1.6)
            ax.clabel(cs, fmt={threshold: f"P = {threshold:g}"}, fontsize=7)
            handles.append(plt.Line2D([], [], color="black", lw=1.6, label=f"tipping contour P(holds) = {threshold:g}"))
        bar = fig.colorbar(mesh, ax=ax, shrink=0.85)
        bar.set_label("P(partnership holds)  (red: breaks, blue: holds)")
        ax.set_xlim(xe[0], xe[-1])  # binned: the swept range; grid: its cells around the swept values
        ax.set_ylim(ye[0], ye[-1])
        ax.set_xlabel(parameter_label(x, sweep.bounds[x]))
        ax.set_ylabel(parameter_label(y, sweep.bounds[y], sep="\n"))
        title = f"P(holds) over {x} × {y}"
        notes = []
        if shares:
            notes.append(f"first-order shares of var P(holds): x {shares[x]:.2f}, y {shares[y]:.2f}")
        if others:
            notes.append(f"averaged over {len(others)} other parameter{'s' if len(others) > 1 else ''}")
        if not contour:
            notes.append(f"P(holds) does not cross {threshold:g} in range")
        if notes:
            title += "\n(" + "; ".join(notes) + ")"
        ax.set_title(title, fontsize=9)
        if handles:
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False, fontsize=7)
    return fig, table, contour, mode


# -- the figure ------------------------------------------------------------------------
def choose_axes(sweep: Sweep, x: str | None, y: str | None, order: list[str]) -> tuple[str, str | None]:
    """(x, y) to draw: as given, else the top of ``order`` (the sensitivity ranking)."""
    if x is not None:
        sweep.check_parameter(x, "--x")
    if y is not None:
        sweep.check_parameter(y, "--y")
        if x is None:
            rest = [p for p in order if p != y]
            if not rest:
                raise ConfigError("--y", f"needs a second swept parameter for --x; the sweep has only {y}")
            x = rest[0]
    if x is None:
        x = order[0]
        y = order[1] if len(order) > 1 else None
    if y == x:
        raise ConfigError("--y", f"must differ from --x ({x}); allowed: {', '.join(p for p in sweep.parameters if p != x)}")
    return x, y


def sweep_figure(source, out=None, x: str | None = None, y: str | None = None, threshold: float = 0.5,
                 formats=("png", "pdf")) -> SweepFigure:
    """Draw a finished sweep (a folder or a ``Sweep``) into ``out``; see module doc."""
    if not 0 < threshold < 1:
        raise ConfigError("--threshold", f"{threshold}; allowed: 0 < threshold < 1")
    sweep = source if isinstance(source, Sweep) else read_sweep(source)
    ok = sweep.ok
    if ok.empty:
        raise ConfigError(str(sweep.folder), f"no point of the sweep ran ({len(sweep.frame)} failed); nothing to plot")
    ranked_on, ranked = ranking(sweep)
    x, y = choose_axes(sweep, x, y, [p for p, _ in ranked])
    if y is not None and "scenario" in ok.columns and ok["scenario"].nunique() > 1:
        names = ", ".join(sorted(ok["scenario"].unique()))
        raise ConfigError("--scenario", f"a heatmap needs one scenario; the runs hold {names}: choose one with --scenario")
    out = Path(out) if out is not None else sweep.folder / "figures"
    if out.exists() and not out.is_dir():
        raise ConfigError(str(out), "--out exists and is not a folder")

    shares = {p: s for p, s in ranked if not math.isnan(s)}
    if y is None:
        fig, data, cross = plot_line(sweep, x, threshold)
        result = SweepFigure(sweep, x, None, data, ranked_on, ranked, crossings=cross)
        if cross:
            where = "; ".join((f"{name}: " if name else "") + f"{x} ≈ {c:.4g}" for name, c in cross)
            text = f"P(holds) crosses {threshold:g} at {where}"
        else:
            text = f"P(holds) does not cross {threshold:g} in the swept range of {x}"
        stem = f"sweep_{x}"
    else:
        fig, data, contour, mode = plot_heatmap(sweep, x, y, threshold, shares)
        result = SweepFigure(sweep, x, y, data, ranked_on, ranked, contour=contour)
        empty = int((data["status"] != "ran").sum())
        text = (f"tipping contour P(holds) = {threshold:g} drawn over {x} × {y}" if contour
                else f"P(holds) does not cross {threshold:g} over {x} × {y}")
        text += f" ({mode} heatmap, {len(data)} cells" + (f", {empty} empty" if empty else "") + ")"
        stem = f"sweep_{x}__{y}"
    failed = f"; {sweep.n_failed} failed point(s) left out" if sweep.n_failed else ""
    result.text = f"sweep {sweep.folder} ({sweep.method}, {len(ok)} points{failed}): {text}"
    result.written += save(fig, out, stem, formats)
    result.written.append(write_atomic(out / f"{safe_stem(stem)}.csv", lambda tmp: data.to_csv(tmp, index=False)))
    return result
