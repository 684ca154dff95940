"""The command line end to end: files in Hydra's run folder, readable in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sim.progress import COMPILE_MESSAGE
from tests.conftest import COLD_RUN_ARGS, COLD_RUN_ENV, COLD_RUN_RECORD, ROOT, run_cli

SUMMARY_KEYS = {"p_hold", "p_hold_ci", "median_rupture_month", "partnership_index", "final_trust",
                "final_support", "blocs", "seed", "replications", "scenario", "version"}


def test_taiwan_drones_run_writes_everything(tmp_path):
    proc = run_cli(["scenario=taiwan_drones", "replications=60"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "P(CHN-RUS partnership holds)" in proc.stdout
    (run_dir,) = [p.parent for p in tmp_path.glob("outputs/*/*/summary.json")]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert SUMMARY_KEYS <= set(summary)
    assert summary["scenario"] == "taiwan_drones" and summary["replications"] == 60
    assert 0 <= summary["p_hold_ci"][0] <= summary["p_hold"] <= summary["p_hold_ci"][1] <= 1
    assert set(summary["final_trust"]["RUS"]) == {"CHN", "UKR", "USA", "NATO", "PRK", "TWN"}
    reps = pd.read_parquet(run_dir / "replications.parquet")
    assert len(reps) == 60 and "relations.RUS.CHN.dependency" in reps
    traj = pd.read_parquet(run_dir / "trajectories.parquet")
    assert {"variable", "source", "target", "month", "date", "q05", "q50", "q95"} <= set(traj)
    assert (traj["q05"] <= traj["q50"]).all() and (traj["q50"] <= traj["q95"]).all()
    assert len(pd.read_parquet(run_dir / "partnership.parquet")) == 61
    assert (run_dir / ".hydra" / "config.yaml").is_file()
    for name in ("partnership_index", "survival", "trust_network"):
        with Image.open(run_dir / "figures" / f"{name}.png") as img:
            assert img.size[0] > 500 and img.size[1] > 300
            assert np.unique(np.asarray(img.convert("L"))).size > 10  # not a blank canvas
        assert (run_dir / "figures" / f"{name}.pdf").stat().st_size > 1000


def test_multirun_sweeps_scenarios_and_relations(tmp_path):
    proc = run_cli(["-m", "scenario=baseline,taiwan_drones", "relations.RUS.CHN.counterintelligence=0.2,0.8",
                    "replications=20", "horizon_months=12", "output.figures=false", "hydra/launcher=basic"],
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    summaries = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("multirun/*/*/*/summary.json"))]
    assert len(summaries) == 4
    assert {s["scenario"] for s in summaries} == {"baseline", "taiwan_drones"}


# -- Hydra as Hydra users expect ------------------------------------------------------------------
def test_cfg_job_shows_the_full_resolved_config(tmp_path):
    import yaml

    from sim.config.schema import Dynamics, Mechanisms, Output, SimConfig

    proc = run_cli(["world.war=0.3", "relations.RUS.CHN.trust=[0.2,0.4]", "--cfg", "job"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    shown = yaml.safe_load(proc.stdout)
    assert shown["world"]["war"]["value"] == 0.3
    assert shown["relations"]["RUS"]["CHN"]["trust"]["low"] == 0.2
    assert set(SimConfig.model_fields) - {"scenarios"} <= set(shown)  # every schema key, defaults included
    for section, model in (("dynamics", Dynamics), ("mechanisms", Mechanisms), ("output", Output)):
        assert set(shown[section]) == set(model.model_fields)
    assert shown["objective"] == "p_hold"
    assert os.listdir(tmp_path) == []
    package = run_cli(["world.war=0.3", "--cfg", "job", "--package", "world.war"], cwd=tmp_path)
    assert yaml.safe_load(package.stdout)["value"] == 0.3
    hydra = run_cli(["world.war=0.3", "--cfg", "hydra"], cwd=tmp_path)
    assert hydra.returncode == 0 and "run:" in hydra.stdout, hydra.stderr


def test_help_has_the_projects_header(tmp_path):
    proc = run_cli(["--help"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("alliance-sim: ")
    assert "python -m sim.catalog scenarios" in proc.stdout and "powered by Hydra" not in proc.stdout


def test_shell_completion_installs_and_answers(tmp_path):
    install = run_cli(["--shell-completion", "install=bash"], cwd=tmp_path)
    assert install.returncode == 0 and "hydra_bash_completion" in install.stdout, install.stderr
    query = run_cli(["-sc", "query=bash"], cwd=tmp_path, env={"COMP_LINE": "python -m sim relations.RUS.CHN.tr"})
    assert query.returncode == 0, query.stderr
    assert "relations.RUS.CHN.trust" in query.stdout
    scenarios = run_cli(["-sc", "query=bash"], cwd=tmp_path, env={"COMP_LINE": "alliance-sim scenario=taiwan_d"})
    assert scenarios.stdout.split() == ["scenario=taiwan_drones"]


def test_overrides_are_recorded_as_typed(tmp_path):
    typed = ["replications=10", "horizon_months=6", "output.figures=false", "relations.RUS.CHN.trust=[0.2,0.4]",
             "world.war=0.5"]
    proc = run_cli(typed, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (run_dir,) = [p.parent for p in tmp_path.glob("outputs/*/*/summary.json")]
    assert json.loads((run_dir / "summary.json").read_text())["overrides"] == typed
    assert yaml_list(run_dir / ".hydra" / "overrides.yaml") == typed
    import yaml

    record = yaml.safe_load((run_dir / ".hydra" / "hydra.yaml").read_text())["hydra"]
    assert record["overrides"]["task"] == typed and "++" not in record["job"]["override_dirname"]


def test_a_run_composed_once_records_what_hydra_main_records(tmp_path):
    """A plain run is composed once (``sim.config.job``); the same run through ``hydra.main``
    (taken when ``hydra.mode`` is given) writes the same ``.hydra/`` files and results."""
    typed = ["scenario=taiwan_drones", "replications=10", "horizon_months=13", "output.figures=false",
             "relations.RUS.CHN.trust=[0.2,0.4]"]
    for folder, extra in (("run_once", []), ("run_main", ["hydra.mode=RUN"])):
        proc = run_cli([*typed, f"hydra.run.dir={folder}", *extra], cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr

    def record(folder: str, name: str) -> str:
        return (tmp_path / folder / ".hydra" / name).read_text().replace(folder, "<run>")

    for name in ("config.yaml", "hydra.yaml", "overrides.yaml"):
        assert record("run_once", name) == record("run_main", name), name
    assert (tmp_path / "run_once" / "summary.json").read_text() == (tmp_path / "run_main" / "summary.json").read_text()


@pytest.mark.parametrize("figures", [False, True])
def test_a_run_imports_only_what_it_uses(tmp_path, figures):
    """matplotlib only when figures are drawn; never Mesa on the numba engine, nor xarray
    and dask (the NetCDF file is written with h5netcdf), nor the analysis package."""
    script = ("import sys; from sim.app import main; main(sys.argv[1:]); "
              "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    args = ["scenario=baseline", "replications=10", "horizon_months=3", f"output.figures={str(figures).lower()}",
            "hydra.run.dir=out"]
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=600)
    assert proc.returncode == 0, proc.stderr
    imported = set(proc.stdout.splitlines()[-1].split())
    assert (tmp_path / "out" / "summary.json").is_file() and {"numba", "hydra", "pandas", "h5netcdf"} <= imported
    assert ("matplotlib" in imported) == figures
    assert not imported & {"mesa", "xarray", "dask", "distributed", "analysis"}


def test_the_quick_exit_runs_exit_handlers_and_flushes(tmp_path):
    """``python -m sim`` ends with ``os._exit`` after a run (``sim.__main__``): exit handlers
    registered during the process still run, and the report reaches stdout."""
    script = ("import atexit, pathlib, sys; import sim.__main__ as cli; "
              "atexit.register(lambda: pathlib.Path('handled').write_text('yes')); "
              "sys.argv = ['sim', *sys.argv[1:]]; cli.main(); print('not reached')")
    args = ["replications=10", "horizon_months=3", "output.figures=false", "hydra.run.dir=out"]
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "handled").read_text() == "yes"
    assert proc.stdout.rstrip().endswith(f"results: {tmp_path / 'out'}") and "not reached" not in proc.stdout


def test_multirun_records_are_as_typed(tmp_path):
    import yaml

    typed = ["relations.RUS.CHN.trust=[0.2,0.4],[0.5,0.6]", "replications=5", "horizon_months=3",
             "output.figures=false", "output.trajectories=false"]
    proc = run_cli(["-m", "hydra/launcher=basic", *typed], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (multirun,) = tmp_path.glob("multirun/*/*/multirun.yaml")
    assert yaml.safe_load(multirun.read_text())["hydra"]["overrides"]["task"] == typed
    jobs = sorted(multirun.parent.glob("*/.hydra/overrides.yaml"))
    assert [yaml_list(p)[0] for p in jobs] == ["relations.RUS.CHN.trust=[0.2,0.4]", "relations.RUS.CHN.trust=[0.5,0.6]"]
    assert all(not o.startswith(("~", "+")) for p in jobs for o in yaml_list(p))


def yaml_list(path):
    import yaml

    return yaml.safe_load(path.read_text())


def test_optuna_sweeper_runs_trials_on_an_objective(tmp_path):
    """Hydra's Optuna sweeper as shipped: a float objective per trial, in-memory storage."""
    import yaml

    pytest.importorskip("hydra_plugins.hydra_optuna_sweeper")
    proc = run_cli(["-m", "hydra/sweeper=optuna", "hydra/launcher=basic", "hydra.sweeper.n_trials=3",
                    "hydra.sweeper.n_jobs=1", "hydra.sweeper.direction=minimize", "hydra.sweeper.sampler.seed=1",
                    "relations.RUS.CHN.counterintelligence=interval(0.2,0.95)", "objective=partnership_index.median",
                    "replications=10", "horizon_months=6", "output.figures=false", "output.trajectories=false"],
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (result,) = tmp_path.glob("multirun/*/*/optimization_results.yaml")
    best = yaml.safe_load(result.read_text())
    summaries = [json.loads(p.read_text()) for p in result.parent.glob("*/summary.json")]
    assert len(summaries) == 3
    values = [s["partnership_index"]["median"] for s in summaries]
    assert best["best_value"] == pytest.approx(min(values))
    assert list(best["best_params"]) == ["relations.RUS.CHN.counterintelligence"]  # as typed
    assert 0.2 <= best["best_params"]["relations.RUS.CHN.counterintelligence"] <= 0.95


def test_interval_without_optuna_is_one_line(tmp_path):
    proc = run_cli(["-m", "relations.RUS.CHN.trust=interval(0.2,0.4)"], cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "hydra/sweeper=optuna" in proc.stderr


# -- what exists -----------------------------------------------------------------------------------
def test_catalog_lists_scenarios_parameters_and_mechanisms(tmp_path):
    from sim.catalog import main as catalog
    from sim.config.compose import available_scenarios, read_scenario
    from sim.config.schema import Dynamics, Mechanisms

    import subprocess
    import sys

    def listing(what):
        out = subprocess.run([sys.executable, "-m", "sim.catalog", what, "--format", "csv"], cwd=tmp_path,
                             capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert out.returncode == 0, out.stderr
        import csv

        return list(csv.DictReader(out.stdout.splitlines()))

    scenarios = {r["scenario"]: r for r in listing("scenarios")}
    assert set(scenarios) == set(available_scenarios())
    for name, path in available_scenarios().items():
        assert scenarios[name]["question"] == read_scenario(name, path)["scenarios"][name]["question"]
    parameters = {r["parameter"]: r for r in listing("parameters")}
    assert {f"dynamics.{f}" for f in Dynamics.model_fields} <= set(parameters)
    assert parameters["dynamics.balance_rate"]["unit"] == "1/month"
    assert parameters["relations.<A>.<B>.trust"]["range"] == "[0, 1]"
    assert parameters["world.war"]["evidence"] == "F10 F25"
    assert {r["switch"] for r in listing("mechanisms")} == {f"mechanisms.{m}" for m in Mechanisms.model_fields}
    assert callable(catalog)


@pytest.mark.parametrize("module", [["sim.catalog", "parameters"], ["sim.provenance", "--all"]])
def test_piping_into_head_ends_quietly(module, tmp_path):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", *module], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err and "BrokenPipe" not in err, err


# -- feedback on long work -----------------------------------------------------------------------
def test_cold_cache_says_compiling_and_logs_progress_lines(tmp_path):
    """Not a terminal: a line every few seconds (here 0.01 s) and, with a cold cache, one
    line saying the model compiles; a warm cache does not repeat it; it compiles only the
    form of the O(N^3) terms its roster uses. Under xdist the cold run is the session's
    warm-up (tests/conftest.py: the same command, recorded)."""
    env = dict(COLD_RUN_ENV)
    if os.environ.get(COLD_RUN_RECORD):
        cold = json.loads(Path(os.environ[COLD_RUN_RECORD]).read_text())
        returncode, stderr, compiled = cold["returncode"], cold["stderr"], cold["compiled"]
    else:
        fresh = tmp_path / "numba"
        fresh.mkdir(mode=0o700)
        env["NUMBA_CACHE_DIR"] = str(fresh)
        cold = run_cli(list(COLD_RUN_ARGS), cwd=tmp_path, env=env)
        returncode, stderr = cold.returncode, cold.stderr
        compiled = sorted(path.name for path in fresh.glob("*/*/*.nbi"))
    assert returncode == 0, stderr
    assert COMPILE_MESSAGE in stderr.splitlines()[0]
    assert any(line.startswith("numba ensemble: ") and " rep (" in line for line in stderr.splitlines())
    # 7 actors: the O(N^3) terms across the lanes only (sim.kernels.lanes.lanewise); the
    # lane-by-lane form is not compiled
    across = [name for name in compiled if "_across_lanes" in name]
    assert len(across) == 3 and not [name for name in compiled if "_by_lane" in name], compiled
    warm = run_cli(list(COLD_RUN_ARGS), cwd=tmp_path, env=env)
    assert warm.returncode == 0 and "compiling the model" not in warm.stderr
