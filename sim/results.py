"""``Results``: one ensemble reduced to outcomes, with labeled tables for pandas/xarray.

Everything ``python -m sim`` writes comes from here, and a notebook gets the same
object from ``sim.run(...)``: ``summary()`` (the dict of summary.json),
``trajectories()`` (per-month quantiles of every dyad, long format),
``partnership()`` (the pair's index band and survival curve), ``replications()``
(one row per replication: sampled parameters and outcomes), ``sample_trajectories()``
(full trajectories of the first replications) and ``to_xarray()`` (the trajectories
as a labeled ``xarray.Dataset``, ``sim.labeled``). In Jupyter a ``Results`` shows as a
short table of its headline numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.aggregate import QUANTILES, Cell, cell_kind, month_dates
from sim.config.schema import SimConfig
from sim.history.posterior import weights_record
from sim.runinfo import package_version
from sim.outcomes import (
    NO_RUPTURE,
    censored,
    hold_curve,
    holds,
    median_rupture_month,
    quantile_band,
    running_peak,
    survival_curve,
    wilson_interval,
)


# Rupture thresholds at which summary.json reports P(holds) (the whole curve: Results.hold_curve).
SUMMARY_THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@dataclass
class Results:
    """Outcomes of ``config.replications`` replications (R) over months 0..T, N actors."""

    config: SimConfig
    roster: tuple[str, ...]
    cells: tuple[Cell, ...]
    cell_quantiles: np.ndarray  # [T+1, C, Q] quantiles QUANTILES of each cell
    cell_means: np.ndarray  # [T+1, C] exact means of each cell
    bins: int  # histogram bins behind cell_quantiles (accuracy: range/bins)
    pair_index: np.ndarray  # [R, T+1] partnership index of outcome.pair
    ruptured_at: np.ndarray  # [R] rupture month or -1
    weakest: np.ndarray  # [R] weakest hold: the highest rupture threshold at which each replication holds
    bloc_labels: np.ndarray  # [R, N] each replication's landscape partition (0/1, first actor 0)
    bloc_tied: np.ndarray  # [R] whether that replication's minimum is tied
    pair_holds: dict[str, int]  # "A-B" -> replications in which that pair holds
    replication_columns: dict[str, np.ndarray]
    sample_dyad: np.ndarray  # [K, T+1, 4, N, N] full trajectories of replications 0..K-1
    label: str = ""
    overrides: tuple[str, ...] = field(default_factory=tuple)

    # -- outcomes of the pair -------------------------------------------------------
    @property
    def holds(self) -> np.ndarray:
        """[R] bool: the pair holds (no rupture by the horizon) in that replication."""
        return holds(self.ruptured_at)

    @property
    def censored(self) -> np.ndarray:
        """[R] bool: holds, but below the rupture threshold × running peak at the horizon (a run not yet long enough)."""
        return censored(self.pair_index, self.ruptured_at, self.config.outcome.rupture_threshold)

    def hold_curve(self, thresholds=None) -> pd.DataFrame:
        """P(holds) at each rupture threshold (the same duration), with Wilson 95% intervals."""
        thresholds = np.linspace(0.0, 1.0, 101) if thresholds is None else np.asarray(thresholds, dtype=float)
        p = hold_curve(self.weakest, thresholds)
        n = self.weakest.shape[0]
        band = np.array([wilson_interval(int(round(v * n)), n) for v in p])
        return pd.DataFrame({"threshold": thresholds, "p_hold": p, "p_hold_lo": band[:, 0], "p_hold_hi": band[:, 1]})

    @property
    def p_hold(self) -> float:
        return float(self.holds.mean())

    @property
    def p_hold_ci(self) -> tuple[float, float]:
        return wilson_interval(int(self.holds.sum()), self.holds.shape[0])

    @property
    def median_rupture_month(self) -> float | None:
        return median_rupture_month(self.ruptured_at)

    def survival(self) -> np.ndarray:
        return survival_curve(self.ruptured_at, self.config.horizon_months)

    @property
    def scenario(self) -> str:
        return self.label or "+".join(self.config.scenario_names)

    # -- dyads ------------------------------------------------------------------------
    def final_medians(self, variable: str) -> dict[str, dict[str, float]]:
        """{FROM: {TO: median at the horizon}} of a dyad variable."""
        q50 = QUANTILES.index(0.5)
        out: dict[str, dict[str, float]] = {a: {} for a in self.roster}
        for c, cell in enumerate(self.cells):
            if cell.variable == variable:
                out[cell.source][cell.target] = round(float(self.cell_quantiles[-1, c, q50]), 4)
        return out

    def blocs(self) -> dict:
        """Blocs at the horizon: ``landscape`` per replication (the modal partition and its
        share, every partition's share, P(each pair in the same bloc), the share of tied
        minima) and the size-weighted ``eigenvector`` split of the mean final signed relations."""
        from sim.blocs import BlocConfiguration, bloc_summary, leading_eigenvector_split

        per_replication = bloc_summary(self.bloc_labels, self.bloc_tied, self.roster)
        modal = per_replication["partitions"][0]
        n = len(self.roster)
        mean = np.eye(n)
        where = {code: k for k, code in enumerate(self.roster)}
        for c, cell in enumerate(self.cells):
            if cell.variable == "affinity":
                mean[where[cell.source], where[cell.target]] = self.cell_means[-1, c]
        sizes = np.array([0.5 * (p.lo + p.hi) for p in (self.config.actors[a].capability for a in self.roster)])
        split = BlocConfiguration(leading_eigenvector_split(mean, sizes), 0.0)
        return {"landscape": {"groups": modal["groups"], "share": modal["share"], **per_replication},
                "eigenvector": {"groups": split.groups(list(self.roster))}}

    # -- tables ----------------------------------------------------------------------
    def trajectories(self) -> pd.DataFrame:
        """Long table: variable, source, target, month, date, q05 … q95, mean (one row per cell-month).

        ``target`` is missing for actor variables (need), ``source`` and ``target`` for
        world variables (war, strait).
        """
        t1, c, _ = self.cell_quantiles.shape
        dates = month_dates(self.config.start, t1)
        kinds = [cell_kind(x) for x in self.cells]
        roster = list(self.roster)
        variables = sorted({x.variable for x in self.cells})
        # categorical columns from their codes (-1: missing), one cell after another, month by month
        codes = {"variable": [variables.index(x.variable) for x in self.cells],
                 "source": [-1 if k == "world" else roster.index(x.source) for k, x in zip(kinds, self.cells)],
                 "target": [roster.index(x.target) if k == "dyad" else -1 for k, x in zip(kinds, self.cells)]}
        frame = pd.DataFrame(
            {
                **{name: pd.Categorical.from_codes(np.tile(np.asarray(code, dtype=np.int8), t1),
                                                   variables if name == "variable" else roster)
                   for name, code in codes.items()},
                "month": np.repeat(np.arange(t1), c),
                "date": np.repeat(dates.values, c),
            }
        )
        for k, q in enumerate(QUANTILES):
            frame[f"q{round(q * 100):02d}"] = self.cell_quantiles[:, :, k].ravel()
        frame["mean"] = self.cell_means.ravel()
        return frame

    def partnership(self) -> pd.DataFrame:
        """Per month: the pair's index quantiles and mean, the rupture level (the median over
        replications of the threshold x the running peak: below it a month counts towards
        rupture), the survival S(t) and its Wilson 95% band."""
        n, t1 = self.pair_index.shape
        frame = pd.DataFrame({"month": np.arange(t1), "date": month_dates(self.config.start, t1)})
        for name, values in quantile_band(self.pair_index).items():
            frame[f"index_{name}"] = values
        frame["rupture_level"] = self.config.outcome.rupture_threshold * np.median(running_peak(self.pair_index), axis=0)
        survival = self.survival()
        frame["survival"] = survival
        band = np.array([wilson_interval(int(round(s * n)), n) for s in survival])
        frame["survival_lo"], frame["survival_hi"] = band[:, 0], band[:, 1]
        return frame

    def replications(self) -> pd.DataFrame:
        """One row per replication: sampled parameters, pair outcomes, final states, events."""
        frame = pd.DataFrame(self.replication_columns)
        frame["index_final"] = self.pair_index[:, -1]
        frame["index_min"] = self.pair_index[:, 1:].min(axis=1) if self.pair_index.shape[1] > 1 else self.pair_index[:, 0]
        frame["rupture_month"] = pd.array(np.where(self.ruptured_at == NO_RUPTURE, pd.NA, self.ruptured_at), dtype="Int64")
        frame["holds"] = self.holds
        return frame

    def sample_trajectories(self) -> pd.DataFrame:
        """Full monthly trajectories of the first K replications (long format).

        Columns: replication, month, date, variable, source, target, value. Rows of every
        recorded dyad variable, then the outcome pair's ``partnership`` index (source and
        target: the pair) of each replication.
        """
        from sim.kernels.layout import RECORDED_DYAD

        k, t1, v, n, _ = self.sample_dyad.shape
        rep, month, var, src, dst = np.indices((k, t1, v, n, n)).reshape(5, -1)
        keep = src != dst
        roster = list(self.roster)
        a, b = (roster.index(code) for code in self.config.outcome.pair)
        rep_i, month_i = np.indices((k, t1)).reshape(2, -1)
        variables = [*RECORDED_DYAD, "partnership"]
        dates = month_dates(self.config.start, t1).values
        return pd.DataFrame(
            {
                "replication": np.concatenate([rep[keep], rep_i]),
                "month": np.concatenate([month[keep], month_i]),
                "date": dates[np.concatenate([month[keep], month_i])],
                "variable": pd.Categorical.from_codes(np.concatenate([var[keep], np.full(rep_i.size, v)]), variables),
                "source": pd.Categorical.from_codes(np.concatenate([src[keep], np.full(rep_i.size, a)]), roster),
                "target": pd.Categorical.from_codes(np.concatenate([dst[keep], np.full(rep_i.size, b)]), roster),
                "value": np.concatenate([self.sample_dyad.ravel()[keep], self.pair_index[:k].ravel()]),
            }
        )

    def to_xarray(self):
        """The trajectories as an ``xarray.Dataset`` (dimensions, units, long names: ``sim.labeled``)."""
        from sim.labeled import to_dataset

        return to_dataset(self)

    def save(self, folder) -> list:
        """Write every output file into ``folder``, exactly as ``python -m sim`` does."""
        from sim.outputs import write_results

        return write_results(self, folder)

    # -- display ---------------------------------------------------------------------
    def __repr__(self) -> str:
        a, b = self.config.outcome.pair
        lo, hi = self.p_hold_ci
        return (f"<Results {self.scenario}: P({a}-{b} holds) = {self.p_hold:.3f} [{lo:.3f}, {hi:.3f}], "
                f"{self.pair_index.shape[0]} replications x {self.config.horizon_months} months "
                f"from {self.config.start}, seed {self.config.seed}, {self.config.engine}>")

    def _repr_html_(self) -> str:
        """Jupyter's display: the headline numbers as a small table (``sim.report``)."""
        from sim.report import results_card

        return results_card(self)

    # -- summary ---------------------------------------------------------------------
    def summary(self) -> dict:
        """The content of summary.json (plain JSON types)."""
        final = self.pair_index[:, -1]
        lo, hi = self.p_hold_ci
        n = self.pair_index.shape[0]
        return {
            "scenario": self.scenario,
            "scenarios": list(self.config.scenario_names),
            "overrides": list(self.overrides),
            "pair": list(self.config.outcome.pair),
            "p_hold": round(self.p_hold, 6),
            "p_hold_ci": [round(lo, 6), round(hi, 6)],
            "holds_means": (f"no {self.config.outcome.rupture_months}-month run of the index below "
                            f"{self.config.outcome.rupture_threshold:g} of its running peak by month "
                            f"{self.config.horizon_months}: "
                            "P(holds) = survival at the horizon"),
            "censored_share": round(float(self.censored.mean()), 6),
            "p_hold_by_threshold": {f"{t:.2f}": round(float(p), 6)
                                    for t, p in zip(SUMMARY_THRESHOLDS, hold_curve(self.weakest, SUMMARY_THRESHOLDS))},
            "median_rupture_month": self.median_rupture_month,
            "partnership_index": {
                "month": self.config.horizon_months,
                "median": round(float(np.median(final)), 6),
                "q05": round(float(np.quantile(final, 0.05)), 6),
                "q95": round(float(np.quantile(final, 0.95)), 6),
            },
            "p_hold_by_pair": {k: round(v / n, 6) for k, v in self.pair_holds.items()},
            "final_trust": self.final_medians("trust"),
            "final_support": self.final_medians("support"),
            "blocs": self.blocs(),
            "seed": self.config.seed,
            "replications": n,
            "horizon_months": self.config.horizon_months,
            "start": self.config.start,
            "engine": self.config.engine,
            "weights": weights_record(self.config),  # sim.history.posterior
            "quantile_resolution": 1.0 / self.bins,
            "version": package_version(),
        }

    def report(self) -> str:
        """A short human-readable summary for the terminal."""
        s = self.summary()
        a, b = s["pair"]
        lo, hi = s["p_hold_ci"]
        rupture = s["median_rupture_month"]
        idx = s["partnership_index"]
        lines = [
            f"scenario {s['scenario']}: {s['replications']} replications, {s['horizon_months']} months from "
            f"{s['start']}, seed {s['seed']} ({s['engine']})",
            f"  P({a}-{b} partnership holds) = {s['p_hold']:.3f}  [95% CI {lo:.3f}-{hi:.3f}]",
            f"  median rupture month: {'none (fewer than half rupture)' if rupture is None else f'{rupture:g}'}",
            f"  partnership index at month {idx['month']}: median {idx['median']:.3f} "
            f"(5-95%: {idx['q05']:.3f}-{idx['q95']:.3f})",
        ]
        landscape, eigen = s["blocs"]["landscape"], s["blocs"]["eigenvector"]
        show = lambda groups: " vs ".join("{" + ", ".join(g) + "}" for g in groups)  # noqa: E731
        lines.append(f"  final blocs (landscape, {landscape['share']:.0%} of replications): {show(landscape['groups'])}")
        lines.append(f"  final blocs (size-weighted eigenvector of mean affinity): {show(eigen['groups'])}")
        return "\n".join(lines)
