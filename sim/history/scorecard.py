"""The validation scorecard: every case and metric, the model's score and the rivals'.

``build_scorecard(budget, seed)`` computes one table (``Scorecard.rows``), each row a case
and metric with the model's value under each setting of ``SETTINGS`` (model v2 at its
posterior and at its prior), the rivals' values and the reference (what history or the
literature says). The ``split`` column says whether a row is held out or in-sample (a
calibration target of ``sim.calibrate``). Cases, in order:

1. COW signed networks: forecasts of window t+4 from window t on the scored pairs of
   ``sim.history.split`` (existing ties, flips, new ties; ``sim.history.cow``), against
   persistence, all positive, the triad rule and the fitted rates (``sim.history.rivals``,
   fitted on the fit pairs only);
2. pre-1914 Europe as a forecast: from the 1891 snapshot, the signs of the ties of 1904
   and 1907 (rivals fitted on the snapshot pairs up to 1891);
3. pre-1914 Europe as bloc recovery: the 1914 blocs after 120 months from each snapshot,
   against the least-frustrated split of the snapshot itself (no dynamics at all);
4. the Sino-Soviet alliance 1950-1969: P(rupture by each score year), median rupture
   year and Brier score against the reference rupture marker, against "nothing changes"
   (in-sample: the calibration fits this case);
5. China-Russia 2014-2025: P(holds to the end), P(rupture), Russia's dependency on China
   at the end (in-sample), and the public-private gap of Russia towards China (not
   fitted), against "nothing changes";
6. direction checks from alliance research (``sim.history.stylized``).

Nothing here is a threshold on a result: the table reports what the model says.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

import sim
from sim.blocs import landscape_minima, leading_eigenvector_split
from sim.history import cases as cases_mod
from sim.history import balance_fit, pre_wwi, rivals, split, stylized
from sim.history.cow import CATEGORIES, evaluate
from sim.history.data import load_pre_wwi
from sim.history.forecast import forecast_network
from sim.history.metrics import Scores
from sim.history.render import markdown_table
from sim.history.signed import SignedNetwork
from sim.outcomes import wilson_interval

SETTINGS = {
    "model (posterior)": "posterior",
    "model (prior)": "prior",
}
SETTING_NOTES = {
    "model (posterior)": "model v2 with every mechanism on; each replication draws one particle of the shipped "
                         "posterior (weights=posterior, the default of every run)",
    "model (prior)": "model v2 with every mechanism on; each replication samples every coefficient from its prior "
                     "range (weights=prior): the model before calibration",
}
# What each part of the card is, for the calibration: fitted rows are in-sample.
FITTED = "in-sample (calibration target)"
HELD_OUT = "held out"
RIVALS = ("persistence", "all positive", "triad rule", "fitted rates", "nothing changes", "static split")
COLUMNS = ("case", "metric", "split", *SETTINGS, *RIVALS, "reference")
METRICS = (("balanced accuracy", "balanced_accuracy"), ("MCC", "mcc"), ("Brier score", "brier"), ("signs right", "hits"))
CATEGORY_LABELS = {"existing": "existing ties", "flips": "flipped ties", "new": "new ties"}
HISTORY_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Budget:
    """Replications per run of each part (``quick`` is for CI: under two minutes here)."""

    name: str
    cow: int
    pre_wwi: int
    blocs: int
    cases: int
    checks: int


QUICK = Budget("quick", cow=8, pre_wwi=8, blocs=4, cases=64, checks=64)
FULL = Budget("full", cow=100, pre_wwi=100, blocs=20, cases=1000, checks=1000)
BUDGETS = {b.name: b for b in (QUICK, FULL)}


@dataclass
class Row:
    """One line of the table.

    ``values``: column of ``SETTINGS``/``RIVALS`` -> what the table shows (a number, a
    text, or absent = not applicable); ``scores``: the same columns as numbers, for the
    comparisons; ``better``: how scores rank (``higher``, ``lower``, or ``closer`` to
    ``truth`` = [low, high]); ``reference``: what history or the literature says.
    """

    case: str
    metric: str
    split: str
    values: dict = field(default_factory=dict)
    reference: str = ""
    scores: dict = field(default_factory=dict)
    better: str = ""
    truth: tuple[float, float] | None = None

    def rank(self, column: str) -> float:
        """The column's score as a loss (lower is better), or NaN if it has none."""
        score = self.scores.get(column)
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return math.nan
        if self.better == "higher":
            return -score
        if self.better == "lower":
            return score
        low, high = self.truth
        return max(low - score, score - high, 0.0)


