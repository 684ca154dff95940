"""The alliance security dilemma: fear of abandonment and fear of entrapment (Snyder 1984).

    O_ji = max_{k != i, j} max(0, f_jk) T_ik        j's outside option: its friendship with i's threats
    A_ij = d_ij (1 + O_ji) / 2                       i's fear of being abandoned by j    (switch abandonment)
    E_ij = chi_i x_j                                 i's fear of entrapment in j's wars  (switch entrapment)

Abandonment is feared in proportion to one's dependence on the partner, and more when
the partner has alternatives — above all a rapprochement with one's own adversary (a
US-Russia reset, for China). Entrapment is feared in proportion to one's aversion and
the partner's conflict intensity. Both enter the support utility (sim.mechanisms.support):
abandonment fear raises support (to hold the partner), entrapment fear lowers it. In
[0, 1]. docs/model.md, section 7.2.
"""

from __future__ import annotations

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, actor

PARAMETERS = (
    actor("entrapment_aversion", 0, 1, 0.5, "share", "aversion to being drawn into a partner's war",
          symbol=r"\chi_i", note="judgement: neutral aversion unless the roster says otherwise"),
)


class Behaviour:
    """Mesa statement: each agent weighs the risk of losing each partner and of being dragged along."""

    def weigh_commitments(self) -> None:
        """Abandonment fear from dependence and the partner's outside options; entrapment
        fear from aversion and the partner's conflict intensity."""
        m = self.model
        self.abandonment, self.entrapment = {}, {}
        for other in self.partners():
            j = other.code
            outside = 0.0
            for third in m.actors:
                if third is not self and third is not other:
                    outside = max(outside, max(0.0, other.affinity[third.code]) * self.threat[third.code])
            self.abandonment[j] = self.dependency[j] * (1.0 + outside) * 0.5 if m.on("abandonment") else 0.0
            self.entrapment[j] = self.entrapment_aversion * other.intensity if m.on("entrapment") else 0.0


@njit
def weigh_commitments(glob, actor, dyad, flags, work, awork, keys, tmp):
    """Fill the abandonment and entrapment work planes."""
    lanes = glob.shape[1]
    n = actor.shape[1]
    abandonment, entrapment = work[L.W_ABANDONMENT], work[L.W_ENTRAPMENT]
    threat, intensity = work[L.W_THREAT], awork[L.AW_INTENSITY]
    fear_abandonment, fear_entrapment = flags[L.M_ABANDONMENT] != 0, flags[L.M_ENTRAPMENT] != 0
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                abandonment[i, j, lane] = 0.0
                entrapment[i, j, lane] = 0.0
                if fear_entrapment and i != j:
                    entrapment[i, j, lane] = actor[L.A_ENTRAPMENT_AVERSION, i, lane] * intensity[j, lane]
    if not fear_abandonment:
        return
    # Lane by lane on a lane-major copy, friend_of[lane, k, j] = max(0, f_jk) (0 at j = k,
    # which O_ji excludes), so that k's friends are one contiguous row: for each i, the
    # third actors k, four at a time, raise every O_ji at once. Products and max are
    # exact, so the order over k does not change a number, and k = i adds products of
    # T_ii = 0, which change no O (O >= 0, and O enters as 1 + O).
    friend_of = work[L.W_TRANSPOSED].reshape((lanes, n, n))
    outside = awork[L.AW_ROW_SCRATCH].reshape((lanes, n))
    for j in range(n):
        for k in range(n):
            for lane in range(lanes):
                friend_of[lane, k, j] = max(0.0, dyad[L.D_AFFINITY, j, k, lane]) if j != k else 0.0
    for lane in range(lanes):
        options = outside[lane]
        for i in range(n):
            for j in range(n):
                options[j] = 0.0
            k = 0
            while k < n:
                if k + 4 <= n:
                    t0, t1 = threat[i, k, lane], threat[i, k + 1, lane]
                    t2, t3 = threat[i, k + 2, lane], threat[i, k + 3, lane]
                    of0, of1 = friend_of[lane, k], friend_of[lane, k + 1]
                    of2, of3 = friend_of[lane, k + 2], friend_of[lane, k + 3]
                    for j in range(n):
                        four = max(max(of0[j] * t0, of1[j] * t1), max(of2[j] * t2, of3[j] * t3))
                        options[j] = max(options[j], four)
                    k += 4
                else:
                    t0, of0 = threat[i, k, lane], friend_of[lane, k]
                    for j in range(n):
                        options[j] = max(options[j], of0[j] * t0)
                    k += 1
            for j in range(n):
                if j != i:
                    abandonment[i, j, lane] = dyad[L.D_DEPENDENCY, i, j, lane] * (1.0 + options[j]) * 0.5


MECHANISM = Mechanism(
    name="dilemma",
    phase="weigh_commitments",
    summary="fear of abandonment (dependence, the partner's outside options) and of entrapment (its wars)",
    literature="Snyder (1984) The security dilemma in alliance politics, World Politics 36(4)",
    switches={
        "abandonment": "A_ij = 0: support no longer answers the fear of losing a partner one depends on",
        "entrapment": "E_ij = 0: support no longer falls with the partner's conflict intensity",
    },
    updates=(),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=weigh_commitments,
)
