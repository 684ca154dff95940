"""``python -m analysis compare``: runs side by side, and their differences from a reference run.

Runs are ordered by effect: the paired difference in P(holds) from the reference
(largest gain first; the reference, at zero, in its place), then the difference in the
final index. Figures (PNG and PDF in the output folder), all in that order:

* ``p_hold``              P(holds) per run with its Wilson 95% interval, the reference's value as a line
* ``paired_differences``  ΔP(holds) and Δ final index against the reference, with 95% CIs; a run
                          with no discordant replication is drawn hollow with its (non-zero) interval
* ``partnership_bands``   one panel per run: median index with 25–75% and 5–95% bands, the
                          reference's median, the hold and rupture thresholds
* ``survival``            one panel per run: S(t) with its Wilson band and the reference's S(t), on
                          a shared axis zoomed to the range the curves use (stated on the axis)

Tables: ``comparison.md`` (also printed) and ``comparison.csv``; ``report.html`` puts the
table, the figures, each run's configuration and provenance on one page. The default
output folder is ``comparison/<name of the inputs>`` in the current folder, so comparing
other runs does not overwrite an earlier comparison.
"""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from analysis import stats
from analysis.errors import AnalysisError
from analysis.report import fmt, fmt_ci, fmt_p, markdown_table, write_csv, write_text
from analysis.runs import Run, find_runs
from sim.outcomes import wilson_interval
from sim.plotstyle import PALETTE, STYLE, date_axis, figure, save

REFERENCE_COLOUR = "#555555"
PANEL_COLUMNS = 4  # small multiples: panels per row


@dataclass
class Comparison:
    runs: list[Run]
    reference: Run
    table: pd.DataFrame
    markdown: str
    figures: dict = field(default_factory=dict)  # stem -> matplotlib figure (until written)
    written: list[Path] = field(default_factory=list)


def pick_reference(runs: list[Run], name: str | None) -> Run:
    """``name`` matched against labels, then scenarios, then folders.

    Default: the baseline run without distinguishing overrides, else the first baseline run, else the first run.
    """
    if name is None:
        baseline = [r for r in runs if r.scenario == "baseline"]
        plain = [r for r in baseline if r.label == "baseline"]  # no distinguishing overrides
        return (plain or baseline or runs)[0]
    for key in (lambda r: r.label, lambda r: r.scenario, lambda r: str(r.folder), lambda r: r.folder.name):
        hits = [r for r in runs if key(r) == name]
        if hits:
            return hits[0]
    try:
        target = Path(name).resolve()
        hits = [r for r in runs if r.folder.resolve() == target]
        if hits:
            return hits[0]
    except OSError:
        pass
    allowed = "; ".join(repr(r.label) for r in runs)
    raise AnalysisError("--reference", f"no run named {name!r}; allowed: a label ({allowed}), a scenario or a run folder")


def _differences(run: Run, ref: Run) -> tuple[stats.Difference | None, stats.Difference | None, str]:
    """(ΔP(holds), Δ index_final, note) of ``run`` against ``ref``."""
    notes = []
    if list(run.summary.get("pair", [])) != list(ref.summary.get("pair", [])):
        return None, None, f"different pair ({'-'.join(run.summary.get('pair', []))} vs {'-'.join(ref.summary.get('pair', []))})"
    if run.summary.get("horizon_months") != ref.summary.get("horizon_months"):
        notes.append(f"horizons differ ({run.summary.get('horizon_months')} vs {ref.summary.get('horizon_months')} months)")
    a, b = run.replications, ref.replications
    same_seed = run.summary.get("seed") == ref.summary.get("seed")
    if a is not None and b is not None and same_seed:
        both = a[["replication", "holds", "index_final"]].merge(
            b[["replication", "holds", "index_final"]], on="replication", suffixes=("", "_ref"))
        if len(both) >= 2:
            d_hold = stats.paired_holds(both["holds"].to_numpy(bool), both["holds_ref"].to_numpy(bool))
            d_index = stats.paired_mean(both["index_final"].to_numpy(float), both["index_final_ref"].to_numpy(float))
            notes.insert(0, f"paired on {len(both)} common replications")
            return d_hold, d_index, "; ".join(notes)
        notes.append("no common replications")
    elif not same_seed:
        notes.append(f"seeds differ ({run.summary.get('seed')} vs {ref.summary.get('seed')}): unpaired")
    if a is not None and b is not None:
        d_hold = stats.unpaired_holds(int(a["holds"].sum()), len(a), int(b["holds"].sum()), len(b))
        d_index = stats.unpaired_mean(a["index_final"].to_numpy(float), b["index_final"].to_numpy(float))
    else:
        notes.append("replications.parquet missing: unpaired, no index difference")
        k_run, k_ref = round(run.p_hold * run.n), round(ref.p_hold * ref.n)
        d_hold = stats.unpaired_holds(k_run, run.n, k_ref, ref.n) if run.n and ref.n else None
        d_index = None
    return d_hold, d_index, "; ".join(notes)


