"""Event firing and effects (numba). Events are compiled to flat arrays by ``sim.events``.

At the start of month ``t`` each event ``e`` in order may fire:

- scheduled: ``t == month[e]``;
- recurring: ``start <= t <= end`` and ``(t - start) % every == 0``;
- random:    ``start <= t <= end`` and ``u(seed, rep, t, key[e], 0, S_EVENT) < hazard``;

recurring and random ones at most ``max_fires[e]`` times. A firing applies its effects
in order (set / add / multiply) and clips each result to the target field's bounds.
"""

from sim.kernels.jit import njit
from sim.kernels.layout import (
    EV_HAZARD,
    EV_RECURRING,
    EV_SCHEDULED,
    OP_ADD,
    OP_MUL,
    OP_SET,
    S_EVENT,
    T_ACTOR,
    T_GLOB,
)
from sim.kernels.rng import uniform


@njit
def _apply(op, old, value, lo, hi):
    if op == OP_SET:
        new = value
    elif op == OP_ADD:
        new = old + value
    else:
        new = old * value
    return min(hi, max(lo, new))


@njit
def apply_events(seed, rep, month, glob, actor, dyad, ev_int, ev_hazard, eff_int, eff_float, fires):
    """Fire this month's events for one replication; ``fires[e]`` counts firings so far.

    ev_int[e]  = (timing, month, every, start, end, max_fires, key, first_effect, stop_effect)
    eff_int[f] = (kind, field, i, j, op);  eff_float[f] = (value, lo, hi)
    """
    for e in range(ev_int.shape[0]):
        timing = ev_int[e, 0]
        fire = False
        if timing == EV_SCHEDULED:
            fire = month == ev_int[e, 1]
        elif ev_int[e, 3] <= month <= ev_int[e, 4] and fires[e] < ev_int[e, 5]:
            if timing == EV_RECURRING:
                fire = (month - ev_int[e, 3]) % ev_int[e, 2] == 0
            elif timing == EV_HAZARD:
                fire = uniform(seed, rep, month, ev_int[e, 6], 0, S_EVENT) < ev_hazard[e]
        if not fire:
            continue
        fires[e] += 1
        for f in range(ev_int[e, 7], ev_int[e, 8]):
            kind, field, i, j, op = eff_int[f, 0], eff_int[f, 1], eff_int[f, 2], eff_int[f, 3], eff_int[f, 4]
            value, lo, hi = eff_float[f, 0], eff_float[f, 1], eff_float[f, 2]
            if kind == T_GLOB:
                glob[field] = _apply(op, glob[field], value, lo, hi)
            elif kind == T_ACTOR:
                actor[field, i] = _apply(op, actor[field, i], value, lo, hi)
            else:
                dyad[field, i, j] = _apply(op, dyad[field, i, j], value, lo, hi)
