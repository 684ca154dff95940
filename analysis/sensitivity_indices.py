"""``python -m analysis sensitivity``: which swept parameters drive P(holds) and the final index.

* A ``sobol`` sweep (Saltelli/Sobol' design written in sample order, ``sweep.json``
  holding SALib's ``problem`` and ``calc_second_order``): Sobol' indices from
  ``SALib.analyze.sobol`` — first order S1 (share of the output variance due to the
  parameter alone) and total order ST (including all its interactions), with bootstrap
  95% intervals.
* Any other design (LHS, grid, a multirun, or a Sobol design with failed points):
  ``SALib.analyze.delta`` — Borgonovo's moment-independent δ (0 = output distribution
  unaffected by the parameter) plus a first-order S1 estimate, with bootstrap 95% intervals.

Outputs: ``sensitivity.png|pdf`` (bar chart with CIs, one panel per outcome),
``sensitivity.md`` (printed), ``sensitivity.csv`` (long table), ``sensitivity.json``.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.errors import AnalysisError, require
from analysis.report import json_safe, markdown_table, write_csv, write_json, write_text
from analysis.runs import Sweep, load_sweep
from sim.sweep_table import OUTCOME_LABELS
from sim.plotstyle import PALETTE, STYLE, figure, save

OUTCOMES = ("p_hold", "index_median")
MIN_POINTS = 30  # SALib's delta bins each parameter into classes of at least 10 points
INDICES = {"sobol": ("S1", "ST"), "delta": ("delta", "S1")}
INDEX_NAMES = {
    "S1": "first-order Sobol' S1", "ST": "total-order Sobol' ST",
    "delta": "moment-independent δ", "S1_delta": "first-order S1",
}


@dataclass
class Sensitivity:
    sweep: Sweep
    method: str
    table: pd.DataFrame  # output, parameter, index, value, conf, lo, hi
    skipped: dict = field(default_factory=dict)  # output -> reason
    raw: dict = field(default_factory=dict)
    markdown: str = ""
    written: list[Path] = field(default_factory=list)

    def ranking(self, output: str = "p_hold", index: str | None = None) -> list[str]:
        """Parameters by decreasing ``index`` (default: S1 for Sobol, δ for delta)."""
        index = index or INDICES[self.method][0]
        part = self.table[(self.table["output"] == output) & (self.table["index"] == index)]
        return list(part.sort_values("value", ascending=False)["parameter"])


@contextlib.contextmanager
def _quiet_salib(seed: int):
    """Run a SALib analysis reproducibly, quietly and on one BLAS thread.

    SALib draws its bootstrap from numpy's global generator (seeded here, then restored),
    prints and warns per parameter (captured), replaces ``warnings.formatwarning``
    (restored), and its many small kernel-density solves run far slower when BLAS
    spreads each over several threads.
    """
    state = np.random.get_state()
    formatwarning = warnings.formatwarning
    try:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(limits=1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        limits = contextlib.nullcontext()
    try:
        with limits, warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("always")
            np.random.seed(seed)
            yield caught
    finally:
        np.random.set_state(state)
        warnings.formatwarning = formatwarning


def _problem(sweep: Sweep) -> dict:
    problem = sweep.meta.get("problem")
    if problem:
        return dict(problem)
    names = list(sweep.parameters)
    return {"num_vars": len(names), "names": names, "bounds": [list(sweep.bounds[p]) for p in names]}


def _sobol(sweep: Sweep, frame: pd.DataFrame, output: str, resamples: int, seed: int) -> dict:
    sobol = require("SALib.analyze.sobol", "sensitivity")

    problem = _problem(sweep)
    second = bool(sweep.meta.get("calc_second_order", True))
    groups = problem.get("groups")
    d = len(dict.fromkeys(groups)) if groups else int(problem["num_vars"])
    step = 2 * d + 2 if second else d + 2
    y = frame[output].to_numpy(float)
    if y.size % step:
        raise AnalysisError(str(sweep.folder / "sweep.parquet"),
                            f"{y.size} points is not a multiple of {step} (Saltelli design, {d} parameters, "
                            f"calc_second_order={second}); the sobol sweep is incomplete")
    with _quiet_salib(seed):
        si = sobol.analyze(problem, y, calc_second_order=second, num_resamples=resamples, conf_level=0.95,
                           print_to_console=False)
    names = list(dict.fromkeys(groups)) if groups else list(problem["names"])
    out = {"names": names, "S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]}
    if second:
        out["S2"] = si["S2"]
        out["S2_conf"] = si["S2_conf"]
    return out


def _delta(sweep: Sweep, frame: pd.DataFrame, output: str, resamples: int, seed: int) -> dict:
    delta = require("SALib.analyze.delta", "sensitivity")

    names = [p for p in sweep.parameters if frame[p].nunique() > 1]
    problem = {"num_vars": len(names), "names": names, "bounds": [list(sweep.bounds[p]) for p in names]}
    x = frame[names].to_numpy(float)
    y = frame[output].to_numpy(float)
    try:
        with _quiet_salib(seed) as caught:
            si = delta.analyze(problem, x, y, num_resamples=resamples, conf_level=0.95, print_to_console=False)
    except Exception as err:  # noqa: BLE001 - SALib's own message, as one line
        raise AnalysisError(f"sensitivity {output}", f"delta analysis failed on {len(y)} points "
                                                     f"({err.__class__.__name__}: {err})") from None
    # SALib >= 1.5.1 reports several bootstrap variants; "balanced" (bins of the input sampled
    # evenly) answers "how important is this parameter", like the single "delta" of older versions.
    key = "delta" if "delta" in si else "delta_balanced"
    if np.isnan(np.asarray(si[key], dtype=float)).all():
        # SALib swallows per-parameter failures into NaN and a warning: surface the first one
        reason = next((str(w.message) for w in caught if "exception" in str(w.message).lower()), "no estimate")
        return {"names": names, "failed": reason}
    return {"names": names, "delta": si[key], "delta_conf": si[f"{key}_conf"], "S1": si["S1"], "S1_conf": si["S1_conf"],
            "delta_variant": key}


def _long(method: str, output: str, raw: dict) -> list[dict]:
    rows = []
    for index in INDICES[method]:
        for name, value, conf in zip(raw["names"], raw[index], raw[f"{index}_conf"]):
            value, conf = float(value), float(conf)
            rows.append({"output": output, "parameter": name, "index": index, "value": value, "conf": conf,
                         "lo": value - conf, "hi": value + conf})
    return rows


def render_markdown(result: Sensitivity) -> str:
    first, second = INDICES[result.method]
    method = ("Sobol' indices (SALib sobol.analyze)" if result.method == "sobol"
              else "δ moment-independent indices (SALib delta.analyze)")
    lines = [f"# Sensitivity of the partnership outcomes: {method}", "",
             f"Sweep {result.sweep.folder} ({result.sweep.method}, {len(result.sweep.ok)} points); "
             "intervals are bootstrap 95% CIs. Parameters ranked by "
             f"{INDEX_NAMES[first]}.", ""]
    for output in OUTCOMES:
        lines.append(f"## {OUTCOME_LABELS.get(output, output)}")
        lines.append("")
        if output in result.skipped:
            lines += [f"Not analysed: {result.skipped[output]}.", ""]
            continue
        part = result.table[result.table["output"] == output]
        wide = {i: part[part["index"] == i].set_index("parameter") for i in (first, second)}
        order = wide[first].sort_values("value", ascending=False).index
        rows = []
        for name in order:
            cells = []
            for i in (first, second):
                r = wide[i].loc[name]
                cells.append(f"{r.value:.3f} [{r.lo:.3f}, {r.hi:.3f}]")
            rows.append([name, *cells])
        label2 = INDEX_NAMES["S1_delta"] if result.method == "delta" else INDEX_NAMES[second]
        lines += [markdown_table(["parameter", INDEX_NAMES[first] + " [95% CI]", label2 + " [95% CI]"], rows), ""]
    if result.sweep.n_failed:
        lines.append(f"{result.sweep.n_failed} failed point(s) left out.")
    return "\n".join(lines).rstrip() + "\n"


def plot_indices(result: Sensitivity):
    """One panel per outcome, parameters in one order (by the first outcome's first index) and
    labelled once on the left, so no label runs into the next panel."""
    outputs = [o for o in OUTCOMES if o not in result.skipped]
    first, second = INDICES[result.method]
    lead = result.table[(result.table["output"] == outputs[0]) & (result.table["index"] == first)]
    order = list(lead.sort_values("value", ascending=True)["parameter"])
    fig, axes = figure(ncols=len(outputs), sharey=True, squeeze=False, layout="constrained",
                       figsize=(3.4 * len(outputs) + 2.6, 1.6 + 0.45 * len(order)))
    with plt.rc_context(STYLE):
        y = np.arange(len(order))
        h = 0.38
        for ax, output in zip(axes[0], outputs):
            part = result.table[result.table["output"] == output]
            for k, index in enumerate((first, second)):
                rows = part[part["index"] == index].set_index("parameter").reindex(order)
                label = INDEX_NAMES["S1_delta"] if (result.method == "delta" and index == "S1") else INDEX_NAMES[index]
                ax.barh(y + (0.5 - k) * h, rows["value"], height=h, color=PALETTE[k], label=label,
                        xerr=rows["conf"].abs(), error_kw={"lw": 0.9, "capsize": 2, "ecolor": "black"})
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xlabel("index (share of output variance; δ: 0–1)" if result.method == "delta"
                          else "index (share of output variance)")
            ax.set_title(OUTCOME_LABELS.get(output, output), fontsize=9)
        axes[0][0].set_yticks(y, order)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=2, frameon=False, fontsize=7)
        fig.suptitle(("Sobol' sensitivity" if result.method == "sobol" else "δ-moment sensitivity")
                     + f" ({len(result.sweep.ok)} points, bootstrap 95% CIs; ordered by {INDEX_NAMES[first]} "
                     f"of {OUTCOME_LABELS.get(outputs[0], outputs[0])})", fontsize=9)
    return fig


def sensitivity(path, out=None, method: str = "auto", resamples: int = 200, seed: int = 0,
                scenario: str | None = None, formats=("png", "pdf"), echo: bool = False) -> Sensitivity:
    """Sensitivity indices of P(holds) and the final index median over the swept parameters."""
    if method not in ("auto", "sobol", "delta"):
        raise AnalysisError("--method", f"{method!r}; allowed: auto, sobol, delta")
    sweep = load_sweep(path, scenario)
    if "scenario" in sweep.ok.columns and sweep.ok["scenario"].nunique() > 1:
        names = ", ".join(sorted(sweep.ok["scenario"].unique()))
        raise AnalysisError("--scenario", f"sensitivity needs one scenario; the runs hold {names}: choose one with --scenario")
    notes = []
    if method == "auto":
        method = "sobol" if sweep.method == "sobol" else "delta"
        if method == "sobol" and sweep.n_failed:
            method = "delta"
            notes.append(f"{sweep.n_failed} failed point(s) break the Saltelli design: δ indices on the rest instead of Sobol'")
    elif method == "sobol":
        if sweep.method != "sobol":
            raise AnalysisError("--method", f"sobol needs a sobol sweep (this one is {sweep.method}); allowed here: delta, auto")
        if sweep.n_failed:
            raise AnalysisError("--method", f"sobol needs every point of the design; {sweep.n_failed} failed: use delta")
    ok = sweep.ok
    if method == "delta" and len(ok) < MIN_POINTS:
        raise AnalysisError(str(path), f"sensitivity needs at least {MIN_POINTS} points that ran; the sweep has {len(ok)}")
    out = Path(out) if out is not None else Path(sweep.folder) / "analysis"
    if out.exists() and not out.is_dir():
        raise AnalysisError(str(out), "--out exists and is not a folder")

    rows, raw, skipped = [], {}, {}
    for output in OUTCOMES:
        if output not in ok.columns or ok[output].isna().any():
            skipped[output] = "not in the sweep table" if output not in ok.columns else "missing values"
            continue
        y = ok[output].to_numpy(float)
        if np.ptp(y) == 0:
            skipped[output] = f"constant ({y[0]:g}) over the sweep, so no parameter moves it"
            continue
        if method == "delta" and np.unique(y).size < 20:
            notes.append(f"{output} takes only {np.unique(y).size} distinct values: δ (a kernel density estimate) "
                         "is unreliable there, read S1")
        estimate = (_sobol if method == "sobol" else _delta)(sweep, ok, output, resamples, seed)
        if "failed" in estimate:
            skipped[output] = f"SALib gave no estimate ({estimate['failed']})"
            continue
        raw[output] = estimate
        rows += _long(method, output, raw[output])
    if not rows:
        reasons = "; ".join(f"{k}: {v}" for k, v in skipped.items())
        raise AnalysisError(str(path), f"no outcome to analyse ({reasons})")
    result = Sensitivity(sweep=sweep, method=method, table=pd.DataFrame(rows), skipped=skipped, raw=raw)
    result.markdown = render_markdown(result)
    if notes:
        result.markdown += "\n" + "\n".join(notes) + "\n"
    fig = plot_indices(result)
    result.written += save(fig, out, "sensitivity", formats)
    result.written.append(write_text(out / "sensitivity.md", result.markdown))
    result.written.append(write_csv(out / "sensitivity.csv", result.table))
    payload = {"method": method, "sweep": str(sweep.folder), "design": sweep.method, "points": len(ok),
               "failed_points": sweep.n_failed, "skipped": skipped, "notes": notes,
               "indices": {o: {k: (v if isinstance(v, (str, list)) else np.asarray(v).tolist()) for k, v in r.items()}
                           for o, r in raw.items()}}
    result.written.append(write_json(out / "sensitivity.json", json_safe(payload)))
    if echo:
        print(result.markdown)
        print(f"written: {out}")
    return result