def comparison_table(runs: list[Run], ref: Run) -> pd.DataFrame:
    rows = []
    for run in runs:
        s = run.summary
        index = s.get("partnership_index", {})
        lo, hi = run.p_hold_ci
        row = {
            "label": run.label, "scenario": run.scenario,
            "overrides": " ".join(f"{k}={v}" for k, v in run.model_overrides.items()),
            "reference": run is ref, "replications": run.n, "seed": s.get("seed"),
            "horizon_months": s.get("horizon_months"),
            "p_hold": run.p_hold, "p_hold_lo": lo, "p_hold_hi": hi,
            "median_rupture_month": s.get("median_rupture_month"),
            "index_median": index.get("median"), "index_q05": index.get("q05"), "index_q95": index.get("q95"),
        }
        if run is ref:
            d_hold = d_index = None
            note = "reference"
        else:
            d_hold, d_index, note = _differences(run, ref)
        row["paired"] = None if d_hold is None else d_hold.paired
        for prefix, diff in (("d_p_hold", d_hold), ("d_index_final", d_index)):
            empty = stats.Difference(np.nan, np.nan, np.nan, np.nan, 0, False)
            values = (diff or empty).as_dict(prefix)
            values.pop(f"{prefix}_paired")
            if prefix == "d_index_final":
                values.pop(f"{prefix}_gain")
                values.pop(f"{prefix}_loss")
            row.update(values)
        row["note"] = note
        row["folder"] = str(run.folder)
        rows.append(row)
    return order_by_effect(pd.DataFrame(rows))


def order_by_effect(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by decreasing ΔP(holds) (the reference counts 0), then Δ final index; unknown last."""
    keys = {}
    for prefix in ("d_p_hold", "d_index_final"):
        keys[prefix] = table[f"{prefix}_estimate"].astype(float).where(~table["reference"], 0.0).fillna(-np.inf)
    order = np.lexsort((-keys["d_index_final"].to_numpy(), -keys["d_p_hold"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def table_rows(table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the comparison table as shown (Markdown and HTML)."""
    header = ["run", "P(holds) [95% CI]", "median rupture month", "final index median (5–95%)",
              "ΔP(holds) [95% CI]", "McNemar p", "Δ final index [95% CI]", "n pairs"]
    rows = []
    for r in table.itertuples(index=False):
        index = f"{fmt(r.index_median)} ({fmt(r.index_q05)}–{fmt(r.index_q95)})"
        rupture = "none" if r.median_rupture_month is None or pd.isna(r.median_rupture_month) else f"{r.median_rupture_month:g}"
        paired = bool(r.paired) if r.paired is not None and not pd.isna(r.paired) else False
        rows.append([
            f"{r.label} (reference)" if r.reference else r.label, fmt_ci(r.p_hold, r.p_hold_lo, r.p_hold_hi), rupture, index,
            fmt_ci(r.d_p_hold_estimate, r.d_p_hold_lo, r.d_p_hold_hi, signed=True),
            fmt_p(r.d_p_hold_p_value) if paired else "—",
            fmt_ci(r.d_index_final_estimate, r.d_index_final_lo, r.d_index_final_hi, signed=True),
            str(int(r.d_p_hold_n)) if paired else "—",
        ])
    return header, rows


def table_notes(table: pd.DataFrame) -> list[str]:
    """Per-run notes that the table does not show (unpaired, horizons differ, ...)."""
    def unusual(note) -> bool:  # the usual pairing shows in the "n pairs" column
        note = str(note or "")
        return bool(note) and not (note.startswith("paired on") and "; " not in note)

    return [f"{r.label}: {r.note}" for r in table.itertuples(index=False) if not r.reference and unusual(r.note)]


def render_markdown(table: pd.DataFrame, ref: Run) -> str:
    pair = "–".join(ref.summary.get("pair", ["?", "?"]))
    header, rows = table_rows(table)
    for row, is_ref in zip(rows, table["reference"]):
        if is_ref:
            row[0] = f"**{row[0]}**"
    notes = table_notes(table)
    lines = [
        f"# Comparison of {len(table)} run(s): {pair} partnership",
        "",
        f"Reference: {ref.label} ({ref.folder}). Differences are run − reference; paired on the common "
        "replication index (common random numbers) when the seeds agree. Runs ordered by ΔP(holds).",
        "",
        markdown_table(header, rows),
    ]
    if notes:
        lines += ["", "Notes:", *(f"- {n}" for n in notes)]
    return "\n".join(lines) + "\n"


# -- figures -----------------------------------------------------------------------------
def _wrap(label: str, width: int = 34) -> str:
    """``label`` in lines of about ``width`` characters, broken between words only."""
    return "\n".join(textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)) or label


