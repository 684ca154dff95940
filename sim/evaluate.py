"""``evaluate(**params) -> dict``: the model as a plain function, for SALib, EMA Workbench, optimisers.

    from sim.evaluate import evaluate
    evaluate(**{"relations.RUS.CHN.counterintelligence": 0.8, "dynamics.w_trust": 2.0})
    evaluate(relations__RUS__CHN__counterintelligence=0.8)      # same: "__" stands for "."
    # {'p_hold': 0.97, 'p_hold_lo': ..., 'index_median': ..., 'median_rupture_month': nan, ...}

Each keyword names a scalar parameter path (as in overrides) and fixes it for every
replication. ``scenario``, ``replications`` (default 200), ``seed`` (default 0) and
``overrides`` (a list of further overrides) choose the set-up; calls with the same
set-up reuse one compiled model (cached), and every call uses replications
0..R-1 of the seed, so two calls differ only by their parameters (common random
numbers). Invalid values raise ``ConfigError`` naming the key and what is allowed.

With EMA Workbench (``pip install -e ".[analysis]"``)::

    from ema_workbench import Model, RealParameter, ScalarOutcome, perform_experiments
    m = Model("alliance", function=evaluate)
    m.uncertainties = [RealParameter("relations__RUS__CHN__counterintelligence", 0.2, 0.95)]
    m.outcomes = [ScalarOutcome("p_hold")]
    experiments, outcomes = perform_experiments(m, 64)
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from sim.errors import ConfigError

DEFAULT_REPLICATIONS = 200


@lru_cache(maxsize=8)
def _evaluator(scenario, overrides: tuple[str, ...], paths: tuple[str, ...]):
    from sim.config.compose import load_config
    from sim.sweep.points import PointEvaluator
    from sim.sweep.spec import resolve_paths

    config = load_config(scenario, overrides)
    return PointEvaluator.build(config, list(paths), resolve_paths(paths, config))


def evaluate(*, scenario: str | list[str] | None = "baseline", replications: int = DEFAULT_REPLICATIONS,
             seed: int = 0, overrides: list[str] | tuple[str, ...] = (), **params: float) -> dict:
    """Outcomes of the pair at one parameter point (see module doc for the keys)."""
    paths = tuple(key.replace("__", ".") for key in params)
    values = np.array([float(v) for v in params.values()], dtype=float)
    for path, value in zip(paths, values):
        if not math.isfinite(value):
            raise ConfigError(path, f"{value} is not a finite number")
    setup = (*overrides, f"replications={replications}", f"seed={seed}")
    scenario_key = tuple(scenario) if isinstance(scenario, list) else scenario
    evaluator = _evaluator(scenario_key, tuple(setup), paths)
    row = evaluator.evaluate(values[None, :])[0]
    if row["error"] is not None:
        key, _, message = row["error"].partition(": ")
        raise ConfigError(key, message)
    row.pop("error")
    return row
