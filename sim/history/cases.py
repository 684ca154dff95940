"""Alliance cases built from cited facts: load, build the configuration, run, score.

A case is a facts file ``sim/history/cases/<case>.facts.yaml`` (format: the header of
``sino_soviet_1950_1969.facts.yaml``). Every fact has a date, a paraphrase, its sources
and what it sets: initial values, an event, or ``no_field`` (what the model cannot
express). From it:

* ``build_config(case)`` — the model configuration (a dict that ``SimConfig`` validates):
  the roster with the signed-snapshot defaults of ``sim.history.encode``, capabilities
  from COW CINC shares, each ``initial`` value, and one scheduled event per ``event``
  fact (``month`` counted from ``start``);
* ``case_yaml(case)`` — the same as the file ``<case>.yaml`` next to the facts, which is
  generated (``python -m sim.history.cases``) and tested current;
* ``run_case(case, ...)`` — the ensemble's outcome for the pair: rupture month (the first
  month of a run of ``outcome.rupture_months`` months with the partnership index below
  ``outcome.rupture_threshold`` of its running peak, ``sim.outcomes``), whether it holds at the end, and the
  final state of the dyads.

Re-parameterising (v2's new fields, other magnitudes) means editing the facts file and
regenerating: the builder maps fact to configuration and nothing else.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.config.messages import from_validation_error
from sim.config.params import EvidenceIds
from sim.config.schema import ACTOR_CODE, SimConfig
from sim.errors import ConfigError
from sim.history.encode import ACTOR, NO_TIE, WORLD
from sim.history.engine import run_batches
from sim.history.render import dump_yaml, regenerate
from sim.outcomes import NO_RUPTURE, holds, median_rupture_month, partnership_index, rupture_month

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = ("sino_soviet_1950_1969", "china_russia_2014_2025")
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
_SYMMETRIC = re.compile(r"^relations\.([A-Z][A-Z0-9_]{1,11})<>([A-Z][A-Z0-9_]{1,11})\.(\w+)$")


def month_index(start: str, date: str) -> int:
    """Months from ``start`` to ``date`` (both ``YYYY-MM``)."""
    (y0, m0), (y1, m1) = (map(int, start.split("-")), map(int, date.split("-")))
    return (y1 - y0) * 12 + (m1 - m0)


def calendar(start: str, month: int) -> str:
    """The ``YYYY-MM`` of month ``month`` counted from ``start``."""
    y0, m0 = map(int, start.split("-"))
    total = y0 * 12 + (m0 - 1) + month
    return f"{total // 12}-{total % 12 + 1:02d}"


def expand(target: str) -> list[str]:
    """``relations.A<>B.f`` as its two directed targets; any other target as itself."""
    match = _SYMMETRIC.match(target)
    if not match:
        return [target]
    a, b, field = match.groups()
    return [f"relations.{a}.{b}.{field}", f"relations.{b}.{a}.{field}"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(_Strict):
    cite: str = Field(min_length=1, description="author, year, title, chapter/pages")
    read: str = Field(min_length=1, description="what of it was read, and where")


class Effect(_Strict):
    target: str
    op: Literal["set", "add", "mul"] = "set"
    value: float = Field(allow_inf_nan=False)


class Fact(_Strict):
    id: str = Field(pattern=r"^[A-Z]{2}\d{2}$")
    date: str = Field(pattern=_MONTH)
    fact: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    evidence: EvidenceIds = ()
    initial: dict[str, float] | None = None
    event: list[Effect] | None = None
    no_field: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Fact:
        given = [k for k in ("initial", "event", "no_field") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(f"{self.id}: give exactly one of initial, event, no_field (got {given or 'none'})")
        return self

    @property
    def kind(self) -> str:
        return "initial" if self.initial else "event" if self.event else "no_field"

    def targets(self) -> list[tuple[str, str, float]]:
        """(target, op, value) of what the fact sets, with ``<>`` expanded."""
        if self.initial:
            return [(t, "set", v) for key, v in self.initial.items() for t in expand(key)]
        if self.event:
            return [(t, e.op, e.value) for e in self.event for t in expand(e.target)]
        return []


class Capability(_Strict):
    source: str
    years: tuple[int, ...] = Field(min_length=1)
    note: str
    cinc: dict[str, tuple[float, ...]]

    def values(self) -> dict[str, float]:
        """Mean CINC share over ``years`` relative to the largest, rounded to 0.01."""
        mean = {code: sum(v) / len(v) for code, v in self.cinc.items()}
        top = max(mean.values())
        return {code: round(m / top, 2) for code, m in mean.items()}


class Marker(_Strict):
    date: str = Field(pattern=_MONTH)
    marker: str
    sources: tuple[str, ...] = Field(min_length=1)


class Rupture(_Strict):
    reference: str
    note: str
    markers: dict[str, Marker] = Field(min_length=1)


class Check(_Strict):
    target: str
    range: tuple[float, float]
    evidence: EvidenceIds = ()
    note: str = ""


class Hold(_Strict):
    note: str
    sources: tuple[str, ...] = Field(min_length=1)
    evidence: EvidenceIds = ()
    dependency_check: Check | None = None
    gap_check: Check | None = None  # target relations.A.B: alignment - trust of that dyad at the end


class Case(_Strict):
    """A validated facts file (see the module docstring)."""

    case: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    start: str = Field(pattern=_MONTH)
    end: str = Field(pattern=_MONTH)
    pair: tuple[str, str]
    question: Literal["rupture", "hold"]
    score_years: tuple[int, ...] = Field(min_length=1)
    actors: dict[str, dict[str, str]]
    capability: Capability
    sources: dict[str, Source]
    facts: list[Fact] = Field(min_length=1)
    rupture: Rupture | None = None
    hold: Hold | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        codes = set(self.actors)
        for code in self.actors:
            if not ACTOR_CODE.match(code):
                raise ValueError(f"actors.{code}: not an actor code (2-12 capitals, digits or _)")
        for code in self.pair:
            if code not in codes:
                raise ValueError(f"pair: unknown actor {code!r}; allowed: {', '.join(self.actors)}")
        if set(self.capability.cinc) != codes:
            raise ValueError("capability.cinc: must give every actor, and only them")
        if any(len(v) != len(self.capability.years) for v in self.capability.cinc.values()):
            raise ValueError("capability.cinc: one share per year of capability.years")
        horizon = month_index(self.start, self.end)
        if horizon < 1:
            raise ValueError(f"end: {self.end} must come after start {self.start}")
        cited = {self.capability.source}
        seen: set[str] = set()
        last = self.start
        for fact in self.facts:
            if fact.id in seen:
                raise ValueError(f"facts.{fact.id}: id given twice")
            seen.add(fact.id)
            if not self.start <= fact.date <= self.end:
                raise ValueError(f"facts.{fact.id}.date: {fact.date} is outside {self.start}..{self.end}")
            if fact.date < last:
                raise ValueError(f"facts.{fact.id}.date: facts must be in date order ({fact.date} after {last})")
            last = fact.date
            if fact.initial and fact.date != self.start:
                raise ValueError(f"facts.{fact.id}: initial values belong to the start month {self.start}")
            if fact.event and fact.date == self.start:
                raise ValueError(f"facts.{fact.id}: an event fires after the start month; use initial")
            cited.update(fact.sources)
        first, last_year = int(self.start[:4]), int(self.end[:4])
        for year in self.score_years:
            if not first <= year <= last_year:
                raise ValueError(f"score_years: {year} is outside {first}..{last_year}")
        if self.question == "rupture":
            if self.rupture is None or self.rupture.reference not in self.rupture.markers:
                raise ValueError("rupture: a rupture case needs markers and a reference marker among them")
            for m in self.rupture.markers.values():
                cited.update(m.sources)
        if self.question == "hold":
            if self.hold is None:
                raise ValueError("hold: a hold case needs a hold section")
            cited.update(self.hold.sources)
        unknown = sorted(cited - set(self.sources))
        if unknown:
            raise ValueError(f"sources: {', '.join(unknown)} cited but not listed")
        unused = sorted(set(self.sources) - cited)
        if unused:
            raise ValueError(f"sources: {', '.join(unused)} listed but never cited")
        return self

    @property
    def horizon(self) -> int:
        return month_index(self.start, self.end)

    def month_of(self, date: str) -> int:
        return month_index(self.start, date)


def facts_path(name: str) -> Path:
    return CASES_DIR / f"{name}.facts.yaml"


def config_path(name: str) -> Path:
    return CASES_DIR / f"{name}.yaml"


@lru_cache(maxsize=8)
def load_case(name: str) -> Case:
    """The validated case ``name`` (one of ``CASES``); one ``ConfigError`` if malformed."""
    if name not in CASES:
        raise ConfigError("case", f"unknown case {name!r}; allowed: {', '.join(CASES)}")
    path = facts_path(name)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Case.model_validate(raw)
    except yaml.YAMLError as err:
        raise ConfigError(path.name, f"not valid YAML ({err})") from None
    except ValidationError as err:
        inner = from_validation_error(err, Case)
        raise ConfigError(f"{path.name}: {inner.key}", inner.message) from None


def _put(cfg: dict, target: str, value) -> None:
    parts = target.split(".")
    node = cfg.setdefault(parts[0], {})
    for part in parts[1:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _cites(fact: Fact) -> dict:
    return {"evidence": list(fact.evidence)} if fact.evidence else {}


def build_config(case: Case) -> dict:
    """The case as a configuration dict for ``SimConfig`` (see the module docstring)."""
    caps = case.capability.values()
    cfg: dict = {
        "start": case.start,
        "horizon_months": case.horizon,
        "world": {name: {"value": 0.0, "note": "none at the start month; the case's wars and crises are events"}
                  for name in WORLD},
        "actors": {code: dict(info) | {"capability": {"value": caps[code], "note": f"COW CINC ({case.capability.source})"}}
                   | ACTOR for code, info in case.actors.items()},
        "relation_defaults": dict(NO_TIE),
        "relations": {},
        "outcome": {"pair": list(case.pair)},
        "events": {},
    }
    for fact in case.facts:
        if fact.initial:
            for target, _, value in fact.targets():
                _put(cfg, target, {"value": value} | _cites(fact) | {"note": fact.id})
        elif fact.event:
            cfg["events"][fact.id.lower()] = {"description": fact.fact} | _cites(fact) | {
                "month": case.month_of(fact.date),
                "effects": [{"target": t, "op": op, "value": v} for t, op, v in fact.targets()],
            }
    return cfg


def case_config(case: Case, **run) -> SimConfig:
    """The validated configuration of ``case`` with run settings ``run`` (e.g.
    ``replications``, ``seed``, ``mechanisms``) merged in."""
    try:
        return SimConfig.model_validate(build_config(case) | run)
    except ValidationError as err:
        raise from_validation_error(err, SimConfig) from None


def case_yaml(case: Case) -> str:
    """The text of ``sim/history/cases/<case>.yaml`` (generated from the facts file)."""
    header = [
        f"# {case.title}: the model configuration of the case (validates with SimConfig).",
        f"# Generated by `python -m sim.history.cases` from {case.case}.facts.yaml; do not edit by",
        "# hand (tests/test_history_cases.py checks it is current). Each initial value and event",
        "# names the fact (note / event name) that sets it; the facts file gives the citations.",
        "",
    ]
    return "\n".join(header) + dump_yaml(build_config(case))


@dataclass(frozen=True)
class CaseOutcome:
    """The pair's outcome in each replication of a case run.

    ``ruptured_at`` [R] month of rupture (``sim.outcomes.NO_RUPTURE`` if none),
    ``held`` [R] holds at the end, ``final`` {target: [R]} final value of the dyad
    variables asked for.
    """

    case: Case
    config: SimConfig
    ruptured_at: np.ndarray
    held: np.ndarray
    final: dict[str, np.ndarray]

    def p_rupture_by(self, year: int) -> float:
        """Share of replications whose rupture begins by the end of ``year``."""
        last = self.case.month_of(f"{year}-12")
        return float(np.mean((self.ruptured_at != NO_RUPTURE) & (self.ruptured_at <= last)))

    def median_rupture_year(self) -> int | None:
        """Calendar year of the median rupture month, or None if fewer than half rupture."""
        month = median_rupture_month(self.ruptured_at)
        return None if month is None else int(calendar(self.case.start, int(month))[:4])

    @property
    def p_holds(self) -> float:
        return float(np.mean(self.held))


def pair_outcome(traj, a: int, b: int, outcome) -> tuple[np.ndarray, np.ndarray]:
    """[R] rupture month (or ``NO_RUPTURE``) and [R] holds, of pair (a, b) under ``outcome``."""
    index = partnership_index(traj.dyad, a, b)
    at = rupture_month(index, outcome.rupture_threshold, outcome.rupture_months)
    return at, holds(at)


def run_case(case: Case, replications: int, seed: int = 0, mechanisms: dict | None = None,
             final: tuple[str, ...] = (), weights: str = "posterior") -> CaseOutcome:
    """Run ``case`` for ``replications`` replications (see ``CaseOutcome``).

    ``final``: dyad targets ``relations.A.B.<trust|support|dependency|alignment|affinity>``
    whose values at the last month are kept; ``weights``: ``posterior`` or ``prior``
    (``SimConfig.weights``).
    """
    cfg = case_config(case, replications=replications, seed=seed, mechanisms=dict(mechanisms or {}),
                      weights=weights)
    roster = list(cfg.actors)
    a, b = (roster.index(code) for code in case.pair)
    out = cfg.outcome
    ruptured, held, kept = [], [], {t: [] for t in final}
    for traj in run_batches(cfg):
        at, ok = pair_outcome(traj, a, b, out)
        ruptured.append(at)
        held.append(ok)
        for target in final:
            _, src, dst, var = target.split(".")
            kept[target].append(np.array(traj.variable(var)[:, -1, roster.index(src), roster.index(dst)]))
    return CaseOutcome(case, cfg, np.concatenate(ruptured), np.concatenate(held),
                       {t: np.concatenate(v) for t, v in kept.items()})


def generated_files() -> dict[Path, str]:
    """Every case's configuration file and its text."""
    return {config_path(name): case_yaml(load_case(name)) for name in CASES}


if __name__ == "__main__":
    sys.exit(regenerate(sys.argv, "sim.history.cases", "sim/history/cases/<case>.yaml", generated_files))
