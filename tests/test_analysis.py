"""``python -m analysis``: compare, sweep, sensitivity, discover, and bad input.

Sweeps are synthetic folders with the layout of a batched sweep (``sweep.parquet`` +
``sweep.json``) written by ``tests.sweep_folders.write_sweep``, so these tests do not depend
on the sweep runner; ``compare`` runs on a real multirun of ``python -m sim``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.sweep_folders import write_sweep

ROOT = Path(__file__).resolve().parents[1]


def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def run_analysis(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def assert_image(path: Path):
    from PIL import Image

    assert path.exists(), path
    with Image.open(path) as img:
        img.load()
        assert img.width > 100 and img.height > 100
        extrema = img.convert("L").getextrema()
        assert extrema[0] < extrema[1], f"{path} is a blank image"


def assert_documented(folder: Path) -> None:
    """Every file a command wrote is named in docs/analysis.md (a sweep figure by its pattern)."""
    docs = (ROOT / "docs" / "analysis.md").read_text()
    for path in folder.iterdir():
        name = "sweep_<x>" if path.name.startswith("sweep_") else path.stem
        assert f"`{name}" in docs or f"{name}." in docs, f"{path.name} is not in docs/analysis.md"


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


# -- compare: a real multirun ----------------------------------------------------------------
CI_VALUES = ("0.1", "0.5", "0.95")


@pytest.fixture(scope="module")
def multirun(tmp_path_factory) -> Path:
    """Three jobs of ``python -m sim -m``: baseline with Russia's counterintelligence low to high."""
    cwd = tmp_path_factory.mktemp("multirun")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "-m", "scenario=baseline", f"relations.RUS.CHN.counterintelligence={','.join(CI_VALUES)}",
         "hydra/launcher=basic", "replications=30", "horizon_months=12", "output.figures=false"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summaries = sorted((cwd / "multirun").rglob("summary.json"))
    assert len(summaries) == len(CI_VALUES), proc.stdout
    return summaries[0].parents[1]


