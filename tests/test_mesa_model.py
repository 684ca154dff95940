"""The Mesa reference model behaves as Mesa users expect: it stops at the horizon, has
model and agent reporters, keeps Mesa's per-step log quiet, and runs under batch_run."""

from __future__ import annotations

import logging

import pytest
from mesa.batchrunner import batch_run

from sim import load_config
from sim.compile import compile_model
from sim.engines.mesa_reference import AllianceModel
from sim.kernels.layout import RECORDED_DYAD, RECORDED_WORLD


def test_model_stops_itself_at_the_horizon_with_reporters():
    model = AllianceModel(compile_model(load_config("baseline", ["horizon_months=5"])), rep=0)
    steps = 0
    while model.running and steps < 50:
        model.step()
        steps += 1
    assert steps == 5 and model.month == 5
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 6  # month 0 and five months
    assert {*RECORDED_WORLD, "partnership_index", "ruptured"} <= set(frame)
    assert frame["partnership_index"].between(0, 1).all()
    agents = model.datacollector.get_agent_vars_dataframe()
    assert {"code", "need", *RECORDED_DYAD} <= set(agents)
    last = agents.xs(5, level="Step").set_index("code")
    assert set(last.loc["RUS", "trust"]) == set(model.roster) - {"RUS"}


def test_mesa_step_log_is_quiet_by_default(caplog):
    model = AllianceModel(compile_model(load_config("baseline", ["horizon_months=2"])), rep=0)
    with caplog.at_level(logging.INFO):
        logging.getLogger().setLevel(logging.INFO)
        model.step()
    assert not [r for r in caplog.records if r.name.startswith("MESA")]


def test_batch_run_over_a_real_parameter_without_glue():
    rows = batch_run(AllianceModel, {"scenario": "baseline", "rep": [0, 1], "horizon_months": 3,
                                     "relations__RUS__CHN__counterintelligence": [0.2, 0.9]},
                     max_steps=50, display_progress=False)
    runs = {(r["rep"], r["relations__RUS__CHN__counterintelligence"]) for r in rows}
    assert runs == {(0, 0.2), (0, 0.9), (1, 0.2), (1, 0.9)}
    assert {r["code"] for r in rows} == set(load_config("baseline").actors)
    assert max(r["Step"] for r in rows) <= 3  # stopped at the horizon, not at max_steps


def test_parameters_with_a_compiled_model_are_refused():
    with pytest.raises(TypeError, match="need a scenario"):
        AllianceModel(compile_model(load_config("baseline")), 0, seed=3)


def test_keyword_parameters_reach_the_agents():
    model = AllianceModel(scenario="baseline", rep=2, relations__RUS__CHN__counterintelligence=0.25)
    rus = model.actors[model.roster.index("RUS")]
    assert rus.counterintelligence["CHN"] == 0.25 and model.rep == 2
