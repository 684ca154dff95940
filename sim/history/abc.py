"""Stage 2 of the calibration: ABC-SMC (pyabc) on the two alliance cases.

Parameters: every dynamics coefficient that declares a prior (``sim.mechanisms``,
``Parameter.prior``), in declaration order (``calibrated_parameters``), each with a uniform
prior on its declared range, except ``balance_rate``, whose prior is its posterior from the
Correlates of War fit pairs (``sim.history.balance_fit``: a histogram).

The simulator (``CaseRunner``) runs a case (``sim.history.cases``) for replications
0..R-1 of one seed at the particle's coefficients: every particle uses the same random
numbers (common random numbers), so two particles differ by their parameters only. Rupture
is the schema's definition with its fixed thresholds (``sim.history.thresholds``).

Summary statistics (``TERMS``), from the parts of the data marked for fitting only:

* Sino-Soviet 1950-1969 (``sino_soviet_1950_1969``): the share of replications ruptured
  by the end of 1958, 1961 and 1963 (history: 0, 1, 1; the material marker is 1960-07),
  and the CRPS of the rupture month against the marker, over the case's months, divided by
  their number (the mean Brier score of "ruptured by month m" over the months m: a
  replication that never ruptures counts as not ruptured in every month);
* China-Russia 2014-2025 (``china_russia_2014_2025``): the share that holds to 2025-07
  (history: 1) and the share in which Russia's dependency on China in 2025-07 lies in the
  60-80 % the sources give (F5, F6; history: 1).

The distance is the weighted sum of the terms' scores, each a Brier score in [0, 1] (the
squared difference of a share from what history says; the CRPS term is already a score):
no statistic dominates by its scale. Each case weighs 1 in total, shared equally by its
terms. It is a scoring-rule distance (the model's ensemble forecast of the case, scored
against the one history), so the ABC posterior is the generalised posterior of a proper
score (Pacchiardi & Dutta 2022), not a likelihood posterior of one realisation.

ABC-SMC: a ``QuantileEpsilon`` (the weighted median of the previous generation's
distances), generation 0 at the largest possible distance (every prior draw accepted:
generation 0 is the prior predictive), proposals from the prior in every generation
(``PriorProposal`` says why: a kernel proposal's importance weights degenerate in 27
dimensions), a fixed number of generations. Reproducible and resumable:

* ``SeededSampler`` reseeds NumPy's global generator (which pyabc and scipy use) from
  (seed, generation) at the start of each generation, so a generation's draws do not
  depend on what ran before it in the same process;
* pyabc writes each finished generation to its SQLite history in one transaction; a killed
  run is resumed from the last finished generation (never from a half-finished one: pyabc
  #573), and ``ResumableQuantileEpsilon`` recomputes the threshold of the next generation
  from that stored generation (pyabc's loaded run otherwise restarts its epsilon: #594).
  A test checks that a killed and resumed calibration gives the same posterior as an
  uninterrupted one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy.special import expit

from sim import mechanisms
from sim.compile import Draw, compile_model
from sim.config.schema import Outcome
from sim.config.targets import resolve_target
from sim.history import balance_fit
from sim.history.cases import case_config, load_case
from sim.history.thresholds import point_dynamics
from sim.outcomes import NO_RUPTURE, partnership_index, rupture_month

SINO_SOVIET = "sino_soviet_1950_1969"
CHINA_RUSSIA = "china_russia_2014_2025"
RUPTURE_BY = (1958, 1961, 1963)
DEPENDENCY = "relations.RUS.CHN.dependency"
QUANTILE = 0.5
MIN_ACCEPTANCE = 0.01  # a generation that would need more than 1/MIN_ACCEPTANCE evaluations per particle stops the run


@dataclass(frozen=True)
class Term:
    """One summary statistic: its case, what history says, how it is scored, its weight."""

    name: str
    case: str
    observed: float
    score: str  # "brier": (x - observed)^2; "value": x is a score already
    weight: float
    meaning: str


def _terms() -> tuple[Term, ...]:
    ss = [Term(f"ruptured_by_{y}", SINO_SOVIET, float(y >= 1960), "brier", 0.25,
               f"share of replications ruptured by the end of {y}") for y in RUPTURE_BY]
    ss.append(Term("rupture_crps", SINO_SOVIET, 0.0, "value", 0.25,
                   "CRPS of the rupture month against 1960-07, per month of the case"))
    cr = [Term("holds", CHINA_RUSSIA, 1.0, "brier", 0.5, "share of replications that hold to 2025-07"),
          Term("dependency_in_range", CHINA_RUSSIA, 1.0, "brier", 0.5,
               "share with Russia's dependency on China in 2025-07 within 0.6-0.8 (F5, F6)")]
    return (*ss, *cr)


TERMS = _terms()
OBSERVED = {t.name: t.observed for t in TERMS}
MAX_DISTANCE = sum(t.weight for t in TERMS)  # every score is at most 1


def calibrated_parameters() -> tuple[mechanisms.Parameter, ...]:
    """The dynamics coefficients that carry a prior, in declaration order."""
    return tuple(p for p in mechanisms.section("dynamics") if p.prior is not None and not p.hidden)


@dataclass(frozen=True)
class Budget:
    """Sizes of one calibration: ABC particles and generations, replications per particle
    and case, and the cells of the balance-rate grid."""

    name: str
    particles: int
    generations: int
    replications: int
    cells: int


TINY = Budget("tiny", particles=10, generations=3, replications=4, cells=3)
QUICK = Budget("quick", particles=40, generations=3, replications=8, cells=5)
FULL = Budget("full", particles=300, generations=6, replications=16, cells=25)
BUDGETS = {b.name: b for b in (TINY, QUICK, FULL)}


class CaseRunner:
    """One case compiled once; ``run(theta)`` simulates replications 0..R-1 at the
    coefficients ``theta`` (name -> value) and returns [R] rupture months and the final
    value of each of ``final`` (dyad targets)."""

    def __init__(self, name: str, replications: int, seed: int, final: tuple[str, ...] = ()):
        self.case = load_case(name)
        cfg = case_config(self.case, replications=replications, seed=seed, weights="prior",
                          dynamics=point_dynamics())
        self.config = cfg
        self.model = compile_model(cfg)
        self.base = self.model.draw(np.arange(replications, dtype=np.int64))
        roster = list(cfg.actors)
        self.pair = tuple(roster.index(code) for code in self.case.pair)
        self.fields = {p.name: resolve_target(f"dynamics.{p.name}", roster, key=p.name).field
                       for p in calibrated_parameters()}
        self.final = {t: (t.split(".")[3], roster.index(t.split(".")[1]), roster.index(t.split(".")[2])) for t in final}
        self.buffer = None

    def run(self, theta: Mapping[str, float]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        from sim.engines.numba_core import run_draw

        glob = self.base.glob.copy()
        for name, value in theta.items():
            glob[:, self.fields[name]] = float(value)
        draw = Draw(self.base.reps, glob, self.base.actor, self.base.dyad, {})
        traj = run_draw(self.model, draw, self.buffer)
        if self.buffer is None:
            self.buffer = traj
        index = partnership_index(traj.dyad, *self.pair)
        at = rupture_month(np.asarray(index), self.config.outcome.rupture_threshold, self.config.outcome.rupture_months)
        final = {t: np.array(traj.variable(var)[:, -1, i, j]) for t, (var, i, j) in self.final.items()}
        return at, final


def rupture_crps(at: np.ndarray, observed_month: int, horizon: int) -> float:
    """CRPS of the rupture months ``at`` (``NO_RUPTURE`` = none by the horizon) against
    ``observed_month``, over months 1..horizon, divided by ``horizon``."""
    months = np.arange(1, horizon + 1)
    ruptured = np.where(at == NO_RUPTURE, horizon + 1, at)
    cdf = (ruptured[None, :] <= months[:, None]).mean(axis=1)
    return float(np.mean((cdf - (months >= observed_month)) ** 2))


class Simulator:
    """The summary statistics of ``TERMS`` at a particle (both cases, same seed)."""

    def __init__(self, replications: int, seed: int):
        self.ss = CaseRunner(SINO_SOVIET, replications, seed)
        self.cr = CaseRunner(CHINA_RUSSIA, replications, seed, final=(DEPENDENCY,))
        case = self.ss.case
        self.marker = case.month_of(case.rupture.markers[case.rupture.reference].date)
        self.by = {y: case.month_of(f"{y}-12") for y in RUPTURE_BY}
        self.range = load_case(CHINA_RUSSIA).hold.dependency_check.range

    def statistics(self, theta: Mapping[str, float]) -> dict[str, float]:
        at, _ = self.ss.run(theta)
        ruptured = at != NO_RUPTURE
        out = {f"ruptured_by_{y}": float(np.mean(ruptured & (at <= m))) for y, m in self.by.items()}
        out["rupture_crps"] = rupture_crps(at, self.marker, self.ss.case.horizon)
        at, final = self.cr.run(theta)
        dep = final[DEPENDENCY]
        out["holds"] = float(np.mean(at == NO_RUPTURE))
        out["dependency_in_range"] = float(np.mean((dep >= self.range[0]) & (dep <= self.range[1])))
        return out

    def __call__(self, pars) -> dict[str, float]:
        return self.statistics(decode(pars))


def term_scores(x: Mapping[str, float]) -> dict[str, float]:
    """Each term's score in [0, 1] (``Term.score``)."""
    return {t.name: (float(x[t.name]) - t.observed) ** 2 if t.score == "brier" else float(x[t.name]) for t in TERMS}


