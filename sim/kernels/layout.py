"""Array layout shared by the parameter compiler, the numba core and the Mesa reference.

One replication's state is three arrays (an ensemble block adds a trailing lane axis):

- ``glob[G]``       world state and dynamics coefficients (``GLOB_FIELDS``),
- ``actor[A, N]``   per-actor parameters (``ACTOR_FIELDS``),
- ``dyad[D, N, N]`` per ordered dyad ``(i, j)``: the monthly state (``STATE_FIELDS``)
  then the dyad parameters (row ``i`` holds the trust, gives the support, ...).

A month's phases exchange results through two work arrays: ``work[W, N, N]`` (dyad
planes, ``WORK_PLANES``: scratch of the phases and the next value of every state
variable) and ``awork[K, N]`` (actor rows, ``ACTOR_WORK``).

Every table holds names; every index is computed from its table by name, so a field
can be inserted anywhere. The names equal the schema's (``tests/test_layout.py``
checks both directions). Integer constants are frozen into the kernels at compile
time; editing this file changes the JIT cache key (``sim.kernels.jit``).
"""


class LayoutError(LookupError):
    """A name asked of a layout table that the table does not hold."""


def slot(table: tuple[str, ...], table_name: str, name: str) -> int:
    """Index of ``name`` in ``table``; a ``LayoutError`` naming the table if absent."""
    if name not in table:
        raise LayoutError(f"layout.{table_name} has no field {name!r}; it holds: {', '.join(table)}")
    return table.index(name)


# -- the tables ----------------------------------------------------------------------
WORLD_FIELDS = ("war", "strait")
DYNAMICS_FIELDS = (
    # threat and need
    "need_threat_weight", "threat_conflict_gain",
    # types of partners
    "type_change_rate", "reliable_share",
    # support decision (logit utility)
    "neutral_support", "w_trust", "w_shared_threat", "w_threat", "w_leverage", "w_abandonment", "w_reciprocity",
    "w_need", "w_alignment", "w_affinity", "w_sanction", "w_entrapment", "support_noise",
    # espionage and counterintelligence
    "detection_rate", "leak_probability",
    # trust as belief
    "detection_likelihood_ratio", "observation_noise",
    # structural balance
    "balance_rate",
    # dependency
    "dependency_rate",
    # public alignment
    "alignment_rate", "alignment_threat_premium", "alignment_dependence_premium", "leak_gap_closure",
)
GLOB_FIELDS = WORLD_FIELDS + DYNAMICS_FIELDS
ACTOR_FIELDS = ("capability", "exposure", "war_involvement", "strait_involvement", "entrapment_aversion",
                "self_reliance")
STATE_FIELDS = ("trust", "support", "dependency", "alignment", "affinity", "reliable")
DYAD_PARAMETERS = ("espionage", "counterintelligence", "rivalry", "sanction_risk", "substitutability", "reliability")
DYAD_FIELDS = STATE_FIELDS + DYAD_PARAMETERS

# Work planes: the phases' scratch, then next_<state> for every state variable.
# transposed: scratch of the O(N^3) terms (a plane read by columns, stored by rows, or
# lane-major [lanes, N, N] for the lane-by-lane form, sim.kernels.lanes.lanewise)
SCRATCH_PLANES = ("threat", "shared_threat", "abandonment", "entrapment", "mean_opportunist", "mean_reliable",
                  "detected", "leaked", "transposed")
NEXT_PLANES = tuple(f"next_{name}" for name in STATE_FIELDS)
WORK_PLANES = SCRATCH_PLANES + NEXT_PLANES
# row_scratch, row_weight: one actor's per-target accumulators of an O(N^3) term (scratch
# of the phase that uses them: shared threat, outside options, balance)
ACTOR_WORK = ("intensity", "need", "row_scratch", "row_weight")
TMP_ROWS = 4  # lane vectors of scratch per block

# Recorded every month, in this order, in trajectory arrays (sim.trajectories).
RECORDED_DYAD = STATE_FIELDS
RECORDED_WORLD = WORLD_FIELDS
RECORDED_ACTOR = ("need",)

