"""The whole calibration (``python -m sim.calibrate``): both stages, the posterior file, diagnostics.

1. ``sim.history.balance_fit``: the balance rate's posterior from the COW fit pairs;
2. ``sim.history.abc``: ABC-SMC on the Sino-Soviet and China-Russia cases, with that
   posterior as the balance rate's prior;
3. the last generation as the posterior sample (``sim.history.posterior``), with the
   command, seed, budget, priors, the distance's terms, the generations and the
   fingerprints of the data, the code and the model's results; written atomically;
4. diagnostics into ``out``: ``calibration.json`` / ``calibration.md`` (the posterior
   table, the generations, timings) and the figures of ``sim.history.diagnostics``.

Everything is a function of the budget and the seed: the same command gives the same
posterior file (tested on a tiny budget). Wall times go to ``out`` only, never into the
posterior file.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from sim.history import abc, balance_fit
from sim.history.posterior import PosteriorSample, to_json
from sim.history.render import markdown_table, write_text

HISTORY_DIR = Path(__file__).resolve().parent
QUANTILES = (0.05, 0.95)


def _digest(paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(HISTORY_DIR.parent.parent)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def data_fingerprint() -> str:
    """The shipped data and the cases' facts files."""
    return _digest([*HISTORY_DIR.glob("data/*.json"), *HISTORY_DIR.glob("cases/*.facts.yaml")])


def code_fingerprint() -> str:
    """The calibration's own code (``sim/history/*.py``, ``sim/calibrate.py``)."""
    return _digest([*HISTORY_DIR.glob("*.py"), HISTORY_DIR.parent / "calibrate.py"])


