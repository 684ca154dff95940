"""Compile a validated ``SimConfig`` into the arrays both engines read.

``CompiledModel.draw(reps)`` returns one replication's parameters per row: fixed values
are broadcast, ranges are sampled from the counter-based generator keyed by the
parameter's path (so adding a parameter or a scenario never shifts another's draws:
common random numbers). The diagonal of each dyad state variable is its declared
``diagonal`` (``sim.mechanisms``); every other diagonal entry is 0.

Calibrated coefficients (``weights``): with ``weights = "posterior"`` (the default) every
dynamics coefficient that the shipped posterior sample covers and that the configuration
leaves at its schema default takes, in replication ``r``, the value of the particle that
``r`` draws (``sim.history.posterior.particle_indices``: one particle per replication,
keyed by a stable path, so common across scenarios). A coefficient the configuration sets
explicitly (a value or a range other than its prior) keeps what it sets; with
``weights = "prior"`` every coefficient samples its prior range as any ranged parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import mechanisms
from sim.config.params import Param
from sim.config.schema import SimConfig
from sim.config.targets import Target, field_target, resolve_target
from sim.kernels import layout
from sim.kernels.rng import path_key, uniform_many
from sim.mechanisms.events import default_max_fires


@dataclass(frozen=True)
class RandomSlot:
    """A parameter sampled per replication, and where it goes in the state arrays."""

    path: str
    kind: int
    field: int
    i: int
    j: int
    param: Param


@dataclass(frozen=True)
class Draw:
    """Parameters of a batch of replications (R rows) ready for an engine."""

    reps: np.ndarray  # int64 [R] global replication indices
    glob: np.ndarray  # float64 [R, G]
    actor: np.ndarray  # float64 [R, A, N]
    dyad: np.ndarray  # float64 [R, D, N, N]
    sampled: dict[str, np.ndarray]  # path -> [R] values of the ranged parameters

    def row(self, r: int) -> Draw:
        """Row ``r`` alone (one replication), as a Draw of one row."""
        keep = slice(r, r + 1)
        return Draw(self.reps[keep], self.glob[keep], self.actor[keep], self.dyad[keep],
                    {path: values[keep] for path, values in self.sampled.items()})


@dataclass(frozen=True)
class CompiledEvents:
    """Events as flat tables (columns named in ``sim.kernels.layout``): ``ev_int[E,
    EVENT_COLUMNS]``, ``ev_hazard[E]``, ``eff_int[F, EFFECT_COLUMNS]``, ``eff_float[F, EFFECT_VALUES]``."""

    names: tuple[str, ...]
    ev_int: np.ndarray
    ev_hazard: np.ndarray
    eff_int: np.ndarray
    eff_float: np.ndarray


@dataclass(frozen=True)
class CompiledModel:
    config: SimConfig
    roster: tuple[str, ...]
    base_glob: np.ndarray
    base_actor: np.ndarray
    base_dyad: np.ndarray
    random: tuple[RandomSlot, ...]
    flags: np.ndarray  # int64 [M], layout.SWITCHES order
    events: CompiledEvents
    calibrated: tuple[RandomSlot, ...] = ()  # coefficients drawn from the posterior particles
    posterior: object | None = None  # sim.history.posterior.PosteriorSample, when ``calibrated``

    def draw(self, reps: np.ndarray) -> Draw:
        """Parameters for the global replication indices ``reps``."""
        reps = np.ascontiguousarray(reps, dtype=np.int64)
        n_rep = reps.shape[0]
        glob = np.repeat(self.base_glob[None], n_rep, axis=0)
        actor = np.repeat(self.base_actor[None], n_rep, axis=0)
        dyad = np.repeat(self.base_dyad[None], n_rep, axis=0)
        sampled = {}
        for slot in self.random:
            values = sample(slot.param, self.config.seed, reps, slot.path)
            sampled[slot.path] = values
            assign(glob, actor, dyad, slot, values)
        if self.calibrated:
            from sim.history.posterior import particle_indices  # sim.history's package imports sim.compile

            chosen = particle_indices(self.posterior.weights, self.config.seed, reps)
            for slot in self.calibrated:
                values = self.posterior.column(slot.path.removeprefix("dynamics."))[chosen]
                sampled[slot.path] = values
                assign(glob, actor, dyad, slot, values)
        return Draw(reps, glob, actor, dyad, sampled)


def sample(param: Param, seed: int, reps: np.ndarray, path: str) -> np.ndarray:
    """Per-replication values of ``param`` (uniform or triangular by inversion)."""
    if param.fixed:
        return np.full(reps.shape[0], param.lo)
    ki, kj = path_key(path)
    u = uniform_many(seed, reps, 0, ki, kj, layout.S_PARAMETER)
    lo, hi = param.low, param.high
    if param.kind == "uniform":
        return lo + u * (hi - lo)
    mode = param.mode
    split = (mode - lo) / (hi - lo)
    left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
    right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
    return np.where(u < split, left, right)


def parameters(config: SimConfig, dyads=None):
    """Yield (path, Param, Target) for every array slot, in a fixed order (the targets
    ``resolve_target`` gives the paths, without parsing them); relations of the ordered
    pairs ``dyads`` alone ((i, j) roster indices, i != j, in roster order) if given."""
    for p in mechanisms.section("world"):
        yield f"world.{p.name}", getattr(config.world, p.name), field_target("world", p.name)
    for p in mechanisms.section("dynamics"):
        yield f"dynamics.{p.name}", getattr(config.dynamics, p.name), field_target("dynamics", p.name)
    roster = list(config.actors)
    for i, (code, actor) in enumerate(config.actors.items()):
        for p in mechanisms.section("actor"):
            t = field_target("actors", p.name)
            yield f"actors.{code}.{p.name}", getattr(actor, p.name), Target(t.kind, t.field, i, 0, t.bounds)
    if dyads is None:
        dyads = [(i, j) for i in range(len(roster)) for j in range(len(roster)) if i != j]
    fields = _relation_fields()
    for i, j in dyads:
        src, dst = roster[i], roster[j]
        for name, t in fields:
            yield (f"relations.{src}.{dst}.{name}", config.relation(src, dst, name),
                   Target(t.kind, t.field, i, j, t.bounds))


def _relation_fields() -> list:
    """(name, Target) of each relation parameter (hidden fields: drawn at month 0)."""
    return [(p.name, field_target("relations", p.name)) for p in mechanisms.section("relation") if not p.hidden]


def _given_dyads(config: SimConfig):
    """The ordered pairs (roster indices, in roster order) whose parameters can differ from
    fixed defaults: those ``config.relations`` names, or every pair if a default is a range
    (None)."""
    if any(not getattr(config.relation_defaults, name).fixed for name, _ in _relation_fields()):
        return None
    index = {code: k for k, code in enumerate(config.actors)}
    return sorted((index[src], index[dst]) for src, row in config.relations.items() for dst in row)


def compile_events(config: SimConfig) -> CompiledEvents:
    """The events of ``config`` as the tables ``sim.mechanisms.events`` reads."""
    roster = list(config.actors)
    horizon = config.horizon_months
    ev_int, ev_hazard, eff_int, eff_float = [], [], [], []
    for name, event in config.events.items():
        first = len(eff_int)
        for k, effect in enumerate(event.effects):
            t = resolve_target(effect.target, roster, key=f"events.{name}.effects.{k}.target")
            columns = {"kind": t.kind, "field": t.field, "i": t.i, "j": t.j,
                       "op": layout.slot(layout.EVENT_OPS, "EVENT_OPS", effect.op)}
            values = {"value": effect.value, "lo": t.bounds.lo, "hi": t.bounds.hi}
            eff_int.append([columns[c] for c in layout.EFFECT_COLUMNS])
            eff_float.append([values[c] for c in layout.EFFECT_VALUES])
        timing = "scheduled" if event.month is not None else "recurring" if event.every is not None else "hazard"
        row = {
            "timing": layout.slot(layout.EVENT_TIMINGS, "EVENT_TIMINGS", timing),
            "month": event.month or 0, "every": event.every or 1, "start": event.start,
            "end": event.end if event.end is not None else horizon,
            "max_fires": default_max_fires(event, horizon), "key": path_key(f"events.{name}")[0],
            "first_effect": first, "stop_effect": len(eff_int),
        }
        ev_int.append([row[c] for c in layout.EVENT_COLUMNS])
        ev_hazard.append(event.hazard or 0.0)
    return CompiledEvents(
        names=tuple(config.events),
        ev_int=np.array(ev_int, dtype=np.int64).reshape(-1, len(layout.EVENT_COLUMNS)),
        ev_hazard=np.array(ev_hazard, dtype=np.float64),
        eff_int=np.array(eff_int, dtype=np.int64).reshape(-1, len(layout.EFFECT_COLUMNS)),
        eff_float=np.array(eff_float, dtype=np.float64).reshape(-1, len(layout.EFFECT_VALUES)),
    )


def compile_model(config: SimConfig) -> CompiledModel:
    """Lay out ``config`` as base arrays plus the list of ranged parameters."""
    roster = list(config.actors)
    n = len(roster)
    glob = np.zeros(len(layout.GLOB_FIELDS))
    actor = np.zeros((len(layout.ACTOR_FIELDS), n))
    dyad = np.zeros((len(layout.DYAD_FIELDS), n, n))
    for p in mechanisms.STATE:
        dyad[layout.slot(layout.DYAD_FIELDS, "DYAD_FIELDS", p.name)][np.diag_indices(n)] = p.diagonal
    from sim.history.posterior import posterior_coefficients  # sim.history's package imports sim.compile

    posterior, from_posterior = posterior_coefficients(config)
    random, calibrated = [], []
    base = {layout.T_GLOB: glob, layout.T_ACTOR: actor, layout.T_DYAD: dyad}
    apart = ~np.eye(n, dtype=bool)
    for name, t in _relation_fields():  # every pair at the defaults; then the pairs that differ
        dyad[t.field][apart] = getattr(config.relation_defaults, name).lo
    for path, param, target in parameters(config, _given_dyads(config)):
        base[target.kind][(target.field, target.i, target.j)[:base[target.kind].ndim]] = param.lo
        if path in from_posterior:
            calibrated.append(RandomSlot(path, target.kind, target.field, target.i, target.j, param))
        elif not param.fixed:
            random.append(RandomSlot(path, target.kind, target.field, target.i, target.j, param))
    flags = np.array([int(getattr(config.mechanisms, m)) for m in layout.SWITCHES], dtype=np.int64)
    return CompiledModel(config, tuple(roster), glob, actor, dyad, tuple(random), flags, compile_events(config),
                         tuple(calibrated), posterior if calibrated else None)


def assign(glob: np.ndarray, actor: np.ndarray, dyad: np.ndarray, target, values: np.ndarray) -> None:
    """Set one parameter (``target``: kind, field, i, j as in ``sim.kernels.layout``) to
    ``values``, one per row of the parameter arrays."""
    if target.kind == layout.T_GLOB:
        glob[:, target.field] = values
    elif target.kind == layout.T_ACTOR:
        actor[:, target.field, target.i] = values
    else:
        dyad[:, target.field, target.i, target.j] = values
