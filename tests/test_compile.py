"""``compile_model`` lays out every array slot as enumerating every one of them would
(``sim.compile.parameters`` over all ordered pairs): the pairs left at fixed defaults are
filled at once, only the pairs a configuration names are visited."""

import numpy as np
import pytest

import sim
from sim.compile import compile_model, parameters
from sim.history.forecast import forecast_config
from sim.history.signed import signed_network
from sim.kernels import layout


def _enumerated(config):
    """Base arrays and ranged slots (path, kind, field, i, j) from every slot, one by one."""
    n = len(config.actors)
    base = {layout.T_GLOB: np.zeros(len(layout.GLOB_FIELDS)), layout.T_ACTOR: np.zeros((len(layout.ACTOR_FIELDS), n)),
            layout.T_DYAD: np.zeros((len(layout.DYAD_FIELDS), n, n))}
    ranged = []
    for path, param, t in parameters(config):
        base[t.kind][(t.field, t.i, t.j)[:base[t.kind].ndim]] = param.lo
        if not param.fixed:
            ranged.append((path, t.kind, t.field, t.i, t.j))
    return base, ranged


def _signed_network_config(n: int):
    """A forecast of a random signed network of ``n`` actors (10 % of the pairs tied), as
    the historical networks are run: the ties are named relations, the rest defaults."""
    rng = np.random.default_rng(n)
    nodes = [f"C{k:03d}" for k in range(n)]
    edges = [(nodes[a], nodes[b], 1 if rng.random() < 0.6 else -1)
             for a in range(n) for b in range(a + 1, n) if rng.random() < 0.1]
    return forecast_config(signed_network(nodes, edges), 12, 0, 4)


CASES = {
    "baseline": lambda: sim.load_config("baseline"),
    "taiwan_drones": lambda: sim.load_config("taiwan_drones"),
    "a ranged default": lambda: sim.load_config("baseline", ["relation_defaults.trust=[0.2,0.6]"]),
    "named pairs": lambda: sim.load_config("baseline", ["relations.RUS.CHN.trust=[0.2,0.4]",
                                                        "relations.USA.TWN.support=0.3",
                                                        "relations.TWN.USA.trust=0.9"]),
    "60 actors, signed ties": lambda: _signed_network_config(60),
}


@pytest.mark.parametrize("case", CASES)
def test_layout_equals_every_slot_enumerated(case):
    config = CASES[case]()
    model = compile_model(config)
    base, ranged = _enumerated(config)
    dyad = base[layout.T_DYAD]
    for p in sim.mechanisms.STATE:  # the diagonal: each state variable's own value
        dyad[layout.slot(layout.DYAD_FIELDS, "DYAD_FIELDS", p.name)][np.diag_indices(len(config.actors))] = p.diagonal
    assert np.array_equal(model.base_glob, base[layout.T_GLOB])
    assert np.array_equal(model.base_actor, base[layout.T_ACTOR])
    assert np.array_equal(model.base_dyad, dyad)
    drawn = [(s.path, s.kind, s.field, s.i, s.j) for s in (*model.random, *model.calibrated)]
    assert sorted(drawn) == sorted(ranged)
    assert [s.path for s in model.random] == [p for p, *_ in ranged if p in {s.path for s in model.random}]
