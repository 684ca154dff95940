"""Support decision: a random-utility (logit) choice with logistic noise (McFadden 1974).

    U^O_ij = logit(s_0) + b_tau (tau_ij - 1/2) + b_r (s_ji(t-1) - s_0) + b_a a_ij + b_f f_ij
             + b_T Tbar_ij - b_P T_ij + b_d d_ji + b_A A_ij - b_z e_i z_ij - b_chi E_ij     (an opportunist)
    U_ij   = U^O_ij + theta_ij b_n n_j a_ij                          (a reliable type honours its commitment)
    s_ij(t) = logistic(U_ij + sigma_s xi_ij(t)),   xi standard logistic (stream S_SUPPORT)

Up with trust, the support received last month (reciprocity), public alignment,
affinity, shared threat, leverage (the partner's dependency on oneself) and fear of
abandonment; down with the partner's own threat, sanction exposure and fear of
entrapment (sim.mechanisms.dilemma). The intercept is not a free weight: a neutral dyad
(trust 1/2, no support received beyond s_0, no alignment, affinity, threat, dependence
or need) gives the neutral support s_0 (the rosters' default support of unrelated
states). A reliable type (sim.mechanisms.types) also answers the partner's need, in
proportion to its public commitment a_ij. The decision writes what each type would give
on average in the same situation, mu^O_ij = logistic(U^O_ij) and mu^R_ij =
logistic(U^O_ij + b_n n_j a_ij): the partner's belief update compares the support it
receives with both (sim.mechanisms.trust). docs/model.md, section 7.4.
"""

from __future__ import annotations

import math

from sim.kernels import fastmath, layout as L
from sim.kernels.jit import njit
from sim.kernels.rng import open_odds_at
from sim.mechanisms.spec import Mechanism, actor, coefficient, relation, state


def _weight(name, default, prior, unit, description, symbol, **kw):
    return coefficient(name, 0, 20, default, unit, description, symbol=symbol, prior=prior, **kw)


PARAMETERS = (
    state("support", 0, 1, 0.05, "share of the partner's request met", "material support given this month",
          symbol="s_{ij}", diagonal=0.0, note="judgement: little support between unrelated states"),
    actor("exposure", 0, 1, 0.3, "share", "exposure to Western markets and finance", symbol="e_i",
          note="judgement: moderate exposure unless the roster says otherwise"),
    relation("sanction_risk", 0, 1, 0.0, "share", "Western sanction penalty risk per unit of support to the partner",
             symbol="z_{ij}", note="judgement: no sanction risk unless a scenario sets one"),
    coefficient("neutral_support", 0.001, 0.5, 0.05, "share of the partner's request met", "support a "
                "neutral dyad gives (sets the intercept of the support utility)", symbol="s_0", prior=(0.02, 0.1),
                note="judgement: unrelated states meet 2-10% of each other's requests; the rosters' default dyad "
                     "support is 5%"),
    _weight("w_trust", 2.0, (1.0, 3.0), "logit per unit trust", "support utility per unit trust", r"\beta_\tau",
            note="judgement: trust as belief drives cooperation (Kydd 2005)"),
    _weight("w_shared_threat", 2.0, (1.0, 3.0), "logit per unit shared threat",
            "support utility per unit shared threat", r"\beta_T", evidence=("F25",),
            note="balance of threat (Walt 1987): a common adversary binds"),
    _weight("w_threat", 2.0, (1.0, 3.0), "logit per unit threat", "support disutility per unit of the partner's "
            "own threat", r"\beta_P", note="judgement: a partner that is itself a threat gets less (Walt 1987)"),
    _weight("w_leverage", 1.0, (0.5, 2.0), "logit per unit dependency",
            "support utility per unit of the partner's dependency on oneself", r"\beta_d", evidence=("F15",),
            note="asymmetric interdependence as leverage (Hirschman 1945)"),
    _weight("w_abandonment", 2.0, (1.0, 3.0), "logit per unit fear", "support utility per unit fear of "
            "abandonment", r"\beta_A", evidence=("F7",),
            note="Snyder (1984): the dependent ally supports to avoid abandonment"),
    _weight("w_reciprocity", 2.0, (1.0, 3.0), "logit per unit support received",
            "support utility per unit of the support received last month", r"\beta_r", evidence=("F11",),
            note="judgement: support answers support (Axelrod 1984; Snyder 1984)"),
    _weight("w_need", 2.0, (1.0, 3.0), "logit per unit need x alignment", "support utility per unit of the "
            "partner's need times own public commitment, for a reliable type", r"\beta_n",
            note="judgement: a reliable partner honours commitments when they are called on (Kydd 2005; Leeds 2003)"),
    _weight("w_alignment", 1.0, (0.5, 1.5), "logit per unit alignment", "support utility per unit public "
            "alignment", r"\beta_a", evidence=("F2",), note="audience costs: public commitments are costly to "
                                                            "break (Fearon 1994)"),
    _weight("w_affinity", 1.5, (0.75, 2.25), "logit per unit affinity", "support utility per unit affinity "
            "(signed relation)", r"\beta_f", note="judgement: interest and regime affinity"),
    _weight("w_sanction", 4.0, (2.0, 6.0), "logit per unit exposure x risk", "support disutility per unit "
            "exposure x sanction risk", r"\beta_z", evidence=("F17",),
            note="judgement: sanction exposure deters support"),
    _weight("w_entrapment", 2.0, (1.0, 3.0), "logit per unit fear", "support disutility per unit fear of "
            "entrapment", r"\beta_\chi", evidence=("F8",), note="alliance security dilemma (Snyder 1984)"),
    coefficient("support_noise", 0, 5, 0.5, "logit", "scale of the logistic noise on support utility",
                symbol=r"\sigma_s", prior=(0.25, 1.0), note="judgement: month-to-month variation of deliveries"),
)