def distance(x: Mapping[str, float], x_0: Mapping[str, float] | None = None) -> float:
    """The weighted sum of the term scores (module docstring); ``x_0`` must be ``OBSERVED``."""
    if x_0 is not None and any(float(x_0[k]) != v for k, v in OBSERVED.items()):
        raise ValueError("distance: the observed statistics are fixed (OBSERVED)")
    scores = term_scores(x)
    return float(sum(t.weight * scores[t.name] for t in TERMS))


def _pyabc():
    try:
        import pyabc
    except ImportError:  # pragma: no cover - the calibration extra is not installed
        from sim.errors import ConfigError

        raise ConfigError("calibration", "needs pyabc: pip install -e '.[calibration]'") from None
    return pyabc


def decode(pars: Mapping[str, float]) -> dict[str, float]:
    """The coefficients of a pyabc particle. pyabc works on an unbounded scale: a
    coefficient with prior U(lo, hi) is ``lo + (hi - lo) * logistic(z)`` with ``z``
    standard logistic (so z's prior is the uniform prior on the coefficient), and the
    perturbation kernel never proposes outside the prior's support (with 26 bounded
    coordinates a Gaussian step lands inside the box only a few times in a thousand).
    The balance rate is on its own scale (proposed from its prior, ``PriorTransition``)."""
    out = {}
    for p in calibrated_parameters():
        z = float(pars[p.name])
        if p.name == balance_fit.NAME:
            out[p.name] = z
        else:
            lo, hi = p.prior
            out[p.name] = lo + (hi - lo) * float(expit(z))
    return out


