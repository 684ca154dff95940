"""``encode``: a signed snapshot as a model configuration (a roster dict for ``SimConfig``).

One mapping serves every signed snapshot: the Correlates of War windows, the pre-1914
rosters (``conf/roster/pre_wwi_*.yaml``) and ``forecast_signed``. It is a modelling
judgement, the same for every pair, actor and snapshot, and it applies to both
directions of a pair:

=================  ==============================  ===========  ==========
snapshot tie       affinity f (signed relation)    trust τ      rivalry r
=================  ==============================  ===========  ==========
+1 (positive)      +0.5                            0.80         0.1
−1 (negative)      −0.5                            0.15         0.5
no tie             0                               0.50         0.1
=================  ==============================  ===========  ==========

The forecast reads the sign of affinity (model v2: the signed relation that structural
balance polarises); trust and rivalry set the rest of the dynamics.

Where nothing better is known:

* **capability** is 0.5 for every actor unless the caller gives capabilities (the
  pre-1914 rosters use COW CINC shares; the COW windows ship no capability data);
* **support** starts at 0.05 for every dyad. The support decision overwrites it in
  month 1, so it matters only with ``mechanisms.support`` off;
* **dependency** 0, **alignment** 0.2, **substitutability** 0.5, **entrapment
  aversion** and **self-reliance** 0.5: the schema's neutral defaults, equal everywhere;
* **espionage** and **counterintelligence** 0.05: low, because spying is no part of a
  signed snapshot;
* everything specific to 2025 is switched off: ``world.war`` and ``world.strait`` 0,
  every actor's ``exposure``, ``war_involvement`` and ``strait_involvement`` 0, and
  ``sanction_risk`` 0.

No parameter cites an evidence id: F1–F28 are about 2025.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.history.signed import SignedNetwork

TIE = {
    +1: {"trust": 0.8, "affinity": 0.5},
    -1: {"trust": 0.15, "affinity": -0.5, "rivalry": 0.5},
}
NO_TIE = {
    "trust": {"value": 0.5, "note": "no tie in the snapshot: neutral belief"},
    "support": 0.05,
    "dependency": 0.0,
    "alignment": 0.2,
    "espionage": {"value": 0.05, "note": "low: espionage is no part of a signed snapshot"},
    "counterintelligence": 0.05,
    "affinity": 0.0,
    "rivalry": 0.1,
    "sanction_risk": 0.0,
    "substitutability": 0.5,
}
ACTOR = {
    "exposure": {"value": 0.0, "note": "no sanctions regime in a historical snapshot"},
    "war_involvement": 0.0,
    "strait_involvement": 0.0,
    "entrapment_aversion": 0.5,
    "self_reliance": 0.5,
}
CAPABILITY = {"value": 0.5, "note": "judgement: no capability data, every actor equal"}
WORLD = {
    "war": {"value": 0.0, "note": "no Ukraine war in a historical snapshot"},
    "strait": {"value": 0.0, "note": "no Taiwan Strait crisis in a historical snapshot"},
}


def encode(network: SignedNetwork, *, capability: Mapping | None = None,
           names: Mapping[str, str] | None = None) -> dict:
    """A configuration (``world``, ``actors``, ``relation_defaults``, ``relations`` and
    ``outcome.pair`` = the first two nodes; run settings at the schema's defaults) that
    encodes ``network`` by the mapping of the module docstring.

    ``capability``: per actor code, a value in [0, 1] or a parameter mapping
    (``{value, note}``); actors not given take ``CAPABILITY``. ``names``: display names.
    """
    capability = capability or {}
    names = names or {}
    actors = {}
    for code in network.nodes:
        actor = {"name": names[code]} if code in names else {}
        actor["capability"] = capability.get(code, CAPABILITY)
        actors[code] = actor | ACTOR
    relations: dict[str, dict[str, dict]] = {}
    for a, b, sign in network.edges:
        relations.setdefault(a, {})[b] = dict(TIE[sign])
        relations.setdefault(b, {})[a] = dict(TIE[sign])
    order = {code: k for k, code in enumerate(network.nodes)}
    relations = {a: dict(sorted(row.items(), key=lambda kv: order[kv[0]]))
                 for a, row in sorted(relations.items(), key=lambda kv: order[kv[0]])}
    return {"world": dict(WORLD), "actors": actors, "relation_defaults": dict(NO_TIE), "relations": relations,
            "outcome": {"pair": list(network.nodes[:2])}}