# Mechanism switches, in the order of ``flags`` (sim.mechanisms.SWITCHES gives the same set).
SWITCHES = ("threat", "conflict", "abandonment", "entrapment", "types", "support", "espionage", "trust", "balance",
            "dependency", "alignment", "events")

# -- indices, by name ------------------------------------------------------------------
G_WAR = slot(GLOB_FIELDS, "GLOB_FIELDS", "war")
G_STRAIT = slot(GLOB_FIELDS, "GLOB_FIELDS", "strait")
G_NEED_THREAT_WEIGHT = slot(GLOB_FIELDS, "GLOB_FIELDS", "need_threat_weight")
G_THREAT_CONFLICT_GAIN = slot(GLOB_FIELDS, "GLOB_FIELDS", "threat_conflict_gain")
G_TYPE_CHANGE_RATE = slot(GLOB_FIELDS, "GLOB_FIELDS", "type_change_rate")
G_RELIABLE_SHARE = slot(GLOB_FIELDS, "GLOB_FIELDS", "reliable_share")
G_NEUTRAL_SUPPORT = slot(GLOB_FIELDS, "GLOB_FIELDS", "neutral_support")
G_W_TRUST = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_trust")
G_W_SHARED_THREAT = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_shared_threat")
G_W_THREAT = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_threat")
G_W_LEVERAGE = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_leverage")
G_W_ABANDONMENT = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_abandonment")
G_W_RECIPROCITY = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_reciprocity")
G_W_NEED = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_need")
G_W_ALIGNMENT = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_alignment")
G_W_AFFINITY = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_affinity")
G_W_SANCTION = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_sanction")
G_W_ENTRAPMENT = slot(GLOB_FIELDS, "GLOB_FIELDS", "w_entrapment")
G_SUPPORT_NOISE = slot(GLOB_FIELDS, "GLOB_FIELDS", "support_noise")
G_DETECTION_RATE = slot(GLOB_FIELDS, "GLOB_FIELDS", "detection_rate")
G_LEAK_PROBABILITY = slot(GLOB_FIELDS, "GLOB_FIELDS", "leak_probability")
G_DETECTION_LIKELIHOOD_RATIO = slot(GLOB_FIELDS, "GLOB_FIELDS", "detection_likelihood_ratio")
G_OBSERVATION_NOISE = slot(GLOB_FIELDS, "GLOB_FIELDS", "observation_noise")
G_BALANCE_RATE = slot(GLOB_FIELDS, "GLOB_FIELDS", "balance_rate")
G_DEPENDENCY_RATE = slot(GLOB_FIELDS, "GLOB_FIELDS", "dependency_rate")
G_ALIGNMENT_RATE = slot(GLOB_FIELDS, "GLOB_FIELDS", "alignment_rate")
G_ALIGNMENT_THREAT_PREMIUM = slot(GLOB_FIELDS, "GLOB_FIELDS", "alignment_threat_premium")
G_ALIGNMENT_DEPENDENCE_PREMIUM = slot(GLOB_FIELDS, "GLOB_FIELDS", "alignment_dependence_premium")
G_LEAK_GAP_CLOSURE = slot(GLOB_FIELDS, "GLOB_FIELDS", "leak_gap_closure")

A_CAPABILITY = slot(ACTOR_FIELDS, "ACTOR_FIELDS", "capability")
A_EXPOSURE = slot(ACTOR_FIELDS, "ACTOR_FIELDS", "exposure")
A_WAR_INVOLVEMENT = slot(ACTOR_FIELDS, "ACTOR_FIELDS", "war_involvement")
A_STRAIT_INVOLVEMENT = slot(ACTOR_FIELDS, "ACTOR_FIELDS", "strait_involvement")
A_ENTRAPMENT_AVERSION = slot(ACTOR_FIELDS, "ACTOR_FIELDS", "entrapment_aversion")
A_SELF_RELIANCE = slot(ACTOR_FIELDS, "ACTOR_FIELDS", "self_reliance")

