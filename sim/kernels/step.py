"""One month of the model for a block of replications, over arrays (numba).

Phases in order (docs/model.md, "Process overview"); every phase reads the state of
the previous month and writes work arrays, and ``step`` commits at the end, so the
update is synchronous and independent of actor order:

1. threat and need       T_ij = rivalry_ij * cap_j * (1 - trust_ij)
2. support decision      s'_ij = logistic(U_ij + sigma * xi_ij)
3. espionage detection   D_ij ~ Bernoulli(kappa * ci_ij * esp_ji)
4. trust as belief       Bayes on s'_ji and D_ij, type switching, balance drift
5. dependency            towards supply shares, slower down by substitutability
6. public alignment      towards mutual support, cut by leaked detections

Replications run in lanes: every array ends with a lane axis (its length ``lanes`` is
the block width, ``sim.kernels.ensemble.block_width``) and the innermost loops run over
it, so the compiler can use SIMD instructions across replications. Each lane does
exactly the arithmetic of one replication alone (no operation mixes lanes), so results
do not depend on which lane or block a replication lands in. Branches on a lane's values
are written inside the lane loops.
"""

import math

from sim.kernels.jit import njit
from sim.kernels.layout import (
    A_CAPABILITY,
    A_ENTRAPMENT_AVERSION,
    A_EXPOSURE,
    A_SELF_RELIANCE,
    A_STRAIT_INVOLVEMENT,
    A_WAR_INVOLVEMENT,
    D_AFFINITY,
    D_ALIGNMENT,
    D_COUNTERINTELLIGENCE,
    D_DEPENDENCY,
    D_ESPIONAGE,
    D_RIVALRY,
    D_SANCTION_RISK,
    D_SUBSTITUTABILITY,
    D_SUPPORT,
    D_TRUST,
    G_ALIGNMENT_RATE,
    G_BALANCE_RATE,
    G_DEPENDENCY_RATE,
    G_DETECTION_LR,
    G_DETECTION_RATE,
    G_LEAK_PENALTY,
    G_LEAK_PROBABILITY,
    G_NEED_THREAT_WEIGHT,
    G_OBSERVATION_NOISE,
    G_RELIABLE_SUPPORT,
    G_STRAIT,
    G_SUPPORT_BIAS,
    G_SUPPORT_NOISE,
    G_TRUST_PRIOR,
    G_TYPE_CHANGE_RATE,
    G_UNRELIABLE_SUPPORT,
    G_W_AFFINITY,
    G_W_ALIGNMENT,
    G_W_ENTRAPMENT,
    G_W_LEVERAGE,
    G_W_NEED,
    G_W_SANCTION,
    G_W_SHARED_THREAT,
    G_W_TRUST,
    G_WAR,
    M_ALIGNMENT,
    M_BALANCE,
    M_CONFLICT,
    M_DEPENDENCY,
    M_ESPIONAGE,
    M_SUPPORT,
    M_THREAT,
    M_TRUST,
    S_DETECTION,
    S_LEAK,
    S_SUPPORT,
)
from sim.kernels.rng import fill_lane_keys, open_odds_at, uniform_at


