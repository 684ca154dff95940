"""Dependency: shares of critical supply with inertia and partial substitution (Keohane & Nye 1977).

    S_i(t) = q_i c_i + n_i sum_{k != i} s_ki(t) c_k         total supply: own capacity + partners'
    d*_ij  = n_i s_ji(t) c_j / S_i(t)                       j's target share (0 if S_i <= 0)
    d_ij  <- d_ij + alpha_ij (d*_ij - d_ij),   alpha_ij = alpha (rising) or alpha psi_ij (falling)

then the row is renormalised if it exceeds 1. Support is the share of a partner's
request met, and requests grow with need: partner k supplies s_ki c_k n_i, own capacity
q_i c_i. A war thus deepens dependency on the suppliers (F5, F6: 60-80% of Russia's
critical components from China in wartime) and a peace loosens it. What others cannot
replace (low psi) is lost slowly: North Korean shells replace Chinese shells, nothing
replaces Chinese electronics quickly (F5, F9). docs/model.md, section 7.8.
"""

from __future__ import annotations

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, actor, coefficient, relation, state

PARAMETERS = (
    state("dependency", 0, 1, 0.0, "share of own critical needs", "share of own critical needs met by the partner",
          symbol="d_{ij}", diagonal=0.0, note="judgement: no dependency unless the roster says otherwise"),
    actor("self_reliance", 0.01, 1, 0.5, "share per unit capability",
          "domestic capacity to meet critical needs, per unit capability", symbol="q_i",
          note="judgement: half of one's needs met at home unless the roster says otherwise"),
    relation("substitutability", 0, 1, 0.5, "share", "share of the partner's supply others can replace",
             symbol=r"\psi_{ij}", note="judgement: half replaceable unless the roster says otherwise"),
    coefficient("dependency_rate", 0, 1, 0.05, "1/month", "monthly adjustment rate of dependency to supply shares",
                symbol=r"\alpha", prior=(0.02, 0.1),
                note="judgement: supply chains shift over years (F5, F6 give levels, not speeds)"),
)


class Behaviour:
    """Mesa statement: each agent's dependencies follow who supplies it."""

    def update_dependency(self) -> None:
        """Move towards each supplier's share of what this actor receives plus makes itself."""
        m = self.model
        if not m.on("dependency"):
            self.next_dependency = dict(self.dependency)
            return
        supply_total = self.self_reliance * self.capability
        for other in self.partners():
            supply_total += self.need * other.next_support[self.code] * other.capability
        new = {}
        for other in self.partners():
            j = other.code
            target = 0.0
            if supply_total > 0.0:
                target = self.need * other.next_support[self.code] * other.capability / supply_total
            old = self.dependency[j]
            rate = m.glob["dependency_rate"]
            if target < old:
                rate = rate * self.substitutability[j]
            new[j] = old + rate * (target - old)
        row = sum(new.values())
        if row > 1.0:
            new = {j: v / row for j, v in new.items()}
        self.next_dependency = new


@njit
def update_dependency(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_dependency[i, j] towards supply shares; losses replaced at rate * substitutability."""
    lanes = glob.shape[1]
    n = actor.shape[1]
    new_dependency, new_support, need = work[L.W_NEXT_DEPENDENCY], work[L.W_NEXT_SUPPORT], awork[L.AW_NEED]
    if not flags[L.M_DEPENDENCY]:
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    new_dependency[i, j, lane] = dyad[L.D_DEPENDENCY, i, j, lane]
        return
    supply_total, row = tmp[0], tmp[1]
    for i in range(n):
        for lane in range(lanes):
            supply_total[lane] = actor[L.A_SELF_RELIANCE, i, lane] * actor[L.A_CAPABILITY, i, lane]
            row[lane] = 0.0
        for k in range(n):
            if k != i:
                for lane in range(lanes):
                    supply_total[lane] += need[i, lane] * new_support[k, i, lane] * actor[L.A_CAPABILITY, k, lane]
        for j in range(n):
            if j == i:
                continue
            for lane in range(lanes):
                target = 0.0
                if supply_total[lane] > 0.0:
                    target = need[i, lane] * new_support[j, i, lane] * actor[L.A_CAPABILITY, j, lane] / supply_total[lane]
                old = dyad[L.D_DEPENDENCY, i, j, lane]
                alpha = glob[L.G_DEPENDENCY_RATE, lane]
                rate = alpha if target >= old else alpha * dyad[L.D_SUBSTITUTABILITY, i, j, lane]
                new = old + rate * (target - old)
                new_dependency[i, j, lane] = new
                row[lane] += new
        for j in range(n):
            if j == i:
                continue
            for lane in range(lanes):
                if row[lane] > 1.0:
                    new_dependency[i, j, lane] /= row[lane]


MECHANISM = Mechanism(
    name="dependency",
    phase="update_dependency",
    summary="dependency follows each supplier's share of what an actor needs, with partial substitution",
    literature="Keohane & Nye (1977) asymmetric interdependence; Hirschman (1945)",
    switches={"dependency": "d(t) = d(t-1): no movement towards supply shares, no renormalisation"},
    updates=("dependency",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=update_dependency,
)
