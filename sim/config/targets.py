"""Resolve a parameter path to an array slot of the compiled state.

Paths: ``world.<field>``, ``dynamics.<field>``, ``actors.<A>.<field>``,
``relations.<A>.<B>.<field>``. Fields and bounds come from their declarations in
``sim.mechanisms``; slots from ``sim.kernels.layout``. Everything a parameter path or
an event can touch lives in the three state arrays, so events act alike in both engines.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from sim import mechanisms
from sim.config.params import Bounds
from sim.kernels import layout

_SECTIONS = "world, dynamics, actors.<A>, relations.<A>.<B>"
# path head -> (declared section, layout table and its name, target kind)
_TABLES = {
    "world": ("world", layout.GLOB_FIELDS, "GLOB_FIELDS", layout.T_GLOB),
    "dynamics": ("dynamics", layout.GLOB_FIELDS, "GLOB_FIELDS", layout.T_GLOB),
    "actors": ("actor", layout.ACTOR_FIELDS, "ACTOR_FIELDS", layout.T_ACTOR),
    "relations": ("relation", layout.DYAD_FIELDS, "DYAD_FIELDS", layout.T_DYAD),
}


@dataclass(frozen=True)
class Target:
    """An array slot: ``kind`` is ``layout.T_GLOB/T_ACTOR/T_DYAD``; unused indices are 0."""

    kind: int
    field: int
    i: int
    j: int
    bounds: Bounds


def _actor(code: str, roster: Sequence[str], key: str) -> int:
    if code not in roster:
        raise ValueError(f"{key}: unknown actor {code!r}; allowed: {', '.join(roster)}")
    return roster.index(code)


@functools.cache
def _fields(section: str) -> dict[str, mechanisms.Parameter]:
    """The fields a path may name in ``section`` (declared, not hidden), by name."""
    return {p.name: p for p in mechanisms.section(section) if not p.hidden}


@functools.cache
def field_target(head: str, name: str) -> Target:
    """The target of field ``name`` under path head ``head`` (world, dynamics, actors,
    relations) for actors 0, 0 (``i``, ``j`` of the others follow); ``KeyError`` if
    not a field there."""
    section, table, table_name, kind = _TABLES[head]
    declared = _fields(section)[name]
    return Target(kind, layout.slot(table, table_name, declared.name), 0, 0, Bounds(declared.lo, declared.hi))


def resolve_target(path: str, roster: Sequence[str], key: str) -> Target:
    """Parse ``path``; raise ``ValueError`` naming ``key`` and the allowed values."""
    parts = path.split(".")
    head = parts[0]
    depth = {"world": 2, "dynamics": 2, "actors": 3, "relations": 4}.get(head)
    if depth is None or len(parts) != depth:
        raise ValueError(f"{key}: cannot parse target {path!r}; allowed: {_SECTIONS} followed by .<field>")
    section = _TABLES[head][0]
    i = _actor(parts[1], roster, key) if head in ("actors", "relations") else 0
    j = _actor(parts[2], roster, key) if head == "relations" else 0
    if head == "relations" and i == j:
        raise ValueError(f"{key}: an actor has no relation with itself")
    if parts[-1] not in _fields(section):
        of = f" of {head}" if head in ("world", "dynamics") else ""
        allowed = ", ".join(_fields(section))
        raise ValueError(f"{key}: unknown field {parts[-1]!r}{of}; allowed: {allowed}")
    t = field_target(head, parts[-1])
    return Target(t.kind, t.field, i, j, t.bounds)
