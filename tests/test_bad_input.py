"""Bad input: one line naming the key and what is allowed, exit status 2, nothing written.

The corpus runs in-process through ``sim.app.main`` (fast); a few cases also run as a
real subprocess to check the exit status and that no traceback reaches the user. One
table per class of bad input (issue 14 §2), each with more cases than the issue lists;
data files (scenarios, rosters) are built in a folder outside the working folder.
"""

from __future__ import annotations

import os
import pickle
import time

import pytest

import sim
from sim.app import EXIT_BAD_INPUT, main
from sim.config.schema import SimConfig
from sim.errors import ConfigError
from tests.conftest import run_cli

EVENT_OK = "effects:[{target:world.war,value:0}]"

CORPUS = [
    # (overrides, expected text in the one-line message)
    (["scenario=nope"], "scenario: unknown scenario 'nope'; allowed: "),
    (["scenario=[baseline,nope]"], "scenario: unknown scenario 'nope'"),
    (["roster=nope"], "roster: unknown roster 'nope'; allowed: "),
    (["actors.XYZ.capability=0.5"], "actors.XYZ: unknown actor 'XYZ'; allowed: CHN, RUS"),
    (["relations.RUS.XYZ.trust=0.5"], "relations.RUS.XYZ: unknown actor 'XYZ'"),
    (["relations.XYZ.RUS.trust=0.5"], "relations.XYZ: unknown actor 'XYZ'"),
    (["relations.RUS.RUS.trust=0.5"], "relations.RUS.RUS: an actor has no relation with itself"),
    (["actors.CHN.charisma=0.5"], "actors.CHN.charisma: unknown key; allowed: name, capability"),
    (["relations.RUS.CHN.love=1"], "relations.RUS.CHN.love: unknown key; allowed: trust, support"),
    (["relations.RUS.CHN.trust=1.5"], "relations.RUS.CHN.trust: 1.5 is out of range; allowed [0, 1]"),
    (["relations.RUS.CHN.trust=-0.1"], "relations.RUS.CHN.trust: -0.1 is out of range; allowed [0, 1]"),
    (["relations.RUS.CHN.trust=[-0.2,0.1]"], "relations.RUS.CHN.trust: [-0.2, 0.1] is out of range"),
    (["relations.RUS.CHN.trust=[0.8,0.2]"], "relations.RUS.CHN.trust: empty range: low 0.8 > high 0.2"),
    (["relations.RUS.CHN.trust=[0.2,0.5,0.8]"], "relations.RUS.CHN.trust: a range is [low, high]"),
    (["relations.RUS.CHN.trust=nan"], "relations.RUS.CHN.trust: must be a finite number (got nan)"),
    (["relations.RUS.CHN.trust={value:0.5,evidence:[F99]}"], "unknown evidence id 'F99'; allowed: F1..F28"),
    (["actors.CHN.capability=abc"], "actors.CHN.capability: expected a number"),
    (["actors.CHN.capability={low:0.9}"], "actors.CHN.capability: a range needs both low and high"),
    (["relations.RUS.CHN.dependency=0.95"], "relations.RUS: dependency shares sum to up to 1.05; allowed: at most 1"),
    (["dynamics.reliable_share=1.5"], "dynamics.reliable_share: 1.5 is out of range; allowed [0, 1]"),
    (["replications=0"], "replications: Input should be greater than or equal to 1"),
    (["replications=abc"], "replications: Input should be a valid integer"),
    (["replications=1.5"], "replications: Input should be a valid integer"),
    (["seed=-1"], "seed: Input should be greater than or equal to 0"),
    (["horizon_months=0"], "horizon_months: Input should be greater than or equal to 1"),
    (["batch_size=0"], "batch_size: Input should be greater than or equal to 1"),
    (["start=2025-13"], "start: String should match pattern"),
    (["engine=gpu"], "engine: allowed: 'numba' or 'mesa'"),
    (["mechanisms.trust=maybe"], "mechanisms.trust: Input should be a valid boolean"),
    (["mechanisms.telepathy=false"], "mechanisms.telepathy: unknown key; allowed: types, threat, conflict"),
    (["outcome.pair=[CHN,XYZ]"], "outcome.pair.1: unknown actor 'XYZ'"),
    (["outcome.pair=[CHN,CHN]"], "outcome.pair: needs two different actors"),
    (["outcome.pair=[CHN]"], "outcome.pair: too few items (item 1 missing)"),
    (["outcome.rupture_threshold=1"], "outcome.rupture_threshold: Input should be less than 1"),
    (["outcome.rupture_threshold=0"], "outcome.rupture_threshold: Input should be greater than 0"),
    (["+unknown=1"], "unknown: unknown key; allowed: "),
    (["unknown=1"], "unknown: unknown key; allowed: "),
    (["seed"], "seed: an override is key=value"),
    (["~actors"], "actors: required but missing"),
    ([f"+events.bad={{month:-1,{EVENT_OK}}}"], "events.bad.month: Input should be greater than or equal to 1"),
    ([f"+events.bad={{month:61,{EVENT_OK}}}"], "events.bad.month: month 61 is past the horizon; allowed 1..60"),
    ([f"+events.bad={{{EVENT_OK}}}"], "events.bad: give exactly one of month, every, hazard"),
    (["+events.bad={month:3,effects:[{target:world.weather,value:0}]}"], "events.bad.effects.0.target: unknown field 'weather'"),
    (["+events.bad={month:3,effects:[{target:relations.RUS.XYZ.trust,value:0}]}"], "unknown actor 'XYZ'"),
    (["+events.bad={month:3,effects:[{target:world.war,value:2}]}"], "events.bad.effects.0.value: 2 is out of range for world.war"),
    (["+events.bad={month:3,effects:[{target:world.war,op:pow,value:2}]}"], "events.bad.effects.0.op: allowed: 'set', 'add' or 'mul'"),
    (["+events.bad={month:3,effects:[]}"], "events.bad.effects: Tuple should have at least 1 item"),
    (["+events.bad={hazard:1.5,effects:[{target:world.war,value:0}]}"], "events.bad.hazard: Input should be less than or equal to 1"),
    (["hydra.run.dir=/dev/null/run"], "hydra.run.dir: /dev/null is a file, not a folder"),
    (["outcome.pair=[CHN,RUS,USA]"], "outcome.pair: Tuple should have at most 2 items"),
]


