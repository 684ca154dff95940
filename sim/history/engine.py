"""Run a configuration on the numba core in batches whose trajectories fit in memory.

``run_batches``: the core records every month of every dyad (``Trajectories.dyad``:
R × (T+1) × V × N × N doubles), tens of MB per replication for a 130-actor network over
48 months, so the replications go through in batches of at most ``BATCH_BYTES`` and each
batch is reduced by the caller before the next one overwrites the buffer.
``run_horizons``: only the state at the horizon is recorded, and nothing is reduced as the
months run, for callers that read the final state alone (the signed-network forecast).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sim.compile import compile_model
from sim.config.schema import SimConfig
from sim.engines import run_engine
from sim.engines.numba_core import run_draw
from sim.kernels.layout import RECORDED_DYAD
from sim.trajectories import Trajectories

BATCH_BYTES = 512 * 2**20  # recorded trajectories per engine call, at most (about)


def run_batches(config: SimConfig) -> Iterator[Trajectories]:
    """Trajectories of replications 0..R-1 of ``config``, batch by batch.

    Each yielded object is a view of one reused buffer: reduce it before asking for the
    next batch. Results do not depend on the batch size (counter-based random numbers).
    """
    model = compile_model(config)
    n = len(model.roster)
    per_rep = (config.horizon_months + 1) * 4 * n * n * 8
    batch = max(1, min(config.replications, BATCH_BYTES // per_rep))
    if batch >= 8:
        batch -= batch % 8  # whole blocks of the core (sim.kernels.ensemble.block_width)
    buffer = Trajectories.empty(np.arange(batch), config.horizon_months, n, len(model.events.names))
    for start in range(0, config.replications, batch):
        reps = np.arange(start, min(config.replications, start + batch), dtype=np.int64)
        yield run_engine(model, reps, "numba", buffer)


def run_horizons(config: SimConfig) -> Iterator[Trajectories]:
    """The state at the horizon (one recorded month) of replications 0..R-1 of ``config``,
    batch by batch: the same numbers as the last month of ``run_batches``, without
    writing every month and without reductions (views of one reused buffer, as there)."""
    model = compile_model(config)
    n = len(model.roster)
    per_rep = (len(RECORDED_DYAD) + 1) * n * n * 8  # the horizon state and the detection counts
    batch = max(8, min(config.replications, BATCH_BYTES // per_rep))
    batch -= batch % 8  # whole blocks of the core
    last = Trajectories.empty(np.arange(batch), 0, n, len(model.events.names))
    for start in range(0, config.replications, batch):
        reps = np.arange(start, min(config.replications, start + batch), dtype=np.int64)
        yield run_draw(model, model.draw(reps), last)
