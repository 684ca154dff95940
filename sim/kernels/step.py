"""One month of the model for a block of replications (numba): the phases, then the commit.

The phases are the kernels of ``sim.mechanisms`` (one module each), called in the
order of ``sim.mechanisms.PHASES`` (and their start phases at month 0) with one signature::

    phase(glob, actor, dyad, flags, work, awork, keys, tmp)

and, for the three with an O(N^3) term (threat, dilemma, balance), a last argument
``lanewise`` (``sim.kernels.lanes.lanewise``): the form of that term, fixed per compiled
specialisation, so a run compiles only the form its roster uses.

Each reads the state of the previous month (after this month's events) and the work
planes written by earlier phases of the same month (this month's support is the signal
trust learns from and the supply dependency follows), and writes its own work planes.
``commit`` then copies every ``next_<state>`` plane into the state at once, clipped to
the variable's declared bounds, with its declared diagonal: a synchronous update,
independent of actor order.

Replications run in lanes: every array ends with a lane axis and the innermost loops
run over it, so the compiler can use SIMD instructions across replications. Each lane
does exactly the arithmetic of one replication alone, so results do not depend on the
lane or block a replication lands in.
"""

from sim.kernels import layout as L
from sim.kernels.jit import njit, njit_inline
from sim.kernels.rng import fill_lane_keys
from sim.mechanisms import parameter
from sim.mechanisms.alignment import update_alignment
from sim.mechanisms.balance import drift_to_balance
from sim.mechanisms.dependency import update_dependency
from sim.mechanisms.dilemma import weigh_commitments
from sim.mechanisms.espionage import detect_espionage
from sim.mechanisms.support import decide_support
from sim.mechanisms.threat import assess_threats
from sim.mechanisms.trust import update_trust
from sim.mechanisms.types import draw_types, redraw_types

# (lo, hi, diagonal) of each state variable, in the order of layout.COMMIT_PLANES.
_STATE_RULES = tuple((p.lo, p.hi, p.diagonal) for p in (parameter("relation", n) for n in L.STATE_FIELDS))


@njit_inline
def start(month_keys, glob, actor, dyad, flags, work, awork, keys, tmp, lanewise):
    """Month 0: the mechanisms' start phases (hidden types drawn with the keys of month 0),
    then the derived quantities of the initial state (threat, need) for the record."""
    fill_lane_keys(month_keys, keys)
    draw_types(glob, actor, dyad, flags, work, awork, keys, tmp)
    assess_threats(glob, actor, dyad, flags, work, awork, keys, tmp, lanewise)


@njit
def commit(dyad, work):
    """State <- next planes, clipped to each variable's bounds; diagonals set by declaration."""
    lanes = dyad.shape[3]
    n = dyad.shape[1]
    for c in range(len(L.COMMIT_PLANES)):
        d, w = L.COMMIT_PLANES[c]
        lo, hi, diagonal = _STATE_RULES[c]
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    dyad[d, i, j, lane] = diagonal if i == j else min(hi, max(lo, work[w, i, j, lane]))


@njit_inline
def step(month_keys, glob, actor, dyad, flags, work, awork, keys, tmp, lanewise):
    """Advance a block of replications (one per lane) by one month in place.

    ``month_keys[lanes]``: the lanes' random-number keys of the month
    (``sim.kernels.rng.month_key``); ``work`` [len(WORK_PLANES), N, N, lanes],
    ``awork`` [len(ACTOR_WORK), N, lanes], ``keys`` uint64 [N, N, lanes] and ``tmp``
    [TMP_ROWS, lanes]: work space (layout in ``sim.kernels.layout``); ``lanewise``: the
    form of the O(N^3) terms (``sim.kernels.lanes.lanewise``).
    """
    fill_lane_keys(month_keys, keys)
    redraw_types(glob, actor, dyad, flags, work, awork, keys, tmp)
    assess_threats(glob, actor, dyad, flags, work, awork, keys, tmp, lanewise)
    weigh_commitments(glob, actor, dyad, flags, work, awork, keys, tmp, lanewise)
    decide_support(glob, actor, dyad, flags, work, awork, keys, tmp)
    detect_espionage(glob, actor, dyad, flags, work, awork, keys, tmp)
    update_trust(glob, actor, dyad, flags, work, awork, keys, tmp)
    drift_to_balance(glob, actor, dyad, flags, work, awork, keys, tmp, lanewise)
    update_dependency(glob, actor, dyad, flags, work, awork, keys, tmp)
    update_alignment(glob, actor, dyad, flags, work, awork, keys, tmp)
    commit(dyad, work)
