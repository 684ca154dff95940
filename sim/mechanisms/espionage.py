"""Espionage and counterintelligence: detections as random events.

    p^D_ij = kappa_D ci_ij esp_ji,      D_ij(t) = 1[u^D_ij(t) < p^D_ij]      (stream S_DETECTION)
    Lambda_ij(t) = D_ij(t) 1[u^L_ij(t) < ell]                              (stream S_LEAK)

i detects j's espionage against it; a detection may become public (a leak). Entente-4
is ci[RUS, CHN] high against esp[CHN, RUS] high (F1). Detections are evidence in the
belief update (sim.mechanisms.trust); leaks cut public alignment
(sim.mechanisms.alignment). docs/model.md, section 7.5.
"""

from __future__ import annotations

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.kernels.rng import uniform_at
from sim.mechanisms.spec import Mechanism, coefficient, relation

PARAMETERS = (
    relation("espionage", 0, 1, 0.1, "intensity", "intensity of own espionage against the partner",
             symbol=r"\mathrm{esp}_{ij}", note="judgement: routine intelligence gathering between states"),
    relation("counterintelligence", 0, 1, 0.1, "intensity", "intensity of own counterintelligence against the partner",
             symbol=r"\mathrm{ci}_{ij}", note="judgement: routine counterintelligence between states"),
    coefficient("detection_rate", 0, 1, 0.1, "1/month per unit ci x esp",
                "monthly detection probability per unit espionage x counterintelligence", symbol=r"\kappa_D",
                prior=(0.05, 0.2), evidence=("F1",), note="judgement: one to a few detections a year at full intensity"),
    coefficient("leak_probability", 0, 1, 0.2, "probability", "probability that a detection becomes public",
                symbol=r"\ell", prior=(0.1, 0.3), evidence=("F1",), note="judgement: the Entente-4 papers did become public"),
)


class Behaviour:
    """Mesa statement: each agent's counterintelligence watches each partner's spies."""

    def detect_espionage(self) -> None:
        """Detect each partner's espionage with probability rate * own CI * its espionage."""
        m = self.model
        self.detected, self.leaked = {}, {}
        for other in self.partners():
            j = other.code
            caught = leak = False
            if m.on("espionage"):
                p = m.glob["detection_rate"] * self.counterintelligence[j] * other.espionage[self.code]
                if p > 0.0 and m.draw_uniform(self.index, other.index, L.S_DETECTION) < p:
                    caught = True
                    leak = m.draw_uniform(self.index, other.index, L.S_LEAK) < m.glob["leak_probability"]
            self.detected[j], self.leaked[j] = caught, leak
            if caught:
                m.detections[self.index, other.index] += 1


@njit
def detect_espionage(glob, actor, dyad, flags, work, awork, keys, tmp):
    """detected[i, j] = 1: i caught j spying this month; leaked[i, j] = 1: and it became public.

    A draw is made only where the detection probability is positive (every draw is
    counter-based, so skipping one changes no other).
    """
    lanes = glob.shape[1]
    n = dyad.shape[1]
    detected, leaked = work[L.W_DETECTED], work[L.W_LEAKED]
    on = flags[L.M_ESPIONAGE] != 0
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                detected[i, j, lane] = 0.0
                leaked[i, j, lane] = 0.0
            if i == j or not on:
                continue
            for lane in range(lanes):
                p = glob[L.G_DETECTION_RATE, lane] * dyad[L.D_COUNTERINTELLIGENCE, i, j, lane] * dyad[L.D_ESPIONAGE, j, i, lane]
                if p > 0.0 and uniform_at(keys[i, j, lane], L.S_DETECTION) < p:
                    detected[i, j, lane] = 1.0
                    if uniform_at(keys[i, j, lane], L.S_LEAK) < glob[L.G_LEAK_PROBABILITY, lane]:
                        leaked[i, j, lane] = 1.0


MECHANISM = Mechanism(
    name="espionage",
    phase="detect_espionage",
    summary="counterintelligence detects partners' espionage at random; some detections leak",
    literature="Kydd (2005): evidence of hostile intent as a costly signal in reverse",
    switches={"espionage": "no detection and no leak (D = Lambda = 0); espionage and counterintelligence inert"},
    updates=(),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=detect_espionage,
)
