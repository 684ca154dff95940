"""The fully resolved configuration of a run: every schema default written out.

``resolved_config(config)`` is what ``python -m sim --cfg job`` prints: the validated
``SimConfig`` (defaults included; unset optional fields of a dyad, which fall back to
``relation_defaults``, left out), plus the ``sweep`` design and the ``objective`` if any.
"""

from __future__ import annotations

from sim.config.schema import SimConfig


def resolved_config(config: SimConfig, *, sweep: dict | None = None, objective: str | None = None) -> dict:
    """Plain data (JSON/YAML types) of the resolved configuration; see module doc."""
    data = config.model_dump(mode="json", exclude_none=True)
    if sweep is not None:
        from sim.sweep.spec import parse_sweep

        data["sweep"] = parse_sweep(sweep).model_dump(mode="json", exclude_none=True)
    if objective is not None:
        data["objective"] = objective
    return data