@dataclass
class Scorecard:
    budget: Budget
    seed: int
    rows: list[Row]
    details: dict

    def as_dict(self) -> dict:
        """The card as JSON-ready data (a non-finite score, e.g. "never ruptures", is null)."""
        return _finite({"budget": asdict(self.budget), "seed": self.seed, "settings": SETTING_NOTES,
                "columns": list(COLUMNS), "rows": [asdict(r) for r in self.rows],
                "comparisons": [{"case": c.row.case, "metric": c.row.metric, "best_rivals": list(c.best_rivals),
                                 "verdicts": c.verdicts} for c in comparisons(self)],
                "details": self.details})


def _finite(data):
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data


# -- formatting ---------------------------------------------------------------------------


def fmt(value) -> str:
    """A table cell: numbers to 3 decimals, None as a dash, text as it is."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.3f}"
    return str(value)


def to_markdown(card: Scorecard) -> str:
    """The scorecard as Markdown: the settings, the split, one table."""
    lines = [f"Budget `{card.budget.name}` (replications per run: COW {card.budget.cow}, pre-1914 "
             f"{card.budget.pre_wwi}, blocs {card.budget.blocs}, alliance cases {card.budget.cases}, "
             f"direction checks {card.budget.checks}), seed {card.seed}.", ""]
    lines += [f"- **{name}**: {note}." for name, note in SETTING_NOTES.items()]
    lines += ["", markdown_table(COLUMNS, [[r.case, r.metric, r.split, *(fmt(r.values.get(c)) for c in (*SETTINGS, *RIVALS)),
                                            r.reference] for r in card.rows])]
    return "\n".join(lines)


# -- 1-2. signed-network forecasts -------------------------------------------------------


def _model_forecaster(months: int, seed: int, replications: int, weights: str,
                      capability: dict | None = None) -> Callable:
    """The model's signed-network forecast. The signed relation moves by balance alone, so
    every other mechanism is switched off for speed: the same forecast (tested,
    tests/test_calibration.py)."""
    def forecast(source: SignedNetwork, pairs):
        p = forecast_network(source, months, seed, replications, mechanisms=balance_fit.BALANCE_ONLY,
                             capability=capability, weights=weights)
        return np.array([p[q] for q in pairs])

    return forecast


def _score_value(scores: Scores, attr: str):
    if attr == "hits":
        return f"{scores.hits} / {scores.n}"
    return getattr(scores, attr)


def _score_number(scores: Scores, attr: str) -> float | None:
    if attr == "hits":
        return scores.hits / scores.n if scores.n else None
    return getattr(scores, attr)


def _forecast_rows(case: str, split_text: str, results: dict[str, dict[str, Scores]], metrics) -> list[Row]:
    rows = []
    for category in CATEGORIES:
        any_scores = next(iter(results.values()))[category]
        ref = f"n = {any_scores.n}, {any_scores.positive} positive"
        for label, attr in metrics:
            rows.append(Row(case, f"{CATEGORY_LABELS[category]}: {label}", split_text,
                            {name: _score_value(res[category], attr) for name, res in results.items()}, ref,
                            scores={name: _score_number(res[category], attr) for name, res in results.items()},
                            better="lower" if attr == "brier" else "higher"))
    return rows


def cow_rows(budget: Budget, seed: int) -> tuple[list[Row], dict]:
    fit = [(p.source.network, p.target.network) for p in split.window_pairs("fit")]
    scored = split.window_pairs("score")
    rival_fns, learnt = rivals.rivals(fit)
    forecasters = {name: _model_forecaster(split.MONTHS, seed, budget.cow, w) for name, w in SETTINGS.items()}
    forecasters |= {name: fn for name, fn in rival_fns.items()}
    results = evaluate(forecasters, [(p.source.network, p.target.network) for p in scored])
    text = f"{HELD_OUT}: fit ≤ {split.FIT_LAST_YEAR}, score ≥ {split.SCORE_FIRST_YEAR} ({len(scored)} pairs)"
    details = {
        "split": {role: [p.label for p in split.window_pairs(role)] for role in split.ROLES},
        "months": split.MONTHS,
        "rivals_learnt_on_fit_pairs": learnt,
    }
    return _forecast_rows("COW signed networks", text, results, METRICS), details


def pre_wwi_forecast_rows(budget: Budget, seed: int) -> tuple[list[Row], dict]:
    case = load_pre_wwi()
    source = case.snapshot(pre_wwi.FORECAST_FROM).network
    history = [(a.network, b.network) for a, b in zip(case.snapshots, case.snapshots[1:])
               if b.year <= pre_wwi.FORECAST_FROM]
    rival_fns, learnt = rivals.rivals(history)
    rows = []
    for year in pre_wwi.FORECAST_TO:
        months = 12 * (year - pre_wwi.FORECAST_FROM)
        forecasters = {name: _model_forecaster(months, seed, budget.pre_wwi, w, pre_wwi.capabilities())
                       for name, w in SETTINGS.items()} | rival_fns
        results = evaluate(forecasters, [(source, case.snapshot(year).network)])
        rows += _forecast_rows("pre-1914 Europe", f"{HELD_OUT}: from {pre_wwi.FORECAST_FROM} to {year} ({months} months)",
                               results, (("signs right", "hits"), ("Brier score", "brier")))
    return rows, {"rivals_learnt_on_snapshots_to_1891": learnt}


# -- 3. bloc recovery ---------------------------------------------------------------------


def bloc_rows(budget: Budget) -> list[Row]:
    case = load_pre_wwi()
    historical = frozenset(case.blocs)

    def recovered(groups) -> bool:
        return frozenset(frozenset(g) for g in groups) == historical

    rows = []
    for snap in case.snapshots:
        net = snap.network
        values = {}
        for name, weights in SETTINGS.items():
            overrides = [f"roster=pre_wwi_{snap.year}", "horizon_months=120", f"replications={budget.blocs}",
                         f"weights={weights}"]
            blocs = sim.run(None, overrides=overrides, progress=False).summary()["blocs"]
            values[name] = recovered(blocs["landscape"]["groups"]) and recovered(blocs["eigenvector"]["groups"])
        index = {code: k for k, code in enumerate(net.nodes)}
        signs = np.zeros((len(net.nodes), len(net.nodes)))
        for a, b, s in net.edges:
            signs[index[a], index[b]] = signs[index[b], index[a]] = s
        minima = landscape_minima(np.ones(len(net.nodes)), signs)
        lowest = [m for m in minima if abs(m.energy - minima[0].energy) < 1e-9]
        split_labels = leading_eigenvector_split(signs)
        eigen = [[n for n, lab in zip(net.nodes, split_labels) if lab == k] for k in (0, 1)]
        values["static split"] = len(lowest) == 1 and recovered(lowest[0].groups(list(net.nodes))) and recovered(eigen)
        expected = snap.year >= 1904
        rows.append(Row("pre-1914 Europe", f"1914 blocs recovered from {snap.year}", f"{HELD_OUT}: 120 months of dynamics",
                        values, f"history: {'yes' if expected else 'no'} (only once the Entente Cordiale exists)",
                        scores={k: float(v) for k, v in values.items()}, better="closer",
                        truth=(float(expected), float(expected))))
    return rows


# -- 4-5. alliance cases -----------------------------------------------------------------


def _p_with_ci(successes: float, n: int) -> str:
    k = round(successes * n)
    low, high = wilson_interval(k, n)
    return f"{successes:.3f} ({low:.2f}–{high:.2f})"


def sino_soviet_rows(budget: Budget, seed: int) -> tuple[list[Row], dict]:
    case = cases_mod.load_case("sino_soviet_1950_1969")
    ref = case.rupture.markers[case.rupture.reference]
    ref_year = int(ref.date[:4])
    runs = {name: cases_mod.run_case(case, budget.cases, seed, weights=w) for name, w in SETTINGS.items()}
    text = f"{FITTED}: {case.start} to {case.end}, dated events"
    rows = []
    for year in case.score_years:
        truth = float(ref_year <= year)
        scores = {name: o.p_rupture_by(year) for name, o in runs.items()} | {"nothing changes": 0.0}
        rows.append(Row(case.title, f"P(rupture by {year})", text,
                        {name: _p_with_ci(o.p_rupture_by(year), budget.cases) for name, o in runs.items()}
                        | {"nothing changes": 0.0},
                        f"history: {truth:g} ({case.rupture.reference} marker, {ref.date})",
                        scores=scores, better="closer", truth=(truth, truth)))
    years = {name: o.median_rupture_year() for name, o in runs.items()} | {"nothing changes": None}
    rows.append(Row(case.title, "median rupture year", text, {k: v or "none" for k, v in years.items()},
                    f"history: {ref_year} ({case.rupture.reference} marker)",
                    scores={k: math.inf if v is None else float(v) for k, v in years.items()}, better="closer",
                    truth=(float(ref_year), float(ref_year))))
    truths = np.array([int(ref_year <= y) for y in case.score_years])
    brier = {name: float(np.mean((np.array([o.p_rupture_by(y) for y in case.score_years]) - truths) ** 2))
             for name, o in runs.items()} | {"nothing changes": float(np.mean(truths ** 2))}
    rows.append(Row(case.title, f"Brier score over {', '.join(map(str, case.score_years))}", text,
                    brier, "lower is better", scores=brier, better="lower"))
    details = {"rupture_markers": {k: m.date for k, m in case.rupture.markers.items()},
               "reference_marker": case.rupture.reference,
               "p_rupture_by_year": {name: {y: o.p_rupture_by(y) for y in range(int(case.start[:4]), int(case.end[:4]) + 1)}
                                     for name, o in runs.items()}}
    return rows, details


def china_russia_rows(budget: Budget, seed: int) -> tuple[list[Row], dict]:
    case = cases_mod.load_case("china_russia_2014_2025")
    check, gap = case.hold.dependency_check, case.hold.gap_check
    gap_targets = (f"{gap.target}.alignment", f"{gap.target}.trust")
    runs = {name: cases_mod.run_case(case, budget.cases, seed, final=(check.target, *gap_targets), weights=w)
            for name, w in SETTINGS.items()}
    start = cases_mod.case_config(case)
    start_value = start.relation(*check.target.split(".")[1:]).lo
    start_gap = start.relation(*gap.target.split(".")[1:], "alignment").lo - start.relation(
        *gap.target.split(".")[1:], "trust").lo
    year = case.score_years[-1]
    text = f"{FITTED}: {case.start} to {case.end}, dated events"
    gaps = {name: float(np.median(o.final[gap_targets[0]] - o.final[gap_targets[1]])) for name, o in runs.items()} \
        | {"nothing changes": start_gap}
    ids = ", ".join(case.hold.evidence)
    dependency = {name: float(np.median(o.final[check.target])) for name, o in runs.items()} | {"nothing changes": start_value}
    rows = [
        Row(case.title, f"P(holds to {case.end})", text,
            {name: _p_with_ci(o.p_holds, budget.cases) for name, o in runs.items()} | {"nothing changes": 1.0},
            f"history: 1, held ({ids})",
            scores={name: o.p_holds for name, o in runs.items()} | {"nothing changes": 1.0}, better="closer",
            truth=(1.0, 1.0)),
        Row(case.title, f"P(rupture by {year})", text,
            {name: _p_with_ci(o.p_rupture_by(year), budget.cases) for name, o in runs.items()} | {"nothing changes": 0.0},
            "history: 0",
            scores={name: o.p_rupture_by(year) for name, o in runs.items()} | {"nothing changes": 0.0},
            better="closer", truth=(0.0, 0.0)),
        Row(case.title, f"median {check.target.removeprefix('relations.')} in {case.end}", text, dependency,
            f"sources: {check.range[0]:g}–{check.range[1]:g} ({', '.join(check.evidence)})",
            scores=dependency, better="closer", truth=tuple(check.range)),
        Row(case.title, f"median public-private gap {gap.target.removeprefix('relations.')} in {case.end}",
            f"{HELD_OUT}: not a calibration target", gaps,
            f"sources: positive, public alignment above private trust ({', '.join(gap.evidence)})",
            scores=gaps, better="closer", truth=(1e-9, 1.0)),
    ]
    return rows, {}


# -- 6. direction checks -------------------------------------------------------------------


def check_rows(budget: Budget, seed: int) -> list[Row]:
    rows = []
    for check in stylized.CHECKS:
        values = {}
        for name, weights in SETTINGS.items():
            r = stylized.run_check(check, budget.checks, seed, weights=weights)
            if check.reference is not None:
                t = r.by_type
                fmt_share = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
                values[name] = (f"{r.value:.3f} (reliable {fmt_share(t['reliable'])}, opportunist "
                                f"{fmt_share(t['opportunist'])}; {t['share_reliable']:.2f} reliable)")
            else:
                values[name] = f"{r.value:+.3f} [{r.d_index:+.3f}]: {r.verdict}"
        metric = ("share of replications honoured" if check.reference is not None
                  else "ΔP(rupture) [Δ final index], paired")
        ref = f"{check.reference:g}: {check.source}" if check.reference is not None else f"{check.expectation} ({check.source})"
        rows.append(Row("direction checks", f"{check.name}: {metric}",
                        f"{HELD_OUT}: shock at month {stylized.SHOCK_MONTH}, {stylized.HORIZON} months", values, ref))
    return rows


# -- comparisons ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A row's best rival and, per model setting, ``beats``, ``ties`` or ``loses to`` it."""

    row: Row
    best_rivals: tuple[str, ...]
    verdicts: dict[str, str]


