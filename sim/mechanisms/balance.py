"""Structural balance that polarises: signed relations move towards balanced triads (Heider 1946).

    b_ij     = sum_k f_ik f_kj / (1 + sum_k |f_ik f_kj|)          k != i, j;  in (-1, 1)
    f_ij(t)  = clip(f_ij + eta b_ij, -1, 1)

f_ij in [-1, 1] is i's signed relation (affinity) with j: the friend of a friend and
the enemy of an enemy pull it up, the friend of an enemy and the enemy of a friend pull
it down. Unlike a drift towards neutrality, the fixed points are balanced networks with
|f| = 1, and a tie whose triads disagree with it changes sign: a bounded discretisation
of Marvel et al.'s (2011) dX/dt = X^2 (the triad sum, saturating in the number of
two-paths so that sparse and dense networks move at one rate per unit of frustration)
and the deterministic limit of Antal, Krapivsky & Redner's (2005) constrained triad
dynamics (a tie flips towards the sign of its triads). docs/model.md, section 7.7.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import layout as L
from sim.kernels.jit import njit
from sim.kernels.lanes import any_nonzero
from sim.mechanisms.spec import Mechanism, coefficient, state

PARAMETERS = (
    state("affinity", -1, 1, 0.0, "signed share", "signed relation: affinity (+) or enmity (-) of interests and "
          "regimes", symbol="f_{ij}", diagonal=1.0, note="judgement: neutral unless the roster says otherwise"),
    coefficient("balance_rate", 0, 1, 0.02, "1/month", "monthly rate at which signed relations move towards "
                "structural balance", symbol=r"\eta", prior=(0.0, 0.05),
                note="judgement: to be estimated from the Correlates of War signed networks (docs/validation.md)"),
)


class Behaviour:
    """Mesa statement: each agent's signed relations move towards what its triads imply."""

    def drift_to_balance(self) -> None:
        """f_ij + eta * (saturated sum of triad products through every third actor)."""
        m, g = self.model, self.model.glob
        self.next_affinity = dict(self.affinity)
        if not m.on("balance"):
            return
        for other in self.partners():
            j = other.code
            total, weight = 0.0, 0.0
            for third in m.actors:
                if third is not self and third is not other:
                    product = self.affinity[third.code] * third.affinity[j]
                    total += product
                    weight += abs(product)
            self.next_affinity[j] = self.affinity[j] + g["balance_rate"] * total / (1.0 + weight)


