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
from sim.kernels.rng import logistic_noise, uniform


@njit
def threat_and_need(glob, actor, dyad, flags, threat, intensity, need, shared):
    """Fill threat[i, j], intensity[i], need[i] and shared[i, j] (all in [0, 1])."""
    n = actor.shape[1]
    for i in range(n):
        if flags[M_CONFLICT]:
            x = actor[A_WAR_INVOLVEMENT, i] * glob[G_WAR] + actor[A_STRAIT_INVOLVEMENT, i] * glob[G_STRAIT]
            intensity[i] = min(1.0, x)
        else:
            intensity[i] = 0.0
        worst = 0.0
        for j in range(n):
            if i == j or not flags[M_THREAT]:
                threat[i, j] = 0.0
            else:
                threat[i, j] = dyad[D_RIVALRY, i, j] * actor[A_CAPABILITY, j] * (1.0 - dyad[D_TRUST, i, j])
            worst = max(worst, threat[i, j])
        need[i] = min(1.0, intensity[i] + glob[G_NEED_THREAT_WEIGHT] * worst)
    for i in range(n):
        for j in range(n):
            common = 0.0
            if i != j:
                for k in range(n):
                    if k != i and k != j:
                        common = max(common, min(threat[i, k], threat[j, k]))
            shared[i, j] = common


@njit
def decide_support(seed, rep, month, glob, actor, dyad, flags, intensity, need, shared, new_support):
    """new_support[i, j] = logistic(U_ij + sigma * xi_ij); unchanged if the mechanism is off."""
    n = actor.shape[1]
    sigma = glob[G_SUPPORT_NOISE]
    for i in range(n):
        for j in range(n):
            if i == j:
                new_support[i, j] = 0.0
            elif not flags[M_SUPPORT]:
                new_support[i, j] = dyad[D_SUPPORT, i, j]
            else:
                u = (
                    glob[G_SUPPORT_BIAS]
                    + glob[G_W_TRUST] * dyad[D_TRUST, i, j]
                    + glob[G_W_SHARED_THREAT] * shared[i, j]
                    + glob[G_W_LEVERAGE] * dyad[D_DEPENDENCY, j, i]
                    + glob[G_W_NEED] * need[j]
                    + glob[G_W_ALIGNMENT] * dyad[D_ALIGNMENT, i, j]
                    + glob[G_W_AFFINITY] * dyad[D_AFFINITY, i, j]
                    - glob[G_W_SANCTION] * actor[A_EXPOSURE, i] * dyad[D_SANCTION_RISK, i, j]
                    - glob[G_W_ENTRAPMENT] * actor[A_ENTRAPMENT_AVERSION, i] * intensity[j]
                )
                if sigma > 0.0:
                    u += sigma * logistic_noise(seed, rep, month, i, j, S_SUPPORT)
                new_support[i, j] = 1.0 / (1.0 + math.exp(-u))


@njit
def detect_espionage(seed, rep, month, glob, dyad, flags, detected, leaked):
    """detected[i, j]: i caught j spying this month; leaked[i, j]: and it became public."""
    n = dyad.shape[1]
    for i in range(n):
        for j in range(n):
            detected[i, j] = False
            leaked[i, j] = False
            if i != j and flags[M_ESPIONAGE]:
                p = glob[G_DETECTION_RATE] * dyad[D_COUNTERINTELLIGENCE, i, j] * dyad[D_ESPIONAGE, j, i]
                if uniform(seed, rep, month, i, j, S_DETECTION) < p:
                    detected[i, j] = True
                    leaked[i, j] = uniform(seed, rep, month, i, j, S_LEAK) < glob[G_LEAK_PROBABILITY]


@njit
def update_trust(glob, dyad, flags, new_support, detected, new_trust):
    """Bayesian filter on the partner's type, then drift towards structural balance."""
    n = dyad.shape[1]
    r_t = glob[G_RELIABLE_SUPPORT]
    r_u = glob[G_UNRELIABLE_SUPPORT]
    two_var = 2.0 * glob[G_OBSERVATION_NOISE] * glob[G_OBSERVATION_NOISE]
    h = glob[G_TYPE_CHANGE_RATE]
    eta = glob[G_BALANCE_RATE]
    log_lr_detection = math.log(glob[G_DETECTION_LR])
    for i in range(n):
        for j in range(n):
            if i == j:
                new_trust[i, j] = 1.0
                continue
            tau = dyad[D_TRUST, i, j]
            belief = tau
            if flags[M_TRUST]:
                s = new_support[j, i]
                llr = ((s - r_u) * (s - r_u) - (s - r_t) * (s - r_t)) / two_var
                if detected[i, j]:
                    llr += log_lr_detection
                if 0.0 < tau < 1.0:
                    belief = tau / (tau + (1.0 - tau) * math.exp(-llr))
                belief = (1.0 - h) * belief + h * glob[G_TRUST_PRIOR]
            if flags[M_BALANCE] and n > 2:
                b = 0.0
                for k in range(n):
                    if k != i and k != j:
                        b += (2.0 * dyad[D_TRUST, i, k] - 1.0) * (2.0 * dyad[D_TRUST, k, j] - 1.0)
                b /= n - 2
                belief = (1.0 - eta) * belief + eta * 0.5 * (1.0 + b)
            new_trust[i, j] = min(1.0, max(0.0, belief))


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
def step(seed, rep, month, glob, actor, dyad, flags, scratch, flags_out):
    """Advance one replication by one month in place.

    ``scratch`` is a float array (8, N, N) of work space; ``flags_out`` a bool array
    (2, N, N) receiving this month's detections (0) and leaks (1). Returns nothing;
    ``scratch[7, 0, :]`` holds this month's need per actor for recording.
    """
    n = actor.shape[1]
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
    decide_support(seed, rep, month, glob, actor, dyad, flags, intensity, need, shared, new_support)
    detect_espionage(seed, rep, month, glob, dyad, flags, detected, leaked)
    update_trust(glob, dyad, flags, new_support, detected, new_trust)
    update_dependency(glob, actor, dyad, flags, new_support, new_dependency)
    update_alignment(glob, dyad, flags, new_support, leaked, new_alignment)
    for i in range(n):
        for j in range(n):
            dyad[D_TRUST, i, j] = new_trust[i, j]
            dyad[D_SUPPORT, i, j] = new_support[i, j]
            dyad[D_DEPENDENCY, i, j] = new_dependency[i, j]
            dyad[D_ALIGNMENT, i, j] = new_alignment[i, j]
