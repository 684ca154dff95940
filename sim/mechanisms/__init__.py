"""The model's mechanisms, one module each, in the order of the monthly update.

Each module holds one mechanism on one screen: its parameters (``PARAMETERS``, the
only place they are declared), its readable statement (``Behaviour``, a mixin of the
Mesa agent) and its compiled statement (a numba kernel), and ``MECHANISM`` bundling
them (``sim.mechanisms.spec``). docs/contributing.md says how to add one.

Month 0: hidden types are drawn (``types``) and threats assessed, and the initial state
is recorded. A month of one replication: events fire at its start (``events``); then
each phase below runs for every actor before the next begins, writing work arrays; the
commit then makes the new state visible at once (synchronous update, independent of
actor order):

    redraw_types -> assess_threats -> weigh_commitments -> decide_support -> detect_espionage
    -> update_trust -> drift_to_balance -> update_dependency -> update_alignment -> commit
"""

from __future__ import annotations

import functools

from sim.kernels import layout
from sim.mechanisms import alignment, balance, dependency, dilemma, espionage, events, support, threat, trust, types
from sim.mechanisms.spec import Mechanism, Parameter

PHASES: tuple[Mechanism, ...] = (
    types.MECHANISM,
    threat.MECHANISM,
    dilemma.MECHANISM,
    support.MECHANISM,
    espionage.MECHANISM,
    trust.MECHANISM,
    balance.MECHANISM,
    dependency.MECHANISM,
    alignment.MECHANISM,
)
EVENTS: Mechanism = events.MECHANISM
ALL: tuple[Mechanism, ...] = (*PHASES, EVENTS)

PARAMETERS: tuple[Parameter, ...] = tuple(p for m in ALL for p in m.parameters)
SWITCHES: dict[str, str] = {name: text for m in ALL for name, text in m.switches.items()}


_ORDER = {"world": layout.WORLD_FIELDS, "dynamics": layout.DYNAMICS_FIELDS, "actor": layout.ACTOR_FIELDS,
          "relation": layout.DYAD_FIELDS}


@functools.cache  # PARAMETERS is a constant: one sort per section and process
def section(name: str) -> tuple[Parameter, ...]:
    """The declared parameters of one section (world, dynamics, actor, relation), in the
    order of its layout table (state variables first for relations)."""
    order = _ORDER[name]
    declared = [p for p in PARAMETERS if p.section == name]
    return tuple(sorted(declared, key=lambda p: order.index(p.name) if p.name in order else len(order)))


def parameter(section_name: str, name: str) -> Parameter:
    """The declaration of ``section_name.name``; ``KeyError`` naming the allowed fields if none."""
    for p in PARAMETERS:
        if p.section == section_name and p.name == name:
            return p
    allowed = ", ".join(p.name for p in section(section_name))
    raise KeyError(f"{section_name}: unknown field {name!r}; allowed: {allowed}")


def owner(switch: str) -> Mechanism:
    """The mechanism that owns ``mechanisms.<switch>``."""
    return next(m for m in ALL if switch in m.switches)


STATE: tuple[Parameter, ...] = tuple(p for p in section("relation") if p.state)  # layout.STATE_FIELDS order
