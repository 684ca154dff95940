"""The contract every mechanism inherits (in the spirit of Axelrod's strategy battery).

For every switch in the schema, automatically: switching it off changes the
trajectories of some shipped scenario; the engines agree with it off; the parameters of
its mechanism have bounds, a unit, a symbol and an evidence id or a justification note;
the mechanism states its equations and literature. A new mechanism module gets all of
this by being listed in ``sim.mechanisms``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest

from sim import load_config, mechanisms
from sim.compile import compile_model
from sim.config.compose import available_scenarios
from sim.config.schema import Mechanisms
from sim.engines import run_engine
from sim.evidence import EVIDENCE
from sim.mechanisms.spec import JUSTIFICATIONS
from tests.test_engines_agree import assert_engines_agree

SWITCHES = sorted(Mechanisms.model_fields)
# Scenarios with events first: a switch that only acts through events is found quickly.
SCENARIOS = sorted(available_scenarios(), key=lambda s: (not load_config(s).events, s))
COMMON = ["horizon_months=24", "dynamics.detection_rate=0.5"]
REPS = np.arange(8)


@lru_cache(maxsize=None)
def _trajectories(scenario: str, off: str | None):
    overrides = [*COMMON, *([f"mechanisms.{off}=false"] if off else [])]
    return run_engine(compile_model(load_config(scenario, overrides)), REPS, "numba")


def _differs(a, b) -> bool:
    return any(not np.array_equal(getattr(a, name), getattr(b, name)) for name in a.ARRAYS)


@pytest.mark.parametrize("switch", SWITCHES)
def test_switching_off_changes_some_shipped_scenario(switch):
    for scenario in SCENARIOS:
        if _differs(_trajectories(scenario, None), _trajectories(scenario, switch)):
            return
    pytest.fail(f"mechanisms.{switch}=false changes no shipped scenario: the switch is inert")


@pytest.mark.parametrize("switch", SWITCHES)
def test_engines_agree_with_the_switch_off(switch):
    model = compile_model(load_config("taiwan_drones", [*COMMON, f"mechanisms.{switch}=false"]))
    assert_engines_agree(model, np.arange(2))


@pytest.mark.parametrize("switch", SWITCHES)
def test_parameters_of_the_mechanism_are_documented(switch):
    owner = mechanisms.owner(switch)
    for p in owner.parameters:
        where = f"{owner.name}: {p.section}.{p.name}"
        assert math.isfinite(p.lo) and math.isfinite(p.hi) and p.lo < p.hi, f"{where}: bounds"
        assert p.unit.strip() and p.description.strip() and p.symbol.strip(), f"{where}: unit, description, symbol"
        assert set(p.evidence) <= set(EVIDENCE), f"{where}: unknown evidence {set(p.evidence) - set(EVIDENCE)}"
        assert p.evidence or p.note.startswith(JUSTIFICATIONS), f"{where}: evidence id or a justification note"


@pytest.mark.parametrize("mechanism", mechanisms.ALL, ids=[m.name for m in mechanisms.ALL])
def test_mechanism_states_its_equations_and_literature(mechanism):
    module = __import__(f"sim.mechanisms.{mechanism.name}", fromlist=["MECHANISM"])
    assert module.MECHANISM is mechanism
    assert (module.__doc__ or "").count("\n") >= 3, f"{mechanism.name}: module docstring states the equations"
    assert mechanism.literature.strip() and mechanism.summary.strip()
    assert mechanism.switches, f"{mechanism.name}: at least one switch"