def comparisons(card: Scorecard) -> list[Comparison]:
    """Every row with a ranked metric and at least one rival, compared (derived, not typed)."""
    out = []
    for row in card.rows:
        if not row.better:
            continue
        rival_ranks = {name: row.rank(name) for name in RIVALS if not math.isnan(row.rank(name))}
        if not rival_ranks:
            continue
        best = min(rival_ranks.values())
        verdicts = {}
        for name in SETTINGS:
            mine = row.rank(name)
            if math.isnan(mine):
                verdicts[name] = "n/a"
            elif math.isclose(mine, best, rel_tol=1e-9, abs_tol=1e-12):
                verdicts[name] = "ties"
            else:
                verdicts[name] = "beats" if mine < best else "loses to"
        out.append(Comparison(row, tuple(k for k, v in rival_ranks.items() if math.isclose(v, best, rel_tol=1e-9, abs_tol=1e-12)),
                              verdicts))
    return out


def comparisons_markdown(card: Scorecard) -> str:
    """The comparisons as a table: each row's best rival(s) and each setting's verdict."""
    rows = [[c.row.case, c.row.metric, ", ".join(c.best_rivals) + f" ({fmt(c.row.values[c.best_rivals[0]])})",
             *(f"{c.verdicts[name]} ({fmt(c.row.values.get(name))})" for name in SETTINGS)]
            for c in comparisons(card)]
    return markdown_table(("case", "metric", "best rival", *SETTINGS), rows)


