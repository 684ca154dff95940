"""``python -m analysis compare``: runs side by side, and their differences from a reference run.

Figures (PNG and PDF in the output folder):

* ``partnership_bands``   median partnership index and its 5–95% band per run, by month
* ``survival``            share of replications not ruptured, by month, per run
* ``p_hold``              P(holds) per run with its Wilson 95% interval (dot and whisker)
* ``paired_differences``  ΔP(holds) and Δ final index against the reference, with 95% CIs

Tables: ``comparison.md`` (also printed) and ``comparison.csv``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis import stats
from analysis.errors import AnalysisError
from analysis.report import fmt, fmt_ci, fmt_p, markdown_table, write_csv, write_text
from analysis.runs import Run, find_runs
from sim.plotstyle import PALETTE, STYLE, figure, save

LINESTYLES = ("-", "--", "-.", ":")


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


def _color(k: int):
    return PALETTE[k % len(PALETTE)], LINESTYLES[(k // len(PALETTE)) % len(LINESTYLES)]


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
    return pd.DataFrame(rows)


def render_markdown(table: pd.DataFrame, ref: Run) -> str:
    pair = "–".join(ref.summary.get("pair", ["?", "?"]))
    header = ["run", "P(holds) [95% CI]", "median rupture month", "final index median (5–95%)",
              "ΔP(holds) [95% CI]", "McNemar p", "Δ final index [95% CI]", "n pairs"]
    rows = []
    for r in table.itertuples(index=False):
        label = f"**{r.label}** (reference)" if r.reference else r.label
        index = f"{fmt(r.index_median)} ({fmt(r.index_q05)}–{fmt(r.index_q95)})"
        rupture = "none" if r.median_rupture_month is None or pd.isna(r.median_rupture_month) else f"{r.median_rupture_month:g}"
        paired = bool(r.paired) if r.paired is not None and not pd.isna(r.paired) else False
        rows.append([
            label, fmt_ci(r.p_hold, r.p_hold_lo, r.p_hold_hi), rupture, index,
            fmt_ci(r.d_p_hold_estimate, r.d_p_hold_lo, r.d_p_hold_hi, signed=True),
            fmt_p(r.d_p_hold_p_value) if paired else "—",
            fmt_ci(r.d_index_final_estimate, r.d_index_final_lo, r.d_index_final_hi, signed=True),
            str(int(r.d_p_hold_n)) if paired else "—",
        ])
    def unusual(note) -> bool:  # the usual pairing shows in the "n pairs" column
        note = str(note or "")
        return bool(note) and not (note.startswith("paired on") and "; " not in note)

    notes = [f"- {r.label}: {r.note}" for r in table.itertuples(index=False) if not r.reference and unusual(r.note)]
    lines = [
        f"# Comparison of {len(table)} run(s): {pair} partnership",
        "",
        f"Reference: {ref.label} ({ref.folder}). Differences are run − reference; paired on the common "
        "replication index (common random numbers) when the seeds agree.",
        "",
        markdown_table(header, rows),
    ]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


# -- figures -----------------------------------------------------------------------------
def plot_bands(runs: list[Run], ref: Run):
    fig, ax = figure(figsize=(6.4, 3.8))
    pair = "–".join(ref.summary.get("pair", ["?", "?"]))
    with plt.rc_context(STYLE):
        drawn = 0
        for k, run in enumerate(runs):
            frame = run.partnership
            if frame is None:
                continue
            colour, ls = _color(k)
            x = frame["date"] if "date" in frame.columns else frame["month"]
            ax.fill_between(x, frame["index_q05"], frame["index_q95"], color=colour, alpha=0.15, lw=0)
            ax.plot(x, frame["index_q50"], color=colour, ls=ls, lw=1.6, label=run.label)
            drawn += 1
        ax.set_ylim(0, 1)
        ax.set_xlabel("calendar month")
        ax.set_ylabel(f"{pair} partnership index (0–1)")
        ax.set_title(f"{pair} partnership index: median and 5–95% band per run")
        if drawn:
            ax.legend(loc="lower left", frameon=False, fontsize=7)
    return fig


def plot_survival(runs: list[Run], ref: Run):
    fig, ax = figure(figsize=(6.4, 3.8))
    pair = "–".join(ref.summary.get("pair", ["?", "?"]))
    with plt.rc_context(STYLE):
        for k, run in enumerate(runs):
            frame = run.partnership
            if frame is None:
                continue
            colour, ls = _color(k)
            x = frame["date"] if "date" in frame.columns else frame["month"]
            ax.step(x, frame["survival"], where="post", color=colour, ls=ls, lw=1.6, label=run.label)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("calendar month")
        ax.set_ylabel("share of replications not ruptured")
        ax.set_title(f"Survival of the {pair} partnership per run")
        ax.legend(loc="lower left", frameon=False, fontsize=7)
    return fig


def plot_p_hold(table: pd.DataFrame):
    n = len(table)
    fig, ax = figure(figsize=(6.4, 1.2 + 0.35 * n))
    with plt.rc_context(STYLE):
        y = np.arange(n)[::-1]
        for k, (yy, r) in enumerate(zip(y, table.itertuples(index=False))):
            colour = PALETTE[0] if not r.reference else PALETTE[3]
            ax.errorbar(r.p_hold, yy, xerr=[[r.p_hold - r.p_hold_lo], [r.p_hold_hi - r.p_hold]], fmt="o",
                        color=colour, ms=5, capsize=3, lw=1.2)
        ax.set_yticks(y, [f"{lbl} (ref.)" if ref else lbl for lbl, ref in zip(table["label"], table["reference"])])
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xlabel("P(partnership holds) with Wilson 95% interval")
        ax.set_title("Probability that the partnership holds, per run")
    return fig


def plot_differences(table: pd.DataFrame, ref: Run):
    rows = table[~table["reference"]]
    n = len(rows)
    fig, axes = figure(ncols=2, sharey=True, figsize=(7.2, 1.4 + 0.35 * n))
    with plt.rc_context(STYLE):
        y = np.arange(n)[::-1]
        panels = (("d_p_hold", "ΔP(holds) vs reference (share)"),
                  ("d_index_final", "Δ final partnership index vs reference (index units)"))
        for ax, (prefix, xlabel) in zip(axes, panels):
            est = rows[f"{prefix}_estimate"].to_numpy(float)
            lo = rows[f"{prefix}_lo"].to_numpy(float)
            hi = rows[f"{prefix}_hi"].to_numpy(float)
            ok = np.isfinite(est)
            err = np.vstack([est - lo, hi - est])
            err = np.where(np.isfinite(err), err, 0.0)
            ax.axvline(0, color="black", lw=0.8)
            ax.errorbar(est[ok], y[ok], xerr=err[:, ok], fmt="o", color=PALETTE[0], ms=5, capsize=3, lw=1.2)
            ax.set_xlabel(xlabel)
        axes[0].set_yticks(y, list(rows["label"]))
        axes[0].set_ylim(-0.6, n - 0.4)
        fig.suptitle(f"Differences from {ref.label} (95% CIs; paired on common replications)", fontsize=10)
    return fig


def compare(paths, out=None, reference: str | None = None, formats=("png", "pdf"), echo: bool = False) -> Comparison:
    """Compare the runs below ``paths``; write figures and tables into ``out`` (see module doc)."""
    if not paths:
        raise AnalysisError("compare", "give at least one run or multirun folder")
    runs = find_runs(paths)
    ref = pick_reference(runs, reference)
    out = Path(out) if out is not None else default_out(paths)
    check_out(out)
    table = comparison_table(runs, ref)
    markdown = render_markdown(table, ref)
    result = Comparison(runs=runs, reference=ref, table=table, markdown=markdown)
    figures = {"p_hold": plot_p_hold(table)}
    if any(r.partnership is not None for r in runs):
        figures["partnership_bands"] = plot_bands(runs, ref)
        figures["survival"] = plot_survival(runs, ref)
    if len(runs) > 1:
        figures["paired_differences"] = plot_differences(table, ref)
    for stem, fig in figures.items():
        result.written += save(fig, out, stem, formats)
    result.written.append(write_text(out / "comparison.md", markdown))
    result.written.append(write_csv(out / "comparison.csv", table))
    if echo:
        print(markdown)
        print(f"written: {out}")
    return result


def default_out(paths) -> Path:
    """``<common parent of the inputs>/comparison``."""
    resolved = [str(Path(p).resolve()) for p in paths]
    common = Path(os.path.commonpath(resolved)) if len(resolved) > 1 else Path(resolved[0])
    if common.is_file():
        common = common.parent
    return common / "comparison"


def check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise AnalysisError(str(out), "--out exists and is not a folder")
