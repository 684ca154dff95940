"""``python -m analysis sweep``: where along the swept parameters does the partnership tip?

The figure is ``sim.sweep_figure`` (the one a finished batched sweep draws for itself):
by default a heatmap over the two parameters the sweep's own sensitivity ranks highest,
or P(holds) against one parameter (``--x`` alone, or a one-parameter sweep). This
command adds what ``sim`` does not read: multirun folders as sweeps (one line per
scenario), and the printed tables — the ranking of the parameters, then the drawn
values: of a line, P(holds) per value or bin with its 95% interval; of a heatmap, P(holds)
per cell (up to 12 columns).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.errors import translated
from analysis.report import markdown_table
from analysis.runs import load_sweep
from sim.sweep_figure import SweepFigure, crossings, sweep_figure

__all__ = ["crossings", "render_markdown", "sweep_plot"]

MAX_PRINTED_COLUMNS = 12  # a heatmap's cell table is printed up to this many columns


def render_markdown(result: SweepFigure, threshold: float) -> str:
    """The printed report: what was found, the ranking, and a line's drawn values."""
    lines = [f"# Where the partnership tips: {result.sweep.folder}", "", result.text, "",
             "Parameters ranked by the sweep's own first-order sensitivity:", "", result.ranking_markdown()]
    if result.y is None:
        rows = []
        for r in result.data.itertuples(index=False):
            group = [getattr(r, "scenario")] if "scenario" in result.data.columns else []
            span = f"{r.x_min:.4g}–{r.x_max:.4g}" if r.x_min != r.x_max else f"{r.x_min:.4g}"
            n = "—" if np.isnan(r.n_replications) else str(int(r.n_replications))
            rows.append([*group, span, f"{r.p_hold:.3f} [{r.p_hold_lo:.3f}, {r.p_hold_hi:.3f}]", str(r.n_points), n])
        header = (["scenario"] if "scenario" in result.data.columns else []) + [
            result.x, f"P(holds) [95% CI] (tipping level {threshold:g})", "points", "replications"]
        lines += ["", markdown_table(header, rows)]
    else:
        cells = result.data.pivot(index=result.y, columns=result.x, values="p_hold").sort_index(ascending=False)
        if cells.shape[1] <= MAX_PRINTED_COLUMNS:
            rows = [[f"{y:.4g}", *("—" if np.isnan(v) else f"{v:.2f}" for v in row)] for y, row in zip(cells.index, cells.to_numpy())]
            lines += ["", f"P(holds) per cell (rows: {result.y}, columns: {result.x}; — no point that ran):", "",
                      markdown_table([f"{result.y} \\ {result.x}", *(f"{x:.4g}" for x in cells.columns)], rows)]
    return "\n".join(lines) + "\n"


def sweep_plot(path, out=None, x: str | None = None, y: str | None = None, threshold: float = 0.5,
               scenario: str | None = None, formats=("png", "pdf"), echo: bool = False) -> SweepFigure:
    """Draw a batched sweep or a multirun folder (see module doc) into ``out`` (default ``DIR/analysis``)."""
    sweep = load_sweep(path, scenario)
    out = Path(out) if out is not None else Path(sweep.folder) / "analysis"
    with translated():
        result = sweep_figure(sweep, out=out, x=x, y=y, threshold=threshold, formats=formats)
    if echo:
        print(render_markdown(result, threshold))
        print(f"written: {out}")
    return result

