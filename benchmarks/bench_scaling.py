"""Cost against replications, horizon and roster size, with log-log exponents.

Replications (1k -> 100k) and horizon (60 -> 240 months): the whole ensemble
(``sim.runner.simulate``: drawing, the core in batches, reductions), which should be
linear (exponent ~1; the smallest size carries the fixed per-run costs, so the fitted
exponent lies a little below 1). Roster size: the core's cost per replication-month at
N = 7, 20, 50, 100, 150 (synthetic rosters: extra actors copy the default ones), with
the exponent over N = 50-150, the historical networks' range. Per month the model does
O(N^2) dyad updates plus three O(N^3) terms, the shared threat (max-min over third
parties), the dilemma's outside options (max over third parties) and structural
balance (sum over triads), so the exponent lies between 2 and 3. The shares of balance
and of threat (with the shared threat) at N = 50 are measured by switching each off
(``sim.kernels.layout.M_*``). Then the historical use: ``sim.history.forecast_signed``
on a random signed network of 140 actors (5% of pairs tied), 48 months, 100
replications, warm (best of 3). Exponents: least-squares slope of log cost on log size.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._common import Row, best_time, kernel_call, synthetic_config


def _exponent(sizes, costs) -> float:
    return float(np.polyfit(np.log(sizes), np.log(costs), 1)[0])


def _ensemble_seconds(config, repeat: int = 1) -> float:
    from sim.runner import simulate

    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        simulate(config)
        best = min(best, time.perf_counter() - start)
    return best


def _forecast_row(quick: bool) -> Row:
    """``forecast_signed`` at N = 140 (48 months, 100 replications): best of 3 after a warm-up."""
    from sim.history.forecast import forecast_signed

    n, months, reps = (40, 12, 16) if quick else (140, 48, 100)
    rng = np.random.default_rng(1)
    nodes = [f"C{k:03d}" for k in range(n)]
    edges = [(nodes[a], nodes[b], 1 if rng.random() < 0.6 else -1)
             for a in range(n) for b in range(a + 1, n) if rng.random() < 0.05]
    forecast_signed(nodes, edges, months=2, replications=8)  # compile or load
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        forecast_signed(nodes, edges, months=months, replications=reps)
        runs.append(time.perf_counter() - start)
    seconds, median = min(runs), sorted(runs)[1]
    return Row(f"forecast_signed, N={n}", seconds, "s", "" if quick else "≤ 10 s", None if quick else seconds <= 10.0,
               note=f"{months} months x {reps} reps ({seconds / (months * reps) * 1e3:.2f} ms/rep-month), "
                    f"{len(edges)} signed ties, warm, best of 3 (median {median:.1f} s); as sim.history runs it "
                    "(the horizon state recorded)")


def run(quick: bool = False) -> list[Row]:
    import sim
    from sim.compile import compile_model
    from sim.kernels.layout import M_BALANCE, M_THREAT

    rows = []
    reps_axis = (100, 400, 1600) if quick else (1000, 10_000, 100_000)
    _ensemble_seconds(sim.load_config("baseline", ["replications=100"]))  # warm-up
    seconds = [_ensemble_seconds(sim.load_config("baseline", [f"replications={r}"]), repeat=1 if r > 20_000 else 3)
               for r in reps_axis]
    k = _exponent(reps_axis, seconds)
    rows.append(Row("scaling: replications", k, "exponent", "≈ 1 (linear)", 0.85 <= k <= 1.15,
                    note="simulate(), 60 months: " + ", ".join(
                        f"{r:,}: {s:.2f} s ({s / (r * 60) * 1e6:.2f} µs/rep-month)" for r, s in zip(reps_axis, seconds))))

    horizon_axis = (60, 120, 240)
    reps = 64 if quick else 4096
    seconds = [_ensemble_seconds(sim.load_config("baseline", [f"replications={reps}", f"horizon_months={h}"]),
                                 repeat=2 if quick else 3) for h in horizon_axis]
    k = _exponent(horizon_axis, seconds)
    rows.append(Row("scaling: horizon", k, "exponent", "≈ 1 (linear)", 0.85 <= k <= 1.15,
                    note=f"simulate(), {reps:,} reps: " + ", ".join(
                        f"{h} mo: {s:.2f} s" for h, s in zip(horizon_axis, seconds))))

    roster_axis = (7, 20, 50) if quick else (7, 20, 50, 100, 150)
    roster_reps = (64, 16, 8) if quick else (2048, 512, 128, 32, 16)
    costs, shares = [], {}
    for n, r in zip(roster_axis, roster_reps):
        horizon = 12 if quick else 24 if n > 50 else 60
        config = synthetic_config(n, (f"replications={r}", f"horizon_months={horizon}"))
        months = config.horizon_months
        costs.append(best_time(kernel_call(config, r), repeat=1 if n > 50 else 3) / (r * months))
        if n == 50:
            for name, flag in (("balance", M_BALANCE), ("threat", M_THREAT)):
                flags = compile_model(config).flags.copy()
                flags[flag] = 0
                without = best_time(kernel_call(config, r, flags)) / (r * months)
                shares[name] = 1.0 - without / costs[-1]
    k = _exponent(roster_axis[-3:], costs[-3:])
    rows.append(Row("scaling: roster size", k, f"exponent (N = {roster_axis[-3]}-{roster_axis[-1]})",
                    "stated (2 ≤ k ≤ 3)", None,
                    note="core, µs/rep-month: " + ", ".join(f"N={n}: {c * 1e6:,.1f}" for n, c in zip(roster_axis, costs))
                    + "; per dyad-month: " + ", ".join(f"{c / (n * (n - 1)) * 1e9:.0f} ns"
                                                         for n, c in zip(roster_axis, costs))))
    rows.append(Row("balance share at N=50", 100 * shares["balance"], "%", "< 50% (not dominating)",
                    shares["balance"] < 0.5,
                    note=f"O(N³) term switched off (M_BALANCE); threat incl. O(N³) shared threat: "
                         f"{100 * shares['threat']:.0f}% (M_THREAT)"))
    rows.append(_forecast_row(quick))
    return rows


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
