"""Bad input: one line naming the key and what is allowed, exit status 2, nothing written.

The corpus runs in-process through ``sim.app.main`` (fast); a few cases also run as a
real subprocess to check the exit status and that no traceback reaches the user.
"""

from __future__ import annotations

import os

import pytest

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
    (["relations.RUS.CHN.trust=nan"], "relations.RUS.CHN.trust: value must be a finite number"),
    (["relations.RUS.CHN.trust={value:0.5,evidence:[F99]}"], "unknown evidence id 'F99'; allowed: F1..F28"),
    (["actors.CHN.capability=abc"], "actors.CHN.capability: expected a number"),
    (["actors.CHN.capability={low:0.9}"], "actors.CHN.capability: a range needs both low and high"),
    (["relations.RUS.CHN.dependency=0.95"], "relations.RUS: dependency shares sum to up to 1.05; allowed: at most 1"),
    (["dynamics.unreliable_support=0.7"], "dynamics.unreliable_support: must stay below dynamics.reliable_support"),
    (["replications=0"], "replications: Input should be greater than or equal to 1"),
    (["replications=abc"], "replications: Input should be a valid integer"),
    (["replications=1.5"], "replications: Input should be a valid integer"),
    (["seed=-1"], "seed: Input should be greater than or equal to 0"),
    (["horizon_months=0"], "horizon_months: Input should be greater than or equal to 1"),
    (["batch_size=0"], "batch_size: Input should be greater than or equal to 1"),
    (["start=2025-13"], "start: String should match pattern"),
    (["engine=gpu"], "engine: allowed: 'numba' or 'mesa'"),
    (["mechanisms.trust=maybe"], "mechanisms.trust: Input should be a valid boolean"),
    (["mechanisms.telepathy=false"], "mechanisms.telepathy: unknown key; allowed: threat, conflict"),
    (["outcome.pair=[CHN,XYZ]"], "outcome.pair.1: unknown actor 'XYZ'"),
    (["outcome.pair=[CHN,CHN]"], "outcome.pair: needs two different actors"),
    (["outcome.pair=[CHN]"], "outcome.pair: too few items (item 1 missing)"),
    (["outcome.hold_threshold=2"], "outcome.hold_threshold: Input should be less than or equal to 1"),
    (["outcome.rupture_threshold=0.5"], "outcome.rupture_threshold: 0.5 must not exceed outcome.hold_threshold"),
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
    assert "scenario broken: cannot read" in capsys.readouterr().err


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
