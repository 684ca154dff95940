"""How much memory (and, on the Mesa engine, time) a run or a batched sweep needs,
estimated from the configuration before anything runs; refused above a limit.

Sizes come from the real arrays: the engine's output buffer (``Trajectories.empty`` of
one replication, scaled to a batch), the per-month histograms
(``aggregate.cell_catalogue`` x ``default_bins``), the recorded dyad variables
(``RECORDED_DYAD``) and the parameter layout (``kernels.layout``); per-element costs of
the tables written at the end (pandas frames) are stated where they are used.

Limits (environment variables, read at each check):

- ``ALLIANCE_SIM_MAX_MEMORY``: bytes, or a number with K/M/G/T (binary units), e.g.
  ``40G``; default 80 % of this machine's physical memory.
- ``ALLIANCE_SIM_MAX_MESA_HOURS``: estimated hours of a Mesa-engine run; default 2.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from sim.errors import ConfigError

MEMORY_SHARE = 0.8  # default limit: this share of physical memory (judgement: room for the OS)
MESA_HOURS_DEFAULT = 2.0
# Mesa reference engine, seconds per replication-month per ordered actor pair (N^2):
# measured 2.0e-4 s on a 2-core 2026 workstation (7 actors, 60 months); judgement for others.
MESA_SECONDS_PER_DYAD_MONTH = 2.0e-4
_FLOAT = np.dtype(np.float64).itemsize
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


@dataclass(frozen=True)
class Estimate:
    """Peak bytes (largest terms, summed) and Mesa seconds of one job."""

    bytes: int
    seconds: float | None = None

    def __str__(self) -> str:
        text = f"~{human_bytes(self.bytes)} of memory"
        return text + (f", ~{self.seconds / 3600:.1f} h on the Mesa engine" if self.seconds is not None else "")


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    raise AssertionError("unreachable")


def physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def memory_limit() -> int:
    """The limit in bytes (module doc); ``ConfigError`` if the variable is malformed."""
    text = os.environ.get("ALLIANCE_SIM_MAX_MEMORY", "").strip()
    if not text:
        total = physical_memory()
        return int(MEMORY_SHARE * total) if total else 2**62
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?", text, re.I)
    if not match:
        raise ConfigError("ALLIANCE_SIM_MAX_MEMORY", f"{text!r}; allowed: bytes or a number with K, M, G or T (e.g. 40G)")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def mesa_hours_limit() -> float:
    text = os.environ.get("ALLIANCE_SIM_MAX_MESA_HOURS", "").strip()
    try:
        hours = float(text) if text else MESA_HOURS_DEFAULT
    except ValueError:
        hours = -1.0
    if not hours > 0:
        raise ConfigError("ALLIANCE_SIM_MAX_MESA_HOURS", f"{text!r}; allowed: a positive number of hours")
    return hours


def _per_replication_output(horizon: int, n: int, n_events: int) -> int:
    """Bytes of one replication's engine output (``Trajectories.empty`` of one row)."""
    from sim.trajectories import Trajectories

    one = Trajectories.empty(np.zeros(1, dtype=np.int64), horizon, n, n_events)
    return sum(getattr(one, f).nbytes for f in ("reps", *Trajectories.ARRAYS))


def _per_replication_horizon(horizon: int, n: int, n_events: int) -> int:
    """Bytes of one replication's rows of ``sim.engines.numba_core.horizon_buffers`` (a
    batched sweep's core output): the state at the horizon, the outcome pair's index every
    month, every pair's first rupture month and final index."""
    pairs = n * (n - 1) // 2
    return _per_replication_output(0, n, n_events) + _FLOAT * (horizon + 1 + 2 * pairs)


def _parameter_row(n: int) -> int:
    """Bytes of one replication's parameter arrays (glob, actor, dyad: ``kernels.layout``)."""
    from sim.kernels import layout

    return _FLOAT * (len(layout.GLOB_FIELDS) + len(layout.ACTOR_FIELDS) * n + len(layout.DYAD_FIELDS) * n * n)


