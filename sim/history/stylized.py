"""Direction checks from alliance research, on a three-actor alliance of the model.

Roster (``sim.history.encode``): ALPHA and BRAVO allied (+1), RIVAL hostile to both
(-1); everything else neutral. Each check runs the roster with and without one shock at
month ``SHOCK_MONTH`` on the same seed (common random numbers: the difference is the
shock's effect) over ``HORIZON`` months, and reads the ALPHA-BRAVO partnership:

* ``power_shift`` (Leeds & Savun 2007: alliances are abrogated more often after a change
  in a member's relative power): ALPHA's capability rises from 0.5 to 1.0. Expected:
  P(rupture) rises.
* ``outside_alliance`` (Leeds & Savun 2007: ... or after a member forms a new outside
  alliance): BRAVO and RIVAL become allies (trust 0.8, affinity +0.5, rivalry 0.1, both
  ways). Expected: P(rupture) rises.
* ``honoured`` (Leeds 2003: commitments are honoured in about 75 % of the wars that call
  on them). In model v2 a reliable type answers its partner's need in proportion to its
  public commitment (``sim.mechanisms.support``: + w_need n_j a_ij); an opportunist does
  not. BRAVO goes to war (``world.war`` 1, BRAVO's ``war_involvement`` 1), which raises
  its need; the commitment counts as honoured in a replication if ALPHA's mean support to
  BRAVO over the 6 months after the shock is at least its mean over the 6 months before.
  Reported: the share honoured, and the shares among replications in which ALPHA is a
  reliable or an opportunist type towards BRAVO at the shock. The literature's figure is
  the reference; the model's share is not fitted to it.

The first two report the paired change in P(rupture) and, because a probability pinned
at 0 or 1 hides the direction, the paired change in the mean final partnership index (a
lower index is a weaker alliance). Rupture is ``sim.outcomes``'s definition with the
schema's thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from sim.config.messages import from_validation_error
from sim.config.schema import SimConfig
from sim.history.cases import expand, pair_outcome
from sim.history.encode import encode
from sim.history.engine import run_batches
from sim.history.signed import signed_network
from sim.outcomes import NO_RUPTURE, partnership_index

NODES = ("ALPHA", "BRAVO", "RIVAL")
TIES = (("ALPHA", "BRAVO", 1), ("ALPHA", "RIVAL", -1), ("BRAVO", "RIVAL", -1))
SHOCK_MONTH = 12
HORIZON = 120
WINDOW = 6  # months before and after the shock compared by the honoured check
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Check:
    """One direction check: its source, the shock, what the literature expects."""

    name: str
    source: str
    expectation: str
    shock: tuple[tuple[str, float], ...]  # (target, value) set at SHOCK_MONTH
    reference: float | None = None  # the literature's figure, where it gives one


CHECKS = (
    Check("power_shift", "Leeds & Savun (2007)", "P(rupture) rises after a member's power shifts",
          (("actors.ALPHA.capability", 1.0),)),
    Check("outside_alliance", "Leeds & Savun (2007)", "P(rupture) rises after a member forms an outside alliance",
          (("relations.BRAVO<>RIVAL.trust", 0.8), ("relations.BRAVO<>RIVAL.affinity", 0.5),
           ("relations.BRAVO<>RIVAL.rivalry", 0.1))),
    Check("honoured", "Leeds (2003)", "commitments honoured in about 75 % of wars that call on them",
          (("world.war", 1.0), ("actors.BRAVO.war_involvement", 1.0)), reference=0.75),
)


@dataclass(frozen=True)
class CheckResult:
    """``value`` and its 95 % interval ``low``..``high``: ΔP(rupture) (paired, shock minus
    none) or, for ``honoured``, the share honoured (``by_type``: the share among
    replications with a reliable and an opportunist ALPHA at the shock, and the share
    reliable). ``p_base``/``p_shock``: P(rupture)
    without and with the shock; ``d_index``: the paired change in the mean final index
    (``low``/``high`` as ``d_index_low``/``d_index_high``); ``verdict``: the direction found."""

    check: Check
    value: float
    low: float
    high: float
    verdict: str
    p_base: float | None = None
    p_shock: float | None = None
    d_index: float | None = None
    d_index_low: float | None = None
    d_index_high: float | None = None
    by_type: dict | None = None


def _config(check: Check | None, replications: int, seed: int, mechanisms: dict,
            weights: str = "posterior") -> SimConfig:
    raw = encode(signed_network(NODES, TIES)) | {
        "horizon_months": HORIZON, "replications": replications, "seed": seed, "mechanisms": dict(mechanisms),
        "weights": weights,
    }
    if check is not None:
        effects = [{"target": t, "op": "set", "value": v} for target, v in check.shock for t in expand(target)]
        raw["events"] = {check.name: {"month": SHOCK_MONTH, "effects": effects}}
    try:
        return SimConfig.model_validate(raw)
    except ValidationError as err:
        raise from_validation_error(err, SimConfig) from None


def _ruptured(cfg: SimConfig) -> tuple[np.ndarray, np.ndarray]:
    """[R] ruptured (bool) and [R] final partnership index of ALPHA-BRAVO."""
    ruptured, final = [], []
    for traj in run_batches(cfg):
        ruptured.append(pair_outcome(traj, 0, 1, cfg.outcome)[0] != NO_RUPTURE)
        final.append(np.array(partnership_index(traj.dyad, 0, 1)[:, -1]))
    return np.concatenate(ruptured), np.concatenate(final)


def _honoured(cfg: SimConfig) -> tuple[np.ndarray, np.ndarray]:
    """[R] honoured, [R] ALPHA reliable towards BRAVO in the shock month."""
    before, after = slice(SHOCK_MONTH - WINDOW + 1, SHOCK_MONTH + 1), slice(SHOCK_MONTH + 1, SHOCK_MONTH + 1 + WINDOW)
    out, reliable = [], []
    for traj in run_batches(cfg):
        support = traj.variable("support")[:, :, 0, 1]  # ALPHA -> BRAVO
        out.append(support[:, after].mean(axis=1) >= support[:, before].mean(axis=1))
        reliable.append(np.array(traj.variable("reliable")[:, SHOCK_MONTH, 0, 1]) > 0.5)
    return np.concatenate(out), np.concatenate(reliable)


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    mean = float(values.mean())
    half = Z95 * float(values.std(ddof=1)) / np.sqrt(values.shape[0]) if values.shape[0] > 1 else 0.0
    return mean, mean - half, mean + half


def run_check(check: Check, replications: int, seed: int = 0, mechanisms: dict | None = None,
              weights: str = "posterior") -> CheckResult:
    """Run one check (see the module docstring)."""
    mech = dict(mechanisms or {})
    if check.reference is not None:
        honoured, reliable = _honoured(_config(check, replications, seed, mech, weights))
        value, low, high = _interval(honoured.astype(float))
        share = lambda mask: float(honoured[mask].mean()) if mask.any() else None  # noqa: E731
        by_type = {"reliable": share(reliable), "opportunist": share(~reliable), "share_reliable": float(reliable.mean())}
        return CheckResult(check, value, low, high, "compare with the reference", by_type=by_type)
    shocked, shocked_index = _ruptured(_config(check, replications, seed, mech, weights))
    base, base_index = _ruptured(_config(None, replications, seed, mech, weights))
    value, low, high = _interval(shocked.astype(float) - base.astype(float))
    d_index, d_low, d_high = _interval(shocked_index - base_index)
    if low > 0 or high < 0:
        verdict = "agrees" if low > 0 else "opposite"
    elif d_high < 0 or d_low > 0:
        verdict = f"P(rupture) unchanged; index {'falls (agrees)' if d_high < 0 else 'rises (opposite)'}"
    else:
        verdict = "no effect"
    return CheckResult(check, value, low, high, verdict, float(base.mean()), float(shocked.mean()), d_index, d_low, d_high)