@njit
def threat_and_need(glob, actor, dyad, flags, threat, intensity, need, shared, tmp):
    """Fill threat[i, j], intensity[i], need[i] and shared[i, j] (all in [0, 1]) per lane.

    tmp: work space [>= 1, lanes].
    """
    lanes = glob.shape[1]
    n = actor.shape[1]
    conflict, threats = flags[M_CONFLICT] != 0, flags[M_THREAT] != 0
    worst = tmp[0]
    for i in range(n):
        for lane in range(lanes):
            intensity[i, lane] = 0.0
            if conflict:
                intensity[i, lane] = min(1.0, actor[A_WAR_INVOLVEMENT, i, lane] * glob[G_WAR, lane]
                                         + actor[A_STRAIT_INVOLVEMENT, i, lane] * glob[G_STRAIT, lane])
            worst[lane] = 0.0
        for j in range(n):
            for lane in range(lanes):
                t = 0.0
                if threats and i != j:
                    t = dyad[D_RIVALRY, i, j, lane] * actor[A_CAPABILITY, j, lane] * (1.0 - dyad[D_TRUST, i, j, lane])
                threat[i, j, lane] = t
                worst[lane] = max(worst[lane], t)
        for lane in range(lanes):
            need[i, lane] = min(1.0, intensity[i, lane] + glob[G_NEED_THREAT_WEIGHT, lane] * worst[lane])
    for i in range(n):
        for lane in range(lanes):
            shared[i, i, lane] = 0.0
        for j in range(i + 1, n):  # symmetric: min and max do not depend on the order
            for lane in range(lanes):
                worst[lane] = 0.0
            if threats:
                for k in range(n):
                    if k != i and k != j:
                        for lane in range(lanes):
                            worst[lane] = max(worst[lane], min(threat[i, k, lane], threat[j, k, lane]))
            for lane in range(lanes):
                shared[i, j, lane] = worst[lane]
                shared[j, i, lane] = worst[lane]


@njit
def decide_support(glob, actor, dyad, flags, intensity, need, shared, keys, tmp, new_support):
    """new_support[i, j] = logistic(U_ij + sigma * xi_ij); unchanged if the mechanism is off.

    keys[i, j]: the month's random-number key of dyad (i, j) (``sim.kernels.rng``);
    tmp: work space [>= 1, lanes].
    """
    lanes = glob.shape[1]
    n = actor.shape[1]
    if not flags[M_SUPPORT]:
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    new_support[i, j, lane] = 0.0 if i == j else dyad[D_SUPPORT, i, j, lane]
        return
    for i in range(n):
        for j in range(n):
            if i == j:
                for lane in range(lanes):
                    new_support[i, j, lane] = 0.0
                continue
            for lane in range(lanes):
                new_support[i, j, lane] = (
                    glob[G_SUPPORT_BIAS, lane]
                    + glob[G_W_TRUST, lane] * dyad[D_TRUST, i, j, lane]
                    + glob[G_W_SHARED_THREAT, lane] * shared[i, j, lane]
                    + glob[G_W_LEVERAGE, lane] * dyad[D_DEPENDENCY, j, i, lane]
                    + glob[G_W_NEED, lane] * need[j, lane]
                    + glob[G_W_ALIGNMENT, lane] * dyad[D_ALIGNMENT, i, j, lane]
                    + glob[G_W_AFFINITY, lane] * dyad[D_AFFINITY, i, j, lane]
                    - glob[G_W_SANCTION, lane] * actor[A_EXPOSURE, i, lane] * dyad[D_SANCTION_RISK, i, j, lane]
                    - glob[G_W_ENTRAPMENT, lane] * actor[A_ENTRAPMENT_AVERSION, i, lane] * intensity[j, lane]
                )
            # logistic noise and the logistic function in separate loops, so the
            # library calls (log, exp) of different lanes overlap
            noise = tmp[0]
            for lane in range(lanes):
                noise[lane] = open_odds_at(keys[i, j, lane], S_SUPPORT)
            for lane in range(lanes):
                noise[lane] = math.log(noise[lane])
            for lane in range(lanes):
                sigma = glob[G_SUPPORT_NOISE, lane]
                if sigma > 0.0:
                    new_support[i, j, lane] += sigma * noise[lane]
                noise[lane] = math.exp(-new_support[i, j, lane])
            for lane in range(lanes):
                new_support[i, j, lane] = 1.0 / (1.0 + noise[lane])