def _x(frame: pd.DataFrame):
    return frame["date"] if "date" in frame.columns else frame["month"]


def _time_axis(ax, frame: pd.DataFrame) -> None:
    if "date" in frame.columns:
        date_axis(ax, maxticks=5)
    else:
        ax.set_xlabel("month")


def plot_p_hold(table: pd.DataFrame):
    """P(holds) per run with its Wilson interval, in table order, the reference's value as a line."""
    n = len(table)
    fig, ax = figure(figsize=(6.8, 1.3 + 0.38 * n), layout="constrained")
    with plt.rc_context(STYLE):
        y = np.arange(n)[::-1]
        ref = table[table["reference"]].iloc[0]
        ax.axvline(ref.p_hold, color=REFERENCE_COLOUR, ls="--", lw=0.9, label=f"reference: {ref.p_hold:.3f}")
        for yy, r in zip(y, table.itertuples(index=False)):
            colour = REFERENCE_COLOUR if r.reference else PALETTE[0]
            ax.errorbar(r.p_hold, yy, xerr=[[max(0.0, r.p_hold - r.p_hold_lo)], [max(0.0, r.p_hold_hi - r.p_hold)]],
                        fmt="s" if r.reference else "o",
                        color=colour, ms=5, capsize=3, lw=1.2)
        ax.set_yticks(y, [_wrap(f"{lbl} (reference)" if is_ref else lbl, 48) for lbl, is_ref in zip(table["label"], table["reference"])])
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xlabel("P(partnership holds) with Wilson 95% interval")
        ax.set_title("P(holds) per run, ordered by the paired difference from the reference", fontsize=9)
        ax.legend(loc="lower left", frameon=False, fontsize=7)
    return fig


def plot_differences(table: pd.DataFrame, ref: Run):
    """ΔP(holds) and Δ final index with 95% CIs; runs without discordant replications drawn hollow."""
    rows = table[~table["reference"]]
    n = len(rows)
    fig, axes = figure(ncols=2, sharey=True, figsize=(8.0, 1.6 + 0.4 * n), layout="constrained")
    fig.get_layout_engine().set(wspace=0.15)  # room between the panels' outer tick labels
    with plt.rc_context(STYLE):
        y = np.arange(n)[::-1]
        panels = (("d_p_hold", "ΔP(holds) vs reference\n(share)"),
                  ("d_index_final", "Δ final partnership index\nvs reference (index units)"))
        discordant = (rows["d_p_hold_gain"].fillna(-1) + rows["d_p_hold_loss"].fillna(-1)).to_numpy()
        for ax, (prefix, xlabel) in zip(axes, panels):
            est = rows[f"{prefix}_estimate"].to_numpy(float)
            lo = rows[f"{prefix}_lo"].to_numpy(float)
            hi = rows[f"{prefix}_hi"].to_numpy(float)
            err = np.where(np.isfinite(np.vstack([est - lo, hi - est])), np.vstack([est - lo, hi - est]), 0.0)
            none = (discordant == 0) if prefix == "d_p_hold" else np.zeros(n, dtype=bool)
            ax.axvline(0, color="black", lw=0.8)
            for mask, face in ((np.isfinite(est) & ~none, PALETTE[0]), (np.isfinite(est) & none, "white")):
                if mask.any():
                    ax.errorbar(est[mask], y[mask], xerr=np.abs(err[:, mask]), fmt="o", color=PALETTE[0], mfc=face,
                                ms=5, capsize=3, lw=1.2)
            ax.set_xlabel(xlabel)
            ax.xaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))  # short labels: no crowding
        labels = [_wrap(r.label, 40) + (f"\n(no discordant replication of {int(r.d_p_hold_n)})" if d == 0 else "")
                  for r, d in zip(rows.itertuples(index=False), discordant)]
        axes[0].set_yticks(y, labels)
        axes[0].set_ylim(-0.6, n - 0.4)
        fig.suptitle(f"Differences from {ref.label} (95% CIs; paired on common replications;\nhollow: no "
                     "replication differs in whether the partnership holds, interval after Agresti & Min 2005)", fontsize=9)
    return fig


