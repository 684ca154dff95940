"""Threat and need (balance of threat; Walt 1987).

    x_i     = min(1, nu^W_i W + nu^Theta_i Theta)                    conflict intensity   (switch conflict)
    T_ij    = r_ij c_j (1 - tau_ij) (1 + kappa x_j) / (1 + kappa)    threat i sees in j   (switch threat)
    n_i     = min(1, x_i + omega max_j T_ij)                         need for outside support
    Tbar_ij = max_{k != i, j} min(T_ik, T_jk)                        shared threat (symmetric)

Threat is power, salience and distrust, and it rises with the rival's own conflict
involvement: a belligerent rival threatens more (kappa = 0 removes the effect; at full
involvement the threat is r c (1 - tau)). War and Strait tension thus raise both need
and threat. All in [0, 1]. docs/model.md, section 7.1.
"""

from __future__ import annotations

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, actor, coefficient, relation, world

PARAMETERS = (
    world("war", 0, 1, 0.8, "intensity", "intensity of the war in Ukraine", symbol="W", evidence=("F10", "F25")),
    world("strait", 0, 1, 0.3, "intensity", "Taiwan Strait tension", symbol=r"\Theta", evidence=("F12",)),
    actor("capability", 0, 1, 0.5, "index (strongest = 1)", "relative power", symbol="c_i",
          note="judgement: composite of military and economic weight (in the spirit of COW's CINC)"),
    actor("war_involvement", 0, 1, 0.0, "share", "involvement in the Ukraine war", symbol=r"\nu^W_i",
          note="judgement: uninvolved unless the roster says otherwise"),
    actor("strait_involvement", 0, 1, 0.0, "share", "stake in a Taiwan Strait crisis", symbol=r"\nu^\Theta_i",
          note="judgement: no stake unless the roster says otherwise"),
    relation("rivalry", 0, 1, 0.1, "share", "salience of the partner's power as a threat to oneself",
             symbol="r_{ij}", note="judgement: low background rivalry"),
    coefficient("need_threat_weight", 0, 1, 0.5, "share", "weight of the largest threat in an actor's need",
                symbol=r"\omega", prior=(0.25, 0.75), note="judgement: war needs weigh more than latent threats"),
    coefficient("threat_conflict_gain", 0, 5, 1.0, "per unit intensity",
                "rise of a rival's threat with its own conflict involvement", symbol=r"\kappa", prior=(0.0, 2.0),
                note="judgement: a belligerent rival threatens up to three times as much as a quiet one (Walt 1987: "
                     "offensive capability and intentions)"),
)


class Behaviour:
    """Mesa statement: each agent sizes up its partners and its own need."""

    def conflict_intensity(self) -> float:
        m = self.model
        if not m.on("conflict"):
            return 0.0
        return min(1.0, self.war_involvement * m.glob["war"] + self.strait_involvement * m.glob["strait"])

    def assess_threats(self) -> None:
        """Threat from each partner: rivalry-weighted capability times distrust, raised by
        the partner's conflict involvement (Walt)."""
        m, g = self.model, self.model.glob
        self.intensity = self.conflict_intensity()
        kappa = g["threat_conflict_gain"]
        self.threat = {}
        worst = 0.0
        for other in self.partners():
            t = 0.0
            if m.on("threat"):
                t = (self.rivalry[other.code] * other.capability * (1.0 - self.trust[other.code])
                     * (1.0 + kappa * other.conflict_intensity()) / (1.0 + kappa))
            self.threat[other.code] = t
            worst = max(worst, t)
        self.need = min(1.0, self.intensity + g["need_threat_weight"] * worst)

    def shared_threat(self, other) -> float:
        """The largest threat both this actor and ``other`` face from one third actor."""
        common = 0.0
        for third in self.model.actors:
            if third is not self and third is not other:
                common = max(common, min(self.threat[third.code], other.threat[third.code]))
        return common


@njit
def threats_by_target(threat, plane):
    """A work plane [N, N, lanes] viewed as [lanes, N, N] and filled with T transposed,
    ``[lane, k, j] = T_jk``: lane by lane, the threats every actor sees in k, one
    contiguous row. Returns the view."""
    n, lanes = threat.shape[0], threat.shape[2]
    out = plane.reshape((lanes, n, n))
    for j in range(n):
        for k in range(n):
            for lane in range(lanes):
                out[lane, k, j] = threat[j, k, lane]
    return out


