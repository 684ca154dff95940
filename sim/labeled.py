"""A run's trajectories as an ``xarray.Dataset`` with named dimensions, units and long names.

Layout (``Results.to_xarray()``, written as ``trajectories.nc``)::

    trust, support, dependency, alignment,
    affinity, reliable, gap                 (source, target, month, quantile)  ordered dyads
    partnership                             (source, target, month, quantile)  symmetric
    need                                    (actor, month, quantile)
    war, strait                             (month, quantile)
    pair_index                              (month, quantile)   the outcome pair, exact
    rupture_level                           (month)             threshold x running peak, median
    survival, survival_lo, survival_hi      (month)             S(t) with a Wilson 95% band

Coordinates: ``source``, ``target``, ``actor`` (actor codes), ``month`` (0 = the initial
state), ``date`` (first day of each month, along ``month``), ``quantile`` (over
replications). A relation of an actor with itself is NaN. Long names, units and ranges
come from the variables' declarations (``sim.mechanisms``), so they cannot drift from
the model; the dataset's attributes hold the headline outcomes and the run settings. Built from numpy arrays only: no pandas
categorical or nullable columns reach the NetCDF writer.

``python -m sim`` writes the file with h5netcdf directly (``write_netcdf``), encoded as
xarray's ``to_netcdf(engine="h5netcdf")`` would (tested: ``xr.open_dataset`` of either
file gives the same dataset): through xarray, writing imports dask and distributed,
which is half a second of a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import QUANTILES

if TYPE_CHECKING:
    import xarray as xr

    from sim.results import Results

_DERIVED = {
    "partnership": ("partnership index I_ab = ½√(τ_ab τ_ba) + ½√(s_ab s_ba) of the unordered pair", "index", 0.0, 1.0),
    "gap": ("public-private gap g_ij = alignment - trust (public alignment above private trust if positive)",
            "index", -1.0, 1.0),
    "need": ("need for outside support, from conflict intensity and the largest threat", "share", 0.0, 1.0),
}


def variable_attrs(results: Results) -> dict[str, dict]:
    """Attributes (long_name, units, valid_min, valid_max) of every trajectory variable,
    from its declaration (``sim.mechanisms``) or, for derived variables, ``_DERIVED``."""
    from sim import mechanisms
    from sim.kernels.layout import RECORDED_WORLD

    out = {}
    for name in sorted({cell.variable for cell in results.cells}):
        if name in _DERIVED:
            long_name, unit, lo, hi = _DERIVED[name]
        else:
            p = mechanisms.parameter("world" if name in RECORDED_WORLD else "relation", name)
            long_name, unit, lo, hi = p.description, p.unit, p.lo, p.hi
        out[name] = {"long_name": long_name, "units": unit, "valid_min": lo, "valid_max": hi}
    return out


@dataclass(frozen=True)
class Labeled:
    """The labeled trajectories as plain numpy: each variable ``(dims, values, attrs)``."""

    data_vars: dict[str, tuple[tuple[str, ...], np.ndarray, dict]]
    coords: dict[str, tuple[tuple[str, ...], np.ndarray, dict]]
    attrs: dict


def to_dataset(results: Results) -> xr.Dataset:
    """The labeled trajectories of ``results`` (see module doc)."""
    import xarray as xr

    parts = labeled(results)
    return xr.Dataset(data_vars=parts.data_vars, coords=parts.coords, attrs=parts.attrs)


def labeled(results: Results) -> Labeled:
    """The variables, coordinates and attributes of the dataset (see module doc)."""
    from sim.aggregate import cell_kind, month_dates

    roster = list(results.roster)
    where = {code: k for k, code in enumerate(roster)}
    quantiles = np.asarray(QUANTILES, dtype=float)
    values = results.cell_quantiles  # [T+1, C, Q]
    t1 = values.shape[0]
    arrays: dict[str, np.ndarray] = {}
    for c, cell in enumerate(results.cells):
        kind = cell_kind(cell)
        if kind == "dyad":
            cube = arrays.setdefault(cell.variable, np.full((len(roster), len(roster), t1, len(quantiles)), np.nan))
            cube[where[cell.source], where[cell.target]] = values[:, c]
            if cell.variable == "partnership":  # an unordered pair: both orders
                cube[where[cell.target], where[cell.source]] = values[:, c]
        elif kind == "actor":
            arrays.setdefault(cell.variable, np.full((len(roster), t1, len(quantiles)), np.nan))[where[cell.source]] = values[:, c]
        else:
            arrays[cell.variable] = values[:, c].copy()
    dims = {"dyad": ("source", "target", "month", "quantile"), "actor": ("actor", "month", "quantile"),
            "world": ("month", "quantile")}
    kinds = {cell.variable: cell_kind(cell) for cell in results.cells}
    attrs = variable_attrs(results)
    data_vars = {name: (dims[kinds[name]], array, attrs[name]) for name, array in arrays.items()}

    a, b = results.config.outcome.pair
    band = np.quantile(results.pair_index, quantiles, axis=0).T  # [T+1, Q]
    data_vars["pair_index"] = (("month", "quantile"), band, {
        "long_name": f"partnership index of the outcome pair {a}-{b} (exact quantiles over replications)",
        "units": "1", "valid_min": 0.0, "valid_max": 1.0, "pair": f"{a}-{b}"})
    frame = results.partnership()
    for column, what in (("rupture_level", "rupture threshold x the index's running peak, median over replications "
                                           "(an index below it counts a month towards rupture)"),
                         ("survival", "share of replications not ruptured by the month, S(t)"),
                         ("survival_lo", "lower end of the Wilson 95% interval of S(t)"),
                         ("survival_hi", "upper end of the Wilson 95% interval of S(t)")):
        data_vars[column] = (("month",), frame[column].to_numpy(float), {
            "long_name": f"{a}-{b}: {what}", "units": "1", "valid_min": 0.0, "valid_max": 1.0})

    coords = {
        "source": (("source",), np.asarray(roster, dtype=str), {"long_name": "actor holding the relation (who trusts, supports, depends)"}),
        "target": (("target",), np.asarray(roster, dtype=str), {"long_name": "partner the relation is towards"}),
        "actor": (("actor",), np.asarray(roster, dtype=str), {"long_name": "actor"}),
        "month": (("month",), np.arange(t1, dtype=np.int64), {"long_name": "simulated month (0 = initial state)", "units": "month"}),
        "date": (("month",), month_dates(results.config.start, t1).values, {"long_name": "calendar month (first day)"}),
        "quantile": (("quantile",), quantiles, {"long_name": "quantile over replications", "units": "1"}),
    }
    return Labeled(data_vars, coords, dataset_attrs(results))


def dataset_attrs(results: Results) -> dict:
    """Headline outcomes and run settings as NetCDF-safe attributes (str, int, float)."""
    s = results.summary()
    lo, hi = s["p_hold_ci"]
    out = results.config.outcome
    rupture = s["median_rupture_month"]
    return {
        "title": f"alliance-sim trajectories: {s['scenario']}",
        "Conventions": "CF-1.10",
        "source": f"alliance-sim {s['version']}",
        "scenario": s["scenario"],
        "overrides": " ".join(s["overrides"]),
        "pair": "-".join(s["pair"]),
        "p_hold": s["p_hold"],
        "p_hold_ci_low": lo,
        "p_hold_ci_high": hi,
        "median_rupture_month": float("nan") if rupture is None else float(rupture),
        "rupture_threshold": out.rupture_threshold,
        "rupture_months": out.rupture_months,
        "rupture_rule": s["holds_means"],
        "replications": s["replications"],
        "seed": s["seed"],
        "horizon_months": s["horizon_months"],
        "start": s["start"],
        "engine": s["engine"],
        "quantile_resolution": s["quantile_resolution"],
        "quantile_note": "dyad, need and world quantiles come from histograms of 1/quantile_resolution bins "
                         "(accurate to one bin); pair_index quantiles are exact",
    }


def write_netcdf(parts: Labeled, path: str | Path) -> None:
    """Write ``parts`` as NetCDF4 to ``path`` with h5netcdf, as xarray's
    ``to_netcdf(engine="h5netcdf")`` encodes them (CF conventions): floats with a NaN
    ``_FillValue``, strings variable-length, dates as whole days since the first one
    (proleptic Gregorian), the non-dimension coordinates named in the ``coordinates``
    attribute of the variables they label. ``xr.open_dataset(path)`` reads it."""
    import h5netcdf
    import h5py

    variables = {**parts.data_vars, **parts.coords}
    labels = [name for name, (dims, _, _) in parts.coords.items() if dims != (name,)]
    with h5netcdf.File(path, "w") as file:
        for key, value in parts.attrs.items():
            file.attrs[key] = value
        for dims, values, _ in variables.values():
            for dim, size in zip(dims, values.shape):
                if dim not in file.dimensions:
                    file.dimensions[dim] = size
        for name, (dims, values, attrs) in variables.items():
            attrs, fill, dtype = dict(attrs), None, values.dtype
            if values.dtype.kind == "M":  # month starts: whole days
                first = values[0].astype("datetime64[s]")
                values = (values - values[0]) // np.timedelta64(1, "D")
                attrs |= {"units": f"days since {str(first).replace('T', ' ')}", "calendar": "proleptic_gregorian"}
                dtype = values.dtype
            elif values.dtype.kind == "U":
                values, dtype = values.astype(object), h5py.string_dtype()
            elif values.dtype.kind == "f":
                fill = np.nan
            named = [label for label in labels if name not in parts.coords and set(variables[label][0]) <= set(dims)]
            if named:
                attrs["coordinates"] = " ".join(named)
            variable = file.create_variable(name, dimensions=dims, dtype=dtype, fillvalue=fill)
            for key, value in attrs.items():
                variable.attrs[key] = value
            variable[...] = values
