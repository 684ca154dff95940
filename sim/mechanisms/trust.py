"""Trust as belief: i's posterior that partner j is a reliable type, filtered month by month (Kydd 2005).

    prediction  tau^H = (1 - h) tau_ij + h pi_0                         (types are redrawn: sim.mechanisms.types)
    support     lambda^S = [(s - mu^O)^2 - (s - mu^R)^2] / (2 sigma_o^2),   s = s_ji(t)
    detection   lambda^D = ln Lambda_D                 if i detected j's espionage this month
                         = ln[(1 - Lambda_D p) / (1 - p)]   otherwise,   p = kappa ci_ij esp_ji
    update      tau_ij(t) = tau^H / (tau^H + (1 - tau^H) exp(-lambda^S - lambda^D))   (if 0 < tau^H < 1)

The evidence from support compares what j gave i with what a reliable type (mu^R, which
answers i's need) and an opportunist (mu^O) would have given in j's situation
(sim.mechanisms.support), under a Gaussian observation error sigma_o; it is strong when
i is in need and j could have helped, and nil when both types would act alike. A
detection is read with the likelihood ratio Lambda_D = P(detection | reliable) /
P(detection | opportunist) < 1, a month without one as weak evidence the other way. The
simulated espionage does not depend on the spy's type, so the observer's reading is a
bias: more counterintelligence lowers expected trust at the rate of the Kullback-Leibler
divergence between its two hypotheses (mistrust the evidence cannot correct; Jervis
1976). docs/model.md, section 7.6.
"""

from __future__ import annotations


from sim.kernels import fastmath, layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, coefficient, state

PARAMETERS = (
    state("trust", 0, 1, 0.5, "probability", "belief that the partner is a reliable type", symbol=r"\tau_{ij}",
          diagonal=1.0, note="judgement: an uninformative prior unless the roster says otherwise"),
    coefficient("detection_likelihood_ratio", 0.01, 1, 0.7, "ratio",
                "P(detection | reliable) / P(detection | opportunist), as the detector reads it",
                symbol=r"\Lambda_D", prior=(0.5, 0.9), evidence=("F1",),
                note="judgement: spying is read as a sign of an unreliable partner (the FSB document calls China "
                     "an enemy)"),
    coefficient("observation_noise", 0.01, 5, 1.0, "share (s.d.)", "s.d. of the observer's error on the support "
                "it receives", symbol=r"\sigma_o", prior=(0.5, 2.0),
                note="judgement: deliveries and intentions are hard to read; in a war a partner's type is learnt "
                     "over one to fifteen years, not months"),
)


class Behaviour:
    """Mesa statement: each agent updates its belief that each partner is reliable."""

    def update_trust(self) -> None:
        """Prediction (types may change), then Bayes on the partner's support and on detections."""
        m, g = self.model, self.model.glob
        self.next_trust = {}
        two_var = 2.0 * g["observation_noise"] * g["observation_noise"]
        ratio = g["detection_likelihood_ratio"]
        for other in self.partners():
            j = other.code
            if not m.on("trust"):
                self.next_trust[j] = self.trust[j]
                continue
            h = g["type_change_rate"]
            tau = (1.0 - h) * self.trust[j] + h * g["reliable_share"]
            s = other.next_support[self.code]
            mu_o, mu_r = other.mean_opportunist[self.code], other.mean_reliable[self.code]
            odds = fastmath.exp(-((s - mu_o) * (s - mu_o) - (s - mu_r) * (s - mu_r)) / two_var)
            p = g["detection_rate"] * self.counterintelligence[j] * other.espionage[self.code] if m.on("espionage") else 0.0
            odds *= 1.0 / ratio if self.detected[j] else (1.0 - p) / (1.0 - ratio * p)
            self.next_trust[j] = tau / (tau + (1.0 - tau) * odds) if 0.0 < tau < 1.0 else tau


@njit
def update_trust(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_trust[i, j]: prediction, then Bayes on s_ji(t) against mu^O_ji, mu^R_ji and on D_ij(t)."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    new_trust, new_support, detected = work[L.W_NEXT_TRUST], work[L.W_NEXT_SUPPORT], work[L.W_DETECTED]
    mean_o, mean_r = work[L.W_MEAN_OPPORTUNIST], work[L.W_MEAN_RELIABLE]
    if not flags[L.M_TRUST]:
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    new_trust[i, j, lane] = dyad[L.D_TRUST, i, j, lane]
        return
    espionage = flags[L.M_ESPIONAGE] != 0
    odds = tmp[0]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):
                s, mu_o, mu_r = new_support[j, i, lane], mean_o[j, i, lane], mean_r[j, i, lane]
                sigma = glob[L.G_OBSERVATION_NOISE, lane]
                odds[lane] = -((s - mu_o) * (s - mu_o) - (s - mu_r) * (s - mu_r)) / (2.0 * sigma * sigma)
            for lane in range(lanes):
                odds[lane] = fastmath.exp(odds[lane])
            for lane in range(lanes):
                ratio = glob[L.G_DETECTION_LIKELIHOOD_RATIO, lane]
                p = 0.0
                if espionage:
                    p = glob[L.G_DETECTION_RATE, lane] * dyad[L.D_COUNTERINTELLIGENCE, i, j, lane] * dyad[L.D_ESPIONAGE, j, i, lane]
                if detected[i, j, lane] != 0.0:
                    odds[lane] *= 1.0 / ratio
                else:
                    odds[lane] *= (1.0 - p) / (1.0 - ratio * p)
                h = glob[L.G_TYPE_CHANGE_RATE, lane]
                tau = (1.0 - h) * dyad[L.D_TRUST, i, j, lane] + h * glob[L.G_RELIABLE_SHARE, lane]
                if 0.0 < tau < 1.0:
                    tau = tau / (tau + (1.0 - tau) * odds[lane])
                new_trust[i, j, lane] = tau


MECHANISM = Mechanism(
    name="trust",
    phase="update_trust",
    summary="trust is the posterior that the partner is reliable: support against what each type would give, "
            "and detections",
    literature="Kydd (2005) trust as belief about type; Jervis (1976) misperception",
    switches={"trust": "no belief update: trust stays at its initial value (changed only by events)"},
    updates=("trust",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=update_trust,
)
