"""Small configurations for unit tests (built directly, without Hydra)."""

from __future__ import annotations

from sim.config.schema import SimConfig


def two_actor_config(**over) -> SimConfig:
    """Two actors A and B with a simple symmetric relation; ``over`` merges into the dict."""
    data = {
        "actors": {"AAA": {"capability": 0.6, "war_involvement": 0.5}, "BBB": {"capability": 0.4}},
        "relations": {"AAA": {"BBB": {"trust": 0.5, "support": 0.5}}, "BBB": {"AAA": {"trust": 0.5, "support": 0.5}}},
        "outcome": {"pair": ["AAA", "BBB"]},
        "replications": 4,
        "horizon_months": 12,
    }
    return SimConfig.model_validate(_merge(data, over))


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out