@njit
def drift_to_balance(glob, actor, dyad, flags, work, awork, keys, tmp, lanewise):
    """next_affinity[i, j] = f_ij + eta b_ij (the commit clips to [-1, 1]); ``lanewise``: the
    form of the O(N^3) term (``sim.kernels.lanes.lanewise``)."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    new_affinity, affinity = work[L.W_NEXT_AFFINITY], dyad[L.D_AFFINITY]
    on = flags[L.M_BALANCE] != 0
    for i in range(n):
        for j in range(n):
            if j != i:
                for lane in range(lanes):
                    new_affinity[i, j, lane] = affinity[i, j, lane]
    if not on:
        return
    rates, total, weight = glob[L.G_BALANCE_RATE], awork[L.AW_ROW_SCRATCH], awork[L.AW_ROW_WEIGHT]
    if lanewise is not None:
        _drift_by_lane(affinity, rates, new_affinity, work[L.W_TRANSPOSED], total, weight)
    else:
        _drift_across_lanes(affinity, rates, new_affinity, total, weight)


@njit
def _drift_across_lanes(affinity, rates, new_affinity, total, weight):
    """new_affinity[i, j] += eta b_ij, SIMD across the lanes: for each i, the third actors
    k ascending, every j at once (rows of f_kj stream): each b_ij adds its triads in the
    order k = 0, 1, ... (k != i, j) as term by term; a k with f_ik = 0 in every lane adds
    only zeros and is skipped (same sums). ``total``, ``weight`` [N, lanes]: scratch."""
    n, lanes = affinity.shape[0], affinity.shape[2]
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                total[j, lane] = 0.0
                weight[j, lane] = 0.0
        for k in range(n):
            if k == i or not any_nonzero(affinity[i, k]):
                continue
            for j in range(n):
                if j != i and j != k:
                    for lane in range(lanes):
                        product = affinity[i, k, lane] * affinity[k, j, lane]
                        total[j, lane] += product
                        weight[j, lane] += abs(product)
        for j in range(n):
            if j != i:
                for lane in range(lanes):
                    new_affinity[i, j, lane] += rates[lane] * total[j, lane] / (1.0 + weight[j, lane])


@njit
def _drift_by_lane(affinity, rates, new_affinity, plane, row_scratch, row_weight):
    """``_drift_across_lanes`` lane by lane, SIMD over rows of actors. On a lane-major copy
    of f (``plane`` [N, N, lanes] viewed as [lanes, N, N]) k's ties are one contiguous
    row: for each i, the third actors k ascending, four at a time, add their triads to
    every b_ij at once, in the order k = 0, 1, ... of the sum term by term. Terms b_ij
    excludes add exact zeros instead: the copy is 0 at j = k, and the k with f_ik = 0 are
    skipped (the sums start at +0 and so never become -0: adding ±0 changes nothing). In
    a lane whose f is symmetric, b_ji has the terms of b_ij in the same order
    (f_jk f_ki = f_ik f_kj), so only the j > i are summed, for both. ``row_scratch``,
    ``row_weight`` [N, lanes]: scratch."""
    n, lanes = affinity.shape[0], affinity.shape[2]
    ties_of = plane.reshape((lanes, n, n))
    total, weight = row_scratch.reshape((lanes, n)), row_weight.reshape((lanes, n))
    for k in range(n):
        for j in range(n):
            for lane in range(lanes):
                ties_of[lane, k, j] = affinity[k, j, lane] if j != k else 0.0
    thirds = np.empty(n, dtype=np.int64)  # the k != i with f_ik != 0, ascending
    for lane in range(lanes):
        rate, mirror = rates[lane], symmetric(affinity, lane)
        for i in range(n):
            first = i + 1 if mirror else 0  # the targets j summed: first, first + 1, ..., n - 1
            sums, sizes = total[lane, first:], weight[lane, first:]
            for m in range(sums.shape[0]):
                sums[m] = 0.0
                sizes[m] = 0.0
            count = 0
            for k in range(n):
                if k != i and affinity[i, k, lane] != 0.0:
                    thirds[count] = k
                    count += 1
            q = 0
            while q < count:
                if q + 4 <= count:
                    k0, k1, k2, k3 = thirds[q], thirds[q + 1], thirds[q + 2], thirds[q + 3]
                    f0, f1 = affinity[i, k0, lane], affinity[i, k1, lane]
                    f2, f3 = affinity[i, k2, lane], affinity[i, k3, lane]
                    ties0, ties1 = ties_of[lane, k0, first:], ties_of[lane, k1, first:]
                    ties2, ties3 = ties_of[lane, k2, first:], ties_of[lane, k3, first:]
                    for m in range(sums.shape[0]):
                        p0, p1, p2, p3 = f0 * ties0[m], f1 * ties1[m], f2 * ties2[m], f3 * ties3[m]
                        sums[m] = sums[m] + p0 + p1 + p2 + p3  # left to right: k0, k1, k2, k3
                        sizes[m] = sizes[m] + abs(p0) + abs(p1) + abs(p2) + abs(p3)
                    q += 4
                else:
                    f0, ties0 = affinity[i, thirds[q], lane], ties_of[lane, thirds[q], first:]
                    for m in range(sums.shape[0]):
                        p0 = f0 * ties0[m]
                        sums[m] += p0
                        sizes[m] += abs(p0)
                    q += 1
            for m in range(sums.shape[0]):
                j = first + m
                if j != i:
                    drift = rate * sums[m] / (1.0 + sizes[m])
                    new_affinity[i, j, lane] += drift
                    if mirror:
                        new_affinity[j, i, lane] += drift


@njit
def symmetric(affinity, lane):
    """True if f_ij = f_ji for every pair in ``lane`` of ``affinity`` [N, N, lanes]."""
    n = affinity.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            if affinity[i, j, lane] != affinity[j, i, lane]:
                return False
    return True


MECHANISM = Mechanism(
    name="balance",
    phase="drift_to_balance",
    summary="signed relations move towards structural balance and can change sign (the enemy of my enemy)",
    literature="Heider (1946); Cartwright & Harary (1956); Antal, Krapivsky & Redner (2005); Marvel, Kleinberg, "
               "Kleinberg & Strogatz (2011)",
    switches={"balance": "signed relations (affinity) stay as they are (changed only by events)"},
    updates=("affinity",),
    parameters=PARAMETERS,
    behaviour=Behaviour,
    kernel=drift_to_balance,
)
