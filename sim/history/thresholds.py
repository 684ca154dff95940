"""The rupture threshold and duration, fixed once from the Sino-Soviet split (issue 16, item 4).

Rupture is an event: ``outcome.rupture_months`` consecutive months in which the
partnership index keeps less than ``outcome.rupture_threshold`` of its running peak (the
retained share R, ``sim.outcomes``). The two numbers are chosen
here, once, from what the index does in the model's hindcast of the Sino-Soviet alliance
(``sim.history.cases``), and are the schema's ``Outcome`` defaults; they are not tuned per
scenario. The procedure:

1. **Hindcast.** Run the case ``REPLICATIONS`` times from seed 0 at the declared point
   values of the dynamics (each coefficient's ``default``, ``sim.mechanisms``). They are
   fixed before any fitting, so the thresholds do not depend on the calibration that
   later uses them (``sim.history.abc``). The prior is not used: at the prior the
   alliance never forms in many replications, which says nothing about the level at which
   an alliance that did form has broken.
2. **Threshold** ``theta``: the retained share that best separates the months of the alliance
   years ``ALLIANCE`` (1950-02 to 1957-12, before the 1958 Strait crisis and the 1959 halt
   of nuclear aid) from the months after the material rupture ``RUPTURED`` (1960-08,
   the withdrawal of the Soviet specialists, to 1963-07, the public break): the maximum
   of Youden's J = P(R < theta | ruptured) - P(R < theta | alliance) over
   replications and months, on a grid of step 0.01 (the lowest maximiser).
3. **Duration** ``L``: the fewest consecutive months such that at most ``MAX_SPURIOUS``
   (5 %) of the replications rupture within the alliance years: a shorter run below
   ``theta`` is a dip, not a rupture.

Why a share of the peak and not a level of the index (``compare_rules``): the same
procedure run on the raw index fixes an absolute level from the Sino-Soviet hindcast; in
the point-value hindcast of the China-Russia partnership of 2014-2025, which held, that
level declares (nearly) every replication ruptured, because a partnership without a
treaty sits lower on the index than a treaty alliance does. The share of the pair's own
peak transfers across the two.

``python -m sim.history.thresholds`` prints the procedure's result and the comparison; a
test checks that the schema's defaults are that result.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass

import numpy as np

from sim import mechanisms
from sim.history.cases import load_case, case_config
from sim.history.engine import run_batches
from sim.outcomes import NO_RUPTURE, partnership_index, retained_share, rupture_month

CASE = "sino_soviet_1950_1969"
HELD_CASE = "china_russia_2014_2025"
ALLIANCE = ("1950-02", "1957-12")
RUPTURED = ("1960-08", "1963-07")
REPLICATIONS = 1000
SEED = 0
GRID_STEP = 0.01
MAX_SPURIOUS = 0.05
MAX_MONTHS = 36


@dataclass(frozen=True)
class Thresholds:
    """The procedure's result and what it rests on (shares over replications)."""

    rupture_threshold: float
    rupture_months: int
    youden_j: float
    below_in_alliance: float  # share of alliance-year months below the threshold
    below_after_rupture: float  # share of months after the material rupture below it
    spurious: float  # share of replications rupturing within the alliance years
    ruptured_by_public_break: float  # share of replications rupturing by 1963-07
    median_rupture: str | None  # calendar month of the median rupture
    alliance_median: float  # median retained share over the alliance-year months
    ruptured_median: float  # median retained share over the months after the material rupture
    alliance_index: float  # median index over the alliance-year months
    ruptured_index: float  # median index over the months after the material rupture


def point_dynamics() -> dict[str, float]:
    """Every dynamics coefficient at its declared point value (``default``)."""
    return {p.name: p.default for p in mechanisms.section("dynamics") if not p.hidden}


