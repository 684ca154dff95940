"""Mechanism switches: turning one off freezes what it drives and leaves the rest running."""

from __future__ import annotations

import numpy as np
import pytest

from sim import load_config
from sim.compile import compile_model
from sim.engines import run_engine

COMMON = ["horizon_months=24", "dynamics.detection_rate=0.5"]


def simulate(*overrides):
    return run_engine(compile_model(load_config("taiwan_drones", [*COMMON, *overrides])), np.arange(16), "numba")


def moves(series: np.ndarray) -> bool:
    return bool(np.ptp(series, axis=1).max() > 1e-9)


@pytest.fixture(scope="module")
def full():
    return simulate()


def test_everything_moves_with_all_mechanisms_on(full):
    for var in ("trust", "support", "dependency", "alignment"):
        assert moves(full.variable(var)), var
    assert full.detections.sum() > 0 and full.fires.sum() > 0


@pytest.mark.parametrize(
    ("switch", "frozen", "still_moving"),
    [
        ("support", ["support"], ["trust", "dependency", "alignment"]),
        ("dependency", ["dependency"], ["trust", "support", "alignment"]),
        ("alignment", ["alignment"], ["trust", "support", "dependency"]),
    ],
)
def test_switch_freezes_its_variable(switch, frozen, still_moving):
    traj = simulate(f"mechanisms.{switch}=false")
    for var in frozen:
        assert not moves(traj.variable(var)), var
    for var in still_moving:
        assert moves(traj.variable(var)), var


def test_trust_frozen_only_when_belief_and_balance_are_off():
    both = simulate("mechanisms.trust=false", "mechanisms.balance=false")
    assert not moves(both.variable("trust"))
    only_balance = simulate("mechanisms.trust=false")
    assert moves(only_balance.variable("trust"))  # balance drift alone still moves trust
    assert moves(both.variable("support"))


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
    assert traj.need[:, 1:].mean() < full.need[:, 1:].mean()


def test_threat_off_lowers_support_between_partners_with_a_common_rival(full):
    traj = simulate("mechanisms.threat=false")
    chn, rus = 0, 1
    assert traj.variable("support")[:, -1, chn, rus].mean() < full.variable("support")[:, -1, chn, rus].mean()
