"""Support decision: a random-utility (logit) choice with logistic noise (McFadden 1974).

    U_ij = b0 + b_tau tau_ij + b_T Tbar_ij + b_d d_ji + b_n n_j + b_a a_ij + b_f f_ij
           - b_z e_i z_ij - b_chi chi_i x_j
    s_ij(t) = logistic(U_ij + sigma_s xi_ij(t)),   xi standard logistic (stream S_SUPPORT)

Up with trust, shared threat, leverage (the partner's dependency on oneself), the
partner's need, public alignment and affinity; down with sanction exposure and
entrapment risk (Snyder 1984). docs/model.md, section 7.2.
"""

from __future__ import annotations

import math

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.kernels.rng import open_odds_at
from sim.mechanisms.spec import Mechanism, actor, coefficient, relation, state

PARAMETERS = (
    state("support", 0, 1, 0.05, "share of the partner's request met", "material support given this month",
          symbol="s_{ij}", diagonal=0.0, note="judgement: little support between unrelated states"),
    actor("exposure", 0, 1, 0.3, "share", "exposure to Western markets and finance", symbol="e_i",
          note="judgement: moderate exposure unless the roster says otherwise"),
    actor("entrapment_aversion", 0, 1, 0.5, "share", "aversion to being drawn into a partner's war",
          symbol=r"\chi_i", note="judgement: neutral aversion unless the roster says otherwise"),
    relation("affinity", -1, 1, 0.0, "signed share", "baseline affinity (+) or rivalry (-) of interests and regimes",
             symbol="f_{ij}", note="judgement: neutral unless the roster says otherwise"),
    relation("sanction_risk", 0, 1, 0.0, "share", "Western sanction penalty risk per unit of support to the partner",
             symbol="z_{ij}", note="judgement: no sanction risk unless a scenario sets one"),
    coefficient("support_bias", -20, 20, -5.5, "logit", "support utility intercept", symbol=r"\beta_0",
                note="calibrated: baseline holds while the war lasts (F10)"),
    coefficient("w_trust", 0, 20, 3.0, "logit per unit trust", "support utility per unit trust",
                symbol=r"\beta_\tau", note="judgement: trust as belief drives support (Kydd 2005)"),
    coefficient("w_shared_threat", 0, 20, 3.0, "logit per unit shared threat",
                "support utility per unit shared threat", symbol=r"\beta_T", evidence=("F25",),
                note="balance of threat (Walt 1987): a common adversary binds"),
    coefficient("w_leverage", 0, 20, 1.0, "logit per unit dependency",
                "support utility per unit of the partner's dependency on oneself", symbol=r"\beta_d",
                evidence=("F15",), note="judgement: a partner dependent on oneself is worth supporting"),
    coefficient("w_need", 0, 20, 1.5, "logit per unit need", "support utility per unit of the partner's need",
                symbol=r"\beta_n", note="judgement: support answers the partner's need"),
    coefficient("w_alignment", 0, 20, 1.0, "logit per unit alignment", "support utility per unit public alignment",
                symbol=r"\beta_a", evidence=("F2",), note="judgement: public commitments are costly to break"),
    coefficient("w_affinity", 0, 20, 1.5, "logit per unit affinity", "support utility per unit affinity",
                symbol=r"\beta_f", note="judgement: regime and interest affinity"),
    coefficient("w_sanction", 0, 20, 4.0, "logit per unit exposure x risk",
                "support disutility per unit exposure x sanction risk", symbol=r"\beta_z", evidence=("F17",),
                note="judgement: sanction exposure deters support"),
    coefficient("w_entrapment", 0, 20, 1.0, "logit per unit aversion x intensity",
                "support disutility per unit aversion x partner's war intensity", symbol=r"\beta_\chi",
                evidence=("F8",), note="alliance security dilemma (Snyder 1984)"),
    coefficient("support_noise", 0, 5, 0.5, "logit", "scale of the logistic noise on support utility",
                symbol=r"\sigma_s", note="judgement: month-to-month variation of deliveries"),
)


