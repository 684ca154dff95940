"""The O(N^3) terms (shared threat, outside options, structural balance) on signed networks
of many actors, as ``sim.history`` runs them: the core computes what the Mesa statement
says, and the state at the horizon does not depend on the core's block width."""

from __future__ import annotations

import numpy as np

from sim.compile import compile_model
from sim.engines import run_engine
from sim.history.engine import run_horizons
from sim.history.forecast import forecast_config
from sim.history.signed import signed_network
from sim.kernels import ensemble
from sim.kernels.layout import RECORDED_DYAD
from sim.kernels.lanes import lanewise
from sim.trajectories import Trajectories
from tests.test_engines_agree import assert_engines_agree


def _network(n: int, tied: float, seed: int = 1):
    """A random signed network: ``n`` actors, a share ``tied`` of the pairs tied, 60% positive."""
    rng = np.random.default_rng(seed)
    nodes = [f"C{k:03d}" for k in range(n)]
    edges = [(nodes[a], nodes[b], 1 if rng.random() < 0.6 else -1)
             for a in range(n) for b in range(a + 1, n) if rng.random() < tied]
    return signed_network(nodes, edges)


def test_engines_agree_on_a_signed_network_of_many_actors():
    """18 actors (the third actors of each O(N^3) term in fours and a remainder), dense
    enough for every actor to sit in triads; the outputs depend on each term."""
    network = _network(18, 0.3)
    model = compile_model(forecast_config(network, 8, 0, 2))
    core = assert_engines_agree(model, np.arange(2))
    for mechanism in ("threat", "abandonment", "balance"):  # each term moves what is compared
        off = run_engine(compile_model(forecast_config(network, 8, 0, 2, mechanisms={mechanism: False})),
                         np.arange(2), "numba")
        assert not np.array_equal(off.dyad, core.dyad), mechanism


def _horizon_state(config) -> dict[str, np.ndarray]:
    parts = [{name: getattr(traj, name).copy() for name in Trajectories.ARRAYS} for traj in run_horizons(config)]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def test_horizon_state_identical_at_any_block_width(monkeypatch):
    """Blocks of 8, 16 and 24 replications (a partial last block in every batch) give the
    same bits for every replication of a 40-actor forecast: at 8 and 16 lanes the O(N^3)
    terms run lane by lane, at 24 across the lanes (``sim.kernels.lanes.lanewise``)."""
    network = _network(40, 0.1)
    config = forecast_config(network, 12, 3, 21)
    states, calls = [], []
    for lanes in (8, 16, 24):
        monkeypatch.setattr(ensemble, "block_width", lambda *args, lanes=lanes: calls.append(lanes) or lanes)
        states.append(_horizon_state(config))
    assert sorted(set(calls)) == [8, 16, 24]  # the core ran at each width
    assert lanewise(40, 16) is not None and lanewise(40, 24) is None  # both forms of the O(N^3) terms compared
    for other in states[1:]:
        for name, values in states[0].items():
            assert np.array_equal(values.view(np.uint8), other[name].view(np.uint8)), name
    affinity = states[0]["dyad"][:, -1, RECORDED_DYAD.index("affinity")]
    codes = network.nodes
    untied = np.array([[a != b and (min(a, b), max(a, b)) not in network.signs for b in codes] for a in codes])
    assert (affinity[:, untied] != 0).mean() > 0.5  # balance moved the untied pairs
    assert np.ptp(affinity, axis=0).max() > 0  # replications differ
