"""The validated configuration of one simulation.

Every model parameter is declared once, beside the mechanism that uses it
(``sim/mechanisms/<name>.py``); the section models here (``Actor``, ``Relation``,
``RelationDefaults``, ``World``, ``Dynamics``, ``Mechanisms``) are built from those
declarations, with their units, admissible ranges, defaults and evidence. Hydra YAML
(``conf/``, ``scenarios/``) only selects and overrides. All models are frozen and refuse
unknown keys. Equations: ``docs/model.md``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, create_model, model_validator

from sim import mechanisms
from sim.config.targets import resolve_target
from sim.config.params import EvidenceIds, P, Param, bounded, bounds_of, optional_bounded

ACTOR_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,11}$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _fields(section: str, *, optional: bool = False) -> dict:
    """pydantic field definitions of one declared section (``sim.mechanisms``)."""
    out = {}
    for p in mechanisms.section(section):
        if p.hidden:
            continue
        describe = f"{p.description} [{p.unit}]"
        if optional:
            out[p.name] = (optional_bounded(p.lo, p.hi, describe), None)
        elif p.prior is not None:
            default = Param(low=p.prior[0], high=p.prior[1], evidence=p.evidence, note=p.note)
            out[p.name] = (bounded(p.lo, p.hi, describe), default)
        else:
            out[p.name] = (bounded(p.lo, p.hi, describe), P(p.default, *p.evidence, note=p.note))
    return out


def _checks(section: str) -> dict:
    """The mechanisms' cross-field rules on a section, as pydantic after-validators."""
    rules = [check for m in mechanisms.ALL for check in m.checks] if section == "dynamics" else []

    def run_checks(self):
        for check in rules:
            check(self)
        return self

    return {"_mechanism_checks": model_validator(mode="after")(run_checks)} if rules else {}


def _section_model(model_name: str, doc: str, section: str, *, optional: bool = False, **extra) -> type[BaseModel]:
    model = create_model(model_name, __base__=_Frozen, __doc__=doc, __validators__=_checks(section),
                         **extra, **_fields(section, optional=optional))
    model.__module__ = __name__
    return model


Actor = _section_model("Actor", "Per-actor parameters (declared in sim.mechanisms).", "actor",
                       name=(str, Field("", description="display name")))
Relation = _section_model("Relation", "One ordered dyad (from -> to). Unset fields take ``relation_defaults``.",
                          "relation", optional=True)
RelationDefaults = _section_model("RelationDefaults", "Values for every dyad a scenario does not list.", "relation")
World = _section_model("World", "Exogenous conflict state (changed by events).", "world")
Dynamics = _section_model("Dynamics", "Coefficients of the monthly update (equations in docs/model.md).",
                          "dynamics")
Mechanisms = create_model(
    "Mechanisms", __base__=_Frozen,
    __doc__="Switches: ``false`` isolates a mechanism's effect (docs/model.md, ablation).",
    **{name: (StrictBool, Field(True, description=text)) for name, text in mechanisms.SWITCHES.items()},
)
Mechanisms.__module__ = __name__


class Outcome(_Frozen):
    """How the partnership of ``pair`` is judged: rupture is an event (``rupture_months``
    consecutive months in which the index keeps less than ``rupture_threshold`` of its
    running peak: a peak-to-trough rule, so the pair's own level is the reference); the
    pair holds if it has not ruptured by the horizon. The defaults are fixed once from the Sino-Soviet split
    by the procedure of ``sim.history.thresholds`` (docs/validation.md) and are not tuned
    per scenario."""

    pair: tuple[str, str] = ("CHN", "RUS")
    rupture_threshold: float = Field(0.76, gt=0, lt=1, description="share of its running peak below which the "
                                     "partnership index counts a month towards rupture (the pair holds unless it "
                                     "ruptures) [share of peak]")
    rupture_months: int = Field(6, ge=1, le=1200, description="consecutive months below the rupture threshold "
                                "(x running peak) that make a rupture [month]")


class Effect(_Frozen):
    """One change an event makes: ``target`` path, operation, value."""

    target: str = Field(description="world.F | dynamics.F | actors.A.F | relations.A.B.F")
    op: Literal["set", "add", "mul"] = "set"
    value: float = Field(allow_inf_nan=False)


