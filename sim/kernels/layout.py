"""Array layout shared by the parameter compiler, the numba core and the Mesa reference.

One replication's state is three arrays:

- ``glob[G]``       — world state and dynamics coefficients (scalars),
- ``actor[A, N]``   — per-actor fields, actor index last,
- ``dyad[D, N, N]`` — per ordered dyad ``(i, j)`` fields (row ``i`` is the actor that
  holds the trust, gives the support, runs the counterintelligence, ...).

An ensemble stacks them with a leading replication axis. The field names equal the
pydantic schema's names (a test checks it); the integer constants are frozen into the
kernels at compile time, so changing this file changes the cache key (see ``jit.py``).
"""

GLOB_FIELDS = (
    # world state
    "war",
    "strait",
    # support decision (logit utility)
    "support_bias",
    "w_trust",
    "w_shared_threat",
    "w_leverage",
    "w_need",
    "w_alignment",
    "w_affinity",
    "w_sanction",
    "w_entrapment",
    "support_noise",
    # threat and need
    "need_threat_weight",
    # espionage and counterintelligence
    "detection_rate",
    "detection_likelihood_ratio",
    "leak_probability",
    "leak_penalty",
    # trust as belief
    "reliable_support",
    "unreliable_support",
    "observation_noise",
    "type_change_rate",
    "trust_prior",
    "balance_rate",
    # dependency and public alignment
    "dependency_rate",
    "alignment_rate",
)
ACTOR_FIELDS = (
    "capability",
    "exposure",
    "war_involvement",
    "strait_involvement",
    "entrapment_aversion",
    "self_reliance",
)
DYAD_FIELDS = (
    # dynamic state
    "trust",
    "support",
    "dependency",
    "alignment",
    # parameters
    "espionage",
    "counterintelligence",
    "affinity",
    "rivalry",
    "sanction_risk",
    "substitutability",
)
MECHANISMS = (
    "threat",
    "conflict",
    "support",
    "espionage",
    "trust",
    "balance",
    "dependency",
    "alignment",
    "events",
)
# Dyad fields recorded every month, in this order, in trajectory arrays.
RECORDED_DYAD = ("trust", "support", "dependency", "alignment")

G_WAR = 0
G_STRAIT = 1
G_SUPPORT_BIAS = 2
G_W_TRUST = 3
G_W_SHARED_THREAT = 4
G_W_LEVERAGE = 5
G_W_NEED = 6
G_W_ALIGNMENT = 7
G_W_AFFINITY = 8
G_W_SANCTION = 9
G_W_ENTRAPMENT = 10
G_SUPPORT_NOISE = 11
G_NEED_THREAT_WEIGHT = 12
G_DETECTION_RATE = 13
G_DETECTION_LR = 14
G_LEAK_PROBABILITY = 15
G_LEAK_PENALTY = 16
G_RELIABLE_SUPPORT = 17
G_UNRELIABLE_SUPPORT = 18
G_OBSERVATION_NOISE = 19
G_TYPE_CHANGE_RATE = 20
G_TRUST_PRIOR = 21
G_BALANCE_RATE = 22
G_DEPENDENCY_RATE = 23
G_ALIGNMENT_RATE = 24

A_CAPABILITY = 0
A_EXPOSURE = 1
A_WAR_INVOLVEMENT = 2
A_STRAIT_INVOLVEMENT = 3
A_ENTRAPMENT_AVERSION = 4
A_SELF_RELIANCE = 5

# Most replications per block of the core: the innermost (SIMD) axis of its state arrays.
LANES = 64

D_TRUST = 0
D_SUPPORT = 1
D_DEPENDENCY = 2
D_ALIGNMENT = 3
D_ESPIONAGE = 4
D_COUNTERINTELLIGENCE = 5
D_AFFINITY = 6
D_RIVALRY = 7
D_SANCTION_RISK = 8
D_SUBSTITUTABILITY = 9

M_THREAT = 0
M_CONFLICT = 1
M_SUPPORT = 2
M_ESPIONAGE = 3
M_TRUST = 4
M_BALANCE = 5
M_DEPENDENCY = 6
M_ALIGNMENT = 7
M_EVENTS = 8

# Event targets: which array an effect writes to.
T_GLOB = 0
T_ACTOR = 1
T_DYAD = 2
# Event operations.
OP_SET = 0
OP_ADD = 1
OP_MUL = 2
# Event timing.
EV_SCHEDULED = 0
EV_HAZARD = 1
EV_RECURRING = 2

# Random streams (the last component of every counter-based draw).
S_SUPPORT = 1
S_DETECTION = 2
S_LEAK = 3
S_EVENT = 4
S_PARAMETER = 5
