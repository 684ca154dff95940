"""The validated configuration of one simulation: every parameter defined once, here.

Hydra YAML (``conf/``, ``scenarios/``) only selects and overrides; this schema owns the
names, units, admissible ranges and defaults. All models are frozen and refuse unknown
keys. Units: shares, intensities and probabilities are dimensionless in [0, 1];
``*_rate`` fields are per month; ``w_*`` are logit weights (utility units per unit of
the driver). Equations: ``docs/model.md``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from sim.config.params import P, Param, bounded, bounds_of, optional_bounded
from sim.config.params import EvidenceIds

ACTOR_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,11}$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Actor(_Frozen):
    """Per-actor parameters (all dimensionless, in [0, 1])."""

    name: str = Field("", description="display name")
    capability: bounded(0, 1, "relative power (1 = strongest actor)") = P(0.5)
    exposure: bounded(0, 1, "exposure to Western markets and finance") = P(0.3)
    war_involvement: bounded(0, 1, "involvement in the Ukraine war") = P(0.0)
    strait_involvement: bounded(0, 1, "stake in a Taiwan Strait crisis") = P(0.0)
    entrapment_aversion: bounded(0, 1, "aversion to being drawn into a partner's war") = P(0.5)
    self_reliance: bounded(0.01, 1, "domestic capacity to meet critical needs, per unit capability") = P(0.5)


_REL = {
    "trust": (0, 1, "initial belief that the partner is a reliable type"),
    "support": (0, 1, "initial material support given (share of the partner's request met)"),
    "dependency": (0, 1, "initial share of own critical needs met by the partner"),
    "alignment": (0, 1, "initial public alignment signal"),
    "espionage": (0, 1, "intensity of own espionage against the partner"),
    "counterintelligence": (0, 1, "intensity of own counterintelligence against the partner"),
    "affinity": (-1, 1, "baseline affinity (+) or rivalry (-) of interests and regimes"),
    "rivalry": (0, 1, "salience of the partner's power as a threat to oneself"),
    "sanction_risk": (0, 1, "Western sanction penalty risk per unit of support to the partner"),
    "substitutability": (0, 1, "share of the partner's supply others can replace"),
}


class Relation(_Frozen):
    """One ordered dyad (from -> to). Unset fields take ``relation_defaults``."""

    trust: optional_bounded(*_REL["trust"]) = None
    support: optional_bounded(*_REL["support"]) = None
    dependency: optional_bounded(*_REL["dependency"]) = None
    alignment: optional_bounded(*_REL["alignment"]) = None
    espionage: optional_bounded(*_REL["espionage"]) = None
    counterintelligence: optional_bounded(*_REL["counterintelligence"]) = None
    affinity: optional_bounded(*_REL["affinity"]) = None
    rivalry: optional_bounded(*_REL["rivalry"]) = None
    sanction_risk: optional_bounded(*_REL["sanction_risk"]) = None
    substitutability: optional_bounded(*_REL["substitutability"]) = None


class RelationDefaults(_Frozen):
    """Values for every dyad a scenario does not list."""

    trust: bounded(*_REL["trust"]) = P(0.5)
    support: bounded(*_REL["support"]) = P(0.05)
    dependency: bounded(*_REL["dependency"]) = P(0.0)
    alignment: bounded(*_REL["alignment"]) = P(0.2)
    espionage: bounded(*_REL["espionage"]) = P(0.1)
    counterintelligence: bounded(*_REL["counterintelligence"]) = P(0.1)
    affinity: bounded(*_REL["affinity"]) = P(0.0)
    rivalry: bounded(*_REL["rivalry"]) = P(0.1)
    sanction_risk: bounded(*_REL["sanction_risk"]) = P(0.0)
    substitutability: bounded(*_REL["substitutability"]) = P(0.5)


class World(_Frozen):
    """Exogenous conflict state (changed by events)."""

    war: bounded(0, 1, "intensity of the war in Ukraine") = P(0.8, "F10", "F25")
    strait: bounded(0, 1, "Taiwan Strait tension") = P(0.3, "F12")


class Dynamics(_Frozen):
    """Coefficients of the monthly update (equations in docs/model.md)."""

    support_bias: bounded(-20, 20, "support utility intercept [logit]") = P(-5.5, note="calibrated: baseline holds while the war lasts (F10)")
    w_trust: bounded(0, 20, "support utility per unit trust [logit]") = P(3.0, note="judgement: trust as belief drives support (Kydd 2005)")
    w_shared_threat: bounded(0, 20, "support utility per unit shared threat [logit]") = P(3.0, "F25", note="balance of threat (Walt 1987): a common adversary binds")
    w_leverage: bounded(0, 20, "support utility per unit of the partner's dependency on oneself [logit]") = P(1.0, "F15", note="judgement: a partner dependent on oneself is worth supporting")
    w_need: bounded(0, 20, "support utility per unit of the partner's need [logit]") = P(1.5, note="judgement: support answers the partner's need")
    w_alignment: bounded(0, 20, "support utility per unit public alignment [logit]") = P(1.0, "F2", note="judgement: public commitments are costly to break")
    w_affinity: bounded(0, 20, "support utility per unit affinity [logit]") = P(1.5, note="judgement: regime and interest affinity")
    w_sanction: bounded(0, 20, "support disutility per unit exposure x sanction risk [logit]") = P(4.0, "F17", note="judgement: sanction exposure deters support")
    w_entrapment: bounded(0, 20, "support disutility per unit aversion x partner's war intensity [logit]") = P(1.0, "F8", note="alliance security dilemma (Snyder 1984)")
    support_noise: bounded(0, 5, "scale of the logistic noise on support utility [logit]") = P(0.5, note="judgement: month-to-month variation of deliveries")
    need_threat_weight: bounded(0, 1, "weight of the largest threat in an actor's need") = P(0.5, note="judgement: war needs weigh more than latent threats")
    detection_rate: bounded(0, 1, "monthly detection probability per unit espionage x counterintelligence") = P(0.1, "F1", note="judgement: a few detections a year at full intensity")
    detection_likelihood_ratio: bounded(0.01, 1, "P(detection | reliable) / P(detection | unreliable)") = P(0.7, "F1", note="judgement: spying is likelier from an unreliable partner")
    leak_probability: bounded(0, 1, "probability that a detection becomes public") = P(0.2, "F1", note="judgement: the Entente-4 papers did become public")
    leak_penalty: bounded(0, 1, "share of public alignment lost in a leak") = P(0.2, note="judgement: a public spy scandal costs some public warmth")
    reliable_support: bounded(0, 1, "support a reliable partner gives, on average") = P(0.6, note="judgement: mean support of a reliable partner")
    unreliable_support: bounded(0, 1, "support an unreliable partner gives, on average") = P(0.3, note="judgement: mean support of an unreliable partner")
    observation_noise: bounded(0.01, 5, "s.d. of observed support around its type mean") = P(1.0, note="calibrated: monthly evidence is weak (log-LR <= 0.3)")
    type_change_rate: bounded(0, 1, "monthly probability that a partner's type is redrawn [1/month]") = P(0.04, note="judgement: reliability reassessed about every two years")
    trust_prior: bounded(0, 1, "probability a redrawn type is reliable") = P(0.5, note="uninformative prior on a redrawn type")
    balance_rate: bounded(0, 1, "monthly rate of drift towards structural balance [1/month]") = P(0.02, note="judgement: slow drift to balance (Heider 1946)")
    dependency_rate: bounded(0, 1, "monthly adjustment rate of dependency to supply shares [1/month]") = P(0.05, note="judgement: supply chains shift over years (F5, F6 give levels, not speeds)")
    alignment_rate: bounded(0, 1, "monthly adjustment rate of public alignment [1/month]") = P(0.1, "F2", note="judgement: public line follows deeds within months")

    @model_validator(mode="after")
    def _types_differ(self) -> Dynamics:
        if self.unreliable_support.hi >= self.reliable_support.lo:
            raise ValueError(
                "dynamics.unreliable_support: must stay below dynamics.reliable_support "
                f"(got up to {self.unreliable_support.hi:g} vs from {self.reliable_support.lo:g})"
            )
        return self


class Mechanisms(_Frozen):
    """Switches: ``false`` isolates a mechanism's effect (see docs/model.md, ablation)."""

    threat: StrictBool = True
    conflict: StrictBool = True
    support: StrictBool = True
    espionage: StrictBool = True
    trust: StrictBool = True
    balance: StrictBool = True
    dependency: StrictBool = True
    alignment: StrictBool = True
    events: StrictBool = True


class Outcome(_Frozen):
    """How the partnership of ``pair`` is judged."""

    pair: tuple[str, str] = ("CHN", "RUS")
    hold_threshold: float = Field(0.35, ge=0, le=1, description="index at the horizon at or above which the pair holds")
    rupture_threshold: float = Field(0.25, ge=0, le=1, description="index below which a month counts towards rupture")
    rupture_months: int = Field(6, ge=1, le=1200, description="consecutive months below the rupture threshold that make a rupture")

    @model_validator(mode="after")
    def _ordered(self) -> Outcome:
        if self.rupture_threshold > self.hold_threshold:
            raise ValueError(
                f"outcome.rupture_threshold: {self.rupture_threshold:g} must not exceed "
                f"outcome.hold_threshold {self.hold_threshold:g}"
            )
        return self


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
    replications: int = Field(1000, ge=1, le=10_000_000)
    horizon_months: int = Field(60, ge=1, le=1200)
    start: str = Field("2025-07", pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="calendar month of month 0 (YYYY-MM)")
    engine: Literal["numba", "mesa"] = "numba"
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
        from sim.config.targets import resolve_target

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
