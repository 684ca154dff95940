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
