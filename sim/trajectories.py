"""``Trajectories``: what an engine returns for a batch of replications."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels.layout import RECORDED_DYAD


@dataclass
class Trajectories:
    """Monthly state of R replications over months 0..T (N actors, E events).

    dyad[R, T+1, 4, N, N]  trust, support, dependency, alignment (``RECORDED_DYAD``)
    world[R, T+1, 2]       war, strait
    need[R, T+1, N]        need per actor (month 0: from the initial state)
    detections[R, N, N]    months in which i detected j's espionage
    fires[R, E]            how often each event fired
    """

    reps: np.ndarray
    dyad: np.ndarray
    world: np.ndarray
    need: np.ndarray
    detections: np.ndarray
    fires: np.ndarray

    @classmethod
    def empty(cls, reps: np.ndarray, horizon: int, n_actors: int, n_events: int) -> Trajectories:
        r = reps.shape[0]
        return cls(
            reps=np.asarray(reps, dtype=np.int64),
            dyad=np.zeros((r, horizon + 1, len(RECORDED_DYAD), n_actors, n_actors)),
            world=np.zeros((r, horizon + 1, 2)),
            need=np.zeros((r, horizon + 1, n_actors)),
            detections=np.zeros((r, n_actors, n_actors), dtype=np.int64),
            fires=np.zeros((r, n_events), dtype=np.int64),
        )

    def head(self, reps: np.ndarray) -> Trajectories:
        """Views of the first ``len(reps)`` rows, relabelled ``reps`` (a reused buffer)."""
        m = reps.shape[0]
        return Trajectories(np.asarray(reps, dtype=np.int64), self.dyad[:m], self.world[:m], self.need[:m],
                            self.detections[:m], self.fires[:m])

    def variable(self, name: str) -> np.ndarray:
        """[R, T+1, N, N] trajectory of one recorded dyad variable."""
        return self.dyad[:, :, RECORDED_DYAD.index(name)]

    @staticmethod
    def concatenate(parts: list[Trajectories]) -> Trajectories:
        return Trajectories(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                              ("reps", "dyad", "world", "need", "detections", "fires")))