def test_compare_multirun(multirun, tmp_path):
    out = tmp_path / "cmp"
    proc = run_analysis("compare", multirun, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "| run |" in proc.stdout and "ΔP(holds)" in proc.stdout
    for stem in ("partnership_bands", "survival", "p_hold", "paired_differences"):
        assert_image(out / f"{stem}.png")
        assert (out / f"{stem}.pdf").stat().st_size > 1000
    assert (out / "report.html").exists()
    assert_documented(out)
    table = pd.read_csv(out / "comparison.csv")
    assert len(table) == len(CI_VALUES)
    assert table["reference"].sum() == 1
    assert table["label"].str.contains("counterintelligence=0.1").any()
    for _, other in table[~table["reference"]].iterrows():
        assert bool(other["paired"]) and other["d_p_hold_n"] == 30
        assert other["d_index_final_lo"] <= other["d_index_final_estimate"] <= other["d_index_final_hi"]
        assert other["d_p_hold_lo"] < other["d_p_hold_hi"]  # never collapsed to a point, even without discordance
    effect = table["d_p_hold_estimate"].where(~table["reference"], 0.0)
    assert list(effect) == sorted(effect, reverse=True)  # ordered by effect
    md = (out / "comparison.md").read_text()
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(CI_VALUES)  # header, rule, one row per run
    assert [line.split(" | ")[0].strip("| *") for line in rows[2:]] == [
        f"{lbl} (reference)" if ref else lbl for lbl, ref in zip(table["label"], table["reference"])]
    assert "| 30 |" in md  # n pairs


def test_compare_default_folder_is_named_after_its_inputs(multirun, tmp_path):
    runs = sorted(p.parent for p in multirun.rglob("summary.json"))
    first = run_analysis("compare", runs[0], runs[1], cwd=tmp_path)
    second = run_analysis("compare", runs[0], runs[2], cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    folders = sorted(p.parent for p in (tmp_path / "comparison").rglob("comparison.csv"))
    assert len(folders) == 2  # the second comparison did not overwrite the first
    for folder, pair in zip(folders, [(runs[0], runs[1]), (runs[0], runs[2])]):
        assert set(pd.read_csv(folder / "comparison.csv")["folder"]) == {str(p) for p in pair}
        assert (folder / "report.html").exists()
        assert f"written: {folder}" in (first.stdout + second.stdout)


def test_default_comparison_names(tmp_path):
    from analysis.comparison import default_out

    inside = tmp_path / "multirun" / "2026-11-24" / "19-05-04"
    assert default_out([inside], cwd=tmp_path) == tmp_path / "comparison" / "multirun_2026-11-24_19-05-04"
    two = default_out([tmp_path / "outputs" / "a", Path("/elsewhere/outputs/2026-11-24/10-00-00")], cwd=tmp_path)
    assert two.name == "outputs_a+outputs_2026-11-24_10-00-00"
    many = default_out([tmp_path / f"run-{k:03d}" for k in range(20)], cwd=tmp_path)
    assert len(many.name) == 69 and many != default_out([tmp_path / f"run-{k:03d}" for k in range(21)], cwd=tmp_path)


def test_compare_figures_have_no_overlapping_labels(multirun):
    from analysis.comparison import comparison_table, pick_reference, plot_bands, plot_differences, plot_p_hold, plot_survival
    from analysis.runs import find_runs
    from tests.test_figures import overlapping_labels

    runs = find_runs([multirun])
    ref = pick_reference(runs, None)
    table = comparison_table(runs, ref)
    by_label = {r.label: r for r in runs}
    for fig in (plot_p_hold(table), plot_differences(table, ref), plot_bands(by_label, ref, table),
                plot_survival(by_label, ref, table)):
        assert overlapping_labels(fig) == []


def test_compare_paired_difference_matches_replications(multirun, tmp_path):
    from analysis import compare

    result = compare([multirun], out=tmp_path / "c", reference="baseline relations.RUS.CHN.counterintelligence=0.95")
    ref = result.reference
    run = next(r for r in result.runs if r is not ref)
    both = run.replications.merge(ref.replications, on="replication", suffixes=("", "_ref"))
    row = result.table[~result.table["reference"]].iloc[0]
    assert row["d_p_hold_estimate"] == pytest.approx(both["holds"].mean() - both["holds_ref"].mean())
    assert row["d_index_final_estimate"] == pytest.approx((both["index_final"] - both["index_final_ref"]).mean())
    assert row["d_p_hold_gain"] - row["d_p_hold_loss"] == (both["holds"].astype(int) - both["holds_ref"].astype(int)).sum()


def test_paired_statistics():
    from analysis.stats import Z95, paired_holds, paired_mean, unpaired_holds

    run = np.array([1, 1, 1, 0, 1, 1, 0, 1, 1, 1] * 10, dtype=bool)
    ref = np.array([1, 0, 1, 0, 0, 1, 0, 1, 0, 1] * 10, dtype=bool)
    d = paired_holds(run, ref)
    assert d.estimate == pytest.approx(0.3) and d.gain == 30 and d.loss == 0
    assert d.lo < 0.3 < d.hi and d.p_value < 1e-6
    # Agresti & Min (2005): ½ added to each cell; centre 30/102, SE sqrt(31 - 30²/102)/102
    se = np.sqrt(31 - 900 / 102) / 102
    assert (d.lo, d.hi) == pytest.approx((30 / 102 - Z95 * se, 30 / 102 + Z95 * se))
    same = paired_holds(run, run)  # no discordant pair: an interval, not the point 0
    assert same.estimate == 0 and same.p_value == 1.0
    assert (same.lo, same.hi) == pytest.approx((-Z95 / 102, Z95 / 102))
    m = paired_mean(np.arange(10.0) + 1.0, np.arange(10.0))
    assert m.estimate == pytest.approx(1.0) and m.se == pytest.approx(0.0)
    u = unpaired_holds(80, 100, 50, 100)
    assert u.lo < 0.3 < u.hi and not u.paired


def test_labels_and_reference(tmp_path):
    from analysis.runs import assign_labels, parse_overrides, Run

    assert parse_overrides(["scenario=b", "~relations.RUS.CHN.trust=null", "+relations.RUS.CHN.trust=0.2",
                            "++replications=9"]) == {"scenario": "b", "relations.RUS.CHN.trust": "0.2", "replications": "9"}
    runs = [Run(folder=tmp_path / str(k), summary={"scenario": s, "p_hold": 0.5}, overrides=parse_overrides(o))
            for k, (s, o) in enumerate([("taiwan", ["replications=5", "seed=1"]), ("baseline", ["replications=5", "seed=1"]),
                                        ("baseline", ["replications=5", "seed=1", "world.war=0.2"])])]
    assign_labels(runs)
    assert [r.label for r in runs] == ["taiwan", "baseline", "baseline world.war=0.2"]
    from analysis.comparison import pick_reference

    assert pick_reference(runs, None) is runs[1]
    assert pick_reference(runs, "taiwan") is runs[0]


# -- sweep -------------------------------------------------------------------------------------
def test_sweep_line_1d(tmp_path):
    xs = np.linspace(0, 1, 21)
    folder = write_sweep(tmp_path / "s1", pd.DataFrame({"relations.RUS.CHN.counterintelligence": xs}),
                         logistic(-12 * (xs - 0.6)), method="grid")
    proc = run_analysis("sweep", folder)
    assert proc.returncode == 0, proc.stderr
    stem = str(folder / "analysis" / "sweep_relations.RUS.CHN.counterintelligence")
    assert_image(Path(stem + ".png"))
    assert Path(stem + ".pdf").exists()
    data = pd.read_csv(stem + ".csv")
    assert len(data) == 21 and (data["p_hold_lo"] <= data["p_hold"]).all() and (data["p_hold"] <= data["p_hold_hi"]).all()
    assert "crosses 0.5" in proc.stdout
    assert_documented(folder / "analysis")


def test_sweep_line_finds_tipping_point():
    from analysis.sweep import crossings

    xs = np.linspace(0, 1, 11)
    assert crossings(xs, 1 - xs, 0.5) == [pytest.approx(0.5)]
    assert crossings(xs, np.full(11, 0.9), 0.5) == []


def test_sweep_heatmap_2d_grid(tmp_path):
    a, b = np.meshgrid(np.linspace(0, 1, 9), np.linspace(0, 1, 7))
    x = pd.DataFrame({"x1": a.ravel(), "x2": b.ravel()})
    folder = write_sweep(tmp_path / "grid", x, logistic(-10 * (x["x1"] + x["x2"] - 1.0)), method="grid")
    from analysis import sweep_plot

    result = sweep_plot(folder, out=tmp_path / "o")
    assert {result.x, result.y} == {"x1", "x2"} and result.contour
    stem = tmp_path / "o" / f"sweep_{result.x}__{result.y}"
    assert_image(stem.with_suffix(".png"))
    assert stem.with_suffix(".pdf").exists()


def test_sweep_heatmap_lhs_scattered(tmp_path):
    rng = np.random.default_rng(3)
    x = pd.DataFrame({"x1": rng.random(120), "x2": rng.random(120)})
    folder = write_sweep(tmp_path / "lhs", x, logistic(-10 * (x["x1"] - x["x2"])), method="lhs")
    proc = run_analysis("sweep", folder, "--x", "x2", "--y", "x1", "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    assert "tipping contour" in proc.stdout and "binned heatmap" in proc.stdout
    assert "| parameter | first-order share" in proc.stdout and "P(holds) per cell" in proc.stdout
    assert_image(tmp_path / "o" / "sweep_x2__x1.png")


def test_sweep_default_axes_are_the_sweeps_top_ranked(tmp_path):
    rng = np.random.default_rng(13)
    x = pd.DataFrame({name: rng.random(300) for name in ("x1", "x2", "x3", "x4")})
    folder = write_sweep(tmp_path / "lhs", x, logistic(-10 * (x["x4"] - 0.5) + 4 * (x["x2"] - 0.5)))
    proc = run_analysis("sweep", folder)
    assert proc.returncode == 0, proc.stderr
    assert_image(folder / "analysis" / "sweep_x4__x2.png")
    ranking_table = proc.stdout.split("| parameter | first-order share")[1].split("\n\n")[0]
    ranking = [line.split(" | ")[0].strip("| ") for line in ranking_table.splitlines() if line.startswith("| x")]
    assert ranking[:2] == ["x4", "x2"] and len(ranking) == 4


def test_sweep_line_pooled_over_other_parameter(tmp_path):
    rng = np.random.default_rng(4)
    x = pd.DataFrame({"x1": rng.random(200), "x2": rng.random(200), "x3": rng.random(200)})
    folder = write_sweep(tmp_path / "lhs3", x, logistic(-10 * (x["x1"] - 0.5)), method="lhs")
    from analysis import sweep_plot

    line = sweep_plot(folder, x="x1", out=tmp_path / "o")
    assert line.y is None and 5 <= len(line.data) <= 15
    assert line.crossings and abs(line.crossings[0][1] - 0.5) < 0.1
    heat = sweep_plot(folder, x="x1", y="x3", out=tmp_path / "o")
    assert heat.contour
    assert_image(tmp_path / "o" / "sweep_x1__x3.png")


# -- sensitivity ------------------------------------------------------------------------------
def test_sensitivity_sobol_recovers_linear_ranking(tmp_path):
    pytest.importorskip("SALib")
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}
    xs = sobol_sample.sample(problem, 256, calc_second_order=True, seed=1)
    y = 4 * xs[:, 0] + 2 * xs[:, 1] + 0 * xs[:, 2]
    p_hold = (y - y.min()) / (y.max() - y.min())  # P(holds) linear in the parameters
    folder = write_sweep(tmp_path / "sobol", pd.DataFrame(xs, columns=problem["names"]), p_hold, method="sobol",
                         index=0.1 + 0.1 * y, bounds={n: [0, 1] for n in problem["names"]},
                         replications=100000, extra_meta={"calc_second_order": True, "problem": problem})
    proc = run_analysis("sensitivity", folder, "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(tmp_path / "o" / "sensitivity.csv")
    for output in ("p_hold", "index_median"):
        s1 = table[(table["output"] == output) & (table["index"] == "S1")].set_index("parameter")["value"]
        assert list(s1.sort_values(ascending=False).index) == ["x1", "x2", "x3"]
        assert s1["x1"] == pytest.approx(0.8, abs=0.08) and s1["x2"] == pytest.approx(0.2, abs=0.08)
        assert abs(s1["x3"]) < 0.03
    assert_image(tmp_path / "o" / "sensitivity.png")
    assert (tmp_path / "o" / "sensitivity.md").read_text().count("| x1 |") == 2
    assert json.loads((tmp_path / "o" / "sensitivity.json").read_text())["method"] == "sobol"
    assert_documented(tmp_path / "o")
    from analysis import sensitivity
    from analysis.sensitivity_indices import plot_indices
    from tests.test_figures import overlapping_labels

    result = sensitivity(folder, out=tmp_path / "o2", resamples=20)
    assert overlapping_labels(plot_indices(result)) == []  # one label column for both panels


def test_sensitivity_delta_on_lhs(tmp_path):
    pytest.importorskip("SALib")
    from SALib.sample import latin

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}
    xs = latin.sample(problem, 400, seed=2)
    y = 4 * xs[:, 0] + 2 * xs[:, 1]
    from analysis import sensitivity

    folder = write_sweep(tmp_path / "lhs", pd.DataFrame(xs, columns=problem["names"]), logistic(3 * (y - 3)),
                         index=y / 6, method="lhs", replications=100000)
    result = sensitivity(folder, out=tmp_path / "o", resamples=50)
    assert result.method == "delta"
    assert result.ranking("p_hold")[0] == "x1"  # δ: the dominant parameter first
    assert result.ranking("p_hold", "S1") == ["x1", "x2", "x3"]
    assert result.ranking("index_median", "S1") == ["x1", "x2", "x3"]
    assert_image(tmp_path / "o" / "sensitivity.png")


def test_sensitivity_skips_constant_outcome(tmp_path):
    pytest.importorskip("SALib")
    rng = np.random.default_rng(5)
    x = pd.DataFrame({"x1": rng.random(60), "x2": rng.random(60)})
    from analysis import sensitivity

    folder = write_sweep(tmp_path / "c", x, np.ones(60), index=x["x1"].to_numpy() * 0.5, method="lhs")
    result = sensitivity(folder, out=tmp_path / "o", resamples=20)
    assert "p_hold" in result.skipped and "constant" in result.skipped["p_hold"]
    assert result.ranking("index_median")[0] == "x1"


# -- discover ---------------------------------------------------------------------------------
def test_discover_finds_breaking_region(tmp_path):
    pytest.importorskip("ema_workbench")
    rng = np.random.default_rng(6)
    x = pd.DataFrame({"x1": rng.random(400), "x2": rng.random(400), "x3": rng.random(400)})
    p_hold = np.where(x["x1"] > 0.7, 0.2, 0.9)
    folder = write_sweep(tmp_path / "d", x, p_hold, method="lhs", bounds={c: [0, 1] for c in x.columns})
    proc = run_analysis("discover", folder, "--out", tmp_path / "o")
    assert proc.returncode == 0, proc.stderr
    boxes = json.loads((tmp_path / "o" / "discover.json").read_text())["boxes"]
    first = boxes[0]
    assert set(first["limits"]) == {"x1"}
    assert first["limits"]["x1"]["lower"] == pytest.approx(0.7, abs=0.03) and first["limits"]["x1"]["upper"] is None
    assert first["coverage"] >= 0.9 and first["density"] >= 0.9
    assert "x1 ≥ 0.6" in proc.stdout or "x1 ≥ 0.7" in proc.stdout
    assert_image(tmp_path / "o" / "discover_tradeoff.png")
    assert_image(tmp_path / "o" / "discover_boxes.png")
    assert (tmp_path / "o" / "discover.md").exists()
    assert_documented(tmp_path / "o")


def test_discover_two_dimensional_region(tmp_path):
    pytest.importorskip("ema_workbench")
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"x1": rng.random(600), "x2": rng.random(600), "x3": rng.random(600)})
    breaks = (x["x1"] > 0.5) & (x["x2"] < 0.4)
    folder = write_sweep(tmp_path / "d2", x, np.where(breaks, 0.1, 0.95), method="lhs")
    from analysis import discover

    result = discover(folder, out=tmp_path / "o")
    box = result.boxes[0]
    assert set(box.limits) == {"x1", "x2"}
    assert box.coverage >= 0.85 and box.density >= 0.85