class Event(_Frozen):
    """A scheduled (``month``), recurring (``every``) or random (``hazard``) change."""

    description: str = ""
    evidence: EvidenceIds = ()
    month: int | None = Field(None, ge=1, description="month at whose start it fires (1..horizon)")
    every: int | None = Field(None, ge=1, description="fires every so many months within [start, end]")
    hazard: float | None = Field(None, gt=0, le=1, allow_inf_nan=False, description="monthly firing probability within [start, end]")
    start: int = Field(1, ge=1, description="first month a recurring or random event may fire")
    end: int | None = Field(None, ge=1, description="last month it may fire (default: horizon)")
    max_fires: int | None = Field(None, ge=1, description="cap on firings (default: 1 for hazard, unlimited for every)")
    effects: tuple[Effect, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_timing(self) -> Event:
        given = [k for k in ("month", "every", "hazard") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of month, every, hazard (got {given or 'none'})")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class ScenarioInfo(_Frozen):
    """What a scenario file says about itself."""

    question: str = ""
    evidence: EvidenceIds = ()


class Output(_Frozen):
    """What a run writes besides summary.json."""

    figures: StrictBool = True
    trajectories: StrictBool = True
    replication_table: StrictBool = True
    sample_replications: int = Field(10, ge=0, le=10_000, description="replications whose full trajectories are written")


class SimConfig(_Frozen):
    """A complete, validated simulation set-up (roster, relations, dynamics, run settings)."""

    scenarios: dict[str, ScenarioInfo] = Field(default_factory=dict)
    seed: int = Field(0, ge=0, le=2**62, description="root of every random draw")
    replications: int = Field(1000, ge=1, le=10_000_000, description="independent replications of the ensemble")
    horizon_months: int = Field(60, ge=1, le=1200, description="months simulated after month 0 [month]")
    start: str = Field("2025-07", pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="calendar month of month 0 (YYYY-MM)")
    engine: Literal["numba", "mesa"] = Field("numba", description="numba core (ensembles) or Mesa reference (readable)")
    batch_size: int = Field(1024, ge=1, le=100_000, description="replications per core call (does not change results)")
    actors: dict[str, Actor]
    relation_defaults: RelationDefaults = RelationDefaults()
    relations: dict[str, dict[str, Relation]] = Field(default_factory=dict)
    world: World = World()
    dynamics: Dynamics = Dynamics()
    mechanisms: Mechanisms = Mechanisms()
    outcome: Outcome = Outcome()
    events: dict[str, Event] = Field(default_factory=dict)
    output: Output = Output()
    weights: Literal["posterior", "prior"] = Field(
        "posterior", description="where the calibrated dynamics coefficients come from: each replication draws one "
        "particle of the shipped posterior (sim/history/posterior/), or samples every prior range; a coefficient "
        "the configuration sets explicitly keeps that value or range")

    @model_validator(mode="after")
    def _consistent(self) -> SimConfig:
        codes = list(self.actors)
        allowed = ", ".join(codes)
        if len(codes) < 2:
            raise ValueError(f"actors: the roster needs at least 2 actors, got {len(codes)}")
        for code in codes:
            if not ACTOR_CODE.match(code):
                raise ValueError(f"actors.{code}: actor codes are 2-12 capitals/digits/_ starting with a letter")
        for src, row in self.relations.items():
            if src not in self.actors:
                raise ValueError(f"relations.{src}: unknown actor {src!r}; allowed: {allowed}")
            for dst in row:
                if dst not in self.actors:
                    raise ValueError(f"relations.{src}.{dst}: unknown actor {dst!r}; allowed: {allowed}")
                if dst == src:
                    raise ValueError(f"relations.{src}.{dst}: an actor has no relation with itself")
        for src in codes:
            total = sum(self.relation(src, dst, "dependency").hi for dst in codes if dst != src)
            if total > 1 + 1e-12:
                raise ValueError(
                    f"relations.{src}: dependency shares sum to up to {total:g}; "
                    "allowed: at most 1 (shares of one actor's critical needs)"
                )
        for k, code in enumerate(self.outcome.pair):
            if code not in self.actors:
                raise ValueError(f"outcome.pair.{k}: unknown actor {code!r}; allowed: {allowed}")
        if self.outcome.pair[0] == self.outcome.pair[1]:
            raise ValueError("outcome.pair: needs two different actors")
        for name, event in self.events.items():
            self._check_event(name, event)
        return self

    def _check_event(self, name: str, event: Event) -> None:
        key = f"events.{name}"
        horizon = self.horizon_months
        for field in ("month", "start", "end"):
            when = getattr(event, field)
            if when is not None and when > horizon:
                raise ValueError(f"{key}.{field}: month {when} is past the horizon; allowed 1..{horizon}")
        for k, effect in enumerate(event.effects):
            target = resolve_target(effect.target, list(self.actors), key=f"{key}.effects.{k}.target")
            if effect.op == "set" and not target.bounds.lo <= effect.value <= target.bounds.hi:
                raise ValueError(
                    f"{key}.effects.{k}.value: {effect.value:g} is out of range for {effect.target}; "
                    f"allowed {target.bounds}"
                )

    def relation(self, src: str, dst: str, field: str) -> Param:
        """The parameter of dyad (src, dst), falling back to ``relation_defaults``."""
        given = self.relations.get(src, {}).get(dst)
        value = getattr(given, field) if given is not None else None
        return value if value is not None else getattr(self.relation_defaults, field)

    @property
    def roster(self) -> list[str]:
        return list(self.actors)

    @property
    def scenario_names(self) -> list[str]:
        return list(self.scenarios) or ["custom"]


__all__ = [
    "Actor",
    "Dynamics",
    "Effect",
    "Event",
    "Mechanisms",
    "Outcome",
    "Output",
    "Param",
    "Relation",
    "RelationDefaults",
    "ScenarioInfo",
    "SimConfig",
    "World",
    "bounds_of",
]