D_TRUST = slot(DYAD_FIELDS, "DYAD_FIELDS", "trust")
D_SUPPORT = slot(DYAD_FIELDS, "DYAD_FIELDS", "support")
D_DEPENDENCY = slot(DYAD_FIELDS, "DYAD_FIELDS", "dependency")
D_ALIGNMENT = slot(DYAD_FIELDS, "DYAD_FIELDS", "alignment")
D_AFFINITY = slot(DYAD_FIELDS, "DYAD_FIELDS", "affinity")
D_RELIABLE = slot(DYAD_FIELDS, "DYAD_FIELDS", "reliable")
D_ESPIONAGE = slot(DYAD_FIELDS, "DYAD_FIELDS", "espionage")
D_COUNTERINTELLIGENCE = slot(DYAD_FIELDS, "DYAD_FIELDS", "counterintelligence")
D_RIVALRY = slot(DYAD_FIELDS, "DYAD_FIELDS", "rivalry")
D_SANCTION_RISK = slot(DYAD_FIELDS, "DYAD_FIELDS", "sanction_risk")
D_SUBSTITUTABILITY = slot(DYAD_FIELDS, "DYAD_FIELDS", "substitutability")
D_RELIABILITY = slot(DYAD_FIELDS, "DYAD_FIELDS", "reliability")

W_THREAT = slot(WORK_PLANES, "WORK_PLANES", "threat")
W_SHARED_THREAT = slot(WORK_PLANES, "WORK_PLANES", "shared_threat")
W_ABANDONMENT = slot(WORK_PLANES, "WORK_PLANES", "abandonment")
W_ENTRAPMENT = slot(WORK_PLANES, "WORK_PLANES", "entrapment")
W_MEAN_OPPORTUNIST = slot(WORK_PLANES, "WORK_PLANES", "mean_opportunist")
W_MEAN_RELIABLE = slot(WORK_PLANES, "WORK_PLANES", "mean_reliable")
W_DETECTED = slot(WORK_PLANES, "WORK_PLANES", "detected")
W_LEAKED = slot(WORK_PLANES, "WORK_PLANES", "leaked")
W_TRANSPOSED = slot(WORK_PLANES, "WORK_PLANES", "transposed")
W_NEXT_TRUST = slot(WORK_PLANES, "WORK_PLANES", "next_trust")
W_NEXT_SUPPORT = slot(WORK_PLANES, "WORK_PLANES", "next_support")
W_NEXT_DEPENDENCY = slot(WORK_PLANES, "WORK_PLANES", "next_dependency")
W_NEXT_ALIGNMENT = slot(WORK_PLANES, "WORK_PLANES", "next_alignment")
W_NEXT_AFFINITY = slot(WORK_PLANES, "WORK_PLANES", "next_affinity")
W_NEXT_RELIABLE = slot(WORK_PLANES, "WORK_PLANES", "next_reliable")

AW_INTENSITY = slot(ACTOR_WORK, "ACTOR_WORK", "intensity")
AW_NEED = slot(ACTOR_WORK, "ACTOR_WORK", "need")
AW_ROW_SCRATCH = slot(ACTOR_WORK, "ACTOR_WORK", "row_scratch")
AW_ROW_WEIGHT = slot(ACTOR_WORK, "ACTOR_WORK", "row_weight")

M_THREAT = slot(SWITCHES, "SWITCHES", "threat")
M_CONFLICT = slot(SWITCHES, "SWITCHES", "conflict")
M_ABANDONMENT = slot(SWITCHES, "SWITCHES", "abandonment")
M_ENTRAPMENT = slot(SWITCHES, "SWITCHES", "entrapment")
M_TYPES = slot(SWITCHES, "SWITCHES", "types")
M_SUPPORT = slot(SWITCHES, "SWITCHES", "support")
M_ESPIONAGE = slot(SWITCHES, "SWITCHES", "espionage")
M_TRUST = slot(SWITCHES, "SWITCHES", "trust")
M_BALANCE = slot(SWITCHES, "SWITCHES", "balance")
M_DEPENDENCY = slot(SWITCHES, "SWITCHES", "dependency")
M_ALIGNMENT = slot(SWITCHES, "SWITCHES", "alignment")
M_EVENTS = slot(SWITCHES, "SWITCHES", "events")