def test_discover_no_breaking_points(tmp_path):
    rng = np.random.default_rng(8)
    x = pd.DataFrame({"x1": rng.random(50)})
    folder = write_sweep(tmp_path / "n", x, np.full(50, 0.95))
    from analysis import discover

    result = discover(folder, out=tmp_path / "o")
    assert result.boxes == [] and "No point breaks" in result.markdown
    assert json.loads((tmp_path / "o" / "discover.json").read_text())["boxes"] == []


def test_failed_points_are_left_out(tmp_path):
    xs = np.linspace(0, 1, 11)
    errors = [None] * 11
    errors[3] = "numba: something went wrong"
    folder = write_sweep(tmp_path / "f", pd.DataFrame({"x1": xs}), 1 - xs, errors=errors)
    from analysis import sweep_plot

    result = sweep_plot(folder, out=tmp_path / "o")
    assert len(result.data) == 10 and "1 failed point" in result.text


# -- a multirun as a sweep --------------------------------------------------------------------
def test_multirun_as_sweep(multirun, tmp_path):
    from analysis import load_sweep, sweep_plot

    sweep = load_sweep(multirun)
    assert sweep.parameters == ["relations.RUS.CHN.counterintelligence"] and len(sweep.ok) == len(CI_VALUES)
    result = sweep_plot(multirun, out=tmp_path / "o")
    assert len(result.data) == len(CI_VALUES)
    assert_image(tmp_path / "o" / "sweep_relations.RUS.CHN.counterintelligence.png")