def _panels(runs: dict[str, Run], table: pd.DataFrame):
    """Small multiples: a figure with one panel per run that has a partnership table, and
    ``(axes, table row, run)`` of each panel in the table's order."""
    rows = [r for r in table.itertuples(index=False) if runs[r.label].partnership is not None]
    n = len(rows)
    ncols = min(PANEL_COLUMNS, n)
    nrows = -(-n // ncols)
    fig, axes = figure(nrows=nrows, ncols=ncols, sharex=True, sharey=True, squeeze=False,
                       figsize=(2.6 * ncols + 0.6, 2.1 * nrows + 0.9), layout="constrained")
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    for ax in axes.ravel()[:n]:  # dates under every panel: the one below may be empty
        ax.tick_params(axis="x", labelbottom=True, labelsize=7)
    return fig, [(ax, row, runs[row.label]) for ax, row in zip(axes.ravel(), rows)]


def _panel_title(ax, row) -> None:
    delta = "" if row.reference else f"\nΔP {row.d_p_hold_estimate:+.3f}" if np.isfinite(row.d_p_hold_estimate) else ""
    ax.set_title(f"{_wrap(row.label + (' (reference)' if row.reference else ''))}\nP(holds) {row.p_hold:.3f}{delta}",
                 fontsize=7.5)


def plot_bands(runs: dict[str, Run], ref: Run, table: pd.DataFrame):
    """Small multiples: each run's index band with the reference's median and the rupture level."""
    pair = "–".join(ref.summary.get("pair", ["?", "?"]))
    fig, panels = _panels(runs, table)
    with plt.rc_context(STYLE):
        for ax, row, run in panels:
            frame = run.partnership
            x = _x(frame)
            ax.fill_between(x, frame["index_q05"], frame["index_q95"], color=PALETTE[0], alpha=0.18, lw=0)
            ax.fill_between(x, frame["index_q25"], frame["index_q75"], color=PALETTE[0], alpha=0.35, lw=0)
            ax.plot(x, frame["index_q50"], color=PALETTE[0], lw=1.4, zorder=3)
            if run is not ref and ref.partnership is not None:  # underneath: an equal run stays visible
                ax.plot(_x(ref.partnership), ref.partnership["index_q50"], color=REFERENCE_COLOUR, ls="--", lw=1.0, zorder=2)
            if "rupture_level" in frame.columns:  # the threshold x the running peak (sim.results)
                ax.plot(x, frame["rupture_level"], color=PALETTE[3], ls=":", lw=1.0)
            _panel_title(ax, row)
            ax.set_ylim(0, 1)
            _time_axis(ax, frame)
        handles = [plt.Line2D([], [], color=PALETTE[0], lw=1.4, label="median (bands: 25–75%, 5–95%)"),
                   plt.Line2D([], [], color=REFERENCE_COLOUR, ls="--", lw=1.0, label=f"reference median ({ref.label})"),
                   plt.Line2D([], [], color=PALETTE[3], ls=":", lw=1.0, label="rupture level: threshold × running peak (median)")]
        fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False, fontsize=7)
        fig.supylabel(f"{pair} partnership index (0–1)", fontsize=9)
        fig.suptitle(f"{pair} partnership index per run, ordered by ΔP(holds)", fontsize=10)
    return fig


def _survival_band(frame: pd.DataFrame, n: int) -> tuple[np.ndarray, np.ndarray]:
    if "survival_lo" in frame.columns:
        return frame["survival_lo"].to_numpy(float), frame["survival_hi"].to_numpy(float)
    band = np.array([wilson_interval(int(round(s * n)), n) for s in frame["survival"]]) if n else np.full((len(frame), 2), np.nan)
    return band[:, 0], band[:, 1]


