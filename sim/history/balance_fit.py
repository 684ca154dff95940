"""Stage 1 of the calibration: the balance rate from the Correlates of War fit pairs.

In model v2 the sign of a tie moves only by structural balance (``sim.mechanisms.balance``),
and balance is deterministic given the initial signed relations and its rate eta
(``balance_rate``): a COW forecast (``sim.history.forecast``) depends on eta alone, not on
any other coefficient and not on the random numbers (tested). So the COW fit pairs
(``sim.history.split``, role ``fit``) inform eta only, and its posterior from them can be
computed on a grid and passed on as eta's prior to the ABC on the alliance cases
(``sim.history.abc``): because the COW likelihood depends on eta alone, this two-stage
update is exact sequential Bayes, not a cut.

The forecast through the model's own dynamics is a sign (P(+) in {0, 1/2, 1}). It is made
a probability by an error rate per kind of pair in the source window (was positive, was
negative, no tie): the tie has the forecast sign with probability 1 - e_c, and a forecast
of 1/2 is a coin. With e_c ~ U(0, 1) integrated out, the likelihood of the fit ties at eta is

    L(eta) = prod_c B(h_c(eta) + 1, m_c(eta) + 1) * 2^(-k_c(eta))

(h hits, m misses, k halves; B the beta function): the log score of the calibrated forecast,
a proper scoring rule, with its calibration integrated out. The four-year windows overlap
(every year lies in up to ``OVERLAP`` = 4 fit targets), so the log-likelihood is tempered by
1/``OVERLAP`` (a composite likelihood). It still treats ties within a window as independent,
so the interval is, if anything, too narrow; docs/validation.md says so.

eta's prior is U(0, 0.05) (its declaration); the posterior is piecewise constant on
``cells`` equal cells, its likelihood evaluated at each cell's midpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import betaln

from sim import mechanisms
from sim.compile import Draw, assign, compile_model
from sim.config.targets import resolve_target
from sim.history import split
from sim.history.cow import tie_sets
from sim.history.engine import BATCH_BYTES
from sim.history.forecast import forecast_config, signed_relation, tie_probability

NAME = "balance_rate"
OVERLAP = split.LEAD_YEARS
# Everything but balance switched off: the signed relation moves by balance alone, so the
# result is the full model's (tested), at a fraction of the cost.
BALANCE_ONLY = {name: False for name in mechanisms.SWITCHES if name != "balance"}
KINDS = {1: "was positive", -1: "was negative", 0: "no tie"}


def prior_range() -> tuple[float, float]:
    (p,) = [p for p in mechanisms.section("dynamics") if p.name == NAME]
    return p.prior


@dataclass(frozen=True)
class BalancePosterior:
    """eta's posterior on equal cells of its prior range: ``edges`` [C+1], ``mass`` [C]
    (sums to 1), and per cell midpoint the counts it rests on."""

    edges: np.ndarray
    mass: np.ndarray
    loglik: np.ndarray  # tempered log-likelihood at the midpoints
    counts: dict  # kind -> {"hits": [C], "misses": [C], "halves": [C]}
    pairs: tuple[str, ...]

    @property
    def midpoints(self) -> np.ndarray:
        return 0.5 * (self.edges[:-1] + self.edges[1:])

    def quantile(self, q: float) -> float:
        """Quantile of the piecewise-uniform posterior."""
        cdf = np.concatenate([[0.0], np.cumsum(self.mass)])
        k = int(np.clip(np.searchsorted(cdf, q, side="right") - 1, 0, len(self.mass) - 1))
        within = 0.0 if self.mass[k] == 0 else (q - cdf[k]) / self.mass[k]
        return float(self.edges[k] + within * (self.edges[k + 1] - self.edges[k]))

    def as_dict(self) -> dict:
        return {"edges": self.edges.tolist(), "mass": self.mass.tolist(), "loglik": self.loglik.tolist(),
                "counts": {k: {c: [int(x) for x in v] for c, v in d.items()} for k, d in self.counts.items()},
                "pairs": list(self.pairs), "overlap": OVERLAP, "scoring": "log score, error rate per kind integrated"}


def signs_on_grid(network, rates: np.ndarray, months: int = split.MONTHS) -> np.ndarray:
    """[G, N, N] P(+) of every pair (``positive_tie``) after ``months`` at each rate."""
    cfg = forecast_config(network, months, 0, 1, mechanisms=BALANCE_ONLY, dynamics={NAME: 0.0}) \
        .model_copy(update={"weights": "prior"})
    model = compile_model(cfg)
    n = len(model.roster)
    per_row = (months + 1) * 4 * n * n * 8
    batch = max(1, min(len(rates), BATCH_BYTES // per_row))
    target = resolve_target(f"dynamics.{NAME}", list(model.roster), key=NAME)
    out = np.empty((len(rates), n, n))
    buffer = None
    from sim.engines.numba_core import run_draw

    for start in range(0, len(rates), batch):
        chunk = rates[start:start + batch]
        base = model.draw(np.zeros(len(chunk), dtype=np.int64))
        assign(base.glob, base.actor, base.dyad, target, chunk)
        traj = run_draw(model, Draw(base.reps, base.glob, base.actor, base.dyad, {}), buffer)
        buffer = traj if buffer is None else buffer
        x = signed_relation(traj)
        for k in range(len(chunk)):
            out[start + k] = tie_probability(x[k:k + 1])
    return out


def fit_balance_rate(cells: int, progress: Callable[[str], None] | None = None) -> BalancePosterior:
    """eta's posterior from the COW fit pairs (module docstring); computed once per
    process for each number of cells (it depends on nothing else)."""
    say = progress or (lambda _: None)
    if cells in _FITTED:
        say("balance rate: computed earlier in this process")
        return _FITTED[cells]
    _FITTED[cells] = _fit(cells, say)
    return _FITTED[cells]


_FITTED: dict[int, BalancePosterior] = {}


def _fit(cells: int, say: Callable[[str], None]) -> BalancePosterior:
    lo, hi = prior_range()
    edges = np.linspace(lo, hi, cells + 1)
    mids = 0.5 * (edges[:-1] + edges[1:])
    counts = {KINDS[k]: {"hits": np.zeros(cells, int), "misses": np.zeros(cells, int), "halves": np.zeros(cells, int)}
              for k in KINDS}
    pairs = split.window_pairs("fit")
    for m, pair in enumerate(pairs):
        source, target = pair.source.network, pair.target.network
        ties = tie_sets(source, target)
        index = {code: k for k, code in enumerate(source.nodes)}
        rows = np.array([index[a] for a, _ in ties.pairs])
        cols = np.array([index[b] for _, b in ties.pairs])
        prob = signs_on_grid(source, mids)[:, rows, cols]  # [G, ties]
        for kind, label in KINDS.items():
            mask = ties.was == kind
            p, now = prob[:, mask], ties.now[mask][None, :]
            half = np.isclose(p, 0.5)
            right = ~half & ((p > 0.5) == (now > 0))
            counts[label]["hits"] += right.sum(axis=1)
            counts[label]["halves"] += half.sum(axis=1)
            counts[label]["misses"] += (~half & ~right).sum(axis=1)
        say(f"balance rate: fit pair {m + 1}/{len(pairs)} ({pair.label})")
    loglik = np.zeros(cells)
    for c in counts.values():
        loglik += betaln(c["hits"] + 1.0, c["misses"] + 1.0) - c["halves"] * np.log(2.0)
    loglik /= OVERLAP
    mass = np.exp(loglik - loglik.max())
    return BalancePosterior(edges, mass / mass.sum(), loglik, counts, tuple(p.label for p in pairs))