# Derived index tables read by the generic parts of the core (record, commit).
RECORDED_DYAD_PLANES = tuple(slot(DYAD_FIELDS, "DYAD_FIELDS", name) for name in RECORDED_DYAD)
RECORDED_WORLD_SLOTS = tuple(slot(GLOB_FIELDS, "GLOB_FIELDS", name) for name in RECORDED_WORLD)
RECORDED_ACTOR_ROWS = tuple(slot(ACTOR_WORK, "ACTOR_WORK", name) for name in RECORDED_ACTOR)
COMMIT_PLANES = tuple((slot(DYAD_FIELDS, "DYAD_FIELDS", name), slot(WORK_PLANES, "WORK_PLANES", f"next_{name}"))
                      for name in STATE_FIELDS)

# Most replications per block of the core: the innermost (SIMD) axis of its state arrays.
LANES = 64

# Event targets (which array an effect writes to), operations and timings.
TARGET_KINDS = ("glob", "actor", "dyad")
T_GLOB = slot(TARGET_KINDS, "TARGET_KINDS", "glob")
T_ACTOR = slot(TARGET_KINDS, "TARGET_KINDS", "actor")
T_DYAD = slot(TARGET_KINDS, "TARGET_KINDS", "dyad")
EVENT_OPS = ("set", "add", "mul")
OP_SET = slot(EVENT_OPS, "EVENT_OPS", "set")
OP_ADD = slot(EVENT_OPS, "EVENT_OPS", "add")
OP_MUL = slot(EVENT_OPS, "EVENT_OPS", "mul")
EVENT_TIMINGS = ("scheduled", "hazard", "recurring")
EV_SCHEDULED = slot(EVENT_TIMINGS, "EVENT_TIMINGS", "scheduled")
EV_HAZARD = slot(EVENT_TIMINGS, "EVENT_TIMINGS", "hazard")
EV_RECURRING = slot(EVENT_TIMINGS, "EVENT_TIMINGS", "recurring")
# Columns of the compiled event tables (sim.mechanisms.events).
EVENT_COLUMNS = ("timing", "month", "every", "start", "end", "max_fires", "key", "first_effect", "stop_effect")
E_TIMING = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "timing")
E_MONTH = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "month")
E_EVERY = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "every")
E_START = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "start")
E_END = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "end")
E_MAX_FIRES = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "max_fires")
E_KEY = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "key")
E_FIRST_EFFECT = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "first_effect")
E_STOP_EFFECT = slot(EVENT_COLUMNS, "EVENT_COLUMNS", "stop_effect")
EFFECT_COLUMNS = ("kind", "field", "i", "j", "op")
F_KIND = slot(EFFECT_COLUMNS, "EFFECT_COLUMNS", "kind")
F_FIELD = slot(EFFECT_COLUMNS, "EFFECT_COLUMNS", "field")
F_I = slot(EFFECT_COLUMNS, "EFFECT_COLUMNS", "i")
F_J = slot(EFFECT_COLUMNS, "EFFECT_COLUMNS", "j")
F_OP = slot(EFFECT_COLUMNS, "EFFECT_COLUMNS", "op")
EFFECT_VALUES = ("value", "lo", "hi")
FV_VALUE = slot(EFFECT_VALUES, "EFFECT_VALUES", "value")
FV_LO = slot(EFFECT_VALUES, "EFFECT_VALUES", "lo")
FV_HI = slot(EFFECT_VALUES, "EFFECT_VALUES", "hi")

# Random streams: the last coordinate of every counter-based draw (sim.kernels.rng).
# Identifiers, not positions: a stream's id never changes (common random numbers
# across versions and scenarios depend on it), so the table states them.
STREAM_IDS = {"support": 1, "detection": 2, "leak": 3, "event": 4, "parameter": 5, "type_change": 6, "type": 7}
S_SUPPORT = STREAM_IDS["support"]
S_DETECTION = STREAM_IDS["detection"]
S_LEAK = STREAM_IDS["leak"]
S_EVENT = STREAM_IDS["event"]
S_PARAMETER = STREAM_IDS["parameter"]
S_TYPE_CHANGE = STREAM_IDS["type_change"]
S_TYPE = STREAM_IDS["type"]