@pytest.mark.parametrize(("overrides", "expected"), CORPUS, ids=[" ".join(c[0]) for c in CORPUS])
def test_bad_input_is_one_clear_line(overrides, expected, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(overrides)
    err = capsys.readouterr().err.strip()
    assert stop.value.code == EXIT_BAD_INPUT
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    assert expected in err, err
    assert list(tmp_path.iterdir()) == []


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 30


def test_empty_roster_is_refused():
    with pytest.raises(ValueError, match="the roster needs at least 2 actors"):
        SimConfig.model_validate({"actors": {}})


def test_unreadable_scenario_file_is_named(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "broken.yaml").write_text("scenarios: {broken: [\n")
    monkeypatch.setenv("ALLIANCE_SIM_SCENARIOS", str(folder))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["scenario=broken"])
    assert f"scenario broken ({folder / 'broken.yaml'}): line 2: YAML syntax error" in capsys.readouterr().err


def test_missing_scenario_folder_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_SIM_SCENARIOS", str(tmp_path / "absent"))
    with pytest.raises(ConfigError, match="ALLIANCE_SIM_SCENARIOS: no such folder"):
        from sim.config.compose import available_scenarios

        available_scenarios()


@pytest.mark.parametrize("overrides", [["scenario=nope"], ["relations.RUS.CHN.trust=1.5"], ["-m", "seed=1,-2"]])
def test_cli_subprocess_exits_2_without_traceback(overrides, tmp_path):
    proc = run_cli(overrides, cwd=tmp_path)
    assert proc.returncode == EXIT_BAD_INPUT, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert os.listdir(tmp_path) == []


