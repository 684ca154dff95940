"""alliance-sim: an agent-based scenario simulator of alliance dynamics under mistrust.

Notebook use (the same results the command line writes)::

    import sim
    res = sim.run("taiwan_drones", overrides=["replications=500", "relations.RUS.CHN.trust=0.3"])
    res.p_hold, res.p_hold_ci
    res.partnership()        # pandas: index band and survival per month
    res.trajectories()       # pandas: per-month quantiles of every dyad variable
    res.save("out/")         # the files ``python -m sim`` writes

Imports are lazy so that ``python -m sim`` reports bad input quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.config.schema import SimConfig
    from sim.results import Results

__all__ = ["load_config", "run"]


def load_config(scenario: str | Sequence[str] | None = "baseline", overrides: Sequence[str] = ()) -> SimConfig:
    """Compose and validate a configuration as ``python -m sim`` would (see ``sim.config.compose``)."""
    from sim.config.compose import load_config as compose_config

    return compose_config(scenario, overrides)


def run(
    scenario: str | Sequence[str] | None = "baseline",
    overrides: Sequence[str] = (),
    *,
    config: SimConfig | None = None,
    progress: bool = True,
) -> Results:
    """Simulate a scenario (a name, a list composed in order, or None), or a ready ``config``.

    A run too big for the machine is refused with ``ConfigError`` before it starts
    (``sim.resources``: the same limits as the command line).
    """
    from sim.resources import check_run
    from sim.runner import simulate

    cfg = config if config is not None else load_config(scenario, overrides)
    check_run(cfg)
    results = simulate(cfg, progress=progress)
    results.overrides = tuple(overrides)
    return results
