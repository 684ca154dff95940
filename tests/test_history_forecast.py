"""``sim.history.forecast_signed``: bad input, the encoding, and what the dynamics do."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.schema import SimConfig
from sim.history import forecast_signed
from sim.history.encode import NO_TIE, TIE, encode
from sim.history.forecast import forecast_config, positive_tie, signed_relation
from sim.history.signed import signed_network
from sim.trajectories import Trajectories

NODES = ["AAA", "BBB", "CCC", "DDD"]
EDGES = [("AAA", "BBB", 1), ("BBB", "CCC", -1), ("AAA", "DDD", 1)]
BALANCE_ONLY = {"trust": False}


@pytest.mark.parametrize("nodes, edges, match", [
    ([], [], r"nodes: empty network"),
    (["AAA"], [], r"nodes: empty network: needs at least 2 actors, got 1"),
    (["AAA", "BBB"], [], r"edges: empty network"),
    (["AAA", "BBB"], [("AAA", "XYZ", 1)], r"edges.0: unknown code 'XYZ'"),
    (["AAA", "BBB"], [("AAA", "BBB", 0)], r"edges.0: sign 0 of AAA-BBB; allowed: \+1 or -1"),
    (["AAA", "BBB"], [("AAA", "BBB", True)], r"edges.0: sign True"),
    (["AAA", "BBB"], [("AAA", "AAA", 1)], r"edges.0: self tie AAA-AAA"),
    (["AAA", "BBB"], [("AAA", "BBB", 1), ("BBB", "AAA", -1)], r"edges.1: pair AAA-BBB is given twice"),
    (["AAA", "AAA"], [("AAA", "AAA", 1)], r"nodes.1: 'AAA' is listed twice"),
    (["aaa", "BBB"], [("aaa", "BBB", 1)], r"nodes.0: 'aaa' is not an actor code"),
    (["AAA", "BBB"], [("AAA", "BBB")], r"edges.0: a tie is \(a, b, sign\)"),
    ("AAABBB", [], r"nodes: give a sequence of actor codes"),
])
def test_bad_input_is_a_clear_value_error(nodes, edges, match):
    with pytest.raises(ValueError, match=match):
        forecast_signed(nodes, edges, replications=1)


@pytest.mark.parametrize("kwargs, match", [
    ({"months": 0}, r"months: 0; allowed: an integer in \[1, 1200\]"),
    ({"months": 12.5}, r"months: 12.5"),
    ({"replications": 0}, r"replications: 0"),
    ({"seed": -1}, r"seed: -1"),
    ({"dynamics": {"no_such": 1.0}}, r"dynamics.no_such: unknown key; allowed: need_threat_weight"),
    ({"mechanisms": {"trust": "off"}}, r"mechanisms.trust"),
])
def test_bad_settings_are_a_clear_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        forecast_signed(NODES, EDGES, **({"replications": 1} | kwargs))


def test_every_unordered_pair_once_sorted_and_a_probability():
    p = forecast_signed(NODES, EDGES, months=6, replications=4)
    assert list(p) == [("AAA", "BBB"), ("AAA", "CCC"), ("AAA", "DDD"), ("BBB", "CCC"), ("BBB", "DDD"), ("CCC", "DDD")]
    assert all(0.0 <= v <= 1.0 for v in p.values())


def test_same_seed_same_forecast_and_the_batch_size_does_not_matter(monkeypatch):
    first = forecast_signed(NODES, EDGES, months=12, replications=10, seed=3)
    import sim.history.engine as engine

    monkeypatch.setattr(engine, "BATCH_BYTES", 1)  # one replication per engine call
    assert forecast_signed(NODES, EDGES, months=12, replications=10, seed=3) == first


def test_encoding_of_ties_and_of_what_is_not_known():
    raw = encode(signed_network(NODES, EDGES), capability={"AAA": 0.9})
    cfg = SimConfig.model_validate(raw)
    assert cfg.relation("AAA", "BBB", "trust").lo == cfg.relation("BBB", "AAA", "trust").lo == TIE[1]["trust"]
    assert cfg.relation("CCC", "BBB", "rivalry").lo == TIE[-1]["rivalry"]
    assert cfg.relation("CCC", "BBB", "affinity").lo == TIE[-1]["affinity"]
    assert cfg.relation("AAA", "CCC", "trust").lo == NO_TIE["trust"]["value"]
    assert cfg.actors["AAA"].capability.lo == 0.9 and cfg.actors["BBB"].capability.lo == 0.5
    assert cfg.world.war.hi == 0 and cfg.world.strait.hi == 0
    assert all(a.exposure.hi == 0 and a.war_involvement.hi == 0 for a in cfg.actors.values())


def test_forecast_config_sets_the_run():
    cfg = forecast_config(signed_network(NODES, EDGES), 30, 7, 5, mechanisms=BALANCE_ONLY)
    assert (cfg.horizon_months, cfg.seed, cfg.replications, cfg.mechanisms.trust) == (30, 7, 5, False)


def _traj(affinity: np.ndarray) -> Trajectories:
    from sim.kernels.layout import RECORDED_DYAD

    r, n = affinity.shape[0], affinity.shape[1]
    traj = Trajectories.empty(np.arange(r), 1, n, 0)
    traj.dyad[:, -1, RECORDED_DYAD.index("affinity")] = affinity
    return traj


def test_positive_tie_reads_the_sum_of_both_directions_and_halves_exact_ties():
    affinity = np.zeros((4, 2, 2))
    affinity[:, 0, 1] = [0.8, 0.2, 0.0, -0.6]   # AAA's signed relation with BBB
    affinity[:, 1, 0] = [0.8, -0.4, 0.0, -0.6]  # BBB's with AAA
    # f_ab + f_ba: 1.6, -0.2, 0 (exactly), -1.2 -> positive in 1, tie in 1 (counts 1/2)
    p = positive_tie(_traj(affinity))
    assert p[0, 1] == p[1, 0] == pytest.approx((1 + 0.5) / 4)
    assert np.array_equal(signed_relation(_traj(affinity))[:, 0, 1], affinity[:, 0, 1])


def test_balance_drift_turns_an_untied_pair_the_triad_way():
    # BBB and DDD share the friend AAA: balance pulls them together; CCC and AAA share
    # BBB, friend of one and enemy of the other: balance pushes them apart.
    p = forecast_signed(NODES, EDGES, months=48, replications=1, mechanisms=BALANCE_ONLY)
    assert p[("BBB", "DDD")] == 1.0
    assert p[("AAA", "CCC")] == 0.0
    assert p[("AAA", "BBB")] == 1.0 and p[("BBB", "CCC")] == 0.0
