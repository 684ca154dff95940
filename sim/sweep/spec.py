"""The ``sweep`` config node: which parameters vary, over what, with which design.

YAML (``conf/sweep/{grid,lhs,sobol}.yaml``; every key overridable as ``sweep.<key>``)::

    method: lhs            # grid | lhs | sobol
    points: 64             # lhs: design points; sobol: base N (N(2D+2) or N(D+2) points)
    levels: 5              # grid: values per [low, high] axis
    parameters:            # nested like the schema; a leaf is [low, high] or {values: [...]}
      relations: {RUS: {CHN: {counterintelligence: [0.2, 0.95]}}}
      dynamics: {w_trust: [1.0, 5.0]}

A leaf names one scalar model parameter (``world.*``, ``dynamics.*``,
``actors.<A>.<field>``, ``relations.<A>.<B>.<field>``); each design point fixes it to a
value for every replication of that point (other ranged parameters stay sampled).
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.config.messages import from_validation_error
from sim.config.targets import Target, resolve_target
from sim.errors import ConfigError


class Axis(BaseModel):
    """One swept parameter: a closed range [low, high] or an explicit list of values."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float | None = None
    high: float | None = None
    values: tuple[float, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _coerce(cls, data: Any) -> Any:
        if isinstance(data, (list, tuple)):
            if len(data) != 2:
                raise ValueError(f"a range is [low, high], got {list(data)!r} (a list of values is {{values: [...]}})")
            return {"low": data[0], "high": data[1]}
        if not isinstance(data, dict):
            raise ValueError(f"expected [low, high] or {{values: [...]}}, got {data!r}")
        return data

    @model_validator(mode="after")
    def _check(self) -> Axis:
        if self.values is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("give either [low, high] or values, not both")
            if not self.values:
                raise ValueError("values: needs at least one value")
            numbers = self.values
        else:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both low and high")
            if not self.low < self.high:
                raise ValueError(f"empty range: low {self.low:g} must be < high {self.high:g}")
            numbers = (self.low, self.high)
        if not all(math.isfinite(v) for v in numbers):
            raise ValueError("values must be finite numbers")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        if self.values is not None:
            return min(self.values), max(self.values)
        return self.low, self.high


class SweepSpec(BaseModel):
    """A batched sweep: design ``method`` over ``parameters`` (see module doc)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Literal["grid", "lhs", "sobol"]
    points: int = Field(64, ge=1, le=1_000_000, description="lhs: design points; sobol: base sample size N")
    levels: int = Field(5, ge=2, le=1000, description="grid: values per [low, high] axis")
    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="design seed (default: the run's seed)")
    scramble: bool = True
    calc_second_order: bool = False
    parameters: dict[str, Axis] = Field(min_length=1)
    dir: str | None = Field(None, description="sweep folder (default: sweeps/<method>-<digest>)")
    shards: int = Field(1, ge=1, le=100_000, description="split the points into this many shards (cluster jobs)")
    shard: int | None = Field(None, ge=0, description="the shard this job evaluates (None: all)")

    @field_validator("parameters", mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("parameters: a mapping like {relations: {RUS: {CHN: {trust: [0.1, 0.9]}}}}")
        return flatten_parameters(data)

    @model_validator(mode="after")
    def _check(self) -> SweepSpec:
        if self.shard is not None and self.shard >= self.shards:
            raise ValueError(f"shard: {self.shard} is not below shards={self.shards}; allowed 0..{self.shards - 1}")
        if self.method != "grid" and any(a.values is not None for a in self.parameters.values()):
            raise ValueError(f"parameters: lists of values need method grid; {self.method} samples [low, high] ranges")
        if self.method == "sobol" and len(self.parameters) < 2:
            raise ValueError("parameters: a sobol design needs at least 2 parameters")
        return self

    @property
    def paths(self) -> list[str]:
        return list(self.parameters)

    def design_fields(self) -> dict:
        """What determines the design points (for the sweep's digest)."""
        return self.model_dump(mode="json", exclude={"dir", "shards", "shard"})


def flatten_parameters(tree: dict, prefix: str = "") -> dict[str, Any]:
    """``{relations: {RUS: {CHN: {trust: [..]}}}}`` -> ``{"relations.RUS.CHN.trust": [..]}``."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and not ({"low", "high", "values"} & set(value)):
            flat |= flatten_parameters(value, f"{path}.")
        else:
            flat[path] = value
    return flat


def parse_sweep(data: dict) -> SweepSpec:
    """Validate the ``sweep`` node; ``ConfigError`` names the offending ``sweep.*`` key."""
    try:
        return SweepSpec.model_validate(data)
    except ValidationError as err:
        error = from_validation_error(err, SweepSpec)
        raise ConfigError(f"sweep.{error.key}" if error.key else "sweep", error.message) from None


def resolve_paths(paths, config, prefix: str = "") -> list[Target]:
    """The array slot of each parameter path (roster and field names checked, not values)."""
    from sim.config.schema import SimConfig

    if not isinstance(config, SimConfig):
        raise TypeError("config: a validated SimConfig")
    if config.engine != "numba":
        raise ConfigError("engine", "batched sweeps run on the numba core; allowed: numba")
    targets = []
    for path in paths:
        key = f"{prefix}{path}"
        try:
            targets.append(resolve_target(path, config.roster, key=key))
        except ValueError as err:
            raise ConfigError(key, str(err).split(": ", 1)[1]) from None
    return targets


def resolve_axes(spec: SweepSpec, config) -> list[Target]:
    """The array slot of every swept path, checked against the roster and field bounds."""
    targets = resolve_paths(spec.paths, config, prefix="sweep.parameters.")
    for (path, axis), target in zip(spec.parameters.items(), targets):
        lo, hi = axis.bounds
        if lo < target.bounds.lo or hi > target.bounds.hi:
            raise ConfigError(f"sweep.parameters.{path}", f"[{lo:g}, {hi:g}] is out of range; allowed {target.bounds}")
    return targets
