"""Mechanism switches: turning off every mechanism that updates a state variable freezes it,
and each off-switch has the effect its mechanism's documentation names.

Which mechanisms update which state variable is read from their declarations
(``sim.mechanisms``), so a new mechanism or state variable is tested without editing
this file.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import load_config, mechanisms
from sim.compile import compile_model
from sim.engines import run_engine
from sim.kernels.layout import RECORDED_DYAD

COMMON = ["horizon_months=24", "dynamics.detection_rate=0.5"]
UPDATERS = {p.name: [m for m in mechanisms.PHASES if p.name in m.updates] for p in mechanisms.STATE}


def simulate(*overrides):
    return run_engine(compile_model(load_config("taiwan_drones", [*COMMON, *overrides])), np.arange(16), "numba")


def moves(series: np.ndarray) -> bool:
    return bool(np.ptp(series, axis=1).max() > 1e-9)


def switches_of(ms) -> list[str]:
    return [f"mechanisms.{s}=false" for m in ms for s in m.switches]


@pytest.fixture(scope="module")
def full():
    return simulate()


def test_every_state_variable_has_an_updater_and_moves(full):
    for name, updaters in UPDATERS.items():
        assert updaters, f"no mechanism declares that it updates {name}"
        assert moves(full.variable(name)), name
    assert full.detections.sum() > 0 and full.fires.sum() > 0


@pytest.mark.parametrize("variable", sorted(UPDATERS))
def test_off_updaters_freeze_their_variable_and_nothing_else(variable):
    traj = simulate(*switches_of(UPDATERS[variable]))
    assert not moves(traj.variable(variable)), variable
    for other in RECORDED_DYAD:
        if other != variable and not {m.name for m in UPDATERS[other]} <= {m.name for m in UPDATERS[variable]}:
            assert moves(traj.variable(other)), f"{other} frozen by the updaters of {variable}"


def test_espionage_off_means_no_detections_and_no_leak_cuts(full):
    traj = simulate("mechanisms.espionage=false")
    assert traj.detections.sum() == 0
    assert moves(traj.variable("trust"))


def test_events_off_fire_nothing(full):
    traj = simulate("mechanisms.events=false")
    assert traj.fires.sum() == 0
    assert np.ptp(traj.world, axis=1).max() == 0.0


def test_conflict_off_removes_war_needs(full):
    traj = simulate("mechanisms.conflict=false")
    assert traj.variable("need")[:, 1:].mean() < full.variable("need")[:, 1:].mean()


def test_threat_off_lowers_support_between_partners_with_a_common_rival(full):
    traj = simulate("mechanisms.threat=false")
    chn, rus = 0, 1
    assert traj.variable("support")[:, -1, chn, rus].mean() < full.variable("support")[:, -1, chn, rus].mean()
