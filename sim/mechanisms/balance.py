"""Structural balance: trust drifts towards what the triads around a dyad imply (Heider 1946).

    b_ij = 1/(N-2) sum_{k != i, j} (2 tau_ik - 1)(2 tau_kj - 1)        in [-1, 1]
    tau^S = (1 - eta) tau^H + eta (1 + b_ij) / 2

The friend of a friend and the enemy of an enemy pull trust up; the friend of an enemy
and the enemy of a friend pull it down. Signs are read from last month's trust; the
drift acts on this month's belief (sim.mechanisms.trust). docs/model.md, section 7.4.
"""

from __future__ import annotations

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, coefficient

PARAMETERS = (
    coefficient("balance_rate", 0, 1, 0.02, "1/month", "monthly rate of drift towards structural balance",
                symbol=r"\eta", note="judgement: slow drift to balance (Heider 1946)"),
)


class Behaviour:
    """Mesa statement: each agent's trust drifts towards what its triads imply."""

    def drift_to_balance(self) -> None:
        """Mix each belief with the mean signed triad product through every third actor."""
        m, g = self.model, self.model.glob
        n = len(m.actors)
        if not m.on("balance") or n <= 2:
            return
        for other in self.partners():
            j = other.code
            b = 0.0
            for third in m.actors:
                if third is not self and third is not other:
                    b += (2.0 * self.trust[third.code] - 1.0) * (2.0 * third.trust[j] - 1.0)
            b /= n - 2
            self.next_trust[j] = (1.0 - g["balance_rate"]) * self.next_trust[j] + g["balance_rate"] * 0.5 * (1.0 + b)


@njit
def drift_to_balance(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_trust[i, j] mixed with the balance target (1 + b_ij) / 2 (sign plane: scratch)."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    if not flags[L.M_BALANCE] or n <= 2:
        return
    new_trust, sign = work[L.W_NEXT_TRUST], work[L.W_SIGN]
    total = tmp[0]
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                sign[i, j, lane] = 2.0 * dyad[L.D_TRUST, i, j, lane] - 1.0
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):
                total[lane] = 0.0
            for k in range(n):  # ascending k, k != i, j
                if k != i and k != j:
                    for lane in range(lanes):
                        total[lane] += sign[i, k, lane] * sign[k, j, lane]
            for lane in range(lanes):
                b = total[lane] / (n - 2)
                eta = glob[L.G_BALANCE_RATE, lane]
                new_trust[i, j, lane] = (1.0 - eta) * new_trust[i, j, lane] + eta * 0.5 * (1.0 + b)


MECHANISM = Mechanism(
    name="balance",
    phase="drift_to_balance",
    summary="trust drifts towards structural balance: the enemy of my enemy is my friend",
    literature="Heider (1946); Cartwright & Harary (1956)",
    switches={"balance": "no drift towards structural balance (tau^S = tau^H)"},
    updates=("trust",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=drift_to_balance,
)