class Behaviour:
    """Mesa statement: each agent chooses how much to support each partner."""

    def decide_support(self) -> None:
        """Logit choice: trust, shared threat, leverage, need, alignment, affinity up;
        sanction exposure and entrapment risk down; logistic noise on the utility."""
        m, g = self.model, self.model.glob
        self.next_support = {}
        for other in self.partners():
            j = other.code
            if not m.on("support"):
                self.next_support[j] = self.support[j]
                continue
            utility = (
                g["support_bias"]
                + g["w_trust"] * self.trust[j]
                + g["w_shared_threat"] * self.shared_threat(other)
                + g["w_leverage"] * other.dependency[self.code]
                + g["w_need"] * other.need
                + g["w_alignment"] * self.alignment[j]
                + g["w_affinity"] * self.affinity[j]
                - g["w_sanction"] * self.exposure * self.sanction_risk[j]
                - g["w_entrapment"] * self.entrapment_aversion * other.intensity
            )
            if g["support_noise"] > 0.0:
                utility += g["support_noise"] * m.draw_logistic(self.index, other.index, L.S_SUPPORT)
            self.next_support[j] = 1.0 / (1.0 + math.exp(-utility))


@njit
def decide_support(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_support[i, j] = logistic(U_ij + sigma * xi_ij); unchanged if the switch is off."""
    lanes = glob.shape[1]
    n = actor.shape[1]
    new_support = work[L.W_NEXT_SUPPORT]
    if not flags[L.M_SUPPORT]:
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    new_support[i, j, lane] = dyad[L.D_SUPPORT, i, j, lane]
        return
    shared, intensity, need = work[L.W_SHARED_THREAT], awork[L.AW_INTENSITY], awork[L.AW_NEED]
    noise = tmp[0]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):
                new_support[i, j, lane] = (
                    glob[L.G_SUPPORT_BIAS, lane]
                    + glob[L.G_W_TRUST, lane] * dyad[L.D_TRUST, i, j, lane]
                    + glob[L.G_W_SHARED_THREAT, lane] * shared[i, j, lane]
                    + glob[L.G_W_LEVERAGE, lane] * dyad[L.D_DEPENDENCY, j, i, lane]
                    + glob[L.G_W_NEED, lane] * need[j, lane]
                    + glob[L.G_W_ALIGNMENT, lane] * dyad[L.D_ALIGNMENT, i, j, lane]
                    + glob[L.G_W_AFFINITY, lane] * dyad[L.D_AFFINITY, i, j, lane]
                    - glob[L.G_W_SANCTION, lane] * actor[L.A_EXPOSURE, i, lane] * dyad[L.D_SANCTION_RISK, i, j, lane]
                    - glob[L.G_W_ENTRAPMENT, lane] * actor[L.A_ENTRAPMENT_AVERSION, i, lane] * intensity[j, lane]
                )
            # the noise and the logistic in loops of their own, so the library calls
            # (log, exp) of different lanes overlap
            for lane in range(lanes):
                noise[lane] = open_odds_at(keys[i, j, lane], L.S_SUPPORT)
            for lane in range(lanes):
                noise[lane] = math.log(noise[lane])
            for lane in range(lanes):
                sigma = glob[L.G_SUPPORT_NOISE, lane]
                if sigma > 0.0:
                    new_support[i, j, lane] += sigma * noise[lane]
                noise[lane] = math.exp(-new_support[i, j, lane])
            for lane in range(lanes):
                new_support[i, j, lane] = 1.0 / (1.0 + noise[lane])


MECHANISM = Mechanism(
    name="support",
    phase="decide_support",
    summary="each actor chooses the support it gives each partner from a noisy logit utility",
    literature="Snyder (1984) entrapment in the alliance security dilemma; McFadden (1974) random utility",
    switches={"support": "no decision: s(t) = s(t-1) (initial values, changed only by events); no noise drawn"},
    updates=("support",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=decide_support,
)