# -- the whole card ------------------------------------------------------------------------


def build_scorecard(budget: Budget = FULL, seed: int = 0, progress: Callable[[str], None] | None = None) -> Scorecard:
    """Compute every row (see the module docstring)."""
    say = progress or (lambda _: None)
    rows, details = [], {}
    for title, part in (("COW signed networks", lambda: cow_rows(budget, seed)),
                        ("pre-1914 forecast", lambda: pre_wwi_forecast_rows(budget, seed)),
                        ("pre-1914 blocs", lambda: (bloc_rows(budget), {})),
                        ("Sino-Soviet alliance", lambda: sino_soviet_rows(budget, seed)),
                        ("China-Russia partnership", lambda: china_russia_rows(budget, seed)),
                        ("direction checks", lambda: (check_rows(budget, seed), {}))):
        say(title)
        part_rows, part_details = part()
        rows += part_rows
        details[title] = part_details
    details["fingerprint"] = fingerprint(budget, seed)
    return Scorecard(budget, seed, rows, details)


def fingerprint(budget: Budget, seed: int) -> str:
    """A digest of everything the card depends on: this package's code, data and cases,
    the budget and seed, and a small probe of the model's results (so that a change of
    the dynamics, but not a refactoring that keeps results, changes it)."""
    digest = hashlib.sha256()
    for path in sorted(HISTORY_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".yaml") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(HISTORY_DIR)).encode())
            digest.update(path.read_bytes())
    digest.update(repr(asdict(budget)).encode() + repr(seed).encode())
    digest.update(_probe().encode())
    return digest.hexdigest()[:16]


def _probe() -> str:
    """Rounded outputs of small runs of the model under every setting (the posterior
    setting reads the shipped posterior file, so a new posterior changes the probe)."""
    source = load_pre_wwi().snapshot(pre_wwi.FORECAST_FROM).network
    case = cases_mod.load_case("sino_soviet_1950_1969")
    parts = []
    for weights in SETTINGS.values():
        p = forecast_network(source, 24, 0, 8, weights=weights)
        parts.append(repr(sorted((k, round(v, 9)) for k, v in p.items())))
        parts.append(repr(cases_mod.run_case(case, 8, 0, weights=weights).ruptured_at.tolist()))
    return "|".join(parts)


__all__ = ["BUDGETS", "FULL", "QUICK", "Budget", "Comparison", "Row", "Scorecard", "build_scorecard", "comparisons",
           "comparisons_markdown", "fingerprint", "to_markdown"]
