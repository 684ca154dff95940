"""Known answers of the mechanics, written out by hand from docs/model.md, on both engines.

Every weight is fixed to a point value here (no prior sampling), noise is switched off
where the answer must be exact.
"""

import math

import numpy as np
import pytest

from sim.compile import compile_model
from sim.engines import run_engine
from tests.helpers import two_actor_config

ENGINES = ["numba", "mesa"]
# point values for every weight the formulas below use
POINT = {"w_trust": 2.0, "w_reciprocity": 1.5, "w_alignment": 1.0, "w_affinity": 1.0, "w_shared_threat": 2.0,
         "w_threat": 2.0, "w_leverage": 1.0, "w_abandonment": 2.0, "w_need": 2.5, "w_sanction": 4.0,
         "w_entrapment": 2.0, "neutral_support": 0.05, "support_noise": 0.0, "type_change_rate": 0.0,
         "reliable_share": 0.5, "observation_noise": 0.4, "detection_likelihood_ratio": 0.6,
         "balance_rate": 0.05, "need_threat_weight": 0.5, "threat_conflict_gain": 1.0, "dependency_rate": 0.05,
         "alignment_rate": 0.1, "alignment_threat_premium": 0.5, "alignment_dependence_premium": 0.3,
         "leak_gap_closure": 0.3, "detection_rate": 0.1, "leak_probability": 0.2}


def logistic(u):
    return 1.0 / (1.0 + math.exp(-u))


def config(**over):
    dynamics = dict(POINT, **over.pop("dynamics", {}))
    return two_actor_config(dynamics=dynamics, **over)


