"""Batched sweeps: designs, agreement with single runs, resume, failures, shards, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

import sim
from sim.kernels.layout import D_COUNTERINTELLIGENCE
from sim.app import EXIT_BAD_INPUT, main
from sim.evaluate import evaluate
from sim.errors import ConfigError
from sim.sweep import parse_sweep, run_sweep
from sim.sweep.design import design, n_points
from tests.conftest import ROOT, run_cli

SHORT = ["horizon_months=24"]
CI_PATH = "relations.RUS.CHN.counterintelligence"


def _spec(method="lhs", **kw):
    params = kw.pop("parameters", {"relations": {"RUS": {"CHN": {"counterintelligence": [0.2, 0.95]}}},
                                   "dynamics": {"w_trust": [0.5, 5.0]}})
    return parse_sweep({"method": method, "parameters": params, **kw})


@pytest.fixture(scope="module")
def config():
    return sim.load_config("baseline", ["replications=40", *SHORT])


# -- designs ---------------------------------------------------------------------------------
def test_designs_have_their_size_and_stay_in_bounds():
    lhs = _spec("lhs", points=32)
    x = design(lhs, seed=1)
    assert x.shape == (32, 2) == (n_points(lhs), 2)
    assert (x[:, 0] >= 0.2).all() and (x[:, 0] <= 0.95).all() and (x[:, 1] >= 0.5).all() and (x[:, 1] <= 5).all()
    # Latin hypercube: one point in each of the 32 strata of every axis
    strata = np.floor((x[:, 0] - 0.2) / 0.75 * 32).astype(int)
    assert sorted(strata) == list(range(32))
    assert np.array_equal(design(lhs, seed=1), x) and not np.array_equal(design(lhs, seed=2), x)
    sobol = _spec("sobol", points=16)
    assert design(sobol, seed=0).shape == (16 * 4, 2) == (n_points(sobol), 2)
    assert n_points(_spec("sobol", points=16, calc_second_order=True)) == 16 * 6
    grid = _spec("grid", levels=3, parameters={"world": {"war": {"values": [0.0, 0.5]}}, "dynamics": {"w_trust": [1, 3]}})
    assert design(grid, 0).tolist() == [[0.0, 1.0], [0.0, 2.0], [0.0, 3.0], [0.5, 1.0], [0.5, 2.0], [0.5, 3.0]]


# -- a sweep point is the single run with those values ----------------------------------------
def test_point_equals_single_run(config, tmp_path):
    out = run_sweep(config, _spec("lhs", points=4), folder=tmp_path / "s")
    assert out.complete and len(out.table) == 4
    for _, row in out.table.iloc[:2].iterrows():
        res = sim.run("baseline", ["replications=40", *SHORT, f"{CI_PATH}={row[CI_PATH]!r}",
                                   f"dynamics.w_trust={row['dynamics.w_trust']!r}"], progress=False)
        s = res.summary()
        assert row["p_hold"] == pytest.approx(s["p_hold"], abs=1e-6)
        assert [row["p_hold_lo"], row["p_hold_hi"]] == pytest.approx(s["p_hold_ci"], abs=1e-6)
        assert row["index_median"] == pytest.approx(s["partnership_index"]["median"], abs=1e-6)
        assert row["index_q05"] == pytest.approx(s["partnership_index"]["q05"], abs=1e-6)
        expected = s["median_rupture_month"]
        assert (np.isnan(row["median_rupture_month"]) if expected is None else row["median_rupture_month"] == expected)
        assert row["n_replications"] == 40 and pd.isna(row["error"])


def test_point_outcomes_equal_those_of_the_whole_trajectories(config, tmp_path):
    """The sweep's core records the horizon alone and tracks the pair's rupture as it runs;
    every outcome column equals, bit for bit, what the whole recorded trajectories of the
    same point give (pair index every month, first rupture, horizon state)."""
    from sim.compile import compile_model
    from sim.engines.numba_core import run_draw
    from sim.kernels.reduce import pair_index
    from sim.outcomes import holds, median_rupture_month, rupture_month

    out = run_sweep(config, _spec("lhs", points=3), folder=tmp_path / "s")
    for _, row in out.table.iterrows():
        point = sim.load_config("baseline", ["replications=40", *SHORT, f"{CI_PATH}={row[CI_PATH]!r}",
                                             f"dynamics.w_trust={row['dynamics.w_trust']!r}"])
        model = compile_model(point)
        traj = run_draw(model, model.draw(np.arange(40, dtype=np.int64)))
        a, b = (model.roster.index(code) for code in point.outcome.pair)
        index = np.empty(traj.dyad.shape[:2])
        pair_index(traj.dyad, a, b, index)
        at = rupture_month(index, point.outcome.rupture_threshold, point.outcome.rupture_months)
        trust, support = traj.variable("trust")[:, -1], traj.variable("support")[:, -1]
        A, B = point.outcome.pair
        assert row["p_hold"] == holds(at).mean() and row["index_median"] == np.median(index[:, -1])
        assert row["index_q95"] == np.quantile(index[:, -1], 0.95)
        expected = median_rupture_month(at)
        assert (np.isnan(row["median_rupture_month"]) if expected is None else row["median_rupture_month"] == expected)
        assert [row[f"final_trust.{B}.{A}"], row[f"final_trust.{A}.{B}"], row[f"final_support.{A}.{B}"],
                row[f"final_support.{B}.{A}"]] == [np.median(trust[:, b, a]), np.median(trust[:, a, b]),
                                                   np.median(support[:, a, b]), np.median(support[:, b, a])]
    assert 0 < out.table["p_hold"].mean() < 1  # the points are not all alike (the check has something to compare)


def test_results_do_not_depend_on_chunking(config, tmp_path):
    spec = _spec("lhs", points=6)
    big = run_sweep(config, spec, folder=tmp_path / "big").table
    small = run_sweep(config.model_copy(update={"batch_size": 7}), spec, folder=tmp_path / "small").table
    pd.testing.assert_frame_equal(big, small)
    assert len(list((tmp_path / "small" / "chunks").glob("*.parquet"))) == 6  # one point per chunk


def test_common_random_numbers_across_points(config, tmp_path):
    """Two points with the same values give identical outcomes (same draws), a third differs."""
    spec = _spec("grid", parameters={"relations": {"RUS": {"CHN": {"counterintelligence": {"values": [0.5, 0.5, 0.95]}}}}})
    table = run_sweep(config, spec, folder=tmp_path / "g").table
    cols = ["p_hold", "index_median", "final_trust.RUS.CHN"]
    assert table.loc[0, cols].tolist() == table.loc[1, cols].tolist()
    assert table.loc[2, "final_trust.RUS.CHN"] < table.loc[0, "final_trust.RUS.CHN"]


# -- failures are recorded, others run --------------------------------------------------------
def test_invalid_point_is_recorded_and_others_run(config, tmp_path):
    # RUS's dependency shares: CHN up to 0.8 by default; pushing it up breaks the sum <= 1 rule
    spec = _spec("grid", parameters={"relations": {"RUS": {"CHN": {"dependency": {"values": [0.3, 0.99]}}}}})
    table = run_sweep(config, spec, folder=tmp_path / "f").table
    assert pd.isna(table.loc[0, "error"]) and table.loc[0, "n_replications"] == 40
    assert "dependency shares sum" in table.loc[1, "error"] and np.isnan(table.loc[1, "p_hold"])


def test_crashing_point_is_isolated(config, tmp_path, monkeypatch):
    import sim.engines.numba_core as core

    real = core.run_draw

    def flaky(model, draw, *buffers):
        if np.any(draw.dyad[:, D_COUNTERINTELLIGENCE, 1, 0] > 0.9):  # counterintelligence RUS->CHN
            raise RuntimeError("boom")
        return real(model, draw, *buffers)

    monkeypatch.setattr(core, "run_draw", flaky)
    spec = _spec("grid", parameters={"relations": {"RUS": {"CHN": {"counterintelligence": {"values": [0.3, 0.95, 0.5]}}}}})
    table = run_sweep(config, spec, folder=tmp_path / "c").table
    assert table["error"].tolist()[1] == "RuntimeError: boom"
    assert table.loc[[0, 2], "error"].isna().all() and table.loc[[0, 2], "p_hold"].notna().all()


# -- kill and resume --------------------------------------------------------------------------
def test_kill_and_resume_loses_and_duplicates_nothing(tmp_path):
    # batch_size = replications: one point per kernel call, CHUNK_BATCHES points per chunk
    args = ["sweep=lhs", "sweep.points=200", "replications=20", "batch_size=20", "horizon_months=36"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    work = tmp_path / "killed"
    work.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(work.glob("sweeps/*/chunks/points-*.parquet"))) < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = sorted(p.name for p in work.glob("sweeps/*/chunks/points-*.parquet"))
    assert 3 <= len(before) < 25 and not list(work.glob("sweeps/*/sweep.parquet"))
    # a torn write (the temp file of the killed process) and a corrupt chunk are cleaned up and redone
    from sim.atomic import _HOST

    chunks = next(work.glob("sweeps/*/chunks"))
    (chunks / f".points-0000999-0000999.parquet.{_HOST}.{proc.pid}.abc.tmp").write_bytes(b"partial")
    (chunks / before[-1]).write_bytes(b"not parquet")
    resumed = run_cli(args, cwd=work)
    assert resumed.returncode == 0, resumed.stderr
    from sim.sweep.run import CHUNK_BATCHES

    assert f"{(len(before) - 1) * CHUNK_BATCHES} resumed" in resumed.stdout
    table = pd.read_parquet(next(work.glob("sweeps/*/sweep.parquet")))
    assert table["point"].tolist() == list(range(200)) and table["error"].isna().all()
    assert not list(chunks.glob(".*.tmp"))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert run_cli(args, cwd=fresh).returncode == 0
    pd.testing.assert_frame_equal(table, pd.read_parquet(next(fresh.glob("sweeps/*/sweep.parquet"))))
    again = run_cli(args, cwd=work)  # a finished sweep: nothing recomputed
    assert "0 evaluated now, 200 resumed" in again.stdout


# -- the command line -------------------------------------------------------------------------
def test_error_column_is_typed_string(config, tmp_path):
    """All-None errors still make a string column (not Parquet's null type)."""
    import pyarrow.parquet as pq

    out = run_sweep(config, _spec("lhs", points=2), folder=tmp_path / "t")
    assert out.table["error"].isna().all()
    assert str(pq.read_schema(tmp_path / "t" / "sweep.parquet").field("error").type) in ("string", "large_string")


def test_cli_lhs_sweep_of_64_points(tmp_path):
    proc = run_cli(["sweep=lhs", "sweep.points=64", "replications=20", *SHORT], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (folder,) = tmp_path.glob("sweeps/lhs-*")
    table = pd.read_parquet(folder / "sweep.parquet")
    meta = json.loads((folder / "sweep.json").read_text())
    assert len(table) == 64 == meta["n_points"] and table["point"].tolist() == list(range(64))
    assert meta["complete"] and meta["method"] == "lhs" and meta["replications"] == 20
    for path, (lo, hi) in meta["parameters"].items():
        assert table[path].between(lo, hi).all()
    assert (folder / ".hydra" / "config.yaml").exists()  # Hydra's record sits with the results
    from PIL import Image

    (png,) = (folder / "figures").glob("sweep_*.png")
    with Image.open(png) as image:  # a real picture with something drawn on it
        assert image.size[0] > 600 and len(np.unique(np.asarray(image.convert("L")))) > 20
    assert not (tmp_path / "outputs").exists()


def test_cli_parameters_on_the_command_line_replace_the_files(tmp_path):
    proc = run_cli(["sweep=grid", "sweep.levels=3", "replications=10", *SHORT,
                    "sweep.parameters.world.war=[0.0,1.0]", "sweep.parameters.dynamics.w_trust={values:[1.0,4.0]}"],
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = pd.read_parquet(next(tmp_path.glob("sweeps/grid-*/sweep.parquet")))
    assert [c for c in table.columns if "." in c and not c.startswith("final_")] == ["world.war", "dynamics.w_trust"]
    assert len(table) == 6


def test_cli_sharded_multirun_completes_the_sweep(tmp_path):
    args = ["sweep=lhs", "sweep.points=6", "replications=10", *SHORT, "sweep.shards=2"]
    proc = run_cli(["-m", "hydra/launcher=basic", *args, "sweep.shard=0,1"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    sharded = pd.read_parquet(next(tmp_path.glob("sweeps/lhs-*/sweep.parquet")))
    whole = tmp_path / "whole"
    whole.mkdir()
    assert run_cli(["sweep=lhs", "sweep.points=6", "replications=10", *SHORT], cwd=whole).returncode == 0
    pd.testing.assert_frame_equal(sharded, pd.read_parquet(next(whole.glob("sweeps/lhs-*/sweep.parquet"))))


def test_shards_merge_when_the_last_finishes(config, tmp_path):
    spec = _spec("lhs", points=5, shards=2, shard=0)
    first = run_sweep(config, spec, folder=tmp_path / "sh")
    assert not first.complete and first.evaluated == 3
    second = run_sweep(config, spec.model_copy(update={"shard": 1}), folder=tmp_path / "sh")
    assert second.complete and second.table["point"].tolist() == list(range(5))


SWEEP_BAD = [
    (["sweep=nope"], "sweep: unknown sweep 'nope'; allowed: grid, lhs, sobol"),
    (["sweep.points=3"], "sweep.points: no sweep selected; add sweep=grid"),
    (["sweep=lhs", "sweep.points=0"], "sweep.points: Input should be greater than or equal to 1"),
    (["sweep=lhs", "sweep.method=random"], "sweep.method: allowed: 'grid', 'lhs' or 'sobol'"),
    (["sweep=lhs", "sweep.parameters.dynamics.w_trust=[1,30]"], "sweep.parameters.dynamics.w_trust: [1, 30] is out of range; allowed [0, 20]"),
    (["sweep=lhs", "sweep.parameters.dynamics.w_trust=[3,1]"], "sweep.parameters.dynamics.w_trust: empty range"),
    (["sweep=lhs", "sweep.parameters.dynamics.nope=[0,1]"], "sweep.parameters.dynamics.nope: unknown field 'nope' of dynamics"),
    (["sweep=lhs", "sweep.parameters.relations.RUS.XYZ.trust=[0,1]"], "sweep.parameters.relations.RUS.XYZ.trust: unknown actor 'XYZ'"),
    (["sweep=lhs", "sweep.parameters.world.war={values:[0,1]}"], "sweep.parameters: lists of values need method grid"),
    (["sweep=lhs", "sweep.colour=red"], "sweep.colour: unknown key; allowed: method, points"),
    (["sweep=lhs", "sweep.shards=2", "sweep.shard=2"], "sweep.shard: 2 is not below shards=2"),
    (["sweep=lhs", "engine=mesa"], "engine: batched sweeps run on the numba core; allowed: numba"),
    (["sweep=sobol", "sweep.parameters.world.war=[0,1]"], "sweep.parameters: a sobol design needs at least 2 parameters"),
]


@pytest.mark.parametrize(("overrides", "expected"), SWEEP_BAD, ids=[" ".join(o) for o, _ in SWEEP_BAD])
def test_bad_sweep_input(overrides, expected, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(overrides)
    assert exit_info.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and expected in err, err
    assert list(tmp_path.iterdir()) == []


def test_sweep_dir_holding_another_sweep_is_refused(tmp_path, monkeypatch, capsys):
    other = tmp_path / "mine"
    other.mkdir()
    (other / "sweep.json").write_text(json.dumps({"digest": "0123456789ab"}))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["sweep=lhs", f"sweep.dir={other}"])
    err = capsys.readouterr().err
    assert "sweep.dir:" in err and "holds another sweep" in err
    assert sorted(p.name for p in other.iterdir()) == ["sweep.json"]


# -- evaluate(**params) ------------------------------------------------------------------------
def test_evaluate_is_a_sweep_point(config, tmp_path):
    spec = _spec("grid", parameters={"relations": {"RUS": {"CHN": {"counterintelligence": {"values": [0.7]}}}}})
    row = run_sweep(config, spec, folder=tmp_path / "e").table.iloc[0]
    got = evaluate(replications=40, overrides=SHORT, **{CI_PATH: 0.7})
    same = evaluate(replications=40, overrides=SHORT, relations__RUS__CHN__counterintelligence=0.7)
    assert got == same
    assert got["p_hold"] == row["p_hold"] and got["index_median"] == row["index_median"]
    assert "error" not in got and set(got) >= {"p_hold", "p_hold_lo", "p_hold_hi", "median_rupture_month"}


@pytest.mark.parametrize(("params", "expected"), [
    ({"dynamics__w_trust": 25.0}, "dynamics.w_trust: 25 is out of range; allowed [0, 20]"),
    ({"dynamics__w_trust": float("nan")}, "dynamics.w_trust: nan is not a finite number"),
    ({"actors__XYZ__capability": 0.5}, "actors.XYZ.capability: unknown actor 'XYZ'"),
])
def test_evaluate_bad_input(params, expected):
    with pytest.raises(ConfigError) as err:
        evaluate(replications=5, overrides=SHORT, **params)
    assert expected in str(err.value)


@pytest.mark.parametrize("paths, values", [
    (["relations.RUS.CHN.counterintelligence", "dynamics.w_trust"], [[0.5, 2.0], [1.5, 2.0], [0.5, 99.0]]),
    (["dynamics.type_change_rate", "dynamics.reliable_share"], [[0.01, 0.5], [2.0, 0.5], [0.01, -0.2]]),
    (["relations.RUS.CHN.dependency"], [[0.3], [0.99]]),
    (["actors.CHN.capability", "world.war"], [[0.5, 0.2], [7.0, 0.2], [0.5, -1.0]]),
    (["relations.USA.TWN.trust", "relations.CHN.RUS.espionage"], [[0.5, 0.1], [-1.0, 0.1], [0.5, 3.0]]),
])
def test_point_check_by_section_equals_whole_validation(config, paths, values):
    """Points are validated section by section (fast); the verdict and message must be
    those of validating the whole configuration."""
    from pydantic import ValidationError

    from sim.config.messages import from_validation_error
    from sim.config.schema import SimConfig
    from sim.config.targets import resolve_target
    from sim.sweep.points import PointEvaluator, _with_values

    roster = list(config.actors)
    evaluator = PointEvaluator.build(config, paths, [resolve_target(p, roster, p) for p in paths])
    verdicts = []
    for row in values:
        try:
            SimConfig.model_validate(_with_values(evaluator.dump, paths, row))
            whole = None
        except ValidationError as err:
            whole = str(from_validation_error(err, SimConfig))
        assert evaluator.check(np.array(row)) == whole
        verdicts.append(whole is None)
    assert verdicts[0] and not all(verdicts)  # both outcomes exercised