def estimate_run(config) -> Estimate:
    """Peak memory (and Mesa time) of ``sim.runner.simulate(config)`` and its outputs."""
    from sim.aggregate import QUANTILES, cell_catalogue, default_bins
    from sim.kernels.layout import RECORDED_DYAD

    n, horizon, total = len(config.actors), config.horizon_months, config.replications
    months = horizon + 1
    batch = min(total, config.batch_size)
    n_events = len(config.events)
    cells = len(cell_catalogue(tuple(config.actors)))
    counts = months * cells * default_bins(cells, months) * np.dtype(np.int32).itemsize
    keep = min(config.output.sample_replications, total)
    sample = keep * months * len(RECORDED_DYAD) * n * n
    columns = 16 + 2 * len(RECORDED_DYAD) + n_events + _ranged_parameters(config)
    peak = (
        batch * (_per_replication_output(horizon, n, n_events) + 3 * _parameter_row(n))  # buffer, draws
        + 4 * counts  # histograms and the temporaries of their quantiles (cumsum, take_along_axis)
        + 2 * total * months * _FLOAT  # the pair's index [R, T+1] and its copies in outcomes
        + 3 * total * columns * _FLOAT  # per-replication columns, their concatenation, the table
        + sample * _FLOAT  # sample trajectories [K, T+1, V, N, N]
        # their long table: 5 int64 index arrays + 6 columns of 8 bytes per element
        + (sample * 11 * _FLOAT if config.output.sample_replications else 0)
        + (months * cells * (len(QUANTILES) + 5) * _FLOAT if config.output.trajectories else 0)
    )
    seconds = None
    if config.engine == "mesa":
        seconds = total * horizon * n * n * MESA_SECONDS_PER_DYAD_MONTH
    return Estimate(int(peak), seconds)


def _ranged_parameters(config) -> int:
    """How many parameters are sampled per replication (one column each)."""
    from sim.config.params import Param

    def count(node) -> int:
        if isinstance(node, Param):
            return int(node.low is not None)
        if isinstance(node, dict):
            return sum(count(v) for v in node.values())
        if hasattr(type(node), "model_fields"):
            return sum(count(getattr(node, f)) for f in type(node).model_fields)
        return 0

    return count(config)


def estimate_sweep(config, spec) -> Estimate:
    """Peak memory of a batched sweep (``sim.sweep.run.run_sweep``)."""
    from sim.sweep.design import n_points
    from sim.sweep.points import outcome_columns

    points, dims, n = n_points(spec), len(spec.paths), len(config.actors)
    rows = max(1, config.replications)
    batch = min(config.batch_size, rows * points)
    chunk_rows = max(batch, 8 * config.batch_size)  # points x replications stacked for one chunk
    columns = 1 + dims + len(outcome_columns(tuple(config.outcome.pair)))
    peak = (
        3 * points * dims * _FLOAT  # the design and the sampler's temporaries
        + 3 * points * columns * _FLOAT  # chunks read back, concatenated, the merged table
        + rows * _parameter_row(n)  # the base draw
        + 2 * chunk_rows * _parameter_row(n)  # stacked rows of a chunk and one batch's slice
        + batch * _per_replication_horizon(config.horizon_months, n, len(config.events))
        + chunk_rows * 8 * _FLOAT  # final state, rupture and hold per row
    )
    return Estimate(int(peak))


def _check(estimate: Estimate, what: str) -> None:
    limit = memory_limit()
    if estimate.bytes > limit:
        raise ConfigError(what, f"needs {estimate}, above the limit of {human_bytes(limit)}; allowed: fewer "
                          "replications, months or sampled trajectories (output.sample_replications), or raise "
                          "ALLIANCE_SIM_MAX_MEMORY")
    if estimate.seconds is not None and estimate.seconds > mesa_hours_limit() * 3600:
        raise ConfigError("engine", f"mesa: this run needs {estimate}, above the limit of {mesa_hours_limit():g} h; "
                          "allowed: engine=numba (same results), fewer replications, or raise "
                          "ALLIANCE_SIM_MAX_MESA_HOURS")


def check_run(config) -> Estimate:
    """``estimate_run``; ``ConfigError`` (with the estimate) above a limit."""
    estimate = estimate_run(config)
    _check(estimate, "replications")
    return estimate


def check_sweep(config, spec) -> Estimate:
    """``estimate_sweep``; ``ConfigError`` (with the estimate and the point count) above the limit."""
    from sim.sweep.design import n_points

    estimate = estimate_sweep(config, spec)
    _check(estimate, f"sweep ({n_points(spec):,} points)")
    return estimate
