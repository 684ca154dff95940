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

import numpy as np

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, actor
from sim.mechanisms.threat import threats_by_target

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
def weigh_commitments(glob, actor, dyad, flags, work, awork, keys, tmp, lanewise):
    """Fill the abandonment and entrapment work planes; ``lanewise``: the form of the O(N^3)
    term (``sim.kernels.lanes.lanewise``)."""
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
    if fear_abandonment and lanewise is not None:
        _abandonment_by_lane(dyad, threat, abandonment, work[L.W_TRANSPOSED], awork[L.AW_ROW_SCRATCH])
    elif fear_abandonment:
        _abandonment_across_lanes(dyad, threat, abandonment, work[L.W_TRANSPOSED], awork[L.AW_ROW_SCRATCH])


@njit
def _abandonment_across_lanes(dyad, threat, abandonment, friend_of, outside):
    """abandonment[i, j] = d_ij (1 + O_ji) / 2, SIMD across the lanes: for each i, the
    third actors k ascending, every partner j at once (rows of ``friend_of[k, j] =
    max(0, f_jk)`` stream); a j that is no friend of k in any lane adds max(O, 0) = O
    (O >= 0) and is skipped. ``friend_of`` [N, N, lanes], ``outside`` [N, lanes]: scratch."""
    n, lanes = threat.shape[0], threat.shape[2]
    friends = np.empty((n, n), dtype=np.int64)  # friends[k, :count[k]]: the j with f_jk > 0 in some lane
    count = np.zeros(n, dtype=np.int64)
    for j in range(n):  # friend_of[k, j] = max(0, f_jk), stored by row k
        for k in range(n):
            positive = False
            for lane in range(lanes):
                friend_of[k, j, lane] = max(0.0, dyad[L.D_AFFINITY, j, k, lane])
                positive = positive or friend_of[k, j, lane] > 0.0
            if positive:
                friends[k, count[k]] = j
                count[k] += 1
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                outside[j, lane] = 0.0
        for k in range(n):
            if k != i:
                for m in range(count[k]):
                    j = friends[k, m]
                    if j != i and j != k:
                        for lane in range(lanes):
                            outside[j, lane] = max(outside[j, lane], friend_of[k, j, lane] * threat[i, k, lane])
        for j in range(n):
            if j != i:
                for lane in range(lanes):
                    abandonment[i, j, lane] = dyad[L.D_DEPENDENCY, i, j, lane] * (1.0 + outside[j, lane]) * 0.5


@njit
def _abandonment_by_lane(dyad, threat, abandonment, plane, scratch):
    """``_abandonment_across_lanes`` lane by lane, SIMD over rows of actors: on a
    lane-major copy of T (``threats_by_target``, [lane, k, i] = T_ik) the threats every i
    sees in k are one contiguous row; for each partner j, its friends k (f_jk > 0, k != j),
    four at a time, raise O_ji of every i at once. Products and max are exact, so the
    order over k does not change a number; a k that is no friend of j adds
    max(0, f_jk) T_ik = 0 and is skipped, and k = i adds f_ji T_ii = 0: neither changes an
    O (O >= 0). ``plane`` [N, N, lanes], ``scratch`` [N, lanes]: scratch."""
    n, lanes = threat.shape[0], threat.shape[2]
    threat_to = threats_by_target(threat, plane)
    outside = scratch.reshape((lanes, n))
    friends = np.empty(n, dtype=np.int64)  # the friends k of j, ascending
    for lane in range(lanes):
        options = outside[lane]  # O_ji by i, for one j
        for j in range(n):
            count = 0
            for k in range(n):
                if k != j and dyad[L.D_AFFINITY, j, k, lane] > 0.0:
                    friends[count] = k
                    count += 1
            for i in range(n):
                options[i] = 0.0
            q = 0
            while q < count:
                if q + 4 <= count:
                    k0, k1, k2, k3 = friends[q], friends[q + 1], friends[q + 2], friends[q + 3]
                    f0, f1 = dyad[L.D_AFFINITY, j, k0, lane], dyad[L.D_AFFINITY, j, k1, lane]
                    f2, f3 = dyad[L.D_AFFINITY, j, k2, lane], dyad[L.D_AFFINITY, j, k3, lane]
                    to0, to1 = threat_to[lane, k0], threat_to[lane, k1]
                    to2, to3 = threat_to[lane, k2], threat_to[lane, k3]
                    for i in range(n):
                        four = max(max(f0 * to0[i], f1 * to1[i]), max(f2 * to2[i], f3 * to3[i]))
                        options[i] = max(options[i], four)
                    q += 4
                else:
                    f0, to0 = dyad[L.D_AFFINITY, j, friends[q], lane], threat_to[lane, friends[q]]
                    for i in range(n):
                        options[i] = max(options[i], f0 * to0[i])
                    q += 1
            for i in range(n):
                if i != j:
                    abandonment[i, j, lane] = dyad[L.D_DEPENDENCY, i, j, lane] * (1.0 + options[i]) * 0.5


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
