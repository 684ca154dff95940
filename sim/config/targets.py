"""Resolve an event target path to an array slot of the compiled state.

Paths: ``world.<field>``, ``dynamics.<field>``, ``actors.<A>.<field>``,
``relations.<A>.<B>.<field>``. Everything an event can touch lives in the three state
arrays of :mod:`sim.kernels.layout`, so events act alike in both engines.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.params import Bounds, bounds_of
from sim.kernels import layout

_SECTIONS = "world, dynamics, actors.<A>, relations.<A>.<B>"


@dataclass(frozen=True)
class Target:
    """An array slot: ``kind`` is ``layout.T_GLOB/T_ACTOR/T_DYAD``; unused indices are 0."""

    kind: int
    field: int
    i: int
    j: int
    bounds: Bounds


def _field(model, name: str, fields: tuple[str, ...], key: str) -> tuple[int, Bounds]:
    if name not in fields:
        raise ValueError(f"{key}: unknown field {name!r}; allowed: {', '.join(fields)}")
    return fields.index(name), bounds_of(model, name)


def _actor(code: str, roster: list[str], key: str) -> int:
    if code not in roster:
        raise ValueError(f"{key}: unknown actor {code!r}; allowed: {', '.join(roster)}")
    return roster.index(code)


def resolve_target(path: str, roster: list[str], key: str) -> Target:
    """Parse ``path``; raise ``ValueError`` naming ``key`` and the allowed values."""
    from sim.config.schema import Actor, Dynamics, RelationDefaults, World

    parts = path.split(".")
    head = parts[0]
    if head in ("world", "dynamics") and len(parts) == 2:
        model = World if head == "world" else Dynamics
        if parts[1] not in model.model_fields:
            raise ValueError(f"{key}: unknown field {parts[1]!r} of {head}; allowed: {', '.join(model.model_fields)}")
        idx, b = _field(model, parts[1], layout.GLOB_FIELDS, key)
        return Target(layout.T_GLOB, idx, 0, 0, b)
    if head == "actors" and len(parts) == 3:
        i = _actor(parts[1], roster, key)
        idx, b = _field(Actor, parts[2], layout.ACTOR_FIELDS, key)
        return Target(layout.T_ACTOR, idx, i, 0, b)
    if head == "relations" and len(parts) == 4:
        i = _actor(parts[1], roster, key)
        j = _actor(parts[2], roster, key)
        if i == j:
            raise ValueError(f"{key}: an actor has no relation with itself")
        idx, b = _field(RelationDefaults, parts[3], layout.DYAD_FIELDS, key)
        return Target(layout.T_DYAD, idx, i, j, b)
    raise ValueError(f"{key}: cannot parse target {path!r}; allowed: {_SECTIONS} followed by .<field>")
