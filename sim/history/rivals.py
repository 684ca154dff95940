"""Simple rivals of the model for signed-network forecasts.

Every forecaster is a function ``(source, pairs) -> P`` from the source snapshot (a
``SignedNetwork``) and the pairs to forecast to P(positive tie) per pair, [len(pairs)].
``rivals(history)`` builds them; ``history`` is the (source, target) snapshot pairs they
may learn from (for the COW data: the fit pairs of ``sim.history.split`` only). What they
learn is two things, returned with them:

* ``no_tie_sign``: the majority sign of the new ties in ``history`` (ties in the target
  between actors without a tie in the source; +1 on an even split). In the COW fit
  pairs most new ties are negative, unlike the ties that already exist;
* the three rates of ``fitted rates`` (below).

The rivals:

* ``persistence``: an existing tie keeps its sign. A pair without a tie has nothing to
  persist and gets ``no_tie_sign``.
* ``all positive``: every tie positive.
* ``triad rule``: a tie takes the sign of S_ij = Σ_k x_ik x_kj over the common
  neighbours k of i and j in the source (the friend of a friend, the enemy of an enemy:
  Heider 1946; Cartwright & Harary 1956). At S_ij = 0 (no common neighbour, or as many
  balancing as unbalancing triads) it falls back to persistence: the existing sign, or
  ``no_tie_sign`` for a pair without a tie.
* ``fitted rates``: a probabilistic persistence, P(+ | the pair was +),
  P(+ | the pair was −), P(+ | no tie), the shares observed in ``history``: the rival
  with honest probabilities, for the Brier score.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.history.signed import Pair, SignedNetwork, transitions

Forecaster = Callable[[SignedNetwork, Sequence[Pair]], np.ndarray]
History = Sequence[tuple[SignedNetwork, SignedNetwork]]


def current_signs(source: SignedNetwork, pairs: Sequence[Pair]) -> np.ndarray:
    """[len(pairs)] the pair's sign in ``source``, 0 where there is no tie."""
    signs = source.signs
    return np.array([signs.get(p, 0) for p in pairs], dtype=np.int64)


def triad_sum(source: SignedNetwork, pairs: Sequence[Pair]) -> np.ndarray:
    """[len(pairs)] S_ij = Σ_k x_ik x_kj over the common neighbours k of i and j."""
    nb = source.neighbours
    out = np.zeros(len(pairs), dtype=np.int64)
    for m, (a, b) in enumerate(pairs):
        small, large = sorted((nb[a], nb[b]), key=len)
        out[m] = sum(s * large[k] for k, s in small.items() if k in large)
    return out


def transition_counts(history: History) -> dict[int, tuple[int, int]]:
    """Sign before (+1, -1, 0 = no tie) -> (ties positive after, ties) over ``history``."""
    counts = {s: [0, 0] for s in (1, -1, 0)}
    for source, target in history:
        for _, was, now in transitions(source, target):
            counts[was][0] += now > 0
            counts[was][1] += 1
    return {s: (c[0], c[1]) for s, c in counts.items()}


def rivals(history: History) -> tuple[dict[str, Forecaster], dict[str, float]]:
    """The rivals of the module docstring, learnt from ``history``, and what they learnt."""
    counts = transition_counts(history)
    rates = {s: pos / n if n else 0.5 for s, (pos, n) in counts.items()}
    no_tie = 1 if rates[0] >= 0.5 else -1

    def keep_sign(source, pairs):
        was = current_signs(source, pairs)
        return np.where(was == 0, no_tie, was)

    def persistence(source, pairs):
        return (keep_sign(source, pairs) > 0).astype(float)

    def all_positive(source, pairs):
        return np.ones(len(pairs))

    def triad_rule(source, pairs):
        total = triad_sum(source, pairs)
        return (np.where(total != 0, np.sign(total), keep_sign(source, pairs)) > 0).astype(float)

    def fitted_rates(source, pairs):
        return np.array([rates[w] for w in current_signs(source, pairs)])

    forecasters = {"persistence": persistence, "all positive": all_positive, "triad rule": triad_rule,
                   "fitted rates": fitted_rates}
    learnt = {"no_tie_sign": float(no_tie), "p_positive_after_positive": rates[1],
              "p_positive_after_negative": rates[-1], "p_positive_no_tie": rates[0]}
    return forecasters, learnt
