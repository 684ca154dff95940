"""Public alignment: the public signal tracks mutual support; leaks cut it.

    a_ij <- a_ij + rho ((s_ij(t) + s_ji(t)) / 2 - a_ij),   then (1 - gamma) a_ij if a leak
    occurred in either direction of the dyad this month.

docs/model.md, section 7.6.
"""

from __future__ import annotations

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.mechanisms.spec import Mechanism, coefficient, state

PARAMETERS = (
    state("alignment", 0, 1, 0.2, "index", "public alignment signal towards the partner", symbol="a_{ij}",
          diagonal=1.0, note="judgement: cool public relations unless the roster says otherwise"),
    coefficient("alignment_rate", 0, 1, 0.1, "1/month", "monthly adjustment rate of public alignment",
                symbol=r"\rho", evidence=("F2",), note="judgement: public line follows deeds within months"),
    coefficient("leak_penalty", 0, 1, 0.2, "share", "share of public alignment lost in a leak", symbol=r"\gamma",
                note="judgement: a public spy scandal costs some public warmth"),
)


class Behaviour:
    """Mesa statement: each agent's public line follows mutual deeds, minus leaked scandals."""

    def update_alignment(self) -> None:
        """Public alignment tracks mutual support; a leaked detection (either way) cuts it."""
        m = self.model
        self.next_alignment = {}
        for other in self.partners():
            j = other.code
            a = self.alignment[j]
            if m.on("alignment"):
                a += m.glob["alignment_rate"] * (0.5 * (self.next_support[j] + other.next_support[self.code]) - a)
                if self.leaked[j] or other.leaked[self.code]:
                    a *= 1.0 - m.glob["leak_penalty"]
            self.next_alignment[j] = a


@njit
def update_alignment(glob, actor, dyad, flags, work, awork, keys, tmp):
    """next_alignment[i, j]: towards mutual support, cut by a leak in either direction."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    new_alignment, new_support, leaked = work[L.W_NEXT_ALIGNMENT], work[L.W_NEXT_SUPPORT], work[L.W_LEAKED]
    on = flags[L.M_ALIGNMENT] != 0
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                a = dyad[L.D_ALIGNMENT, i, j, lane]
                if i != j and on:
                    a += glob[L.G_ALIGNMENT_RATE, lane] * (0.5 * (new_support[i, j, lane] + new_support[j, i, lane]) - a)
                    if leaked[i, j, lane] != 0.0 or leaked[j, i, lane] != 0.0:
                        a *= 1.0 - glob[L.G_LEAK_PENALTY, lane]
                new_alignment[i, j, lane] = a


MECHANISM = Mechanism(
    name="alignment",
    phase="update_alignment",
    summary="public alignment follows mutual support and is cut by leaked detections",
    literature="Kydd (2005) cheap talk vs costly signals",
    switches={"alignment": "a(t) = a(t-1): no tracking of mutual support; leaks have no effect"},
    updates=("alignment",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=update_alignment,
)
