"""Design points of a sweep: full grid, Latin hypercube (scipy.stats.qmc) or Saltelli (SALib).

``design(spec, seed)`` returns a float array [P, D] (rows in the design's own order,
which SALib's Sobol analysis relies on) for the D parameters in ``spec.paths`` order.
The design is a pure function of the spec and the seed, so a resumed sweep rebuilds
exactly the same points.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from sim.sweep.spec import SweepSpec


def salib_problem(spec: SweepSpec) -> dict:
    """SALib's problem dict for the swept parameters."""
    return {
        "num_vars": len(spec.paths),
        "names": spec.paths,
        "bounds": [list(axis.bounds) for axis in spec.parameters.values()],
    }


def grid_axes(spec: SweepSpec) -> list[np.ndarray]:
    """The values of each grid axis: its ``values``, or ``levels`` evenly spaced in [low, high]."""
    return [np.asarray(a.values, dtype=float) if a.values is not None else np.linspace(a.low, a.high, spec.levels)
            for a in spec.parameters.values()]


def n_points(spec: SweepSpec) -> int:
    d = len(spec.paths)
    if spec.method == "grid":
        return int(np.prod([len(axis) for axis in grid_axes(spec)]))
    if spec.method == "lhs":
        return spec.points
    return spec.points * (2 * d + 2 if spec.calc_second_order else d + 2)


def design(spec: SweepSpec, seed: int) -> np.ndarray:
    """[P, D] design points (see module doc)."""
    if spec.method == "grid":
        return np.array(list(itertools.product(*grid_axes(spec))), dtype=float).reshape(-1, len(spec.paths))
    problem = salib_problem(spec)
    lows, highs = (np.array(b) for b in zip(*problem["bounds"]))
    if spec.method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(len(spec.paths), scramble=spec.scramble, rng=seed).random(spec.points)
        return qmc.scale(unit, lows, highs)
    from SALib.sample import sobol

    with warnings.catch_warnings():  # SALib warns when N is not a power of 2; docs/sweeps.md says why it matters
        warnings.simplefilter("ignore", UserWarning)
        return sobol.sample(problem, spec.points, calc_second_order=spec.calc_second_order,
                            scramble=spec.scramble, seed=seed)
