"""One month of the model for one replication, over arrays (numba).

Phases in order (docs/model.md, "Process overview"); every phase reads the state of
the previous month and writes scratch arrays, and ``step`` commits at the end, so the
update is synchronous and independent of actor order:

1. threat and need       T_ij = rivalry_ij * cap_j * (1 - trust_ij)
2. support decision      s'_ij = logistic(U_ij + sigma * xi_ij)
3. espionage detection   D_ij ~ Bernoulli(kappa * ci_ij * esp_ji)
4. trust as belief       Bayes on s'_ji and D_ij, type switching, balance drift
5. dependency            towards supply shares, slower down by substitutability
6. public alignment      towards mutual support, cut by leaked detections
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
from sim.kernels.rng import fill_dyad_keys, logistic_at, uniform_at


@njit
def threat_and_need(glob, actor, dyad, flags, threat, intensity, need, shared):
    """Fill threat[i, j], intensity[i], need[i] and shared[i, j] (all in [0, 1])."""
    n = actor.shape[1]
    conflict, threats = flags[M_CONFLICT] != 0, flags[M_THREAT] != 0
    war, strait, w_threat = glob[G_WAR], glob[G_STRAIT], glob[G_NEED_THREAT_WEIGHT]
    for i in range(n):
        intensity[i] = 0.0
        if conflict:
            intensity[i] = min(1.0, actor[A_WAR_INVOLVEMENT, i] * war + actor[A_STRAIT_INVOLVEMENT, i] * strait)
        worst = 0.0
        for j in range(n):
            threat[i, j] = 0.0
            if threats and i != j:
                threat[i, j] = dyad[D_RIVALRY, i, j] * actor[A_CAPABILITY, j] * (1.0 - dyad[D_TRUST, i, j])
            worst = max(worst, threat[i, j])
        need[i] = min(1.0, intensity[i] + w_threat * worst)
    for i in range(n):
        shared[i, i] = 0.0
        for j in range(i + 1, n):  # symmetric: min and max do not depend on the order
            common = 0.0
            if threats:
                for k in range(i):
                    common = max(common, min(threat[i, k], threat[j, k]))
                for k in range(i + 1, j):
                    common = max(common, min(threat[i, k], threat[j, k]))
                for k in range(j + 1, n):
                    common = max(common, min(threat[i, k], threat[j, k]))
            shared[i, j] = common
            shared[j, i] = common


@njit
def decide_support(glob, actor, dyad, flags, intensity, need, shared, keys, new_support):
    """new_support[i, j] = logistic(U_ij + sigma * xi_ij); unchanged if the mechanism is off.

    keys[i, j]: the month's random-number key of dyad (i, j) (``sim.kernels.rng.dyad_key``).
    """
    n = actor.shape[1]
    if not flags[M_SUPPORT]:
        for i in range(n):
            for j in range(n):
                new_support[i, j] = 0.0 if i == j else dyad[D_SUPPORT, i, j]
        return
    # Parameters read once into locals (the loop's stores could alias the arrays).
    sigma, bias = glob[G_SUPPORT_NOISE], glob[G_SUPPORT_BIAS]
    w_trust, w_shared, w_leverage = glob[G_W_TRUST], glob[G_W_SHARED_THREAT], glob[G_W_LEVERAGE]
    w_need, w_alignment, w_affinity = glob[G_W_NEED], glob[G_W_ALIGNMENT], glob[G_W_AFFINITY]
    for i in range(n):
        sanction_i = glob[G_W_SANCTION] * actor[A_EXPOSURE, i]
        entrapment_i = glob[G_W_ENTRAPMENT] * actor[A_ENTRAPMENT_AVERSION, i]
        for j in range(n):
            if i == j:
                new_support[i, j] = 0.0
                continue
            u = (
                bias
                + w_trust * dyad[D_TRUST, i, j]
                + w_shared * shared[i, j]
                + w_leverage * dyad[D_DEPENDENCY, j, i]
                + w_need * need[j]
                + w_alignment * dyad[D_ALIGNMENT, i, j]
                + w_affinity * dyad[D_AFFINITY, i, j]
                - sanction_i * dyad[D_SANCTION_RISK, i, j]
                - entrapment_i * intensity[j]
            )
            if sigma > 0.0:
                u += sigma * logistic_at(keys[i, j], S_SUPPORT)
            new_support[i, j] = 1.0 / (1.0 + math.exp(-u))


@njit
def detect_espionage(glob, dyad, flags, keys, detected, leaked):
    """detected[i, j]: i caught j spying this month; leaked[i, j]: and it became public.

    A dyad with zero detection probability draws nothing (every draw is counter-based,
    so skipping one changes no other).
    """
    n = dyad.shape[1]
    for i in range(n):
        for j in range(n):
            detected[i, j] = False
            leaked[i, j] = False
            if i != j and flags[M_ESPIONAGE]:
                p = glob[G_DETECTION_RATE] * dyad[D_COUNTERINTELLIGENCE, i, j] * dyad[D_ESPIONAGE, j, i]
                if p > 0.0 and uniform_at(keys[i, j], S_DETECTION) < p:
                    detected[i, j] = True
                    leaked[i, j] = uniform_at(keys[i, j], S_LEAK) < glob[G_LEAK_PROBABILITY]


@njit
def update_trust(glob, dyad, flags, new_support, detected, sign, new_trust):
    """Bayesian filter on the partner's type, then drift towards structural balance.

    sign: work space [N, N] for the signed trust 2 tau - 1 used by the balance term.
    """
    n = dyad.shape[1]
    for i in range(n):
        for j in range(n):
            new_trust[i, j] = dyad[D_TRUST, i, j]
        new_trust[i, i] = 1.0
    if flags[M_TRUST]:
        r_t, r_u = glob[G_RELIABLE_SUPPORT], glob[G_UNRELIABLE_SUPPORT]
        two_var = 2.0 * glob[G_OBSERVATION_NOISE] * glob[G_OBSERVATION_NOISE]
        h, prior = glob[G_TYPE_CHANGE_RATE], glob[G_TRUST_PRIOR]
        keep, log_lr_detection = 1.0 - h, math.log(glob[G_DETECTION_LR])
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                tau = new_trust[i, j]
                s = new_support[j, i]
                llr = ((s - r_u) * (s - r_u) - (s - r_t) * (s - r_t)) / two_var
                if detected[i, j]:
                    llr += log_lr_detection
                belief = tau
                if 0.0 < tau < 1.0:
                    belief = tau / (tau + (1.0 - tau) * math.exp(-llr))
                new_trust[i, j] = keep * belief + h * prior
    if flags[M_BALANCE] and n > 2:
        eta = glob[G_BALANCE_RATE]
        keep, half_eta = 1.0 - eta, eta * 0.5
        for i in range(n):
            for j in range(n):
                sign[i, j] = 2.0 * dyad[D_TRUST, i, j] - 1.0
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                lo, hi = min(i, j), max(i, j)
                b = 0.0  # sum over k != i, j in ascending k, without a branch per term
                for k in range(lo):
                    b += sign[i, k] * sign[k, j]
                for k in range(lo + 1, hi):
                    b += sign[i, k] * sign[k, j]
                for k in range(hi + 1, n):
                    b += sign[i, k] * sign[k, j]
                b /= n - 2
                new_trust[i, j] = keep * new_trust[i, j] + half_eta * (1.0 + b)
    for i in range(n):
        for j in range(n):
            new_trust[i, j] = min(1.0, max(0.0, new_trust[i, j]))


@njit
def update_dependency(glob, actor, dyad, flags, new_support, new_dependency):
    """Dependency follows supply shares; losses are replaced only at rate * substitutability."""
    n = actor.shape[1]
    alpha = glob[G_DEPENDENCY_RATE]
    for i in range(n):
        if not flags[M_DEPENDENCY]:
            for j in range(n):
                new_dependency[i, j] = dyad[D_DEPENDENCY, i, j]
            continue
        supply_total = actor[A_SELF_RELIANCE, i] * actor[A_CAPABILITY, i]
        for k in range(n):
            if k != i:
                supply_total += new_support[k, i] * actor[A_CAPABILITY, k]
        row = 0.0
        for j in range(n):
            if j == i:
                new_dependency[i, j] = 0.0
                continue
            target = 0.0
            if supply_total > 0.0:
                target = new_support[j, i] * actor[A_CAPABILITY, j] / supply_total
            old = dyad[D_DEPENDENCY, i, j]
            rate = alpha if target >= old else alpha * dyad[D_SUBSTITUTABILITY, i, j]
            new_dependency[i, j] = old + rate * (target - old)
            row += new_dependency[i, j]
        if row > 1.0:
            for j in range(n):
                new_dependency[i, j] /= row


@njit
def update_alignment(glob, dyad, flags, new_support, leaked, new_alignment):
    """Public alignment tracks mutual support; a leaked detection cuts it on both sides."""
    n = dyad.shape[1]
    rho = glob[G_ALIGNMENT_RATE]
    keep = 1.0 - glob[G_LEAK_PENALTY]
    for i in range(n):
        for j in range(n):
            a = dyad[D_ALIGNMENT, i, j]
            if i != j and flags[M_ALIGNMENT]:
                a += rho * (0.5 * (new_support[i, j] + new_support[j, i]) - a)
                if leaked[i, j] or leaked[j, i]:
                    a *= keep
            new_alignment[i, j] = a


@njit
def step(key, glob, actor, dyad, flags, scratch, keys, flags_out):
    """Advance one replication by one month in place.

    ``key`` is the month's random-number key (``sim.kernels.rng.month_key``); ``scratch``
    a float array (9, N, N) and ``keys`` a uint64 array (N, N) of work space;
    ``flags_out`` a bool array (2, N, N) receiving this month's detections (0) and leaks
    (1). ``scratch[7, 0, :]`` holds this month's need per actor for recording.
    """
    n = actor.shape[1]
    if (flags[M_SUPPORT] and glob[G_SUPPORT_NOISE] > 0.0) or flags[M_ESPIONAGE]:
        fill_dyad_keys(key, keys)
    threat = scratch[0]
    shared = scratch[1]
    new_support = scratch[2]
    new_trust = scratch[3]
    new_dependency = scratch[4]
    new_alignment = scratch[5]
    intensity = scratch[6, 0]
    need = scratch[7, 0]
    detected = flags_out[0]
    leaked = flags_out[1]
    threat_and_need(glob, actor, dyad, flags, threat, intensity, need, shared)
    decide_support(glob, actor, dyad, flags, intensity, need, shared, keys, new_support)
    detect_espionage(glob, dyad, flags, keys, detected, leaked)
    update_trust(glob, dyad, flags, new_support, detected, scratch[8], new_trust)
    update_dependency(glob, actor, dyad, flags, new_support, new_dependency)
    update_alignment(glob, dyad, flags, new_support, leaked, new_alignment)
    for i in range(n):
        for j in range(n):
            dyad[D_TRUST, i, j] = new_trust[i, j]
            dyad[D_SUPPORT, i, j] = new_support[i, j]
            dyad[D_DEPENDENCY, i, j] = new_dependency[i, j]
            dyad[D_ALIGNMENT, i, j] = new_alignment[i, j]
