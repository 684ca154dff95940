"""How a mechanism declares itself: its parameters, switches, Mesa behaviour and kernel.

Every quantity of the model is declared once, as a ``Parameter`` in the module of the
mechanism that uses it first (``sim/mechanisms/<name>.py``); the pydantic schema
(``sim.config.schema``), the documentation tables (``sim.doctables``) and the catalogue
are built from these declarations. A ``Mechanism`` bundles one phase of the monthly
update: the readable statement (``behaviour``, a mixin of the Mesa agent, whose method
``phase`` runs for every agent) and the compiled statement (``kernel``, a numba
function over the arrays of ``sim.kernels.layout``), side by side in one module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Section = Literal["world", "dynamics", "actor", "relation"]
# How a note justifies a value that no evidence id supports.
JUSTIFICATIONS = ("judgement:", "calibrated:")


@dataclass(frozen=True)
class Parameter:
    """One declared quantity: where it lives, its admissible range, default, unit and evidence.

    ``section``: ``world`` (exogenous conflict state), ``dynamics`` (a coefficient of the
    monthly update), ``actor`` (per actor) or ``relation`` (per ordered dyad i -> j).
    ``state``: a relation variable updated every month (its default is the initial
    value); ``diagonal`` is its value on (i, i); ``hidden``: a state the configuration
    does not set (its mechanism draws it at month 0). ``prior``: the range [low, high]
    a behavioural weight is sampled over per replication by default (uniform), since
    history does not pin it down; ``default`` is then its point value (one override
    away). ``note`` says "judgement: ..." or "calibrated: ..." where no evidence id applies.
    """

    name: str
    section: Section
    lo: float
    hi: float
    default: float
    unit: str
    description: str
    symbol: str = ""
    evidence: tuple[str, ...] = ()
    note: str = ""
    state: bool = False
    diagonal: float = 0.0
    hidden: bool = False
    prior: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not self.lo <= self.default <= self.hi:
            raise ValueError(f"{self.section}.{self.name}: default {self.default} outside [{self.lo}, {self.hi}]")
        if self.prior is not None and not self.lo <= self.prior[0] <= self.default <= self.prior[1] <= self.hi:
            raise ValueError(f"{self.section}.{self.name}: prior {self.prior} must hold the default and lie in "
                             f"[{self.lo}, {self.hi}]")
        if not (self.evidence or self.note.startswith(JUSTIFICATIONS)):
            raise ValueError(f"{self.section}.{self.name}: cite evidence ids or give a note starting with "
                             f"{' or '.join(JUSTIFICATIONS)}")


def world(name, lo, hi, default, unit, description, **kw) -> Parameter:
    return Parameter(name, "world", lo, hi, default, unit, description, **kw)


def coefficient(name, lo, hi, default, unit, description, **kw) -> Parameter:
    return Parameter(name, "dynamics", lo, hi, default, unit, description, **kw)


def actor(name, lo, hi, default, unit, description, **kw) -> Parameter:
    return Parameter(name, "actor", lo, hi, default, unit, description, **kw)


def relation(name, lo, hi, default, unit, description, **kw) -> Parameter:
    return Parameter(name, "relation", lo, hi, default, unit, description, **kw)


def state(name, lo, hi, default, unit, description, *, diagonal: float, **kw) -> Parameter:
    """A relation variable updated every month; ``default`` is its initial value."""
    return Parameter(name, "relation", lo, hi, default, unit, description, state=True, diagonal=diagonal, **kw)


def hidden_state(name, lo, hi, unit, description, *, diagonal: float, **kw) -> Parameter:
    """A relation variable updated every month that its mechanism draws at month 0."""
    return Parameter(name, "relation", lo, hi, lo, unit, description, state=True, diagonal=diagonal, hidden=True, **kw)


@dataclass(frozen=True)
class Mechanism:
    """One phase of the month: its switches, parameters and both statements of it.

    ``start_phase`` / ``start_kernel``: what the mechanism does once, at month 0, before
    the initial state is recorded (e.g. drawing hidden types); same signatures as the
    phase. ``switches`` maps each switch (``mechanisms.<name>`` in the configuration) to what
    setting it to false does; ``updates`` names the state variables whose next value
    the phase writes (sim.kernels.layout ``next_<state>`` planes). ``checks`` are cross-field rules on the ``dynamics``
    section: functions of the validated section that raise ``ValueError``.
    """

    name: str
    phase: str
    summary: str
    literature: str
    switches: dict[str, str]
    updates: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    behaviour: type | None = None
    kernel: Callable | None = None
    checks: tuple[Callable, ...] = field(default_factory=tuple)
    start_phase: str = ""
    start_kernel: Callable | None = None
