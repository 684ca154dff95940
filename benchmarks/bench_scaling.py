"""Cost against replications, horizon and roster size, with log-log exponents.

Replications and horizon: the whole ensemble (``sim.runner.simulate``, chunked), which
should be linear (exponent ~1). Roster size: the core's cost per replication-month at
N = 7, 20, 50; per month the model does O(N^2) dyad updates plus two O(N^3) terms
(shared threat and structural balance), so the exponent lies between 2 and 3. The
balance term's share at N = 50 is measured by switching it off.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._common import Row, best_time, kernel_call, synthetic_config


def _exponent(sizes, costs) -> float:
    return float(np.polyfit(np.log(sizes), np.log(costs), 1)[0])


def _ensemble_seconds(config) -> float:
    from sim.runner import simulate

    start = time.perf_counter()
    simulate(config)
    return time.perf_counter() - start


def run(quick: bool = False) -> list[Row]:
    import sim
    from sim.kernels.layout import M_BALANCE

    rows = []
    reps_axis = (250, 1000, 4000) if quick else (1000, 10_000, 100_000)
    _ensemble_seconds(sim.load_config("baseline", ["replications=100"]))  # warm-up
    seconds = [_ensemble_seconds(sim.load_config("baseline", [f"replications={r}"])) for r in reps_axis]
    k = _exponent(reps_axis, seconds)
    rows.append(Row("scaling: replications", k, "exponent", "≈ 1 (linear)", 0.85 <= k <= 1.15,
                    note=", ".join(f"{r:,}: {s:.2f} s" for r, s in zip(reps_axis, seconds))))

    horizon_axis = (60, 120, 240)
    reps = 250 if quick else 2000
    seconds = [_ensemble_seconds(sim.load_config("baseline", [f"replications={reps}", f"horizon_months={h}"]))
               for h in horizon_axis]
    k = _exponent(horizon_axis, seconds)
    rows.append(Row("scaling: horizon", k, "exponent", "≈ 1 (linear)", 0.85 <= k <= 1.15,
                    note=", ".join(f"{h} mo: {s:.2f} s" for h, s in zip(horizon_axis, seconds))))

    roster_axis = (7, 20, 50)
    roster_reps = (128, 32, 8) if quick else (2048, 512, 128)
    costs, share = [], 0.0
    for n, r in zip(roster_axis, roster_reps):
        config = synthetic_config(n, (f"replications={r}",))
        call = kernel_call(config, r)
        costs.append(best_time(call) / (r * config.horizon_months))
        if n == roster_axis[-1]:
            from sim.compile import compile_model

            flags = compile_model(config).flags.copy()
            flags[M_BALANCE] = 0
            without = best_time(kernel_call(config, r, flags)) / (r * config.horizon_months)
            share = 1.0 - without / costs[-1]
    k = _exponent(roster_axis, costs)
    rows.append(Row("scaling: roster size", k, "exponent", "state it (O(N²)..O(N³))", None,
                    note=", ".join(f"N={n}: {c * 1e6:.1f} µs" for n, c in zip(roster_axis, costs))
                    + " per rep-month"))
    rows.append(Row("balance share at N=50", 100 * share, "%", "< 50% (not dominating)", share < 0.5))
    return rows


if __name__ == "__main__":
    from benchmarks._common import print_table

    print_table(run())