def plot_survival(runs: dict[str, Run], ref: Run, table: pd.DataFrame):
    """Small multiples of S(t) with Wilson bands and the reference's S(t), on one zoomed axis."""
    pair = "–".join(ref.summary.get("pair", ["?", "?"]))
    fig, panels = _panels(runs, table)
    bands = [_survival_band(run.partnership, run.n) for _, _, run in panels]
    lowest = min(float(np.nanmin(lo)) for lo, _ in bands)
    floor = min(0.9, np.floor(lowest * 20) / 20)  # at least the top tenth, so curves at 1 stay apart from the frame
    with plt.rc_context(STYLE):
        for (ax, row, run), (lo, hi) in zip(panels, bands):
            frame = run.partnership
            x = _x(frame)
            ax.fill_between(x, lo, hi, step="post", color=PALETTE[1], alpha=0.3, lw=0)
            ax.step(x, frame["survival"], where="post", color=PALETTE[1], lw=1.5, zorder=3)
            if run is not ref and ref.partnership is not None:  # underneath and wider: both stay visible at 1.0
                ax.step(_x(ref.partnership), ref.partnership["survival"], where="post", color=REFERENCE_COLOUR, ls="--", lw=2.2,
                        alpha=0.6, zorder=2)
            if float(frame["survival"].min()) == 1.0:
                ax.text(0.5, 0.45, f"no rupture in\n{run.n} replications", transform=ax.transAxes, ha="center",
                        va="center", fontsize=7, color="#333333")
            _panel_title(ax, row)
            ax.set_ylim(floor, 1.0 + (1.0 - floor) * 0.04)
            _time_axis(ax, frame)
        handles = [plt.Line2D([], [], color=PALETTE[1], lw=1.5, label="S(t): share not ruptured (band: Wilson 95%)"),
                   plt.Line2D([], [], color=REFERENCE_COLOUR, ls="--", lw=1.0, label=f"reference ({ref.label})")]
        fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=7)
        fig.supylabel(f"share not ruptured (axis from {floor:g})", fontsize=9)
        fig.suptitle(f"Survival of the {pair} partnership per run, ordered by ΔP(holds)", fontsize=10)
    return fig


# -- the command -----------------------------------------------------------------------
def compare(paths, out=None, reference: str | None = None, formats=("png", "pdf"), echo: bool = False) -> Comparison:
    """Compare the runs below ``paths``; write figures, tables and report.html into ``out`` (see module doc)."""
    if not paths:
        raise AnalysisError("compare", "give at least one run or multirun folder")
    runs = find_runs(paths)
    ref = pick_reference(runs, reference)
    out = Path(out) if out is not None else default_out(paths)
    check_out(out)
    table = comparison_table(runs, ref)
    by_label = {r.label: r for r in runs}
    runs = [by_label[label] for label in table["label"]]
    markdown = render_markdown(table, ref)
    result = Comparison(runs=runs, reference=ref, table=table, markdown=markdown)
    figures = {"p_hold": plot_p_hold(table)}
    if len(runs) > 1:
        figures["paired_differences"] = plot_differences(table, ref)
    if any(r.partnership is not None for r in runs):
        figures["partnership_bands"] = plot_bands(by_label, ref, table)
        figures["survival"] = plot_survival(by_label, ref, table)
    for stem, fig in figures.items():
        result.written += save(fig, out, stem, formats)
    result.written.append(write_text(out / "comparison.md", markdown))
    result.written.append(write_csv(out / "comparison.csv", table))
    from analysis.comparison_report import comparison_report

    html = comparison_report(result, out, list(figures) if "png" in formats else [], "pdf" in formats)
    result.written.append(write_text(out / "report.html", html))
    if echo:
        print(markdown)
        print(f"written: {out}")
    return result


def default_out(paths, cwd: Path | None = None) -> Path:
    """``comparison/<name>`` in the current folder, the name made of the inputs' paths.

    Inputs under the current folder are named by their relative path, others by their last
    three parts (``multirun/2026-11-24/19-05-04`` -> ``multirun_2026-11-24_19-05-04``); several
    inputs are joined with ``+``; a name over 80 characters is cut and given a digest.
    """
    cwd = (cwd or Path.cwd()).resolve()
    parts = []
    for p in paths:
        path = Path(p).resolve()
        if path.is_file():
            path = path.parent
        try:
            rel = path.relative_to(cwd).parts
        except ValueError:
            rel = path.parts[-3:]
        parts.append("_".join(rel) or path.name or "runs")
    name = "+".join(parts)
    if len(name) > 80:
        name = f"{name[:60]}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
    return cwd / "comparison" / name


def check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise AnalysisError(str(out), "--out exists and is not a folder")
