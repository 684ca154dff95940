"""Batched parameter sweeps on the numba core (``python -m sim sweep=lhs ...``; docs/sweeps.md).

    from sim.sweep import parse_sweep, run_sweep
    spec = parse_sweep({"method": "lhs", "points": 64,
                        "parameters": {"relations": {"RUS": {"CHN": {"counterintelligence": [0.2, 0.95]}}}}})
    outcome = run_sweep(sim.load_config("baseline", ["replications=200"]), spec)
    outcome.table          # pandas: one row per point, parameters and outcomes
"""

from sim.sweep.run import SweepOutcome, run_sweep, sweep_folder
from sim.sweep.spec import SweepSpec, parse_sweep

__all__ = ["SweepOutcome", "SweepSpec", "parse_sweep", "run_sweep", "sweep_folder"]