@njit
def assess_threats(glob, actor, dyad, flags, work, awork, keys, tmp, lanewise):
    """Fill threat, shared_threat (work planes) and intensity, need (actor rows) per lane;
    ``lanewise``: the form of the O(N^3) shared threat (``sim.kernels.lanes.lanewise``)."""
    lanes = glob.shape[1]
    n = actor.shape[1]
    conflict, threats = flags[L.M_CONFLICT] != 0, flags[L.M_THREAT] != 0
    threat, shared = work[L.W_THREAT], work[L.W_SHARED_THREAT]
    intensity, need = awork[L.AW_INTENSITY], awork[L.AW_NEED]
    worst = tmp[0]
    for i in range(n):
        for lane in range(lanes):
            intensity[i, lane] = 0.0
            if conflict:
                intensity[i, lane] = min(1.0, actor[L.A_WAR_INVOLVEMENT, i, lane] * glob[L.G_WAR, lane]
                                         + actor[L.A_STRAIT_INVOLVEMENT, i, lane] * glob[L.G_STRAIT, lane])
    for i in range(n):
        for lane in range(lanes):
            worst[lane] = 0.0
        for j in range(n):
            for lane in range(lanes):
                t = 0.0
                if threats and i != j:
                    kappa = glob[L.G_THREAT_CONFLICT_GAIN, lane]
                    t = (dyad[L.D_RIVALRY, i, j, lane] * actor[L.A_CAPABILITY, j, lane]
                         * (1.0 - dyad[L.D_TRUST, i, j, lane]) * (1.0 + kappa * intensity[j, lane]) / (1.0 + kappa))
                threat[i, j, lane] = t
                worst[lane] = max(worst[lane], t)
        for lane in range(lanes):
            need[i, lane] = min(1.0, intensity[i, lane] + glob[L.G_NEED_THREAT_WEIGHT, lane] * worst[lane])
    if not threats:
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    shared[i, j, lane] = 0.0
    elif lanewise is not None:
        _shared_by_lane(threat, shared, work[L.W_TRANSPOSED], awork[L.AW_ROW_SCRATCH])
    else:
        _shared_across_lanes(threat, shared, work[L.W_TRANSPOSED], awork[L.AW_ROW_SCRATCH])


@njit
def _shared_across_lanes(threat, shared, by_target, worst_of):
    """shared[i, j] = max_k min(T_ik, T_jk), SIMD across the lanes: for each i, the third
    parties k ascending, every j > i at once (rows of ``by_target[k, j] = T_jk`` stream).
    ``by_target`` [N, N, lanes], ``worst_of`` [N, lanes]: scratch."""
    n, lanes = threat.shape[0], threat.shape[2]
    for i in range(n):  # by_target[k, j] = T_jk: the threats to k, stored by row
        for k in range(n):
            for lane in range(lanes):
                by_target[k, i, lane] = threat[i, k, lane]
    for i in range(n):
        for lane in range(lanes):
            shared[i, i, lane] = 0.0
        for j in range(i + 1, n):  # symmetric: min and max do not depend on the order
            for lane in range(lanes):
                worst_of[j, lane] = 0.0
        for k in range(n):
            if k != i:
                for j in range(i + 1, n):
                    if j != k:
                        for lane in range(lanes):
                            worst_of[j, lane] = max(worst_of[j, lane], min(threat[i, k, lane], by_target[k, j, lane]))
        for j in range(i + 1, n):
            for lane in range(lanes):
                shared[i, j, lane] = worst_of[j, lane]
                shared[j, i, lane] = worst_of[j, lane]


@njit
def _shared_by_lane(threat, shared, plane, scratch):
    """``_shared_across_lanes`` lane by lane, SIMD over rows of actors: on a lane-major
    copy of T (``threats_by_target``) the threats to k of every j > i are one contiguous
    row; for each i, the third parties k, four at a time, raise every pair (i, j > i) at
    once. Max and min are exact, so the order over k does not change a number, and k = i
    or k = j add min(., T_kk = 0) = 0 (T >= 0). ``plane`` [N, N, lanes], ``scratch``
    [N, lanes]: scratch."""
    n, lanes = threat.shape[0], threat.shape[2]
    threats_to = threats_by_target(threat, plane)
    worst_of = scratch.reshape((lanes, n))
    for lane in range(lanes):
        for i in range(n):
            shared[i, i, lane] = 0.0
        for i in range(n):
            later = worst_of[lane, i + 1:]  # the pairs (i, j > i), indexed from 0
            for m in range(later.shape[0]):
                later[m] = 0.0
            k = 0
            while k < n:
                if k + 4 <= n:
                    t0, t1 = threat[i, k, lane], threat[i, k + 1, lane]
                    t2, t3 = threat[i, k + 2, lane], threat[i, k + 3, lane]
                    to0, to1 = threats_to[lane, k, i + 1:], threats_to[lane, k + 1, i + 1:]
                    to2, to3 = threats_to[lane, k + 2, i + 1:], threats_to[lane, k + 3, i + 1:]
                    for m in range(later.shape[0]):
                        four = max(max(min(t0, to0[m]), min(t1, to1[m])), max(min(t2, to2[m]), min(t3, to3[m])))
                        later[m] = max(later[m], four)
                    k += 4
                else:
                    t0, to0 = threat[i, k, lane], threats_to[lane, k, i + 1:]
                    for m in range(later.shape[0]):
                        later[m] = max(later[m], min(t0, to0[m]))
                    k += 1
            for j in range(i + 1, n):
                shared[i, j, lane] = worst_of[lane, j]
                shared[j, i, lane] = worst_of[lane, j]


MECHANISM = Mechanism(
    name="threat",
    phase="assess_threats",
    summary="threat from each partner's power, distrust and belligerence; need from conflict and the largest threat",
    literature="Walt (1987): alliances balance against threat (power, proximity, offensive capability, intentions)",
    switches={
        "threat": "T_ij = 0 for all dyads, hence no shared threat and need = conflict intensity",
        "conflict": "x_i = 0: need is threat-driven only, threats lose their conflict gain and the entrapment "
                    "risk vanishes; war and strait are inert",
    },
    updates=(),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=assess_threats,
)
