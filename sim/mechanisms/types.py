"""Partners' types: reliable or opportunist, hidden, and occasionally redrawn (Kydd 2005).

    theta_ij(0) = 1[u_ij(0) < rho_ij]                          month 0: drawn with probability rho (stream S_TYPE)
    theta_ij(t) = 1[u'_ij(t) < pi_0]  if u_ij(t) < h,  else theta_ij(t-1)    (streams S_TYPE_CHANGE, S_TYPE)

theta_ij = 1: i is a reliable partner of j — it honours commitments by answering j's need
(sim.mechanisms.support); an opportunist supports j only where its interests say so.
The type is i's private information: j's trust tau_ji is j's posterior that theta_ij = 1
(sim.mechanisms.trust), with the same h and pi_0 in its prediction step. With the switch
off, behaviour does not depend on type: every actor answers need with the weight pi_0
(the mean type), and support carries no evidence about type. docs/model.md, section 7.3.
"""

from __future__ import annotations

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.kernels.rng import uniform_at
from sim.mechanisms.spec import Mechanism, coefficient, hidden_state, relation

PARAMETERS = (
    hidden_state("reliable", 0, 1, "indicator", "1 if the actor is a reliable type towards the partner, else 0",
                 symbol=r"\theta_{ij}", diagonal=1.0, note="judgement: drawn at month 0 from reliability"),
    relation("reliability", 0, 1, 0.5, "probability", "probability that the actor is a reliable type towards the "
             "partner at month 0 (the modeller's prior on the hidden truth)", symbol=r"\varrho_{ij}",
             note="judgement: agnostic unless a case says otherwise; set 0 or 1 to condition on the truth"),
    coefficient("type_change_rate", 0, 1, 0.02, "1/month", "monthly probability that an actor's type is redrawn",
                symbol="h", prior=(0.005, 0.05), note="judgement: a change of government or of course every "
                                                       "2-15 years"),
    coefficient("reliable_share", 0, 1, 0.5, "probability", "probability that a redrawn type is reliable",
                symbol=r"\pi_0", prior=(0.3, 0.8), note="judgement: Leeds, Long & Mitchell (2000) find alliance "
                                                        "commitments honoured in about three quarters of the wars "
                                                        "that invoke them; wide prior"),
)


class Behaviour:
    """Mesa statement: each agent's hidden type towards each partner (``next_reliable`` is
    this month's type, which this month's support follows)."""

    def draw_types(self) -> None:
        """Month 0: reliable towards each partner with probability ``reliability``."""
        m = self.model
        self.reliable = {other.code: float(m.draw_uniform(self.index, other.index, L.S_TYPE)
                                           < self.reliability[other.code]) for other in self.partners()}
        self.next_reliable = dict(self.reliable)

    def redraw_types(self) -> None:
        """With probability h a type is redrawn: reliable with probability pi_0."""
        m, g = self.model, self.model.glob
        self.next_reliable = dict(self.reliable)
        if not m.on("types"):
            return
        for other in self.partners():
            if m.draw_uniform(self.index, other.index, L.S_TYPE_CHANGE) < g["type_change_rate"]:
                self.next_reliable[other.code] = float(m.draw_uniform(self.index, other.index, L.S_TYPE)
                                                       < g["reliable_share"])


@njit
def draw_types(glob, actor, dyad, flags, work, awork, keys, tmp):
    """Month 0 (``keys`` of month 0): theta_ij = 1 with probability reliability_ij."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                theta = 1.0
                if i != j:
                    theta = 1.0 if uniform_at(keys[i, j, lane], L.S_TYPE) < dyad[L.D_RELIABILITY, i, j, lane] else 0.0
                dyad[L.D_RELIABLE, i, j, lane] = theta
                work[L.W_NEXT_RELIABLE, i, j, lane] = theta


@njit
def redraw_types(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_reliable: theta redrawn with probability h (to reliable with probability pi_0);
    the month's support follows the month's type."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    on = flags[L.M_TYPES] != 0
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):
                theta = dyad[L.D_RELIABLE, i, j, lane]
                if on and uniform_at(keys[i, j, lane], L.S_TYPE_CHANGE) < glob[L.G_TYPE_CHANGE_RATE, lane]:
                    theta = 1.0 if uniform_at(keys[i, j, lane], L.S_TYPE) < glob[L.G_RELIABLE_SHARE, lane] else 0.0
                work[L.W_NEXT_RELIABLE, i, j, lane] = theta


MECHANISM = Mechanism(
    name="types",
    phase="redraw_types",
    summary="each actor is, towards each partner, a hidden reliable or opportunist type, occasionally redrawn",
    literature="Kydd (2005) Trust and Mistrust in International Relations: trust as belief about type",
    switches={"types": "behaviour does not depend on type (need answered with the mean weight pi_0); support "
                       "carries no evidence about type; types are not redrawn"},
    updates=("reliable",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=redraw_types,
    start_phase="draw_types",
    start_kernel=draw_types,
)
