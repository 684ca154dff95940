"""Public alignment: a strategic signal to an audience, distinct from private trust.

    a*_ij    = clip(tau_ij(t) + phi_T Tbar_ij + phi_d d_ij, 0, 1)       what i chooses to show
    a_ij    <- a_ij + rho (a*_ij - a_ij)
    a_ij    <- a_ij - gamma (a_ij - tau_ij(t))   if a detection between i and j leaked this month

i shows j its private trust plus a premium for the audience: unity against shared
adversaries (phi_T) and the cost of a visible rift with a partner one depends on
(phi_d). A leaked spy scandal tells the audience what the governments know, closing the
public-private gap g_ij = a_ij - tau_ij by the share gamma. The gap of every dyad is an
output per month. docs/model.md, section 7.9.
"""

from __future__ import annotations

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, coefficient, state

PARAMETERS = (
    state("alignment", 0, 1, 0.2, "index", "public alignment signal towards the partner", symbol="a_{ij}",
          diagonal=1.0, note="judgement: cool public relations unless the roster says otherwise"),
    coefficient("alignment_rate", 0, 1, 0.1, "1/month", "monthly adjustment rate of public alignment to its target",
                symbol=r"\rho", prior=(0.05, 0.2), evidence=("F2",),
                note="judgement: the public line follows a changed calculus within months"),
    coefficient("alignment_threat_premium", 0, 2, 0.5, "per unit shared threat", "public alignment shown above "
                "private trust per unit of shared threat", symbol=r"\phi_T", prior=(0.25, 0.75),
                evidence=("F2", "F25"), note="judgement: unity is displayed against a common adversary"),
    coefficient("alignment_dependence_premium", 0, 2, 0.3, "per unit dependency", "public alignment shown above "
                "private trust per unit of own dependency on the partner", symbol=r"\phi_d", prior=(0.1, 0.5),
                evidence=("F1", "F2"), note="judgement: a dependent partner cannot afford a visible rift"),
    coefficient("leak_gap_closure", 0, 1, 0.3, "share", "share of the public-private gap closed by a leaked "
                "detection", symbol=r"\gamma", prior=(0.1, 0.5), evidence=("F1",),
                note="judgement: a public spy scandal exposes part of the private mistrust"),
)


class Behaviour:
    """Mesa statement: each agent's public line towards each partner."""

    def update_alignment(self) -> None:
        """Towards private trust plus the audience premium; a leak closes part of the gap."""
        m, g = self.model, self.model.glob
        self.next_alignment = {}
        for other in self.partners():
            j = other.code
            a = self.alignment[j]
            if m.on("alignment"):
                tau = self.next_trust[j]
                target = min(1.0, max(0.0, tau + g["alignment_threat_premium"] * self.shared_threat(other)
                                      + g["alignment_dependence_premium"] * self.dependency[j]))
                a += g["alignment_rate"] * (target - a)
                if self.leaked[j] or other.leaked[self.code]:
                    a -= g["leak_gap_closure"] * (a - tau)
            self.next_alignment[j] = a


@njit
def update_alignment(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_alignment[i, j]: towards tau_ij(t) + phi_T Tbar_ij + phi_d d_ij; a leak closes the gap."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    new_alignment, new_trust, leaked = work[L.W_NEXT_ALIGNMENT], work[L.W_NEXT_TRUST], work[L.W_LEAKED]
    shared = work[L.W_SHARED_THREAT]
    on = flags[L.M_ALIGNMENT] != 0
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for lane in range(lanes):
                a = dyad[L.D_ALIGNMENT, i, j, lane]
                if on:
                    tau = new_trust[i, j, lane]
                    target = min(1.0, max(0.0, tau + glob[L.G_ALIGNMENT_THREAT_PREMIUM, lane] * shared[i, j, lane]
                                          + glob[L.G_ALIGNMENT_DEPENDENCE_PREMIUM, lane] * dyad[L.D_DEPENDENCY, i, j, lane]))
                    a += glob[L.G_ALIGNMENT_RATE, lane] * (target - a)
                    if leaked[i, j, lane] != 0.0 or leaked[j, i, lane] != 0.0:
                        a -= glob[L.G_LEAK_GAP_CLOSURE, lane] * (a - tau)
                new_alignment[i, j, lane] = a


MECHANISM = Mechanism(
    name="alignment",
    phase="update_alignment",
    summary="public alignment is a signal to an audience: private trust plus a premium for shared adversaries and "
            "dependence; leaks close the gap",
    literature="Fearon (1994) audience costs; Kydd (2005) cheap talk and costly signals",
    switches={"alignment": "a(t) = a(t-1): the public line stays where it is; leaks have no effect"},
    updates=("alignment",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=update_alignment,
)
