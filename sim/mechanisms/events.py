"""Events: scheduled, recurring or random changes to any parameter or state.

At the start of month ``t`` (before the phases) each event ``e``, in configuration
order, fires if

- scheduled: ``t == month``;
- recurring: ``start <= t <= end`` and ``(t - start) % every == 0``;
- random:    ``start <= t <= end`` and ``u(seed, rep, t, key_e, 0, S_EVENT) < hazard``;

recurring and random ones at most ``max_fires`` times (default: ``horizon`` for
recurring, 1 for random). A firing applies its effects in order (set / add / multiply),
each clipped to its target field's bounds. ``fires`` and ``apply_op`` are the one
statement of these rules: the numba core and the Mesa reference both call them;
``sim.compile.compile_events`` lays the events out as the tables they read.
docs/model.md, section 6.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.kernels.rng import uniform
from sim.mechanisms.spec import Mechanism


def default_max_fires(event, horizon: int) -> int:
    """Cap on an event's firings: ``max_fires`` if given, else ``horizon`` (recurring) or 1."""
    if event.max_fires is not None:
        return event.max_fires
    return horizon if event.every is not None else 1


@njit
def fires(ev, hazard, n_fired, seed, rep, month):
    """Whether event row ``ev`` fires at ``month`` after ``n_fired`` earlier firings."""
    timing = ev[L.E_TIMING]
    if timing == L.EV_SCHEDULED:
        return month == ev[L.E_MONTH]
    if not (ev[L.E_START] <= month <= ev[L.E_END] and n_fired < ev[L.E_MAX_FIRES]):
        return False
    if timing == L.EV_RECURRING:
        return (month - ev[L.E_START]) % ev[L.E_EVERY] == 0
    return uniform(seed, rep, month, ev[L.E_KEY], np.int64(0), L.S_EVENT) < hazard


@njit
def apply_op(op, old, value, lo, hi):
    """``old`` set to / increased by / multiplied by ``value``, clipped to [lo, hi]."""
    if op == L.OP_SET:
        new = value
    elif op == L.OP_ADD:
        new = old + value
    else:
        new = old * value
    return min(hi, max(lo, new))


@njit
def apply_events(seed, rep, month, glob, actor, dyad, ev_int, ev_hazard, eff_int, eff_float, n_fired):
    """Fire this month's events for one replication (its state arrays, no lane axis);
    ``n_fired[e]`` counts firings so far."""
    for e in range(ev_int.shape[0]):
        if not fires(ev_int[e], ev_hazard[e], n_fired[e], seed, rep, month):
            continue
        n_fired[e] += 1
        for f in range(ev_int[e, L.E_FIRST_EFFECT], ev_int[e, L.E_STOP_EFFECT]):
            kind, field, i, j, op = (eff_int[f, L.F_KIND], eff_int[f, L.F_FIELD], eff_int[f, L.F_I],
                                     eff_int[f, L.F_J], eff_int[f, L.F_OP])
            value, lo, hi = eff_float[f, L.FV_VALUE], eff_float[f, L.FV_LO], eff_float[f, L.FV_HI]
            if kind == L.T_GLOB:
                glob[field] = apply_op(op, glob[field], value, lo, hi)
            elif kind == L.T_ACTOR:
                actor[field, i] = apply_op(op, actor[field, i], value, lo, hi)
            else:
                dyad[field, i, j] = apply_op(op, dyad[field, i, j], value, lo, hi)


MECHANISM = Mechanism(
    name="events",
    phase="apply_events",
    summary="scheduled, recurring and random changes to any parameter or state, at the start of a month",
    literature="scenario inputs (ODD 'input data'; Grimm et al. 2020)",
    switches={"events": "no event is applied (firing counts stay 0)"},
    updates=(),
    parameters=(),
    kernel=apply_events,
)