def _refused(argv, cwd, capsys, expected, forbidden=("++", "Traceback")):
    """``main(argv)`` in ``cwd``: exit 2, one line containing ``expected``, ``cwd`` left empty."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err.strip()
    assert stop.value.code == EXIT_BAD_INPUT, err
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert expected in err, err
    for text in forbidden:
        assert text not in err, err
    assert list(cwd.iterdir()) == []
    return err


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


# -- booleans, empty values and mappings --------------------------------------------------------
LOOSE = [
    (["replications=true"], "replications: expected a number, got true"),
    (["seed=true"], "seed: expected a number, got true"),
    (["horizon_months=false"], "horizon_months: expected a number, got false"),
    (["batch_size=true"], "batch_size: expected a number, got true"),
    (["outcome.rupture_months=true"], "outcome.rupture_months: expected a number, got true"),
    (["outcome.rupture_threshold=false"], "outcome.rupture_threshold: expected a number, got false"),
    (["output.sample_replications=true"], "output.sample_replications: expected a number, got true"),
    (["+events.e={month:true,effects:[{target:world.war,value:0}]}"], "events.e.month: expected a number, got true"),
    (["+events.e={month:3,effects:[{target:world.war,value:true}]}"], "events.e.effects.0.value: expected a number"),
    (["relations.RUS.CHN.trust=true"], "relations.RUS.CHN.trust: expected a number, a range [low, high] or a mapping"),
    (["actors={}"], "actors: an empty mapping {} changes nothing"),
    (["world={}"], "world: an empty mapping {} changes nothing"),
    (["dynamics={}"], "dynamics: an empty mapping {} changes nothing"),
    (["relations.RUS={}"], "relations.RUS: an empty mapping {} changes nothing"),
    (["outcome={}"], "outcome: an empty mapping {} changes nothing"),
    (["sweep=lhs", "sweep.parameters={}"], "sweep.parameters: an empty mapping {} changes nothing"),
    (["hydra.run.dir="], "hydra.run.dir: empty; allowed: a folder path"),
    (["hydra.run.dir=''"], "hydra.run.dir: empty; allowed: a folder path"),
    (["-m", "hydra.sweep.dir=", "seed=1,2"], "hydra.sweep.dir: empty; allowed: a folder path"),
    (["sweep=lhs", "sweep.dir="], "sweep.dir: empty; allowed: a folder path"),
]


# -- interpolations in values -------------------------------------------------------------------
INTERPOLATIONS = [
    (["seed=${oc.env:ALLIANCE_SIM_UNSET_FOR_TEST}"], "seed: cannot resolve: Environment variable 'ALLIANCE_SIM_UNSET_FOR_TEST' not found"),
    (["seed=${nope}"], "seed: cannot resolve: "),
    (["world.war=${oc.env:ALLIANCE_SIM_UNSET_FOR_TEST}"], "world.war: cannot resolve"),
    (["relations.RUS.CHN.trust=${nope.deeper}"], "relations.RUS.CHN.trust: cannot resolve"),
    (["replications=${oc.decode:'[1'}"], "replications: cannot resolve"),
    (["-m", "seed=${nope},3"], "seed: cannot resolve"),
]


# -- syntax of an override, as typed ------------------------------------------------------------
SYNTAX = [
    (["relations.RUS.CHN.trüst=0.2"], "relations.RUS.CHN.trüst: character 'ü' is not allowed in a key"),
    (["wörld.war=0.2"], "character 'ö' is not allowed in a key"),
    (["world..war=0.2"], "world..war: not a dotted name in a key"),
    (["relations.RUS.CHN.trust=[0.2,0.4"], "relations.RUS.CHN.trust: unbalanced brackets or quotes in '[0.2,0.4'"),
    (["actors.CHN.capability={low:0.2,high:0.4"], "actors.CHN.capability: unbalanced brackets"),
    (["seed=3)"], "seed: unbalanced brackets"),
    (["actors.CHN.name='China"], "actors.CHN.name: unbalanced brackets or quotes"),
    (["seed==3"], "seed: 'seed==3' has more than one '='; allowed: one, as in seed=3"),
    (["=3"], "the key is missing before '='"),
    (["seed"], "seed: an override is key=value"),
    (["seed=3 4"], "seed: Input should be a valid integer, unable to parse string as an integer (got '3 4')"),
    (["seed=1,2"], "seed: several values (a sweep) need --multirun (-m)"),
]


# -- values that are not finite ------------------------------------------------------------------
NOT_FINITE = [
    (["outcome.rupture_threshold=nan"], "outcome.rupture_threshold: must be a finite number (got nan)"),
    (["outcome.rupture_threshold=inf"], "outcome.rupture_threshold: must be a finite number (got inf)"),
    (["outcome.rupture_threshold=-inf"], "outcome.rupture_threshold: must be a finite number (got -inf)"),
    (["world.war=inf"], "world.war: must be a finite number (got inf)"),
    (["relations.RUS.CHN.trust=[0.1,nan]"], "relations.RUS.CHN.trust: high must be a finite number"),
    (["replications=inf"], "replications: "),
    (["+events.e={hazard:nan,effects:[{target:world.war,value:0}]}"], "events.e.hazard: "),
]


# -- multirun -----------------------------------------------------------------------------------
MULTIRUN = [
    (["-m", "relations.RUS.CHN.trust=range(0,1.1,0.002)"], "relations.RUS.CHN.trust: 1.002 is out of range; allowed [0, 1]"),
    (["-m", "seed=range(0,300)", "outcome.rupture_threshold=0.5,2"], "outcome.rupture_threshold: Input should be less than 1"),
    (["-m", "seed=range(0,2000)"], "--multirun: 2,000 jobs; allowed: at most 1,000 (ALLIANCE_SIM_MAX_JOBS)"),
    (["-m", "hydra/launcher=nope", "seed=1,2"], "hydra/launcher: unknown option 'nope'; allowed: basic, joblib, "),
    (["-m", "hydra/sweeper=nope", "seed=1,2"], "hydra/sweeper: unknown option 'nope'; allowed: basic"),
    (["-m", "relations.RUS.CHN.trust=interval(0.2,0.4)"], "relations.RUS.CHN.trust: interval(...) is a search range for Hydra's Optuna sweeper"),
    (["-m", "hydra/sweeper=optuna", "relations.RUS.CHN.trust=interval(0.2,1.4)"], "relations.RUS.CHN.trust: 1.4 is out of range"),
    (["-m", "scenario=baseline,nope"], "scenario: unknown scenario 'nope'; allowed: baseline"),
    (["-m", "relations.RUS.XYZ.trust=0.1,0.2"], "relations.RUS.XYZ: unknown actor 'XYZ'"),
    (["-m", "hydra/sweeper=optuna", "sweep=lhs", "seed=interval(0,5)"], "sweep: a batched sweep runs all its points in one job"),
    (["--cfg", "job", "-m", "seed=1,2"], "--multirun: cannot be combined with --cfg or --info"),
]


# -- resources ----------------------------------------------------------------------------------
RESOURCES = [
    (["replications=10000000", "horizon_months=1200"], "replications: needs ~"),
    (["output.sample_replications=10000", "horizon_months=1200"], "above the limit of"),
    (["sweep=grid", "sweep.levels=1000", "sweep.parameters.world.war=[0,1]", "sweep.parameters.world.strait=[0,1]",
      "sweep.parameters.dynamics.w_trust=[0,5]", "replications=10"], "sweep (1,000,000,000 points): needs ~"),
    (["engine=mesa", "replications=2000000"], "engine: mesa: this run needs"),
    (["engine=mesa", "replications=20000", "horizon_months=600"], "allowed: engine=numba (same results)"),
]

# -- security: flags that run code ------------------------------------------------------------
FLAGS = [
    (["--experimental-rerun", "config.pickle"], "--experimental-rerun: refused: it unpickles the given file"),
    (["--experimental-rerun=config.pickle"], "--experimental-rerun: refused"),
    (["--config-dir", "/nonexistent/alliance-sim"], "--config-dir: no such folder: /nonexistent/alliance-sim"),
    (["--config-name", "nope"], "--config-name: no config 'nope'"),
]

TABLES = {"loose": LOOSE, "interpolation": INTERPOLATIONS, "syntax": SYNTAX, "not_finite": NOT_FINITE,
          "multirun": MULTIRUN, "resources": RESOURCES, "flags": FLAGS}
CASES = [(name, *case) for name, table in TABLES.items() for case in table]


@pytest.mark.parametrize(("kind", "argv", "expected"), CASES, ids=[f"{c[0]}:{' '.join(c[1])}" for c in CASES])
def test_bad_input_class(kind, argv, expected, cwd, capsys):
    _refused(argv, cwd, capsys, expected)


def test_each_class_has_more_cases_than_the_issue_lists():
    # issue 14 lists 2-4 examples per class
    assert all(len(table) >= 4 for table in TABLES.values())


def test_resource_limits_are_overridable(cwd, capsys, monkeypatch):
    monkeypatch.setenv("ALLIANCE_SIM_MAX_MEMORY", "1M")
    err = _refused(["replications=10"], cwd, capsys, "replications: needs ~")
    assert "above the limit of 1.0 MiB" in err and "ALLIANCE_SIM_MAX_MEMORY" in err
    monkeypatch.setenv("ALLIANCE_SIM_MAX_MEMORY", "lots")
    _refused(["replications=10"], cwd, capsys, "ALLIANCE_SIM_MAX_MEMORY: 'lots'; allowed: bytes or a number with K")
    monkeypatch.setenv("ALLIANCE_SIM_MAX_MEMORY", "1T")
    monkeypatch.setenv("ALLIANCE_SIM_MAX_MESA_HOURS", "0")
    _refused(["engine=mesa", "replications=5"], cwd, capsys, "ALLIANCE_SIM_MAX_MESA_HOURS: '0'; allowed: a positive")
    monkeypatch.setenv("ALLIANCE_SIM_MAX_JOBS", "3")
    _refused(["-m", "seed=1,2,3,4"], cwd, capsys, "--multirun: 4 jobs; allowed: at most 3")


def test_sweep_memory_estimate_counts_the_buffers_its_core_fills():
    """A batched sweep's core records the horizon alone (``horizon_buffers``): the estimate
    counts those buffers' bytes per replication, so a long horizon costs a sweep little."""
    from sim.compile import compile_model
    from sim.engines.numba_core import horizon_buffers
    from sim.resources import _per_replication_horizon

    for overrides in (["horizon_months=24"], ["horizon_months=600", "scenario=taiwan_drones"]):
        config = sim.load_config("baseline", overrides)
        model = compile_model(config)
        state, red = horizon_buffers(model, 10)
        real = sum(getattr(state, f).nbytes for f in ("reps", *state.ARRAYS)) + sum(
            array.nbytes for array in red.arrays() if hasattr(array, "nbytes"))  # every array the core gets
        assert _per_replication_horizon(config.horizon_months, len(config.actors), len(config.events)) * 10 == real