# -- bad input --------------------------------------------------------------------------------
def _bad(proc, *needles):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


class _Proc:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_inprocess(capsys, *args):
    """``python -m analysis ARGS`` in this process (the CLI's ``main``), as a CompletedProcess-like."""
    from analysis.cli import main

    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as stop:
        code = stop.code
    captured = capsys.readouterr()
    return _Proc(code, captured.out, captured.err)


def test_bad_inputs_exit_2_with_one_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    xs = np.linspace(0, 1, 11)
    folder = write_sweep(tmp_path / "s", pd.DataFrame({"x1": xs}), 1 - xs)
    before = tree(tmp_path)
    # the real command line, twice
    _bad(run_analysis("compare", tmp_path / "nope"), "nope", "no such folder")
    _bad(run_analysis("sweep", folder, "--x", "world.war"), "--x", "world.war", "allowed: x1")

    def bad(*args_and_needles):
        args = [a for a in args_and_needles if not isinstance(a, tuple)]
        needles = next((a for a in args_and_needles if isinstance(a, tuple)), ())
        _bad(run_inprocess(capsys, *args), *needles)

    bad("compare", empty, ("empty", "no run found"))
    bad("compare", folder, ("sweep.parquet",))
    bad("compare", folder / "sweep.json", ("not a folder",))
    bad("sweep", tmp_path / "nope", ("nope", "no such folder"))
    bad("sweep", empty, ("no sweep found",))
    bad("sweep", folder, "--y", "x1", ("--y",))
    bad("sweep", folder, "--threshold", "abc", ("--threshold",))
    bad("sensitivity", folder, "--method", "sobol", ("--method", "sobol"))
    bad("sensitivity", folder, "--method", "morris", ("--method",))
    bad("sensitivity", folder, ("at least 30 points",))
    bad("sensitivity", folder, "--resamples", "0", ("--resamples",))
    bad("discover", folder, "--threshold", "1.5", ("--threshold", "0 < value < 1"))
    bad("discover", folder, "--max-boxes", "x", ("--max-boxes",))
    bad("discover", empty, ("no sweep found",))
    bad("frobnicate", ("frobnicate",))
    bad()
    assert tree(tmp_path) == before  # nothing written


