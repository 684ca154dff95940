"""Known answers of the mechanics, with noise off."""

import math

import numpy as np
import pytest

from sim.compile import compile_model
from sim.engines import run_engine
from tests.helpers import two_actor_config


@pytest.mark.parametrize("engine", ["numba", "mesa"])
def test_two_actor_bayesian_update_matches_closed_form(engine):
    """Fixed support s, no type switching: logit τ_T = logit τ_0 + T · ((s−r_u)² − (s−r_t)²) / (2σ²)."""
    s_ab, s_ba, tau0, months = 0.55, 0.35, 0.4, 12
    cfg = two_actor_config(
        relations={"AAA": {"BBB": {"trust": tau0, "support": s_ab}}, "BBB": {"AAA": {"trust": tau0, "support": s_ba}}},
        mechanisms={"support": False, "espionage": False, "balance": False},
        dynamics={"type_change_rate": 0.0, "support_noise": 0.0},
        horizon_months=months,
    )
    d = cfg.dynamics
    r_t, r_u, sigma = d.reliable_support.value, d.unreliable_support.value, d.observation_noise.value

    def expected(s):
        llr = ((s - r_u) ** 2 - (s - r_t) ** 2) / (2 * sigma**2)
        logit = math.log(tau0 / (1 - tau0)) + months * llr
        return 1 / (1 + math.exp(-logit))

    trust = run_engine(compile_model(cfg), np.arange(2), engine).variable("trust")
    assert trust[0, -1, 0, 1] == pytest.approx(expected(s_ba), abs=1e-12)  # A learns from what B gives
    assert trust[0, -1, 1, 0] == pytest.approx(expected(s_ab), abs=1e-12)
    assert trust[0, -1, 0, 1] < tau0 < trust[0, -1, 1, 0]


def test_type_switching_pulls_belief_to_prior_without_evidence():
    """No evidence (support exactly halfway between the type means): τ_T = p + (1−h)^T (τ_0 − p)."""
    cfg = two_actor_config(mechanisms={"support": False, "espionage": False})
    d = cfg.dynamics
    mid = 0.5 * (d.reliable_support.value + d.unreliable_support.value)
    cfg = two_actor_config(
        relations={"AAA": {"BBB": {"trust": 0.9, "support": mid}}, "BBB": {"AAA": {"trust": 0.9, "support": mid}}},
        mechanisms={"support": False, "espionage": False},
        dynamics={"type_change_rate": 0.1, "trust_prior": 0.5},
    )
    trust = run_engine(compile_model(cfg), np.arange(1), "numba").variable("trust")
    assert trust[0, -1, 0, 1] == pytest.approx(0.5 + 0.9**12 * 0.4, abs=1e-12)
