"""The fixed split of the COW window pairs into fitted and scored ones, written once.

A forecast goes from window t (years y..y+3) to window t+4 (years y+4..y+7), the next
window that shares no year with it: 48 months ahead. The 31 windows 1946-49 .. 1976-79
give 27 such pairs, y = 1946 .. 1972. Each pair's role is fixed by its target window:

* **fit**: the target ends by ``FIT_LAST_YEAR`` (1969): y = 1946 .. 1962, 17 pairs
  (1946-49 -> 1950-53 .. 1962-65 -> 1966-69). Only these may be used to fit anything
  (the calibration, the ``fitted_rates`` rival).
* **score**: the target begins in ``SCORE_FIRST_YEAR`` (1970) or later: y = 1966 ..
  1972, 7 pairs (1966-69 -> 1970-73 .. 1972-75 -> 1976-79). Every figure of the
  scorecard is computed on these.
* **gap**: the 3 pairs whose target straddles 1969/1970 (targets 1967-70, 1968-71,
  1969-72) are neither fitted nor scored, so no year of a scored target is ever a
  fitted target's year.

A scored pair's source window may be a fitted target (1966-69): it is the information
at the time of the forecast, not an outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.history.data import CowWindow, load_cow

LEAD_YEARS = 4
MONTHS = 12 * LEAD_YEARS
FIT_LAST_YEAR = 1969
SCORE_FIRST_YEAR = 1970
ROLES = ("fit", "gap", "score")


@dataclass(frozen=True)
class WindowPair:
    """A forecast from ``source`` to ``target`` (``LEAD_YEARS`` later) and its ``role``."""

    source: CowWindow
    target: CowWindow
    role: str

    @property
    def label(self) -> str:
        return f"{self.source.label} -> {self.target.label}"


def role_of(target: CowWindow) -> str:
    """``fit``, ``score`` or ``gap``, from the target window's years."""
    if target.last <= FIT_LAST_YEAR:
        return "fit"
    if target.first >= SCORE_FIRST_YEAR:
        return "score"
    return "gap"


def window_pairs(role: str | None = None, windows: tuple[CowWindow, ...] | None = None) -> tuple[WindowPair, ...]:
    """Every pair (t, t+4) in time order, or only those of ``role``."""
    if role is not None and role not in ROLES:
        raise ValueError(f"role: {role!r}; allowed: {', '.join(ROLES)}")
    windows = windows if windows is not None else load_cow()
    by_first = {w.first: w for w in windows}
    out = [WindowPair(w, by_first[w.first + LEAD_YEARS], role_of(by_first[w.first + LEAD_YEARS]))
           for w in windows if w.first + LEAD_YEARS in by_first]
    return tuple(p for p in out if role is None or p.role == role)
