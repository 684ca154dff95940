"""Trust as belief: Bayes' rule on the partner's type, with type switching (Kydd 2005).

    lambda_ij = [(s - mu_U)^2 - (s - mu_R)^2] / (2 sigma_o^2) + D_ij ln Lambda_D,   s = s_ji(t)
    tau^B = tau / (tau + (1 - tau) exp(-lambda_ij))          (only if 0 < tau < 1)
    tau^H = (1 - h) tau^B + h pi_0

tau_ij is i's probability that j is a reliable type; the partner's support this month
and i's detections of its espionage are the evidence. docs/model.md, section 7.4.
"""

from __future__ import annotations

import math

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, coefficient, state

PARAMETERS = (
    state("trust", 0, 1, 0.5, "probability", "belief that the partner is a reliable type", symbol=r"\tau_{ij}",
          diagonal=1.0, note="judgement: an uninformative prior unless the roster says otherwise"),
    coefficient("detection_likelihood_ratio", 0.01, 1, 0.7, "ratio",
                "P(detection | reliable) / P(detection | unreliable)", symbol=r"\Lambda_D", evidence=("F1",),
                note="judgement: spying is likelier from an unreliable partner"),
    coefficient("reliable_support", 0, 1, 0.6, "share", "support a reliable partner gives, on average",
                symbol=r"\mu_R", note="judgement: mean support of a reliable partner"),
    coefficient("unreliable_support", 0, 1, 0.3, "share", "support an unreliable partner gives, on average",
                symbol=r"\mu_U", note="judgement: mean support of an unreliable partner"),
    coefficient("observation_noise", 0.01, 5, 1.0, "share (s.d.)", "s.d. of observed support around its type mean",
                symbol=r"\sigma_o", note="calibrated: monthly evidence is weak (log-LR <= 0.3)"),
    coefficient("type_change_rate", 0, 1, 0.04, "1/month", "monthly probability that a partner's type is redrawn",
                symbol="h", note="judgement: reliability reassessed about every two years"),
    coefficient("trust_prior", 0, 1, 0.5, "probability", "probability a redrawn type is reliable",
                symbol=r"\pi_0", note="judgement: an uninformative prior on a redrawn type"),
)


def types_differ(dynamics) -> None:
    """The unreliable type's mean support must stay below the reliable type's."""
    if dynamics.unreliable_support.hi >= dynamics.reliable_support.lo:
        raise ValueError(
            "dynamics.unreliable_support: must stay below dynamics.reliable_support "
            f"(got up to {dynamics.unreliable_support.hi:g} vs from {dynamics.reliable_support.lo:g})"
        )


class Behaviour:
    """Mesa statement: each agent updates its belief that each partner is reliable."""

    def update_trust(self) -> None:
        """Posterior that each partner is a reliable type, given its support and detections."""
        m, g = self.model, self.model.glob
        two_var = 2.0 * g["observation_noise"] * g["observation_noise"]
        self.next_trust = {}
        for other in self.partners():
            j = other.code
            tau = self.trust[j]
            belief = tau
            if m.on("trust"):
                s = other.next_support[self.code]
                r_t, r_u = g["reliable_support"], g["unreliable_support"]
                llr = ((s - r_u) * (s - r_u) - (s - r_t) * (s - r_t)) / two_var
                if self.detected[j]:
                    llr += math.log(g["detection_likelihood_ratio"])
                if 0.0 < tau < 1.0:
                    belief = tau / (tau + (1.0 - tau) * math.exp(-llr))
                belief = (1.0 - g["type_change_rate"]) * belief + g["type_change_rate"] * g["trust_prior"]
            self.next_trust[j] = belief


@njit
def update_trust(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_trust[i, j]: Bayes' rule on s_ji(t) and D_ij(t), then type switching."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    new_trust, new_support, detected = work[L.W_NEXT_TRUST], work[L.W_NEXT_SUPPORT], work[L.W_DETECTED]
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                new_trust[i, j, lane] = dyad[L.D_TRUST, i, j, lane]
    if not flags[L.M_TRUST]:
        return
    odds, log_lr_detection = tmp[0], tmp[1]
    for lane in range(lanes):
        log_lr_detection[lane] = math.log(glob[L.G_DETECTION_LIKELIHOOD_RATIO, lane])
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):
                s = new_support[j, i, lane]
                r_t, r_u = glob[L.G_RELIABLE_SUPPORT, lane], glob[L.G_UNRELIABLE_SUPPORT, lane]
                two_var = 2.0 * glob[L.G_OBSERVATION_NOISE, lane] * glob[L.G_OBSERVATION_NOISE, lane]
                llr = ((s - r_u) * (s - r_u) - (s - r_t) * (s - r_t)) / two_var
                if detected[i, j, lane] != 0.0:
                    llr += log_lr_detection[lane]
                odds[lane] = -llr
            for lane in range(lanes):  # library calls: kept apart so the rest vectorises
                odds[lane] = math.exp(odds[lane])
            for lane in range(lanes):
                tau = new_trust[i, j, lane]
                belief = tau
                if 0.0 < tau < 1.0:
                    belief = tau / (tau + (1.0 - tau) * odds[lane])
                h = glob[L.G_TYPE_CHANGE_RATE, lane]
                new_trust[i, j, lane] = (1.0 - h) * belief + h * glob[L.G_TRUST_PRIOR, lane]


MECHANISM = Mechanism(
    name="trust",
    phase="update_trust",
    summary="trust is the posterior that the partner is reliable, updated on its support and on detections",
    literature="Kydd (2005): trust as the belief that the other is a trustworthy type",
    switches={"trust": "no Bayesian update and no type switching (the balance drift still applies if on)"},
    updates=("trust",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=update_trust,
    checks=(types_differ,),
)
