"""Outcome measures of a partnership (equations in docs/model.md, "Outcomes").

The index and the rupture rule are stated once, in ``sim.kernels.reduce``
(``partnership``, ``first_rupture``); the functions here apply them over replications:

* partnership index   I_ab(t) = ½ √(τ_ab τ_ba) + ½ √(s_ab s_ba)          in [0, 1]
* retained share      R_ab(t) = I_ab(t) / max_{s<=t} I_ab(s): what the index keeps of its
                      running peak (1 if the peak is 0)
* rupture             an event: ``months`` consecutive months with R < rupture threshold
                      (a peak-to-trough rule); the rupture month is the first month of that run
* holds               no rupture by the horizon T, so P(holds) = S(T) by construction
* P(holds)            share of replications that hold, Wilson 95% interval
* survival            S(t) = share of replications not ruptured by month t
* weakest hold        m_r: the highest threshold (on R) at which replication r would not rupture,
                      so P(holds) at threshold theta is the share with m_r >= theta (a curve)
* censored            not ruptured, but R below the threshold for the last (< months) months
"""

from __future__ import annotations

import math

import numpy as np

from sim.kernels.reduce import pair_index, retained_shares, rupture_months, weakest_holds

NO_RUPTURE = -1


def partnership_index(dyad: np.ndarray, a: int, b: int) -> np.ndarray:
    """I_ab over [R, T+1] from recorded dyad trajectories [R, T+1, V, N, N]."""
    out = np.empty(dyad.shape[:2])
    pair_index(dyad, a, b, out)
    return out


def running_peak(index: np.ndarray) -> np.ndarray:
    """[R, T+1] the highest index of months 0..t of each series (the peak of ``retained``)."""
    return np.maximum.accumulate(index, axis=1)


def retained_share(index: np.ndarray) -> np.ndarray:
    """R over [R, T+1]: the share of its running peak that each index series keeps."""
    index = np.ascontiguousarray(index, dtype=np.float64)
    out = np.empty_like(index)
    for row, series in zip(out, index):
        retained_shares(series, row)
    return out


def rupture_month(index: np.ndarray, threshold: float, months: int) -> np.ndarray:
    """[R] first month of the first run of ≥ ``months`` months with the retained share of
    the index [R, T+1] below ``threshold``, or -1.

    Month 0 (the initial state) is not judged: runs are counted over months 1..T.
    """
    out = np.empty(index.shape[0], dtype=np.int64)
    rupture_months(np.ascontiguousarray(index, dtype=np.float64), threshold, months, out)
    return out


def holds(ruptured_at: np.ndarray) -> np.ndarray:
    """[R] (or [R, P]) bool: no rupture by the horizon."""
    return ruptured_at == NO_RUPTURE


def weakest_hold(index: np.ndarray, months: int) -> np.ndarray:
    """[R] m_r: the highest rupture threshold at which each replication would hold."""
    out = np.empty(index.shape[0])
    weakest_holds(np.ascontiguousarray(index, dtype=np.float64), months, out)
    return out


def hold_curve(weakest: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """P(holds) at each rupture threshold: the share of replications with m_r >= threshold."""
    return (weakest[None, :] >= np.asarray(thresholds)[:, None]).mean(axis=1)


def censored(index: np.ndarray, ruptured_at: np.ndarray, threshold: float) -> np.ndarray:
    """[R] bool: held, but the retained share of the index [R, T+1] is below the threshold
    at the horizon (a run too short to count yet: right-censored at the horizon)."""
    return (ruptured_at == NO_RUPTURE) & (retained_share(index)[:, -1] < threshold)


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (default 95%)."""
    if n <= 0:
        raise ValueError("n: needs at least one trial")
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def survival_curve(ruptured_at: np.ndarray, horizon: int) -> np.ndarray:
    """[T+1] S(t): share of replications with no rupture starting at or before month t."""
    months = np.arange(horizon + 1)
    ruptured = ruptured_at[None, :] != NO_RUPTURE
    started = ruptured & (ruptured_at[None, :] <= months[:, None])
    return 1.0 - started.mean(axis=1)


def median_rupture_month(ruptured_at: np.ndarray) -> float | None:
    """Median month of rupture over all replications (unruptured count as +∞); None if < 50% rupture."""
    never = np.iinfo(np.int64).max
    n = ruptured_at.shape[0]
    times = np.sort(np.where(ruptured_at == NO_RUPTURE, never, ruptured_at))
    lower, upper = times[(n - 1) // 2], times[n // 2]
    return None if upper == never else float(0.5 * (lower + upper))


def quantile_band(values: np.ndarray, qs=(0.05, 0.25, 0.5, 0.75, 0.95)) -> dict[str, np.ndarray]:
    """Per-month quantiles of ``values`` [R, T+1] keyed ``q05``, ``q50``, ... plus ``mean``."""
    band = {f"q{round(q * 100):02d}": np.quantile(values, q, axis=0) for q in qs}
    band["mean"] = values.mean(axis=0)
    return band
