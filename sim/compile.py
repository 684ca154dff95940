"""Compile a validated ``SimConfig`` into the arrays both engines read.

``CompiledModel.draw(reps)`` returns one replication's parameters per row: fixed values
are broadcast, ranges are sampled from the counter-based generator keyed by the
parameter's path (so adding a parameter or a scenario never shifts another's draws:
common random numbers). Diagonal convention: trust and alignment 1, others 0.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from sim.config.params import Param
from sim.config.schema import SimConfig
from sim.config.targets import resolve_target
from sim.kernels import layout
from sim.kernels.rng import uniform_many


def path_key(path: str) -> tuple[int, int]:
    """A stable pair of 31-bit integers naming ``path`` in the random-number counter."""
    digest = hashlib.blake2b(path.encode(), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little") >> 1, int.from_bytes(digest[4:], "little") >> 1


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


@dataclass(frozen=True)
class CompiledEvents:
    names: tuple[str, ...]
    ev_int: np.ndarray  # int64 [E, 9]
    ev_hazard: np.ndarray  # float64 [E]
    eff_int: np.ndarray  # int64 [F, 5]
    eff_float: np.ndarray  # float64 [F, 3]


@dataclass(frozen=True)
class CompiledModel:
    config: SimConfig
    roster: tuple[str, ...]
    base_glob: np.ndarray
    base_actor: np.ndarray
    base_dyad: np.ndarray
    random: tuple[RandomSlot, ...]
    flags: np.ndarray  # int64 [M]
    events: CompiledEvents

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


def _parameters(config: SimConfig):
    """Yield (path, Param) for every array slot, in a fixed order."""
    for name in type(config.world).model_fields:
        yield f"world.{name}", getattr(config.world, name)
    for name in type(config.dynamics).model_fields:
        yield f"dynamics.{name}", getattr(config.dynamics, name)
    for code, actor in config.actors.items():
        for name in layout.ACTOR_FIELDS:
            yield f"actors.{code}.{name}", getattr(actor, name)
    for src in config.actors:
        for dst in config.actors:
            if src != dst:
                for name in layout.DYAD_FIELDS:
                    yield f"relations.{src}.{dst}.{name}", config.relation(src, dst, name)


def compile_events(config: SimConfig) -> CompiledEvents:
    roster = list(config.actors)
    kinds = {"set": layout.OP_SET, "add": layout.OP_ADD, "mul": layout.OP_MUL}
    ev_int, ev_hazard, eff_int, eff_float = [], [], [], []
    for name, event in config.events.items():
        first = len(eff_int)
        for k, effect in enumerate(event.effects):
            t = resolve_target(effect.target, roster, key=f"events.{name}.effects.{k}.target")
            eff_int.append((t.kind, t.field, t.i, t.j, kinds[effect.op]))
            eff_float.append((effect.value, t.bounds.lo, t.bounds.hi))
        if event.month is not None:
            timing, default_max = layout.EV_SCHEDULED, 1
        elif event.every is not None:
            timing, default_max = layout.EV_RECURRING, config.horizon_months
        else:
            timing, default_max = layout.EV_HAZARD, 1
        end = event.end if event.end is not None else config.horizon_months
        ev_int.append((
            timing, event.month or 0, event.every or 1, event.start, end,
            event.max_fires or default_max, path_key(f"events.{name}")[0], first, len(eff_int),
        ))
        ev_hazard.append(event.hazard or 0.0)
    return CompiledEvents(
        names=tuple(config.events),
        ev_int=np.array(ev_int, dtype=np.int64).reshape(-1, 9),
        ev_hazard=np.array(ev_hazard, dtype=np.float64),
        eff_int=np.array(eff_int, dtype=np.int64).reshape(-1, 5),
        eff_float=np.array(eff_float, dtype=np.float64).reshape(-1, 3),
    )


def compile_model(config: SimConfig) -> CompiledModel:
    """Lay out ``config`` as base arrays plus the list of ranged parameters."""
    roster = list(config.actors)
    n = len(roster)
    glob = np.zeros(len(layout.GLOB_FIELDS))
    actor = np.zeros((len(layout.ACTOR_FIELDS), n))
    dyad = np.zeros((len(layout.DYAD_FIELDS), n, n))
    for k in range(n):
        dyad[layout.D_TRUST, k, k] = 1.0
        dyad[layout.D_ALIGNMENT, k, k] = 1.0
    random = []
    for path, param in _parameters(config):
        target = resolve_target(path, roster, key=path)
        if target.kind == layout.T_GLOB:
            glob[target.field] = param.lo
        elif target.kind == layout.T_ACTOR:
            actor[target.field, target.i] = param.lo
        else:
            dyad[target.field, target.i, target.j] = param.lo
        if not param.fixed:
            random.append(RandomSlot(path, target.kind, target.field, target.i, target.j, param))
    flags = np.array([int(getattr(config.mechanisms, m)) for m in layout.MECHANISMS], dtype=np.int64)
    return CompiledModel(config, tuple(roster), glob, actor, dyad, tuple(random), flags, compile_events(config))


def assign(glob: np.ndarray, actor: np.ndarray, dyad: np.ndarray, target, values: np.ndarray) -> None:
    """Set one parameter (``target``: kind, field, i, j as in ``sim.kernels.layout``) to
    ``values``, one per row of the parameter arrays."""
    if target.kind == layout.T_GLOB:
        glob[:, target.field] = values
    elif target.kind == layout.T_ACTOR:
        actor[:, target.field, target.i] = values
    else:
        dyad[:, target.field, target.i, target.j] = values
