"""Invariants under generated parameters: every state variable in its bounds, no NaN."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.compile import compile_model
from sim.config.schema import SimConfig
from sim.engines import run_engine

unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def configs(draw):
    codes = ["AAA", "BBB", "CCC", "DDD"][: draw(st.integers(2, 4))]
    actors = {c: {f: draw(unit) for f in ("capability", "exposure", "war_involvement", "strait_involvement",
                                          "entrapment_aversion")} | {"self_reliance": draw(st.floats(0.01, 1.0))}
              for c in codes}
    relations = {}
    for a in codes:
        shares = [draw(unit) for _ in codes[1:]]
        total = max(1.0, sum(shares))
        relations[a] = {}
        for k, b in enumerate(x for x in codes if x != a):
            relations[a][b] = {f: draw(unit) for f in ("trust", "support", "alignment", "espionage",
                                                       "counterintelligence", "rivalry", "sanction_risk",
                                                       "substitutability")}
            relations[a][b]["dependency"] = shares[k] / total * 0.999
            relations[a][b]["affinity"] = draw(st.floats(-1.0, 1.0))
    dynamics = {
        "support_bias": draw(st.floats(-20, 20)),
        "w_trust": draw(st.floats(0, 20)),
        "w_sanction": draw(st.floats(0, 20)),
        "support_noise": draw(st.floats(0, 5)),
        "detection_rate": draw(unit),
        "detection_likelihood_ratio": draw(st.floats(0.01, 1)),
        "observation_noise": draw(st.floats(0.01, 5)),
        "type_change_rate": draw(unit),
        "balance_rate": draw(unit),
        "dependency_rate": draw(unit),
        "alignment_rate": draw(unit),
        "leak_probability": draw(unit),
        "leak_penalty": draw(unit),
    }
    world = {"war": draw(unit), "strait": draw(unit)}
    events = {"shock": {"hazard": draw(st.floats(0.01, 1)), "max_fires": 3,
                        "effects": [{"target": "world.war", "op": "add", "value": draw(st.floats(-2, 2))},
                                    {"target": f"relations.{codes[0]}.{codes[1]}.trust", "op": "mul",
                                     "value": draw(st.floats(0, 3))}]}}
    return dict(actors=actors, relations=relations, dynamics=dynamics, world=world, events=events,
                outcome={"pair": codes[:2]}, horizon_months=draw(st.integers(1, 24)),
                seed=draw(st.integers(0, 2**40)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_state_stays_in_bounds_without_nan(data):
    cfg = SimConfig.model_validate(data)
    traj = run_engine(compile_model(cfg), np.arange(3), "numba")
    for name in ("dyad", "world", "need"):
        values = getattr(traj, name)
        assert np.isfinite(values).all(), name
        assert (values >= 0).all() and (values <= 1).all(), name
    dependency = traj.variable("dependency")
    assert (dependency.sum(axis=-1) <= 1 + 1e-9).all()
    n = dependency.shape[-1]
    assert np.allclose(traj.variable("trust")[:, :, range(n), range(n)], 1.0)