def test_unreadable_sweep_table(tmp_path, capsys):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "sweep.parquet").write_text("not parquet")
    _bad(run_inprocess(capsys, "sweep", folder), "sweep.parquet", "not a readable parquet")
    (folder / "sweep.parquet").unlink()
    pd.DataFrame({"point": [0, 1], "x1": [0.0, 1.0]}).to_parquet(folder / "sweep.parquet")
    _bad(run_inprocess(capsys, "sweep", folder), "no 'p_hold' column")
    assert tree(folder) == {"sweep.parquet"}


def test_bad_reference_and_scenario(multirun, tmp_path, capsys):
    _bad(run_inprocess(capsys, "compare", multirun, "--reference", "nosuch", "--out", tmp_path / "o"), "--reference", "nosuch", "allowed")
    _bad(run_inprocess(capsys, "sweep", multirun, "--scenario", "nosuch", "--out", tmp_path / "o"), "--scenario", "allowed: baseline")
    assert not (tmp_path / "o").exists()


def test_sobol_sweep_of_wrong_length(tmp_path, capsys):
    pytest.importorskip("SALib")
    problem = {"num_vars": 2, "names": ["x1", "x2"], "bounds": [[0, 1]] * 2}
    rng = np.random.default_rng(9)
    x = pd.DataFrame(rng.random((13, 2)), columns=["x1", "x2"])
    folder = write_sweep(tmp_path / "w", x, x["x1"].to_numpy(), method="sobol",
                         extra_meta={"calc_second_order": True, "problem": problem})
    _bad(run_inprocess(capsys, "sensitivity", folder, "--out", tmp_path / "o"), "not a multiple of 6")
    assert not (tmp_path / "o").exists()
