"""Scoring sign forecasts on pairs of snapshots (the COW windows, the pre-1914 case).

For a forecast from ``source`` to ``target`` the ties of ``target`` between actors of
``source`` (``sim.history.signed.transitions``) fall into:

* ``existing``: tied in both; the truth is the sign in ``target``;
* ``flips``: the existing ties whose sign changed (a subset of ``existing``);
* ``new``: no tie in ``source``, a tie in ``target``.

Ties of ``source`` that are gone in ``target`` are not scored (nothing to compare).
Each forecaster is called once per snapshot pair for all the pairs it must forecast,
and its scores are pooled over the snapshot pairs (``sim.history.metrics``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.history.metrics import Scores, score
from sim.history.rivals import Forecaster
from sim.history.signed import Pair, SignedNetwork, transitions

CATEGORIES = ("existing", "flips", "new")


@dataclass(frozen=True)
class TieSets:
    """The scored ties of one snapshot pair: ``pairs``, ``was`` (0 = no tie), ``now``."""

    pairs: tuple[Pair, ...]
    was: np.ndarray
    now: np.ndarray

    def mask(self, category: str) -> np.ndarray:
        if category == "existing":
            return self.was != 0
        if category == "flips":
            return (self.was != 0) & (self.was != self.now)
        if category == "new":
            return self.was == 0
        raise ValueError(f"category: {category!r}; allowed: {', '.join(CATEGORIES)}")


def tie_sets(source: SignedNetwork, target: SignedNetwork) -> TieSets:
    moves = transitions(source, target)
    return TieSets(tuple(p for p, _, _ in moves), np.array([w for _, w, _ in moves], dtype=np.int64),
                   np.array([s for _, _, s in moves], dtype=np.int64))


def evaluate(forecasters: Mapping[str, Forecaster],
             snapshots: Sequence[tuple[SignedNetwork, SignedNetwork]]) -> dict[str, dict[str, Scores]]:
    """Scores per forecaster and category, pooled over the (source, target) pairs."""
    sets = [(source, tie_sets(source, target)) for source, target in snapshots]
    out = {}
    for name, forecast in forecasters.items():
        prob = [np.asarray(forecast(source, ties.pairs), dtype=float) for source, ties in sets]
        out[name] = {c: score(np.concatenate([t.now[t.mask(c)] for _, t in sets]),
                              np.concatenate([p[t.mask(c)] for p, (_, t) in zip(prob, sets)]))
                     for c in CATEGORIES}
    return out
