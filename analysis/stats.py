"""Differences between two ensembles, paired on the replication index where possible.

With the same seed, replication *i* of two runs draws the same random numbers (common
random numbers, see README), so the per-replication difference removes most of the
Monte-Carlo noise shared by both runs:

* holds (0/1):  d_i = h_i − h⁰_i ∈ {−1, 0, 1}; Δ = (b − c)/n with b, c the discordant
  counts (holds only in the run / only in the reference). 95% CI: the adjusted Wald
  interval of Agresti & Min (2005, Stat. Med. 24:729), which adds ½ to each cell of the
  paired 2×2 table: centre (b − c)/(n + 2), SE = √(b + c + 1 − (b − c)²/(n + 2))/(n + 2),
  truncated to [−1, 1]. Unlike the plain Wald interval it does not collapse to [0, 0]
  when no pair is discordant (b = c = 0: ±1.96/(n + 2)). Exact McNemar p-value from the
  binomial test of b against b + c.
* index_final:  d_i = x_i − x⁰_i; Δ = mean(d), SE = sd(d)/√n, CI from Student's t.

Runs with different seeds are independent samples: Newcombe's hybrid score interval
(from the two Wilson intervals, ``sim.outcomes.wilson_interval``) for ΔP(holds) and
Welch's normal interval for the index.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from sim.outcomes import wilson_interval

Z95 = 1.959963984540054


@dataclass
class Difference:
    """Run minus reference for one outcome."""

    estimate: float
    se: float
    lo: float
    hi: float
    n: int  # pairs (paired) or n_run + n_ref (unpaired)
    paired: bool
    p_value: float | None = None
    gain: int | None = None  # paired holds: holds in the run only
    loss: int | None = None  # paired holds: holds in the reference only

    def as_dict(self, prefix: str) -> dict:
        return {f"{prefix}_{k}": v for k, v in asdict(self).items()}


def paired_holds(run: np.ndarray, ref: np.ndarray) -> Difference:
    """ΔP(holds) on paired replications (bool arrays of equal length)."""
    run = np.asarray(run, dtype=bool)
    ref = np.asarray(ref, dtype=bool)
    n = run.shape[0]
    gain = int(np.sum(run & ~ref))
    loss = int(np.sum(~run & ref))
    estimate = (gain - loss) / n
    centre = (gain - loss) / (n + 2)
    se = math.sqrt(gain + loss + 1 - (gain - loss) ** 2 / (n + 2)) / (n + 2)
    p_value = _mcnemar_exact(gain, loss)
    return Difference(estimate, se, max(-1.0, centre - Z95 * se), min(1.0, centre + Z95 * se), n, True,
                      p_value, gain, loss)


def _mcnemar_exact(gain: int, loss: int) -> float:
    if gain + loss == 0:
        return 1.0
    from scipy.stats import binomtest

    return float(binomtest(gain, gain + loss, 0.5).pvalue)


def paired_mean(run: np.ndarray, ref: np.ndarray) -> Difference:
    """Mean paired difference with a Student-t 95% interval."""
    d = np.asarray(run, dtype=float) - np.asarray(ref, dtype=float)
    n = d.shape[0]
    estimate = float(d.mean())
    if n < 2:
        return Difference(estimate, math.nan, math.nan, math.nan, n, True)
    se = float(d.std(ddof=1) / math.sqrt(n))
    from scipy.stats import t as student

    q = float(student.ppf(0.975, n - 1))
    p_value = float(2 * student.sf(abs(estimate) / se, n - 1)) if se > 0 else (1.0 if estimate == 0 else 0.0)
    return Difference(estimate, se, estimate - q * se, estimate + q * se, n, True, p_value)


def unpaired_holds(k_run: int, n_run: int, k_ref: int, n_ref: int) -> Difference:
    """ΔP(holds) of independent samples: Newcombe's hybrid score interval (method 10)."""
    p1, p2 = k_run / n_run, k_ref / n_ref
    l1, u1 = wilson_interval(k_run, n_run)
    l2, u2 = wilson_interval(k_ref, n_ref)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    se = math.sqrt(p1 * (1 - p1) / n_run + p2 * (1 - p2) / n_ref)
    return Difference(d, se, lo, hi, n_run + n_ref, False)


def unpaired_mean(run: np.ndarray, ref: np.ndarray) -> Difference:
    """Difference of means of independent samples (Welch, normal approximation)."""
    run = np.asarray(run, dtype=float)
    ref = np.asarray(ref, dtype=float)
    d = float(run.mean() - ref.mean())
    if run.shape[0] < 2 or ref.shape[0] < 2:
        return Difference(d, math.nan, math.nan, math.nan, run.shape[0] + ref.shape[0], False)
    se = math.sqrt(run.var(ddof=1) / run.shape[0] + ref.var(ddof=1) / ref.shape[0])
    return Difference(d, se, d - Z95 * se, d + Z95 * se, run.shape[0] + ref.shape[0], False)