@njit
def detect_espionage(glob, dyad, flags, keys, detected, leaked):
    """detected[i, j]: i caught j spying this month; leaked[i, j]: and it became public.

    A draw is made only where the detection probability is positive (every draw is
    counter-based, so skipping one changes no other).
    """
    lanes = glob.shape[1]
    n = dyad.shape[1]
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                detected[i, j, lane] = False
                leaked[i, j, lane] = False
            if i == j or not flags[M_ESPIONAGE]:
                continue
            for lane in range(lanes):
                p = glob[G_DETECTION_RATE, lane] * dyad[D_COUNTERINTELLIGENCE, i, j, lane] * dyad[D_ESPIONAGE, j, i, lane]
                if p > 0.0 and uniform_at(keys[i, j, lane], S_DETECTION) < p:
                    detected[i, j, lane] = True
                    leaked[i, j, lane] = uniform_at(keys[i, j, lane], S_LEAK) < glob[G_LEAK_PROBABILITY, lane]


@njit
def update_trust(glob, dyad, flags, new_support, detected, sign, tmp, new_trust):
    """Bayesian filter on the partner's type, then drift towards structural balance.

    sign: work space [N, N, lanes] for the signed trust 2 tau - 1 of the balance term;
    tmp: work space [>= 2, lanes].
    """
    lanes = glob.shape[1]
    n = dyad.shape[1]
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                new_trust[i, j, lane] = 1.0 if i == j else dyad[D_TRUST, i, j, lane]
    if flags[M_TRUST]:
        odds, log_lr_detection = tmp[0], tmp[1]
        for lane in range(lanes):
            log_lr_detection[lane] = math.log(glob[G_DETECTION_LR, lane])
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                for lane in range(lanes):
                    s = new_support[j, i, lane]
                    r_t, r_u = glob[G_RELIABLE_SUPPORT, lane], glob[G_UNRELIABLE_SUPPORT, lane]
                    two_var = 2.0 * glob[G_OBSERVATION_NOISE, lane] * glob[G_OBSERVATION_NOISE, lane]
                    llr = ((s - r_u) * (s - r_u) - (s - r_t) * (s - r_t)) / two_var
                    if detected[i, j, lane]:
                        llr += log_lr_detection[lane]
                    odds[lane] = -llr
                for lane in range(lanes):  # library calls: not vectorised, kept apart
                    odds[lane] = math.exp(odds[lane])
                for lane in range(lanes):
                    tau = new_trust[i, j, lane]
                    belief = tau
                    if 0.0 < tau < 1.0:
                        belief = tau / (tau + (1.0 - tau) * odds[lane])
                    h = glob[G_TYPE_CHANGE_RATE, lane]
                    new_trust[i, j, lane] = (1.0 - h) * belief + h * glob[G_TRUST_PRIOR, lane]
    if flags[M_BALANCE] and n > 2:
        total = tmp[0]
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    sign[i, j, lane] = 2.0 * dyad[D_TRUST, i, j, lane] - 1.0
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                for lane in range(lanes):
                    total[lane] = 0.0
                for k in range(n):  # ascending k, k != i, j
                    if k != i and k != j:
                        for lane in range(lanes):
                            total[lane] += sign[i, k, lane] * sign[k, j, lane]
                for lane in range(lanes):
                    b = total[lane] / (n - 2)
                    eta = glob[G_BALANCE_RATE, lane]
                    new_trust[i, j, lane] = (1.0 - eta) * new_trust[i, j, lane] + eta * 0.5 * (1.0 + b)
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                new_trust[i, j, lane] = min(1.0, max(0.0, new_trust[i, j, lane]))


