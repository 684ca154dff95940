"""Evaluate design points on the numba core, many points per kernel call.

Every point runs replications 0..R-1 of the same seed, so all points share their random
numbers (common random numbers): differences between points are due to the parameters,
not to sampling. Point ``p`` with the swept values fixed gives exactly what
``python -m sim <path>=<value> ...`` gives for the pair's outcomes (tested).

Rows of many points are stacked into one parameter array and simulated together in
kernel calls of at most ``batch_size`` rows; only the pair's outcomes are kept.
A point whose configuration is invalid (e.g. its dependency shares exceed 1) or whose
outcomes are not finite is returned with its error and no outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pydantic import ValidationError

from sim.compile import CompiledModel, Draw, assign, compile_model
from sim.config.messages import from_validation_error
from sim.config.schema import Actor, Dynamics, Relation, SimConfig, World
from sim.config.targets import Target
from sim.errors import ConfigError
from sim.outcomes import holds, median_rupture_month, wilson_interval
from sim.trajectories import Reductions, Trajectories


def outcome_columns(pair: tuple[str, str]) -> list[str]:
    """Outcome columns of ``sweep.parquet`` for the pair (a, b), in order."""
    a, b = pair
    return [
        "p_hold", "p_hold_lo", "p_hold_hi", "index_median", "index_q05", "index_q95", "median_rupture_month",
        f"final_trust.{b}.{a}", f"final_trust.{a}.{b}", f"final_support.{a}.{b}", f"final_support.{b}.{a}",
        "n_replications", "error",
    ]


def _with_values(dump: dict, paths: list[str], values) -> dict:
    """A copy of the config dict with each path's parameter fixed (copies only what changes)."""
    out = dict(dump)
    for path, value in zip(paths, values):
        parts = path.split(".")
        node = out
        for key in parts[:-1]:
            child = node.get(key)
            node[key] = dict(child) if isinstance(child, dict) else {}
            node = node[key]
        node[parts[-1]] = float(value)
    return out


def _scope(path: str) -> tuple[tuple[str, ...], type] | None:
    """(keys of the section, its model) validating ``path`` on its own, or None if the
    path enters a check across sections (dependency shares summed over a roster)."""
    parts = path.split(".")
    if parts[-1] == "dependency":
        return None
    if parts[0] == "dynamics":
        return ("dynamics",), Dynamics
    if parts[0] == "world":
        return ("world",), World
    if parts[0] == "actors":
        return ("actors", parts[1]), Actor
    if parts[0] == "relations":
        return ("relations", parts[1], parts[2]), Relation
    return None


def _section(dump: dict, keys: tuple[str, ...]) -> dict:
    """A copy of the config section at ``keys`` (empty if absent: defaults apply)."""
    node = dump
    for key in keys:
        node = node.get(key) or {}
    return dict(node)


