"""``Param``: a model parameter given as a value, a range, or a distribution, with its evidence.

YAML forms accepted (all may carry ``evidence: [F5, F6]`` and ``note: ...``)::

    0.7                                   # fixed value
    [0.6, 0.8]                            # uniform on the range
    {value: 0.7, evidence: [F5]}
    {low: 0.6, high: 0.8, evidence: [F5, F6]}                 # uniform
    {dist: triangular, low: 0.6, mode: 0.7, high: 0.8}

Ranges are sampled once per replication (``sim.compile.sample``). Each field declares its
admissible interval with ``Bounds`` in its type annotation; a value or range outside it
is rejected with the key and the interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sim.evidence import EVIDENCE


@dataclass(frozen=True)
class Bounds:
    """Closed admissible interval [lo, hi] of a field, in the field's unit."""

    lo: float
    hi: float

    def __str__(self) -> str:
        return f"[{self.lo:g}, {self.hi:g}]"


def _check_evidence(ids: tuple[str, ...]) -> tuple[str, ...]:
    for ident in ids:
        if ident not in EVIDENCE:
            raise ValueError(f"unknown evidence id {ident!r}; allowed: F1..F{len(EVIDENCE)}")
    return ids


EvidenceIds = Annotated[tuple[str, ...], AfterValidator(_check_evidence)]


class Param(BaseModel):
    """A scalar parameter: fixed ``value``, or ``low``/``high`` (and ``mode``) sampled per replication."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float | None = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    dist: Literal["uniform", "triangular"] | None = None
    evidence: EvidenceIds = ()
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _coerce(cls, data: Any) -> Any:
        if isinstance(data, bool) or isinstance(data, str):
            raise ValueError(f"expected a number, a range [low, high] or a mapping, got {data!r}")
        if isinstance(data, (int, float)):
            return {"value": data}
        if isinstance(data, (list, tuple)):
            if len(data) != 2:
                raise ValueError(f"a range is [low, high], got {list(data)!r}")
            return {"low": data[0], "high": data[1]}
        return data

    @model_validator(mode="after")
    def _check(self) -> Param:
        numbers = {k: getattr(self, k) for k in ("value", "low", "high", "mode")}
        for key, number in numbers.items():
            if number is not None and not math.isfinite(number):
                raise ValueError(f"{key} must be a finite number, got {number}")
        ranged = self.low is not None or self.high is not None
        if self.value is not None and (ranged or self.mode is not None or self.dist):
            raise ValueError("give either value or low/high, not both")
        if self.value is None:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both low and high (or give value)")
            if self.low > self.high:
                raise ValueError(f"empty range: low {self.low:g} > high {self.high:g}")
            if (self.dist == "triangular") != (self.mode is not None):
                raise ValueError("mode goes with dist: triangular, and only with it")
            if self.mode is not None and not self.low <= self.mode <= self.high:
                raise ValueError(f"mode {self.mode:g} outside [{self.low:g}, {self.high:g}]")
        return self

    @property
    def fixed(self) -> bool:
        return self.value is not None or self.low == self.high

    @property
    def lo(self) -> float:
        return self.value if self.value is not None else self.low

    @property
    def hi(self) -> float:
        return self.value if self.value is not None else self.high

    @property
    def kind(self) -> str:
        """``fixed``, ``uniform`` or ``triangular``."""
        return "fixed" if self.value is not None else (self.dist or "uniform")

    def describe(self) -> str:
        if self.value is not None:
            return f"{self.value:g}"
        if self.kind == "triangular":
            return f"triangular({self.low:g}, {self.mode:g}, {self.high:g})"
        return f"uniform({self.low:g}, {self.high:g})"


def _within(bounds: Bounds):
    def check(p: Param | None) -> Param | None:
        if p is not None and (p.lo < bounds.lo or p.hi > bounds.hi):
            shown = f"{p.value:g}" if p.value is not None else f"[{p.low:g}, {p.high:g}]"
            raise ValueError(f"{shown} is out of range; allowed {bounds}")
        return p

    return AfterValidator(check)


def bounded(lo: float, hi: float, description: str) -> Any:
    """Annotated ``Param`` type restricted to [lo, hi] (the ``Bounds`` stays readable in metadata)."""
    b = Bounds(lo, hi)
    return Annotated[Param, b, _within(b), Field(description=f"{description} {b}")]


def optional_bounded(lo: float, hi: float, description: str) -> Any:
    b = Bounds(lo, hi)
    return Annotated[Param | None, b, _within(b), Field(description=f"{description} {b}")]


def bounds_of(model: type[BaseModel], field: str) -> Bounds:
    """The declared ``Bounds`` of ``model.field``."""
    for meta in model.model_fields[field].metadata:
        if isinstance(meta, Bounds):
            return meta
    raise KeyError(f"{model.__name__}.{field} has no Bounds")


def P(value: float, *evidence: str, note: str = "") -> Param:
    """A fixed default value citing evidence ids."""
    return Param(value=value, evidence=evidence, note=note)