class Behaviour:
    """Mesa statement: each agent chooses how much to support each partner."""

    def opportunist_utility(self, other) -> float:
        """U^O: the utility of supporting ``other`` without the reliable type's answer to need."""
        g = self.model.glob
        j = other.code
        s0 = g["neutral_support"]
        return (
            math.log(s0 / (1.0 - s0))
            + g["w_trust"] * (self.trust[j] - 0.5)
            + g["w_reciprocity"] * (other.support[self.code] - s0)
            + g["w_alignment"] * self.alignment[j]
            + g["w_affinity"] * self.affinity[j]
            + g["w_shared_threat"] * self.shared_threat(other)
            - g["w_threat"] * self.threat[j]
            + g["w_leverage"] * other.dependency[self.code]
            + g["w_abandonment"] * self.abandonment[j]
            - g["w_sanction"] * self.exposure * self.sanction_risk[j]
            - g["w_entrapment"] * self.entrapment[j]
        )

    def decide_support(self) -> None:
        """Logit choice on U = U^O + (if reliable) b_n n_j a_ij plus noise; also what each
        type would give on average (mean_opportunist, mean_reliable), for the partner."""
        m, g = self.model, self.model.glob
        self.next_support, self.mean_opportunist, self.mean_reliable = {}, {}, {}
        for other in self.partners():
            j = other.code
            if not m.on("support"):
                self.next_support[j] = self.support[j]
                self.mean_opportunist[j] = self.mean_reliable[j] = self.support[j]
                continue
            u_opportunist = self.opportunist_utility(other)
            answer = g["w_need"] * other.need * self.alignment[j]
            if m.on("types"):
                u_reliable = u_opportunist + answer
                u = u_reliable if self.next_reliable[j] == 1.0 else u_opportunist
            else:
                u_opportunist = u_reliable = u = u_opportunist + g["reliable_share"] * answer
            self.mean_opportunist[j] = 1.0 / (1.0 + fastmath.exp(-u_opportunist))
            self.mean_reliable[j] = 1.0 / (1.0 + fastmath.exp(-u_reliable))
            xi = m.draw_logistic(self.index, other.index, L.S_SUPPORT)
            self.next_support[j] = 1.0 / (1.0 + fastmath.exp(-(u + g["support_noise"] * xi)))