def test_memory_estimate_follows_the_recorded_arrays():
    """The estimate grows with the real array shapes: months, replications, sampled trajectories."""
    from sim.resources import estimate_run

    base = sim.load_config("baseline", ["replications=1000", "horizon_months=60"])
    longer = sim.load_config("baseline", ["replications=1000", "horizon_months=120"])
    more = sim.load_config("baseline", ["replications=100000", "horizon_months=60"])
    assert estimate_run(base).bytes < estimate_run(longer).bytes < 2.5 * estimate_run(base).bytes
    assert estimate_run(more).bytes > estimate_run(base).bytes + 99_000 * 61 * 8  # at least the pair's index
    assert estimate_run(base).seconds is None
    mesa = sim.load_config("baseline", ["replications=10", "engine=mesa"])
    assert 0 < estimate_run(mesa).seconds < 60


def test_config_error_survives_pickling():
    err = pickle.loads(pickle.dumps(ConfigError("seed", "must be >= 0")))
    assert isinstance(err, ConfigError) and err.key == "seed" and str(err) == "seed: must be >= 0"


# -- data files: scenarios and rosters from others --------------------------------------------
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
DATA_FILES = [
    ("scenarios: {bad: [\n", "line 2: YAML syntax error"),
    ("world:\n  war: 0.2\nworld:\n  war: 0.3\n", "line 3: duplicate key 'world' (first at line 1)"),
    ("world:\n  war: 0.2\n  war: 0.3\n", "line 3: duplicate key 'world.war' (first at line 2)"),
    (BOMB, "anchors and aliases are not allowed"),
    ("world: &w {war: 0.2}\ndynamics: *w\n", "YAML anchor &w (anchors and aliases are not allowed)"),
    ("hydra:\n  run:\n    dir: /tmp/elsewhere\n", "key 'hydra' is not allowed in a data file; allowed: scenarios, seed"),
    ("hydra:\n  callbacks:\n    evil:\n      _target_: pandas.read_pickle\n      filepath_or_buffer: x.pkl\n", "key 'hydra' is not allowed"),
    ("defaults:\n  - override /hydra/launcher: basic\n", "key 'defaults' is not allowed"),
    ("world:\n  war: ${oc.env:HOME}\n", "world.war: interpolations (${...}) are not allowed in data files"),
    ("# @package hydra\nrun: {dir: /tmp/x}\n", "'# @package hydra' is not allowed; allowed: _global_"),
    ("world: !!python/object/apply:os.system [echo hi]\n", "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("- just\n- a list\n", "must hold a mapping of keys, got list"),
    ("x" * 2_000_000, "allowed: at most 1,048,576"),
    ("world: " + "{a: " * 40 + "1" + "}" * 40 + "\n", "nested deeper than 32 levels"),
    ("1: one\n", "keys must be plain names"),
]


def _scenario_dir(tmp_path, name, text):
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(text)
    return folder


@pytest.mark.parametrize(("text", "expected"), DATA_FILES, ids=[e for _t, e in DATA_FILES])
def test_bad_scenario_file_is_named(text, expected, tmp_path, cwd, capsys, monkeypatch):
    folder = _scenario_dir(tmp_path, "theirs", text)
    monkeypatch.setenv("ALLIANCE_SIM_SCENARIOS", str(folder))
    err = _refused(["scenario=theirs"], cwd, capsys, expected, forbidden=("Traceback",))
    assert f"scenario theirs ({folder / 'theirs.yaml'})" in err


@pytest.mark.parametrize("group", ["scenario", "roster"])
@pytest.mark.parametrize(("text", "expected"), DATA_FILES[:10], ids=[e for _t, e in DATA_FILES[:10]])
def test_bad_file_through_the_searchpath_is_named(group, text, expected, tmp_path, cwd, capsys):
    folder = tmp_path / "searched"
    (folder / group).mkdir(parents=True)
    (folder / group / "theirs.yaml").write_text(text)
    _refused([f"hydra.searchpath=[file://{folder}]", f"{group}=theirs"], cwd, capsys, expected, forbidden=("Traceback",))


def test_bad_roster_in_a_config_dir_is_validated_before_the_job(tmp_path, cwd, capsys):
    folder = tmp_path / "mine"
    (folder / "roster").mkdir(parents=True)
    (folder / "roster" / "tiny.yaml").write_text(
        "# @package _global_\nactors:\n  AAA: {capability: 7}\n  BBB: {capability: 0.4}\noutcome: {pair: [AAA, BBB]}\n")
    _refused(["--config-dir", str(folder), "roster=tiny", "~scenario"], cwd, capsys,
             "actors.AAA.capability: 7 is out of range; allowed [0, 1]")


def test_a_config_of_ones_own_is_used_by_preflight(tmp_path):
    folder, cwd = tmp_path / "mine", tmp_path / "cwd"
    folder.mkdir()
    cwd.mkdir()
    (folder / "study.yaml").write_text("defaults:\n  - config\n  - _self_\nreplications: 0\n")
    proc = run_cli(["--config-dir", str(folder), "--config-name", "study"], cwd=cwd)  # a fresh process
    assert proc.returncode == EXIT_BAD_INPUT and proc.stderr.count("\n") == 1, proc.stderr
    assert "replications: Input should be greater than or equal to 1" in proc.stderr
    assert os.listdir(cwd) == []


def test_unselected_anchor_bomb_is_never_parsed(tmp_path, cwd, capsys, monkeypatch):
    folder = _scenario_dir(tmp_path, "bomb", BOMB * 3)
    monkeypatch.setenv("ALLIANCE_SIM_SCENARIOS", str(folder))
    start = time.monotonic()
    _refused(["scenario=baseline", "replications=0"], cwd, capsys, "replications: Input should be greater")
    assert time.monotonic() - start < 60  # generous: a hang, not a timing, is what this guards


@pytest.mark.parametrize("where", ["env", "searchpath"])
def test_a_second_file_with_a_taken_name_is_refused(where, tmp_path, cwd, capsys, monkeypatch):
    argv = ["scenario=baseline"]
    if where == "env":
        monkeypatch.setenv("ALLIANCE_SIM_SCENARIOS", str(_scenario_dir(tmp_path, "baseline", "world: {war: 0.1}\n")))
        expected = "ALLIANCE_SIM_SCENARIOS: "
    else:
        (tmp_path / "sp" / "scenario").mkdir(parents=True)
        (tmp_path / "sp" / "scenario" / "baseline.yaml").write_text("world: {war: 0.1}\n")
        argv.append(f"hydra.searchpath=[file://{tmp_path / 'sp'}]")
        expected = "scenario: 'baseline' is defined twice"
    err = _refused(argv, cwd, capsys, expected)
    assert "baseline" in err


@pytest.mark.parametrize("argv", [
    ["--experimental-rerun", "x.pickle"],
    ["-m", "hydra/launcher=joblib", "seed=range(0,300)", "relations.RUS.CHN.trust=0.5,1.5"],
    ["seed=${oc.env:ALLIANCE_SIM_UNSET_FOR_TEST}"],
    ["relations.RUS.CHN.trust=[0.2,0.4"],
])
def test_subprocess_bad_input_has_no_traceback(argv, tmp_path):
    proc = run_cli(argv, cwd=tmp_path)
    assert proc.returncode == EXIT_BAD_INPUT, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert os.listdir(tmp_path) == []


def test_a_failing_job_in_a_joblib_worker_is_one_error_line(tmp_path):
    """ConfigError crosses the process boundary (picklable): no BrokenProcessPool."""
    proc = run_cli(["-m", "objective=nope,p_hold", "replications=5", "horizon_months=3", "output.figures=false"],
                   cwd=tmp_path)
    assert proc.returncode == EXIT_BAD_INPUT, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: objective: 'nope' is not in summary.json; allowed: p_hold")
    assert "BrokenProcessPool" not in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_key_inside_a_tuple_of_models_lists_that_models_fields():
    """An unknown key in an event's effect (a tuple of models) names the effect's fields."""
    from pydantic import ValidationError

    from sim.config.messages import from_validation_error
    from sim.config.schema import SimConfig
    from tests.helpers import two_actor_config

    data = two_actor_config().model_dump()
    data["events"] = {"shock": {"month": 1, "effects": [{"target": "world.war", "value": 0.5, "nope": 1}]}}
    with pytest.raises(ValidationError) as err:
        SimConfig.model_validate(data)
    message = str(from_validation_error(err.value, SimConfig))
    assert message == "events.shock.effects.0.nope: unknown key; allowed: target, op, value"
