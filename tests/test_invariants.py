"""Invariants under generated parameters: every recorded variable in its bounds, no NaN.

Every declared parameter (``sim.mechanisms``: world, dynamics, actor, relation) is drawn
over its whole admissible range, so a new parameter is covered without editing this file.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim import mechanisms
from sim.compile import compile_model
from sim.config.schema import SimConfig
from sim.engines import run_engine
from sim.kernels.layout import RECORDED_DYAD


def _value(draw, p):
    return draw(st.floats(p.lo, p.hi, allow_nan=False))


@st.composite
def configs(draw):
    codes = ["AAA", "BBB", "CCC", "DDD"][: draw(st.integers(2, 4))]
    actors = {c: {p.name: _value(draw, p) for p in mechanisms.section("actor")} for c in codes}
    relations = {}
    for a in codes:
        relations[a] = {}
        for b in (x for x in codes if x != a):
            relations[a][b] = {p.name: _value(draw, p) for p in mechanisms.section("relation") if not p.hidden}
        total = sum(rel["dependency"] for rel in relations[a].values())
        if total > 1:  # shares of one actor's needs: rescale the row into the simplex
            for rel in relations[a].values():
                rel["dependency"] *= 0.999 / total
    dynamics = {p.name: _value(draw, p) for p in mechanisms.section("dynamics")}
    world = {p.name: _value(draw, p) for p in mechanisms.section("world")}
    events = {"shock": {"hazard": draw(st.floats(0.01, 1)), "max_fires": 3,
                        "effects": [{"target": "world.war", "op": "add", "value": draw(st.floats(-2, 2))},
                                    {"target": f"relations.{codes[0]}.{codes[1]}.trust", "op": "mul",
                                     "value": draw(st.floats(0, 3))}]}}
    return dict(actors=actors, relations=relations, dynamics=dynamics, world=world, events=events,
                outcome={"pair": codes[:2]}, horizon_months=draw(st.integers(1, 24)),
                seed=draw(st.integers(0, 2**40)))


def _bounds(names, section="relation"):
    lo = np.array([mechanisms.parameter(section, n).lo for n in names])
    hi = np.array([mechanisms.parameter(section, n).hi for n in names])
    return lo, hi


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(configs())
def test_state_stays_in_bounds_without_nan(data):
    try:
        cfg = SimConfig.model_validate(data)
    except ValidationError:  # a mechanism's cross-field rule (e.g. type means ordered)
        assume(False)
    traj = run_engine(compile_model(cfg), np.arange(3), "numba")
    for name in traj.ARRAYS:
        assert np.isfinite(getattr(traj, name)).all(), name
    lo, hi = _bounds(RECORDED_DYAD)
    shape = (1, 1, -1, 1, 1)
    assert (traj.dyad >= lo.reshape(shape)).all() and (traj.dyad <= hi.reshape(shape)).all()
    assert (traj.world >= 0).all() and (traj.world <= 1).all()
    assert (traj.actor >= 0).all() and (traj.actor <= 1).all()
    dependency = traj.variable("dependency")
    assert (dependency.sum(axis=-1) <= 1 + 1e-9).all()
    n = dependency.shape[-1]
    for p in mechanisms.STATE:
        assert (traj.variable(p.name)[:, :, range(n), range(n)] == p.diagonal).all(), p.name