def hindcast_index(replications: int = REPLICATIONS, seed: int = SEED, name: str = CASE) -> np.ndarray:
    """[R, T+1] partnership index of the pair in the point-value hindcast of case ``name``."""
    case = load_case(name)
    cfg = case_config(case, replications=replications, seed=seed, dynamics=point_dynamics())
    roster = list(cfg.actors)
    a, b = (roster.index(code) for code in case.pair)
    return np.concatenate([np.array(partnership_index(traj.dyad, a, b)) for traj in run_batches(cfg)])


def absolute(index: np.ndarray) -> np.ndarray:
    """``index`` [R, T+1] with month 0 set to 1, the index's maximum: the peak rule on it
    is a rule on the index's absolute level (month 0 is never judged)."""
    pinned = np.array(index, dtype=np.float64)
    pinned[:, 0] = 1.0
    return pinned


def choose(index: np.ndarray) -> Thresholds:
    """Steps 2 and 3 of the module docstring on a hindcast ``index`` [R, T+1].
    (``choose(absolute(index))``: the same procedure on the index's absolute level.)"""
    from sim.history.cases import calendar

    case = load_case(CASE)
    years = slice(max(1, case.month_of(ALLIANCE[0])), case.month_of(ALLIANCE[1]) + 1)
    later = slice(case.month_of(RUPTURED[0]), case.month_of(RUPTURED[1]) + 1)
    share = retained_share(index)
    alliance, after = share[:, years], share[:, later]
    grid = np.round(np.arange(GRID_STEP, 1.0, GRID_STEP), 10)
    j = np.array([(after < t).mean() - (alliance < t).mean() for t in grid])
    theta = float(grid[int(np.argmax(j))])
    last_alliance = case.month_of(ALLIANCE[1])
    for months in range(1, MAX_MONTHS + 1):
        at = rupture_month(index, theta, months)
        spurious = float(np.mean((at != NO_RUPTURE) & (at <= last_alliance)))
        if spurious <= MAX_SPURIOUS:
            break
    else:
        raise RuntimeError(f"no duration up to {MAX_MONTHS} months keeps spurious ruptures at {MAX_SPURIOUS}")
    ruptured = at != NO_RUPTURE
    median = None
    if ruptured.mean() >= 0.5:
        median = calendar(case.start, int(np.median(np.where(ruptured, at, index.shape[1]))))
    return Thresholds(theta, months, float(j.max()), float((alliance < theta).mean()), float((after < theta).mean()),
                      spurious, float(np.mean(ruptured & (at <= case.month_of(RUPTURED[1])))), median,
                      float(np.median(alliance)), float(np.median(after)), float(np.median(index[:, years])),
                      float(np.median(index[:, later])))


def fixed_thresholds(replications: int = REPLICATIONS, seed: int = SEED) -> Thresholds:
    """The whole procedure (module docstring)."""
    return choose(hindcast_index(replications, seed))


@dataclass(frozen=True)
class RuleComparison:
    """The procedure on the share of the peak and on the absolute level, and what each
    rule says of the China-Russia hindcast (point values): the share that held to its end."""

    share_of_peak: Thresholds
    absolute_level: Thresholds
    held_share_of_peak: float
    held_absolute_level: float


def compare_rules(replications: int = REPLICATIONS, seed: int = SEED) -> RuleComparison:
    """Why the rule is a share of the peak (module docstring)."""
    ss = hindcast_index(replications, seed)
    cr = hindcast_index(replications, seed, HELD_CASE)
    peak, level = choose(ss), choose(absolute(ss))

    def held(series, t):
        return float(np.mean(rupture_month(series, t.rupture_threshold, t.rupture_months) == NO_RUPTURE))

    return RuleComparison(peak, level, held(cr, peak), held(absolute(cr), level))


if __name__ == "__main__":
    for key, value in asdict(fixed_thresholds()).items():
        print(f"{key}: {value}")
    rules = compare_rules()
    print(f"absolute level by the same procedure: {rules.absolute_level.rupture_threshold} for "
          f"{rules.absolute_level.rupture_months} months; China-Russia 2014-2025 held: share of peak "
          f"{rules.held_share_of_peak:.3f}, absolute level {rules.held_absolute_level:.3f}")
    sys.exit(0)
