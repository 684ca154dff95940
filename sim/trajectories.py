"""``Trajectories``: what an engine returns for a batch of replications."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels.layout import RECORDED_ACTOR, RECORDED_DYAD, RECORDED_WORLD


@dataclass
class Trajectories:
    """Monthly state of R replications over months 0..T (N actors, E events).

    dyad[R, T+1, V, N, N]  the dyad variables ``RECORDED_DYAD`` (trust, support, ...)
    world[R, T+1, W]       the world variables ``RECORDED_WORLD`` (war, strait)
    actor[R, T+1, K, N]    the actor variables ``RECORDED_ACTOR`` (need; month 0: from the initial state)
    detections[R, N, N]    months in which i detected j's espionage
    fires[R, E]            how often each event fired
    """

    # The arrays an engine fills, in the order the core's ``simulate`` takes them.
    ARRAYS = ("dyad", "world", "actor", "detections", "fires")

    reps: np.ndarray
    dyad: np.ndarray
    world: np.ndarray
    actor: np.ndarray
    detections: np.ndarray
    fires: np.ndarray

    @classmethod
    def empty(cls, reps: np.ndarray, horizon: int, n_actors: int, n_events: int) -> Trajectories:
        r, t1 = reps.shape[0], horizon + 1
        return cls(
            reps=np.asarray(reps, dtype=np.int64),
            dyad=np.zeros((r, t1, len(RECORDED_DYAD), n_actors, n_actors)),
            world=np.zeros((r, t1, len(RECORDED_WORLD))),
            actor=np.zeros((r, t1, len(RECORDED_ACTOR), n_actors)),
            detections=np.zeros((r, n_actors, n_actors), dtype=np.int64),
            fires=np.zeros((r, n_events), dtype=np.int64),
        )

    def head(self, reps: np.ndarray) -> Trajectories:
        """Views of the first ``len(reps)`` rows, relabelled ``reps`` (a reused buffer)."""
        m = reps.shape[0]
        return Trajectories(np.asarray(reps, dtype=np.int64), self.dyad[:m], self.world[:m], self.actor[:m],
                            self.detections[:m], self.fires[:m])

    def outputs(self) -> tuple[np.ndarray, ...]:
        """The output arrays (``ARRAYS``), for ``sim.kernels.ensemble.simulate``."""
        return tuple(getattr(self, name) for name in self.ARRAYS)

    def variable(self, name: str) -> np.ndarray:
        """The trajectory of one recorded variable: dyad [R, T+1, N, N], actor [R, T+1, N]
        or world [R, T+1]."""
        if name in RECORDED_DYAD:
            return self.dyad[:, :, RECORDED_DYAD.index(name)]
        if name in RECORDED_ACTOR:
            return self.actor[:, :, RECORDED_ACTOR.index(name)]
        if name in RECORDED_WORLD:
            return self.world[:, :, RECORDED_WORLD.index(name)]
        allowed = ", ".join((*RECORDED_DYAD, *RECORDED_ACTOR, *RECORDED_WORLD))
        raise KeyError(f"unknown recorded variable {name!r}; allowed: {allowed}")


@dataclass
class Reductions:
    """What the numba core reduces a batch of R replications to as it runs, instead of
    writing their trajectories (``sim.kernels.reduce``; C cells, P unordered pairs).

    bins[B, T+1, C, L] uint16 bin of each cell (``sim.aggregate.cell_catalogue``) among ``n_bins`` over [lo, hi],
                       block-major: replication b L + r is bins[b, :, :, r] (L: the core's block width)
    sums[T+1, C]       int64 fixed-point sums of the cells (``MEAN_SCALE``), added to
    index[R, T+1]      partnership index of the outcome pair (number ``pair`` among the P)
    ruptured[R, P]     every pair's first rupture month (-1: holds) at ``threshold`` for ``months``
    final[R, P]        every pair's index at the horizon
    """

    n_bins: int
    lo: np.ndarray
    hi: np.ndarray
    bins: np.ndarray
    sums: np.ndarray
    threshold: float
    months: int
    pair: int
    index: np.ndarray
    ruptured: np.ndarray
    final: np.ndarray

    @classmethod
    def empty(cls, n_rep: int, horizon: int, n_actors: int, n_bins: int, lo: np.ndarray, hi: np.ndarray,
              threshold: float, months: int, pair: int, lanes: int | None = None) -> Reductions:
        """Buffers for ``n_rep`` replications; no cells (only the pairs) if ``lo`` is empty.
        ``lanes``: the core's block width (default: ``block_width`` for ``n_rep`` on this
        machine's threads; results never depend on it)."""
        from numba import get_num_threads

        from sim.kernels.ensemble import block_width
        from sim.kernels.reduce import block_bins

        n_pairs = n_actors * (n_actors - 1) // 2
        if n_bins > np.iinfo(np.uint16).max:
            raise ValueError(f"n_bins: at most {np.iinfo(np.uint16).max} bins fit the uint16 bins, got {n_bins}")
        lanes = lanes or block_width(n_rep, n_actors, get_num_threads())
        bins = block_bins(n_rep, horizon + 1, lo.shape[0], lanes) if lo.shape[0] else np.zeros((0, 0, 0, 0), np.uint16)
        return cls(n_bins, lo, hi, bins,
                   np.zeros((horizon + 1 if lo.shape[0] else 0, lo.shape[0]), dtype=np.int64), float(threshold), int(months), int(pair),
                   np.zeros((n_rep, horizon + 1)), np.zeros((n_rep, n_pairs), dtype=np.int64),
                   np.zeros((n_rep, n_pairs)))

    @classmethod
    def pairs_only(cls, n_rep: int, horizon: int, n_actors: int, threshold: float, months: int,
                   pair: int) -> Reductions:
        """Buffers for the pairs' outcomes alone (no cell histograms)."""
        return cls.empty(n_rep, horizon, n_actors, 1, np.empty(0), np.empty(0), threshold, months, pair)

    @property
    def n_rep(self) -> int:
        return self.ruptured.shape[0]

    def head(self, n_rep: int, bins: np.ndarray | None = None) -> Reductions:
        """The first ``n_rep`` replications' rows (views; a reused buffer), sums cleared;
        ``bins``: a C-contiguous array shaped as the buffer's bins to bin into instead (e.g.
        one slot of many batches' bins). Always C-contiguous bins: a strided view would
        compile the core once more."""
        self.sums[:] = 0
        if bins is None:
            blocks = -(-n_rep // self.bins.shape[3]) if self.bins.shape[0] else 0  # no cells: nothing to size
            bins = self.bins if blocks == self.bins.shape[0] else np.zeros((blocks,) + self.bins.shape[1:], np.uint16)
        return Reductions(self.n_bins, self.lo, self.hi, bins, self.sums, self.threshold, self.months, self.pair,
                          self.index[:n_rep], self.ruptured[:n_rep], self.final[:n_rep])

    def arrays(self) -> tuple:
        """The reductions' arguments of ``sim.kernels.ensemble.simulate``, in its order."""
        return (self.n_bins, self.lo, self.hi, self.bins, self.sums, self.threshold, self.months, self.pair,
                self.index, self.ruptured, self.final)