@njit
def update_dependency(glob, actor, dyad, flags, new_support, tmp, new_dependency):
    """Dependency follows supply shares; losses are replaced only at rate * substitutability.

    tmp: work space [>= 2, lanes].
    """
    lanes = glob.shape[1]
    n = actor.shape[1]
    if not flags[M_DEPENDENCY]:
        for i in range(n):
            for j in range(n):
                for lane in range(lanes):
                    new_dependency[i, j, lane] = dyad[D_DEPENDENCY, i, j, lane]
        return
    supply_total, row = tmp[0], tmp[1]
    for i in range(n):
        for lane in range(lanes):
            supply_total[lane] = actor[A_SELF_RELIANCE, i, lane] * actor[A_CAPABILITY, i, lane]
            row[lane] = 0.0
        for k in range(n):
            if k != i:
                for lane in range(lanes):
                    supply_total[lane] += new_support[k, i, lane] * actor[A_CAPABILITY, k, lane]
        for j in range(n):
            if j == i:
                for lane in range(lanes):
                    new_dependency[i, j, lane] = 0.0
                continue
            for lane in range(lanes):
                target = 0.0
                if supply_total[lane] > 0.0:
                    target = new_support[j, i, lane] * actor[A_CAPABILITY, j, lane] / supply_total[lane]
                old = dyad[D_DEPENDENCY, i, j, lane]
                alpha = glob[G_DEPENDENCY_RATE, lane]
                rate = alpha if target >= old else alpha * dyad[D_SUBSTITUTABILITY, i, j, lane]
                new = old + rate * (target - old)
                new_dependency[i, j, lane] = new
                row[lane] += new
        for j in range(n):
            for lane in range(lanes):
                if row[lane] > 1.0:
                    new_dependency[i, j, lane] /= row[lane]


@njit
def update_alignment(glob, dyad, flags, new_support, leaked, new_alignment):
    """Public alignment tracks mutual support; a leaked detection cuts it on both sides."""
    lanes = glob.shape[1]
    n = dyad.shape[1]
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                a = dyad[D_ALIGNMENT, i, j, lane]
                if i != j and flags[M_ALIGNMENT]:
                    a += glob[G_ALIGNMENT_RATE, lane] * (0.5 * (new_support[i, j, lane] + new_support[j, i, lane]) - a)
                    if leaked[i, j, lane] or leaked[j, i, lane]:
                        a *= 1.0 - glob[G_LEAK_PENALTY, lane]
                new_alignment[i, j, lane] = a


@njit
def step(month_keys, glob, actor, dyad, flags, work, keys, tmp, marks):
    """Advance a block of replications (one per lane) by one month in place.

    ``month_keys[lanes]`` are the lanes' random-number keys of the month
    (``sim.kernels.rng.month_key``); ``work`` a float array (9, N, N, lanes), ``keys`` a
    uint64 array (N, N, lanes) and ``tmp`` a float array (>= 2, lanes) of work space;
    ``marks`` a bool array (2, N, N, lanes) receiving this month's detections (0) and
    leaks (1). ``work[7, 0]`` ([N, lanes]) holds this month's need per actor.
    """
    lanes = glob.shape[1]
    n = actor.shape[1]
    if flags[M_SUPPORT] or flags[M_ESPIONAGE]:
        fill_lane_keys(month_keys, keys)
    threat, shared, new_support, new_trust = work[0], work[1], work[2], work[3]
    new_dependency, new_alignment, intensity, need = work[4], work[5], work[6, 0], work[7, 0]
    detected, leaked = marks[0], marks[1]
    threat_and_need(glob, actor, dyad, flags, threat, intensity, need, shared, tmp)
    decide_support(glob, actor, dyad, flags, intensity, need, shared, keys, tmp, new_support)
    detect_espionage(glob, dyad, flags, keys, detected, leaked)
    update_trust(glob, dyad, flags, new_support, detected, work[8], tmp, new_trust)
    update_dependency(glob, actor, dyad, flags, new_support, tmp, new_dependency)
    update_alignment(glob, dyad, flags, new_support, leaked, new_alignment)
    for i in range(n):
        for j in range(n):
            for lane in range(lanes):
                dyad[D_TRUST, i, j, lane] = new_trust[i, j, lane]
                dyad[D_SUPPORT, i, j, lane] = new_support[i, j, lane]
                dyad[D_DEPENDENCY, i, j, lane] = new_dependency[i, j, lane]
                dyad[D_ALIGNMENT, i, j, lane] = new_alignment[i, j, lane]
