"""Diagnostics figures of a calibration (``sim.history.calibration``), saved into its ``out``.

* ``marginals``: every calibrated coefficient's weighted posterior histogram against its
  prior (the uniform density, or the COW-stage histogram of the balance rate), with the
  posterior's 90 % interval;
* ``pairwise``: the pairwise scatter (point size = weight) of the coefficients whose 90 %
  interval narrowed most, and their marginals on the diagonal;
* ``ppc_sino_soviet``: the posterior-predictive survival curve of the alliance (share of
  replications not yet ruptured, median and 5-95 % over particles) against the prior
  predictive and the material marker of 1960-07;
* ``ppc_china_russia``: over particles, the share that holds to 2025-07 and the share with
  Russia's dependency on China in the 60-80 % of F5/F6, prior against posterior, with
  what history says (1).

The predictive curves re-run the case for up to ``PPC_PARTICLES`` particles drawn by
weight (a generator seeded by the calibration's seed), with the calibration's
replications.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from sim import plotstyle
from sim.history import abc, balance_fit
from sim.history.cases import calendar
from sim.history.posterior import PosteriorSample
from sim.outcomes import NO_RUPTURE

PPC_PARTICLES = 60
PAIRWISE = 5


def _survival(runner: abc.CaseRunner, particles: np.ndarray, names) -> np.ndarray:
    """[P, T+1] share of replications not ruptured by each month, per particle."""
    horizon = runner.case.horizon
    out = np.empty((len(particles), horizon + 1))
    months = np.arange(horizon + 1)
    for k, row in enumerate(particles):
        at, _ = runner.run(dict(zip(names, row)))
        ruptured = np.where(at == NO_RUPTURE, horizon + 1, at)
        out[k] = 1.0 - (ruptured[None, :] <= months[:, None]).mean(axis=1)
    return out


def _pick(particles: np.ndarray, weights: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    n = min(PPC_PARTICLES, len(particles))
    p = None if weights is None else weights / weights.sum()
    return particles[rng.choice(len(particles), size=n, replace=True, p=p)]


def marginals(sample: PosteriorSample):
    names = sample.names
    cols = 6
    rows = -(-len(names) // cols)
    fig, axes = plotstyle.figure(figsize=(13, 2.0 * rows), nrows=rows, ncols=cols, layout="constrained")
    axes = np.atleast_1d(axes).ravel()
    for ax, name in zip(axes, names):
        prior = sample.meta["priors"][name]
        if prior["kind"] == "uniform":
            lo, hi = prior["low"], prior["high"]
            ax.plot([lo, lo, hi, hi], [0, 1 / (hi - lo), 1 / (hi - lo), 0], color=plotstyle.PALETTE[1], label="prior")
        else:
            edges, mass = np.array(prior["edges"]), np.array(prior["mass"])
            lo, hi = edges[0], edges[-1]
            ax.stairs(mass / np.diff(edges), edges, color=plotstyle.PALETTE[1], label="prior (COW stage)")
        ax.hist(sample.column(name), bins=20, range=(lo, hi), weights=sample.weights, density=True,
                histtype="stepfilled", color=plotstyle.PALETTE[0], alpha=0.6, lw=0, label="posterior")
        q = sample.quantiles(name, (0.05, 0.95))
        for x in q:
            ax.axvline(x, color=plotstyle.PALETTE[0], lw=0.8, ls="--")
        ax.set_title(name, fontsize=8)
        ax.tick_params(labelsize=6)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=6)
    return fig


def _narrowing(sample: PosteriorSample) -> list[str]:
    ratio = {}
    for name in sample.names:
        prior = sample.meta["priors"][name]["interval_90"]
        q = sample.quantiles(name, (0.05, 0.95))
        ratio[name] = (q[1] - q[0]) / (prior[1] - prior[0]) if prior[1] > prior[0] else 1.0
    return sorted(sample.names, key=lambda n: (ratio[n], n))[:PAIRWISE]


def pairwise(sample: PosteriorSample):
    names = _narrowing(sample)
    k = len(names)
    fig, axes = plotstyle.figure(figsize=(2.0 * k, 2.0 * k), nrows=k, ncols=k, layout="constrained")
    size = 4 + 60 * sample.weights / sample.weights.max()
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            ax = axes[i, j]
            if i == j:
                ax.hist(sample.column(a), bins=15, weights=sample.weights, histtype="stepfilled", lw=0,
                        color=plotstyle.PALETTE[0])
            elif i > j:
                ax.scatter(sample.column(b), sample.column(a), s=size, alpha=0.4, color=plotstyle.PALETTE[0], lw=0)
            else:
                ax.set_visible(False)
            if i == k - 1:
                ax.set_xlabel(b, fontsize=7)
            if j == 0:
                ax.set_ylabel(a, fontsize=7)
            ax.tick_params(labelsize=6)
    return fig


def ppc_sino_soviet(result: abc.AbcResult, budget: abc.Budget, seed: int):
    import pandas as pd

    runner = abc.CaseRunner(abc.SINO_SOVIET, budget.replications, seed)
    rng = np.random.default_rng(seed)
    prior = _survival(runner, _pick(result.prior_particles, None, rng), result.names)
    post = _survival(runner, _pick(result.particles, result.weights, rng), result.names)
    case = runner.case
    dates = pd.to_datetime([calendar(case.start, m) for m in range(case.horizon + 1)])
    fig, ax = plotstyle.figure(figsize=(7, 3.6))
    for curve, label, colour in ((prior, "prior predictive", plotstyle.PALETTE[1]),
                                 (post, "posterior predictive", plotstyle.PALETTE[0])):
        q05, q50, q95 = np.quantile(curve, (0.05, 0.5, 0.95), axis=0)
        ax.fill_between(dates, q05, q95, color=colour, alpha=0.25, lw=0)
        ax.plot(dates, q50, color=colour, label=f"{label} (median, 5-95 % over particles)")
    marker = case.rupture.markers[case.rupture.reference].date
    ax.axvline(pd.Timestamp(marker), color="black", ls="--", lw=1, label=f"material rupture {marker}")
    ax.set_ylabel("share not yet ruptured")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("Sino-Soviet alliance: survival of the partnership")
    plotstyle.date_axis(ax)
    ax.legend(loc="lower left")
    return fig


def ppc_china_russia(result: abc.AbcResult):
    fig, axes = plotstyle.figure(figsize=(8, 3.2), ncols=2, layout="constrained")
    for ax, term in zip(axes, ("holds", "dependency_in_range")):
        prior = [s[term] for s in result.prior_statistics]
        post = [s[term] for s in result.statistics]
        bins = np.linspace(0, 1, 11)
        ax.hist(prior, bins=bins, density=True, color=plotstyle.PALETTE[1], alpha=0.5, label="prior predictive")
        ax.hist(post, bins=bins, weights=result.weights, density=True, color=plotstyle.PALETTE[0], alpha=0.5,
                label="posterior predictive")
        ax.axvline(1.0, color="black", ls="--", lw=1, label="history")
        ax.set_xlabel({"holds": "share of replications holding to 2025-07",
                       "dependency_in_range": "share with RUS->CHN dependency in 0.6-0.8 (F5, F6)"}[term], fontsize=8)
        ax.set_ylabel("density over particles")
    axes[0].legend(fontsize=7)
    fig.suptitle("China-Russia 2014-2025: posterior-predictive check", fontsize=10)
    return fig


def write_figures(out: Path, sample: PosteriorSample, result: abc.AbcResult, budget: abc.Budget, seed: int,
                  progress: Callable[[str], None] | None = None) -> list[Path]:
    """Every figure of the module docstring, as PNG and PDF, into ``out/figures``."""
    say = progress or (lambda _: None)
    folder = Path(out) / "figures"
    paths = []
    for stem, make in (("marginals", lambda: marginals(sample)), ("pairwise", lambda: pairwise(sample)),
                       ("ppc_sino_soviet", lambda: ppc_sino_soviet(result, budget, seed)),
                       ("ppc_china_russia", lambda: ppc_china_russia(result))):
        say(f"calibration: figure {stem}")
        paths += plotstyle.save(make(), folder, stem)
    return paths


__all__ = ["write_figures", "balance_fit"]