def prior(balance: balance_fit.BalancePosterior):
    """pyabc's prior (on the scale of ``decode``): uniform on each declared range, the COW
    posterior for the balance rate."""
    pyabc = _pyabc()
    rvs = {}
    for p in calibrated_parameters():
        if p.name == balance_fit.NAME:
            rvs[p.name] = pyabc.RV("rv_histogram", (balance.mass, balance.edges), density=False)
        else:
            rvs[p.name] = pyabc.RV("logistic", 0.0, 1.0)
    return pyabc.Distribution(**rvs)


def generation_seed(seed: int, t: int) -> int:
    """The NumPy seed of generation ``t`` (t = -1: a calibration sample) of run ``seed``."""
    return int(np.random.SeedSequence([seed, t + 2]).generate_state(1)[0])


def _sampler_class():
    pyabc = _pyabc()

    class SeededSampler(pyabc.sampler.SingleCoreSampler):
        """pyabc's single-core sampler, reseeded at the start of every generation."""

        def __init__(self, seed: int, progress: Callable[[str], None]):
            super().__init__(check_max_eval=True)
            self.seed = seed
            self.say = progress
            self.show_progress = False

        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            np.random.seed(generation_seed(self.seed, t))
            count = {"evaluated": 0, "accepted": 0}
            step = max(1, n // 4)

            def counted():
                particle = simulate_one()
                count["evaluated"] += 1
                if particle.accepted:
                    count["accepted"] += 1
                    if count["accepted"] % step == 0:
                        self.say(f"ABC generation {t}: {count['accepted']}/{n} accepted of {count['evaluated']} simulated")
                return particle

            return super().sample_until_n_accepted(n, counted, t, **kwargs)

    return SeededSampler


def _epsilon_class():
    pyabc = _pyabc()

    class ResumableQuantileEpsilon(pyabc.QuantileEpsilon):
        """A quantile epsilon whose threshold after a resume is the quantile of the stored
        last generation, as in an uninterrupted run (pyabc #594)."""

        def requires_calibration(self) -> bool:
            return False

        def initialize(self, t, get_weighted_distances, get_all_records, max_nr_populations, acceptor_config):
            if t > 0:
                self._update(t, get_weighted_distances())

    return ResumableQuantileEpsilon


def _prior_transition_class():
    pyabc = _pyabc()

    class PriorTransition(pyabc.transition.Transition):
        """An independence proposal from the balance rate's prior (its COW histogram).

        The COW stage leaves that prior narrow, so a random-walk step from the previous
        particle would mostly fall where the prior is 0 (rejected proposals) and the
        importance weights would degenerate; proposing from the prior itself keeps
        every proposal valid and the weight's prior/proposal ratio at 1, while the
        acceptance still updates the balance rate on the alliance cases.
        """

        def __init__(self, edges=None, mass=None):
            self.edges = edges
            self.mass = mass

        def fit(self, X, w) -> None:
            return None

        def rvs_single(self):
            k = np.random.choice(len(self.mass), p=np.asarray(self.mass) / np.sum(self.mass))
            value = self.edges[k] + np.random.uniform() * (self.edges[k + 1] - self.edges[k])
            return pyabc.Parameter({balance_fit.NAME: float(value)})

        def pdf(self, x):
            values = np.atleast_1d(np.asarray(x[balance_fit.NAME], dtype=float))
            edges, mass = np.asarray(self.edges), np.asarray(self.mass) / np.sum(self.mass)
            k = np.searchsorted(edges, values, side="right") - 1
            inside = (k >= 0) & (k < len(mass))
            density = np.where(inside, mass[np.clip(k, 0, len(mass) - 1)] / np.diff(edges)[np.clip(k, 0, len(mass) - 1)],
                               0.0)
            return float(density[0]) if np.ndim(x[balance_fit.NAME]) == 0 else density

    return PriorTransition


def _prior_proposal_class():
    pyabc = _pyabc()

    class PriorProposal(pyabc.transition.Transition):
        """Proposals drawn from the prior itself (standard logistic on the unbounded scale
        of ``decode``), independent of the last generation.

        Why not pyabc's kernel around the last generation: with 26 coordinates whose
        posterior stays close to the prior, the importance weights prior / proposal of a
        kernel proposal spread over many orders of magnitude. In trials at this budget the
        plain multivariate normal kernel left an effective sample size of 1-3 particles out
        of 100, and a defensive mixture (30 % prior, Hesterberg 1995) left 16 of 300: the
        weight mass sat on the few accepted prior draws, and a posterior from so few
        particles would be falsely narrow. Proposing from the prior makes every weight
        equal (effective sample size = population): each generation is a rejection
        sampler at the threshold set by the last one, so ABC-SMC keeps its adaptive
        schedule of thresholds and its resumable history, and the last generation is a
        rejection-ABC sample at the final threshold.
        """

        def fit(self, X, w) -> None:
            return None

        def rvs_single(self):
            return pyabc.Parameter({name: float(np.random.logistic()) for name in self.X.columns})

        def pdf(self, x):
            import pandas as pd
            from scipy.stats import logistic

            columns = list(self.X.columns)
            if isinstance(x, (pd.DataFrame, pd.Series)):
                arr = x[columns].to_numpy(dtype=float)
            else:
                arr = np.asarray([x[k] for k in columns], dtype=float)
            return np.prod(logistic.pdf(arr), axis=-1)

    return PriorProposal


def build_abc(budget: Budget, seed: int, balance: balance_fit.BalancePosterior, progress: Callable[[str], None]):
    """The configured ``pyabc.ABCSMC`` (module docstring): proposals from the prior for
    every coefficient (``PriorProposal``; the balance rate from its COW histogram,
    ``PriorTransition``)."""
    pyabc = _pyabc()
    simulator = Simulator(budget.replications, seed)
    others = tuple(p.name for p in calibrated_parameters() if p.name != balance_fit.NAME)
    transitions = pyabc.AggregatedTransition({
        others: _prior_proposal_class()(),
        balance_fit.NAME: _prior_transition_class()(balance.edges.tolist(), balance.mass.tolist()),
    })
    return pyabc.ABCSMC(
        simulator, prior(balance), distance,
        population_size=budget.particles,
        sampler=_sampler_class()(seed, progress),
        eps=_epsilon_class()(initial_epsilon=MAX_DISTANCE, alpha=QUANTILE, weighted=True),
        transitions=transitions,
    )


@dataclass(frozen=True)
class AbcResult:
    """The last finished generation and the history of the run."""

    names: tuple[str, ...]
    particles: np.ndarray
    weights: np.ndarray
    statistics: list[dict]  # per particle of the last generation
    generations: list[dict]  # per generation: t, epsilon, particles, simulations
    prior_particles: np.ndarray  # generation 0 (the prior predictive)
    prior_statistics: list[dict]


def settings_of(budget: Budget, seed: int, balance: balance_fit.BalancePosterior) -> dict:
    """What identifies a calibration: a resumed run must have the same."""
    return {"budget": asdict(budget), "seed": seed, "balance_mass": [round(m, 15) for m in balance.mass.tolist()],
            "terms": [asdict(t) for t in TERMS], "parameters": [p.name for p in calibrated_parameters()],
            "thresholds": Outcome().model_dump(mode="json")}


def run_abc(db: Path, budget: Budget, seed: int, balance: balance_fit.BalancePosterior,
            progress: Callable[[str], None] | None = None, stop_after: int | None = None) -> AbcResult:
    """Run (or resume) the ABC-SMC of ``budget`` in the SQLite file ``db``.

    If ``db`` holds generations of the same calibration (``settings_of``, kept next to it
    as ``<db>.settings.json``), the run continues after the last finished one.
    ``stop_after``: finish at most that many generations in total (tests; the run can be
    resumed later). Returns the last finished generation.
    """
    say = progress or (lambda _: None)
    db = Path(db)
    settings = settings_of(budget, seed, balance)
    sidecar = db.with_name(db.name + ".settings.json")
    abc = build_abc(budget, seed, balance, say)
    url = f"sqlite:///{db}"
    done = 0
    if db.exists():
        stored = json.loads(sidecar.read_text()) if sidecar.exists() else None
        if stored != json.loads(json.dumps(settings)):
            from sim.errors import ConfigError

            raise ConfigError("--out", f"{db} holds another calibration (other budget, seed or data); "
                                       "remove it or choose another --out")
        history = abc.load(url, 1)
        done = history.max_t + 1
        say(f"ABC: resuming after generation {done - 1} ({db})")
    else:
        db.parent.mkdir(parents=True, exist_ok=True)
        sidecar.write_text(json.dumps(settings, indent=1) + "\n")
        abc.new(url, dict(OBSERVED))
    target = budget.generations if stop_after is None else min(budget.generations, stop_after)
    if target > done:
        abc.run(max_nr_populations=target - done, min_acceptance_rate=MIN_ACCEPTANCE)
    return read_result(url)


def read_result(url: str) -> AbcResult:
    """The last and the first generation of the run in the history ``url``."""
    pyabc = _pyabc()
    history = pyabc.History(url)
    history.id = 1
    names = tuple(p.name for p in calibrated_parameters())

    def generation(t):
        particles = history.get_population(t=t).particles
        values = np.array([[decode(q.parameter)[name] for name in names] for q in particles], dtype=float)
        weights = np.array([q.weight for q in particles], dtype=float)
        return values, weights, [{k: float(v) for k, v in q.sum_stat.items()} for q in particles]

    last, weights, stats = generation(history.max_t)
    first, _, first_stats = generation(0)
    pops = history.get_all_populations()

    def ess(t):
        w = np.array([q.weight for q in history.get_population(t=t).particles], dtype=float)
        return float(w.sum() ** 2 / (w ** 2).sum())

    gens = [{"t": int(r.t), "epsilon": float(r.epsilon), "particles": int(r.particles),
             "simulations": int(r.samples), "ess": round(ess(int(r.t)), 6)} for r in pops.itertuples() if r.t >= 0]
    return AbcResult(names, last, weights / weights.sum(), stats, gens, first, first_stats)
