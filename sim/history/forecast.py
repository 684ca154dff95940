"""``forecast_signed``: P(positive tie) of every pair after the model's own dynamics.

The snapshot is encoded as a configuration (``sim.history.encode``), compiled
(``sim.compile.compile_model``) and run on the numba core (``sim.engines.run_engine``)
in batches small enough for 130-actor networks (``sim.history.engine``). ``positive_tie`` then reads, per
replication, the sign of the pair's signed relation at the horizon.

The signed relation is the dyad state ``affinity`` in [−1, 1] that structural balance
polarises (model v2, docs/model.md §7.7); it moves by balance alone, so a forecast depends
on the balance rate only (``sim.history.balance_fit``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from pydantic import ValidationError

from sim.config.messages import from_validation_error
from sim.config.schema import SimConfig
from sim.history.encode import encode
from sim.history.engine import run_horizons
from sim.history.signed import Pair, SignedNetwork, signed_network
from sim.trajectories import Trajectories

MAX_MONTHS = 1200  # the schema's horizon limit


def signed_relation(traj: Trajectories) -> np.ndarray:
    """[R, N, N] signed relation x_ij in [−1, 1] at the last recorded month: the
    affinity that structural balance polarises (sim.mechanisms.balance)."""
    return traj.variable("affinity")[:, -1]


def positive_tie(traj: Trajectories) -> np.ndarray:
    """[N, N] P(positive tie): the share of replications with x_ab + x_ba > 0.

    A replication with x_ab + x_ba exactly 0 (a pair nothing has moved from neutral)
    counts one half: it says nothing about the sign.
    """
    return tie_probability(signed_relation(traj))


def tie_probability(x: np.ndarray) -> np.ndarray:
    """[N, N] share of the replications of ``x`` [R, N, N] with x_ab + x_ba > 0 (ties at
    exactly 0 count one half)."""
    total = x + np.swapaxes(x, 1, 2)
    return (total > 0).mean(axis=0) + 0.5 * (total == 0).mean(axis=0)


def forecast_config(network: SignedNetwork, months: int, seed: int, replications: int, *,
                    dynamics: Mapping | None = None, mechanisms: Mapping | None = None,
                    capability: Mapping | None = None, weights: str = "posterior") -> SimConfig:
    """The validated configuration ``forecast_signed`` runs (see ``encode``)."""
    for key, value, low, high in (("months", months, 1, MAX_MONTHS), ("replications", replications, 1, 10_000_000),
                                  ("seed", seed, 0, 2**62)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
            raise ValueError(f"{key}: {value!r}; allowed: an integer in [{low}, {high}]")
    raw = encode(network, capability=capability) | {
        "seed": int(seed),
        "replications": int(replications),
        "horizon_months": int(months),
        "dynamics": dict(dynamics or {}),
        "mechanisms": dict(mechanisms or {}),
        "weights": weights,
    }
    try:
        return SimConfig.model_validate(raw)
    except ValidationError as err:
        raise from_validation_error(err, SimConfig) from None


def forecast_matrix(config: SimConfig) -> np.ndarray:
    """[N, N] P(positive tie) over ``config.replications`` replications."""
    n = len(config.actors)
    total = np.zeros((n, n))
    for traj in run_horizons(config):
        total += positive_tie(traj) * traj.reps.shape[0]
    return total / config.replications


def forecast_network(network: SignedNetwork, months: int = 48, seed: int = 0, replications: int = 100,
                     **settings) -> dict[Pair, float]:
    """``forecast_signed`` for a validated ``SignedNetwork``."""
    p = forecast_matrix(forecast_config(network, months, seed, replications, **settings))
    nodes = network.nodes
    return {(min(nodes[i], nodes[j]), max(nodes[i], nodes[j])): float(p[i, j])
            for i in range(len(nodes)) for j in range(i + 1, len(nodes))}


def forecast_signed(nodes: Sequence[str], edges: Iterable, months: int = 48, seed: int = 0,
                    replications: int = 100, *, dynamics: Mapping | None = None,
                    mechanisms: Mapping | None = None, capability: Mapping | None = None,
                    weights: str = "posterior") -> dict[Pair, float]:
    """P(positive tie) after ``months`` for every unordered pair of ``nodes``.

    ``nodes``: actor codes (``^[A-Z][A-Z0-9_]{1,11}$``; COW's three-letter codes qualify
    as they are). ``edges``: ``(a, b, sign)`` ties, sign +1 or -1; unlisted pairs have no
    tie. The snapshot is encoded by ``sim.history.encode`` and run through the model's
    dynamics for ``months`` (1..1200) months, ``replications`` replications from
    ``seed``, on the numba core. ``dynamics`` and ``mechanisms``: schema overrides
    (e.g. ``{"balance_rate": 0.05}``, ``{"trust": False}``); ``capability``: per actor,
    as in ``encode``.

    Returns ``{(a, b): p}`` with ``a < b``, ``p`` in [0, 1] (``positive_tie``). Raises
    ``ValueError`` naming the item for an empty network, an unknown or invalid code, a
    repeated node, a self tie, a pair given twice, a sign other than ±1, or a bad
    setting.
    """
    network = signed_network(nodes, edges)
    return forecast_network(network, months, seed, replications, dynamics=dynamics, mechanisms=mechanisms,
                            capability=capability, weights=weights)