def model_fingerprint() -> str:
    """A probe of the model's results that the calibration rests on: both cases at the
    point values (4 replications) and a small COW forecast on a grid of balance rates.
    It changes when the dynamics' results change, not when code is refactored."""
    sim = abc.Simulator(4, 0)
    from sim.history.thresholds import point_dynamics

    point = {p.name: point_dynamics()[p.name] for p in abc.calibrated_parameters()}
    at, _ = sim.ss.run(point)
    at2, final = sim.cr.run(point)
    pair = balance_fit.split.window_pairs("fit")[0]
    signs = balance_fit.signs_on_grid(pair.source.network, np.array([0.01, 0.04]), months=12)
    text = repr((at.tolist(), at2.tolist(), np.round(final[abc.DEPENDENCY], 9).tolist(), signs.sum().round(6)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def prior_interval(p, balance: balance_fit.BalancePosterior) -> tuple[float, float]:
    """The prior's central 90 % interval (the COW posterior's for the balance rate)."""
    if p.name == balance_fit.NAME:
        return balance.quantile(QUANTILES[0]), balance.quantile(QUANTILES[1])
    lo, hi = p.prior
    return lo + QUANTILES[0] * (hi - lo), lo + QUANTILES[1] * (hi - lo)


def posterior_table(sample: PosteriorSample) -> list[dict]:
    """Per coefficient: declared range, prior, the prior's and the posterior's 90 % intervals."""
    meta = sample.meta
    rows = []
    for name in sample.names:
        prior = meta["priors"][name]
        post = sample.quantiles(name, QUANTILES)
        rows.append({"parameter": name, "prior": prior["describe"], "prior_90": prior["interval_90"],
                     "posterior_90": [float(post[0]), float(post[1])],
                     "posterior_median": float(sample.quantiles(name, [0.5])[0]),
                     "width_ratio": float((post[1] - post[0]) / (prior["interval_90"][1] - prior["interval_90"][0]))
                     if prior["interval_90"][1] > prior["interval_90"][0] else float("nan")})
    return rows


def posterior_markdown(sample: PosteriorSample) -> str:
    """The posterior table as Markdown (``posterior_table``)."""
    rows = [[f"`{r['parameter']}`", r["prior"], f"{r['prior_90'][0]:.4g} – {r['prior_90'][1]:.4g}",
             f"{r['posterior_90'][0]:.4g} – {r['posterior_90'][1]:.4g}", f"{r['posterior_median']:.4g}",
             f"{r['width_ratio']:.2f}"] for r in posterior_table(sample)]
    return markdown_table(("coefficient", "prior", "prior 90 %", "posterior 90 %", "posterior median",
                           "width posterior / prior"), rows)


def _priors(balance: balance_fit.BalancePosterior) -> dict:
    out = {}
    for p in abc.calibrated_parameters():
        interval = [float(x) for x in prior_interval(p, balance)]
        if p.name == balance_fit.NAME:
            out[p.name] = {"kind": "histogram", "describe": f"COW posterior on U({p.prior[0]:g}, {p.prior[1]:g})",
                           "edges": balance.edges.tolist(), "mass": balance.mass.tolist(), "interval_90": interval}
        else:
            out[p.name] = {"kind": "uniform", "low": p.prior[0], "high": p.prior[1],
                           "describe": f"U({p.prior[0]:g}, {p.prior[1]:g})", "interval_90": interval}
    return out


def command_line(budget: abc.Budget, seed: int) -> str:
    """The command that re-makes the posterior (the output folders do not change it)."""
    flag = {"full": "", "quick": " --quick"}.get(budget.name, f" --budget {budget.name}")
    return f"python -m sim.calibrate{flag} --seed {seed}"


def calibrate(budget: abc.Budget, seed: int, out: Path, posterior_file: Path | None = None,
              progress: Callable[[str], None] | None = None, figures: bool = True,
              stop_after: int | None = None) -> PosteriorSample:
    """Run the calibration (module docstring); resumes from ``out/abc.db`` if present."""
    say = progress or (lambda _: None)
    out = Path(out)
    clock = {"start": time.perf_counter()}
    say(f"calibration ({budget.name}): stage 1, the balance rate from the COW fit pairs")
    balance = balance_fit.fit_balance_rate(budget.cells, say)
    clock["cow"] = time.perf_counter()
    say(f"calibration ({budget.name}): stage 2, ABC-SMC on the alliance cases "
        f"({budget.particles} particles x {budget.generations} generations, {budget.replications} replications)")
    result = abc.run_abc(out / "abc.db", budget, seed, balance, say, stop_after=stop_after)
    clock["abc"] = time.perf_counter()
    meta = {
        "command": command_line(budget, seed),
        "seed": seed,
        "budget": asdict(budget),
        "method": "two stages: balance_rate from the COW fit pairs (tempered log score, sim.history.balance_fit), "
                  "then ABC-SMC (pyabc) on the Sino-Soviet and China-Russia cases (sim.history.abc)",
        "priors": _priors(balance),
        "balance_stage": balance.as_dict(),
        "terms": [asdict(t) for t in abc.TERMS],
        "thresholds": abc.Outcome().model_dump(mode="json"),
        "generations": result.generations,
        "last_generation_statistics": result.statistics,
        "mean_term_scores": mean_term_scores(result),
        "fingerprints": {"data": data_fingerprint(), "code": code_fingerprint(), "model": model_fingerprint()},
        "pyabc": _pyabc_version(),
    }
    sample = PosteriorSample(result.names, result.particles, result.weights, meta)
    text = to_json(sample)
    write_text(out / "posterior.json", text)
    if posterior_file is not None:
        write_text(Path(posterior_file), text)
    if figures:
        from sim.history import diagnostics

        diagnostics.write_figures(out, sample, result, budget, seed, say)
    clock["end"] = time.perf_counter()
    timings = {"cow_stage_s": clock["cow"] - clock["start"], "abc_stage_s": clock["abc"] - clock["cow"],
               "diagnostics_s": clock["end"] - clock["abc"], "total_s": clock["end"] - clock["start"]}
    summary = {"command": meta["command"], "posterior": posterior_table(sample), "generations": result.generations,
               "timings": timings, "mean_term_scores": mean_term_scores(result)}
    write_text(out / "calibration.json", json.dumps(summary, indent=1, allow_nan=False) + "\n")
    write_text(out / "calibration.md", f"Calibration `{meta['command']}`\n\n{posterior_markdown(sample)}\n")
    say(f"calibration: {timings['total_s']:.0f} s; posterior in {out / 'posterior.json'}"
        + (f" and {posterior_file}" if posterior_file is not None else ""))
    return sample


def mean_term_scores(result: abc.AbcResult) -> dict:
    """Mean score of each term over the prior predictive (generation 0) and over the last
    generation (weighted): how far calibration moved each statistic towards history."""
    def mean(stats, weights):
        scores = [abc.term_scores(s) for s in stats]
        return {t.name: float(np.average([s[t.name] for s in scores], weights=weights)) for t in abc.TERMS}

    return {"prior": mean(result.prior_statistics, None), "posterior": mean(result.statistics, result.weights)}


def mean_term_scores_of(sample: PosteriorSample) -> dict:
    """``mean_term_scores`` from what the posterior file keeps (its generations' mean scores)."""
    return sample.meta["mean_term_scores"]


def _pyabc_version() -> str:
    import pyabc

    return pyabc.__version__