@dataclass
class PointEvaluator:
    """Everything needed to evaluate points of one sweep: base config, arrays and slots."""

    config: SimConfig
    model: CompiledModel
    paths: list[str]
    targets: list[Target]
    base: Draw
    dump: dict
    buffers: tuple[Trajectories, Reductions] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, config: SimConfig, paths: list[str], targets: list[Target]) -> PointEvaluator:
        model = compile_model(config)
        base = model.draw(np.arange(config.replications, dtype=np.int64))
        return cls(config, model, list(paths), list(targets), base, config.model_dump())

    @property
    def columns(self) -> list[str]:
        return outcome_columns(tuple(self.config.outcome.pair))

    def check(self, values: np.ndarray) -> str | None:
        """The one-line error of the configuration at ``values``, or None if it is valid.

        Only the sections holding the swept paths are validated (~50x faster than the
        whole configuration) unless a path enters a check across sections.
        """
        scopes = [_scope(path) for path in self.paths]
        if any(scope is None for scope in scopes):
            try:
                SimConfig.model_validate(_with_values(self.dump, self.paths, values))
            except ValidationError as err:
                return str(from_validation_error(err, SimConfig))
            return None
        for keys, model in dict(scopes).items():
            section = _section(self.dump, keys)
            for path, value, scope in zip(self.paths, values, scopes):
                if scope[0] == keys:
                    section[path.split(".")[-1]] = float(value)
            try:
                model.model_validate(section)
            except ValidationError as err:
                where = ".".join(keys)
                if not err.errors()[0]["loc"]:  # the section's own check: as SimConfig reports it
                    return str(ConfigError(where, err.errors()[0]["msg"].removeprefix("Value error, ")))
                inner = from_validation_error(err, model)
                return str(ConfigError(f"{where}.{inner.key}", inner.message))
        return None

    def evaluate(self, values: np.ndarray, *, batch_size: int | None = None) -> list[dict]:
        """Outcome rows (see ``outcome_columns``) for the points ``values`` [P, D]."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        errors = [self.check(v) for v in values]
        good = [k for k, e in enumerate(errors) if e is None]
        rows = [self._failed(e) for e in errors]
        if good:
            try:
                stats = self._simulate(values[good], batch_size or self.config.batch_size)
            except Exception as err:  # noqa: BLE001 - a crash is isolated to its points, one by one
                if len(good) == 1:
                    rows[good[0]] = self._failed(f"{type(err).__name__}: {err}")
                    return rows
                for k in good:
                    rows[k] = self.evaluate(values[k:k + 1], batch_size=batch_size)[0]
                return rows
            for k, row in zip(good, stats):
                rows[k] = row
        return rows

    def _failed(self, error: str | None) -> dict:
        row = {c: np.nan for c in self.columns}
        row["n_replications"] = 0
        row["error"] = error
        return row

    def _rows(self, values: np.ndarray) -> Draw:
        """The stacked parameter rows of the points: R replications each, swept slots fixed."""
        n_pts, n_rep = values.shape[0], self.base.reps.shape[0]
        glob = np.tile(self.base.glob, (n_pts, 1))
        actor = np.tile(self.base.actor, (n_pts, 1, 1))
        dyad = np.tile(self.base.dyad, (n_pts, 1, 1, 1))
        for d, target in enumerate(self.targets):
            assign(glob, actor, dyad, target, np.repeat(values[:, d], n_rep))
        return Draw(np.tile(self.base.reps, n_pts), glob, actor, dyad, {})

    def _simulate(self, values: np.ndarray, batch_size: int) -> list[dict]:
        """The points' outcomes: the core records the horizon's state alone and tracks the
        outcome pair's rupture as it runs (``horizon_buffers``, as the calibration does)."""
        from sim.engines.numba_core import horizon_buffers, run_draw

        cfg, roster = self.config, self.model.roster
        a, b = (roster.index(code) for code in cfg.outcome.pair)
        draw = self._rows(values)
        total = draw.reps.shape[0]
        final = np.empty((total, 5))  # index, trust b->a, trust a->b, support a->b, support b->a
        ruptured = np.empty(total, dtype=np.int64)
        for start in range(0, total, batch_size):
            rows = slice(start, min(total, start + batch_size))
            part = Draw(draw.reps[rows], draw.glob[rows], draw.actor[rows], draw.dyad[rows], {})
            n = part.reps.shape[0]
            if self.buffers is None or self.buffers[1].n_rep < n:
                self.buffers = horizon_buffers(self.model, n)  # reused later (fresh arrays cost page faults)
            red = self.buffers[1].head(n)
            state = run_draw(self.model, part, self.buffers[0], red)
            trust, support = state.variable("trust"), state.variable("support")
            ruptured[rows] = red.ruptured[:, red.pair]
            final[rows] = np.column_stack([red.final[:, red.pair], trust[:, -1, b, a], trust[:, -1, a, b],
                                           support[:, -1, a, b], support[:, -1, b, a]])
        held = holds(ruptured)
        n_rep = self.base.reps.shape[0]
        return [self._point(final[p * n_rep:(p + 1) * n_rep], ruptured[p * n_rep:(p + 1) * n_rep],
                            held[p * n_rep:(p + 1) * n_rep]) for p in range(values.shape[0])]

    def _point(self, final: np.ndarray, ruptured: np.ndarray, held: np.ndarray) -> dict:
        if not np.isfinite(final).all():
            return self._failed("non-finite state in the simulation (NaN or inf)")
        n = held.shape[0]
        lo, hi = wilson_interval(int(held.sum()), n)
        index = final[:, 0]
        medians = np.median(final[:, 1:], axis=0)
        rupture = median_rupture_month(ruptured)
        return dict(zip(self.columns, [
            float(held.mean()), lo, hi, float(np.median(index)), float(np.quantile(index, 0.05)),
            float(np.quantile(index, 0.95)), np.nan if rupture is None else rupture, *map(float, medians), n, None,
        ]))