@pytest.mark.parametrize("engine", ENGINES)
def test_type_switching_pulls_belief_to_the_reliable_share_without_evidence(engine):
    """No evidence (support and espionage off): tau_T = pi_0 + (1 - h)^T (tau_0 - pi_0)."""
    cfg = config(relations={"AAA": {"BBB": {"trust": 0.9}}}, mechanisms={"support": False, "espionage": False},
                 dynamics={"type_change_rate": 0.1, "reliable_share": 0.4})
    trust = run_engine(compile_model(cfg), np.arange(1), engine).variable("trust")
    assert trust[0, -1, 0, 1] == pytest.approx(0.4 + 0.9**12 * (0.9 - 0.4), abs=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_certain_detections_divide_the_odds_by_the_likelihood_ratio(engine):
    """p = kappa ci esp = 1: a detection every month; odds(reliable) times Lambda_D each month."""
    cfg = config(relations={"AAA": {"BBB": {"trust": 0.7, "counterintelligence": 1.0}},
                            "BBB": {"AAA": {"espionage": 1.0}}},
                 mechanisms={"support": False}, dynamics={"detection_rate": 1.0})
    traj = run_engine(compile_model(cfg), np.arange(1), engine)
    odds = 0.7 / 0.3 * 0.6**12
    assert traj.detections[0, 0, 1] == 12
    assert traj.variable("trust")[0, -1, 0, 1] == pytest.approx(odds / (1 + odds), abs=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_months_without_detection_are_weak_evidence_of_reliability(engine):
    """p small and no detection drawn (leak off): odds times (1 - Lambda p) / (1 - p) each month."""
    cfg = config(relations={"AAA": {"BBB": {"trust": 0.5, "counterintelligence": 0.5}},
                            "BBB": {"AAA": {"espionage": 0.02}}},
                 mechanisms={"support": False}, dynamics={"detection_rate": 0.1}, horizon_months=6)
    traj = run_engine(compile_model(cfg), np.arange(4), engine)
    p = 0.1 * 0.5 * 0.02
    for r in range(4):
        if traj.detections[r, 0, 1] == 0:
            odds = ((1 - 0.6 * p) / (1 - p)) ** 6
            assert traj.variable("trust")[r, -1, 0, 1] == pytest.approx(odds / (1 + odds), abs=1e-12)


def _month_one_utility(cfg, give, take):
    """U^O of the first month for actor ``give`` towards ``take`` in the two-actor set-up
    below (no threat, dependency, sanctions or entrapment), from docs/model.md 7.4."""
    d = {k: v.value for k, v in cfg.dynamics}

    def rel(src, dst, field):
        return cfg.relation(src, dst, field).value

    s0 = d["neutral_support"]
    return (math.log(s0 / (1 - s0)) + d["w_trust"] * (rel(give, take, "trust") - 0.5)
            + d["w_reciprocity"] * (rel(take, give, "support") - s0) + d["w_alignment"] * rel(give, take, "alignment")
            + d["w_affinity"] * rel(give, take, "affinity"))


QUIET = {"AAA": {"war_involvement": 0.0, "entrapment_aversion": 0.0, "exposure": 0.0},
         "BBB": {"war_involvement": 0.5, "entrapment_aversion": 0.0, "exposure": 0.0}}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_reliable_type_answers_need_in_proportion_to_its_commitment(engine):
    """No noise: s_AB(1) = logistic(U^O_AB + b_n n_B a_AB) for a reliable A, s_BA(1) =
    logistic(U^O_BA) for an opportunist B; n_B = nu^W_B W (no threat)."""
    cfg = config(actors=QUIET, relation_defaults={"rivalry": 0.0},
                 relations={"AAA": {"BBB": {"trust": 0.6, "support": 0.3, "alignment": 0.8, "affinity": 0.2,
                                            "reliability": 1.0}},
                            "BBB": {"AAA": {"trust": 0.4, "support": 0.2, "alignment": 0.5, "affinity": 0.1,
                                            "reliability": 0.0}}},
                 world={"war": 0.8}, mechanisms={"espionage": False}, horizon_months=1)
    traj = run_engine(compile_model(cfg), np.arange(2), engine)
    support = traj.variable("support")
    need_b = 0.5 * 0.8
    assert traj.variable("reliable")[0, 1, 0, 1] == 1 and traj.variable("reliable")[0, 1, 1, 0] == 0
    assert support[0, 1, 0, 1] == pytest.approx(logistic(_month_one_utility(cfg, "AAA", "BBB") + 2.5 * need_b * 0.8), abs=1e-12)
    assert support[0, 1, 1, 0] == pytest.approx(logistic(_month_one_utility(cfg, "BBB", "AAA")), abs=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_support_evidence_is_the_gaussian_likelihood_ratio_of_the_type_means(engine):
    """A reliable B gives exactly mu^R (no noise): A's log-odds rise by
    ((mu^R - mu^O)^2) / (2 sigma_o^2) in month 1 (no type change, no espionage)."""
    cfg = config(actors={**QUIET, "AAA": {"war_involvement": 0.5, "entrapment_aversion": 0.0, "exposure": 0.0}},
                 relation_defaults={"rivalry": 0.0},
                 relations={"AAA": {"BBB": {"trust": 0.5, "support": 0.3, "alignment": 0.6}},
                            "BBB": {"AAA": {"trust": 0.5, "support": 0.3, "alignment": 0.7, "reliability": 1.0}}},
                 world={"war": 0.8}, mechanisms={"espionage": False}, horizon_months=1)
    traj = run_engine(compile_model(cfg), np.arange(1), engine)
    u_o = _month_one_utility(cfg, "BBB", "AAA")
    mu_o, mu_r = logistic(u_o), logistic(u_o + 2.5 * (0.5 * 0.8) * 0.7)
    assert traj.variable("support")[0, 1, 1, 0] == pytest.approx(mu_r, abs=1e-12)
    log_odds = (mu_r - mu_o) ** 2 / (2 * 0.4**2)
    assert traj.variable("trust")[0, 1, 0, 1] == pytest.approx(1 / (1 + math.exp(-log_odds)), abs=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_balance_moves_a_frustrated_tie_by_the_saturated_triad_sum(engine):
    """Three actors, A-C and C-B friends, A-B enemies: f_AB(1) = f_AB + eta s / (1 + |s|),
    s = f_AC f_CB; only balance on."""
    cfg = two_actor_config(
        actors={"AAA": {}, "BBB": {}, "CCC": {}},
        relations={"AAA": {"BBB": {"affinity": -0.2}, "CCC": {"affinity": 0.8}},
                   "CCC": {"BBB": {"affinity": 0.5}}},
        mechanisms={m: False for m in ("support", "espionage", "trust", "types", "dependency", "alignment")},
        dynamics=dict(POINT, balance_rate=0.1), horizon_months=1)
    affinity = run_engine(compile_model(cfg), np.arange(1), engine).variable("affinity")
    s = 0.8 * 0.5
    assert affinity[0, 1, 0, 1] == pytest.approx(-0.2 + 0.1 * s / (1 + abs(s)), abs=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_public_alignment_moves_towards_trust_plus_the_audience_premium(engine):
    """a(1) = a + rho (clip(tau(1) + phi_T Tbar + phi_d d) - a); two actors: Tbar = 0."""
    cfg = config(relations={"AAA": {"BBB": {"trust": 0.3, "alignment": 0.9, "dependency": 0.5}}},
                 mechanisms={"support": False, "espionage": False, "trust": False, "dependency": False},
                 horizon_months=1)
    alignment = run_engine(compile_model(cfg), np.arange(1), engine).variable("alignment")
    target = 0.3 + 0.3 * 0.5
    assert alignment[0, 1, 0, 1] == pytest.approx(0.9 + 0.1 * (target - 0.9), abs=1e-12)