@njit
def decide_support(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_support[i, j] = logistic(U_ij + sigma xi_ij), and the type means mu^O, mu^R;
    support unchanged if the switch is off."""
    lanes = glob.shape[1]
    n = actor.shape[1]
    new_support = work[L.W_NEXT_SUPPORT]
    mean_o, mean_r = work[L.W_MEAN_OPPORTUNIST], work[L.W_MEAN_RELIABLE]
    if not flags[L.M_SUPPORT]:
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    s = dyad[L.D_SUPPORT, i, j, lane]
                    new_support[i, j, lane] = s
                    mean_o[i, j, lane] = s
                    mean_r[i, j, lane] = s
        return
    types = flags[L.M_TYPES] != 0
    shared, threat = work[L.W_SHARED_THREAT], work[L.W_THREAT]
    abandonment, entrapment = work[L.W_ABANDONMENT], work[L.W_ENTRAPMENT]
    reliable, need = work[L.W_NEXT_RELIABLE], awork[L.AW_NEED]
    u_o, u, xi, intercept = tmp[0], tmp[1], tmp[2], tmp[3]
    for lane in range(lanes):  # logit(s_0): one library call per lane, not per dyad
        s0 = glob[L.G_NEUTRAL_SUPPORT, lane]
        intercept[lane] = math.log(s0 / (1.0 - s0))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):
                s0 = glob[L.G_NEUTRAL_SUPPORT, lane]
                u_o[lane] = (
                    intercept[lane]
                    + glob[L.G_W_TRUST, lane] * (dyad[L.D_TRUST, i, j, lane] - 0.5)
                    + glob[L.G_W_RECIPROCITY, lane] * (dyad[L.D_SUPPORT, j, i, lane] - s0)
                    + glob[L.G_W_ALIGNMENT, lane] * dyad[L.D_ALIGNMENT, i, j, lane]
                    + glob[L.G_W_AFFINITY, lane] * dyad[L.D_AFFINITY, i, j, lane]
                    + glob[L.G_W_SHARED_THREAT, lane] * shared[i, j, lane]
                    - glob[L.G_W_THREAT, lane] * threat[i, j, lane]
                    + glob[L.G_W_LEVERAGE, lane] * dyad[L.D_DEPENDENCY, j, i, lane]
                    + glob[L.G_W_ABANDONMENT, lane] * abandonment[i, j, lane]
                    - glob[L.G_W_SANCTION, lane] * actor[L.A_EXPOSURE, i, lane] * dyad[L.D_SANCTION_RISK, i, j, lane]
                    - glob[L.G_W_ENTRAPMENT, lane] * entrapment[i, j, lane]
                )
                answer = glob[L.G_W_NEED, lane] * need[j, lane] * dyad[L.D_ALIGNMENT, i, j, lane]
                if types:
                    u[lane] = u_o[lane] + answer  # the reliable type's utility, for now
                else:
                    u_o[lane] += glob[L.G_RELIABLE_SHARE, lane] * answer
                    u[lane] = u_o[lane]
                xi[lane] = open_odds_at(keys[i, j, lane], L.S_SUPPORT)
            for lane in range(lanes):
                mean_o[i, j, lane] = 1.0 / (1.0 + fastmath.exp(-u_o[lane]))
                mean_r[i, j, lane] = 1.0 / (1.0 + fastmath.exp(-u[lane]))
                v = u_o[lane] if types and reliable[i, j, lane] != 1.0 else u[lane]
                noise = glob[L.G_SUPPORT_NOISE, lane] * fastmath.log(xi[lane])
                new_support[i, j, lane] = 1.0 / (1.0 + fastmath.exp(-(v + noise)))


MECHANISM = Mechanism(
    name="support",
    phase="decide_support",
    summary="each actor chooses the support it gives each partner from a noisy logit utility; reliable types "
            "also answer need",
    literature="Snyder (1984) the alliance security dilemma; Kydd (2005) types; McFadden (1974) random utility",
    switches={"support": "no decision: s(t) = s(t-1) (initial values, changed only by events); no noise drawn; "
                         "support carries no evidence about type"},
    updates=("support",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=decide_support,
)
