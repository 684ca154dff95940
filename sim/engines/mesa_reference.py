"""The Mesa reference engine: one ``mesa.Agent`` per actor, one replication per model.

This is the readable statement of the behaviour; the numba core computes the same thing
over arrays. The agent is composed of one behaviour per mechanism
(``sim.mechanisms.<name>.Behaviour``, beside that mechanism's kernel). A month
(``AllianceModel.step``): events fire, then each phase runs for every agent before the
next phase starts, and ``commit`` makes the new state visible at once (synchronous
update, order-free)::

    redraw_types -> assess_threats -> weigh_commitments -> decide_support -> detect_espionage
    -> update_trust -> drift_to_balance -> update_dependency -> update_alignment -> commit

Random draws come from the same counter-based generator as the core, keyed by
(seed, replication, month, i, j, stream), so both engines see identical draws.

As a Mesa model, it stops itself at the horizon (``running``), collects model reporters
(war, strait, the outcome pair's partnership index, whether it has ruptured so far)
and agent reporters keyed by actor code, and works with ``mesa.batch_run``::

    from mesa.batchrunner import batch_run
    rows = batch_run(AllianceModel, {"scenario": "baseline", "rep": range(3),
                                     "relations__RUS__CHN__counterintelligence": [0.2, 0.9]},
                     max_steps=60, display_progress=False)
"""

from __future__ import annotations

import logging

import mesa
import numpy as np

from sim import mechanisms
from sim.compile import CompiledModel, Draw, compile_model
from sim.kernels import layout
from sim.kernels.reduce import next_run, partnership, retained
from sim.kernels.rng import logistic_noise, uniform
from sim.mechanisms import threat
from sim.mechanisms.events import apply_op, fires
from sim.trajectories import Trajectories

# Mesa logs every step at INFO; Hydra's logging set-up would print them all. Quiet by
# default, unless the user has set the level of Mesa's logger themselves.
_MESA_LOG = logging.getLogger("MESA")
if _MESA_LOG.level == logging.NOTSET:
    _MESA_LOG.setLevel(logging.WARNING)


class ActorAgent(*(m.behaviour for m in mechanisms.PHASES), mesa.Agent):
    """A state (CHN, RUS, ...) with its own parameters and its rows of the dyadic state.

    Row dicts map a partner's code to this actor's value towards it, e.g.
    ``self.trust["CHN"]`` is this actor's trust in China, ``self.support["UKR"]`` the
    support it gives Ukraine this month. Each phase method comes from its mechanism's
    ``Behaviour``; ``commit`` makes every ``next_<state>`` the state.
    """

    def __init__(self, model: AllianceModel, code: str, index: int, actor: np.ndarray, dyad: np.ndarray):
        super().__init__(model)
        self.code = code
        self.index = index
        for f, name in enumerate(layout.ACTOR_FIELDS):
            setattr(self, name, float(actor[f, index]))
        for f, name in enumerate(layout.DYAD_FIELDS):
            setattr(self, name, {other: float(dyad[f, index, j]) for j, other in enumerate(model.roster) if j != index})
        self.threat: dict[str, float] = {}
        self.intensity = 0.0
        self.need = 0.0

    def partners(self) -> list[ActorAgent]:
        return [a for a in self.model.actors if a is not self]

    def commit(self) -> None:
        """State <- next state, clipped to each variable's declared bounds."""
        for p in mechanisms.STATE:
            setattr(self, p.name, {j: min(p.hi, max(p.lo, v)) for j, v in getattr(self, f"next_{p.name}").items()})


class AllianceModel(mesa.Model):
    """One replication of the alliance model (reference engine).

    ``AllianceModel(compiled, rep)`` runs replication ``rep`` of a compiled
    configuration; ``AllianceModel(scenario="taiwan_drones", rep=0, **params)`` composes
    one first, with ``params`` as overrides where ``__`` stands for ``.``
    (``relations__RUS__CHN__trust=0.3``), as ``mesa.batch_run`` calls it.
    """

    PHASES = (*(m.phase for m in mechanisms.PHASES), "commit")

    def __init__(self, compiled: CompiledModel | None = None, rep: int = 0, *, draw: Draw | None = None,
                 scenario="baseline", overrides=(), **params):
        if compiled is None:
            from sim.config.compose import load_config

            given = [f"{key.replace('__', '.')}={value}" for key, value in params.items()]
            compiled = compile_model(load_config(scenario, [*overrides, *given]))
        elif params:
            raise TypeError(f"parameters {sorted(params)} need a scenario, not a compiled model")
        super().__init__(rng=compiled.config.seed)
        draw = compiled.draw(np.array([rep])) if draw is None else draw
        self.compiled = compiled
        self.config = compiled.config
        self.rep = int(rep)
        self.month = 0
        self.roster = list(compiled.roster)
        self.glob = {name: float(draw.glob[0, g]) for g, name in enumerate(layout.GLOB_FIELDS)}
        self.actors = [ActorAgent(self, code, i, draw.actor[0], draw.dyad[0]) for i, code in enumerate(self.roster)]
        self.detections = np.zeros((len(self.roster), len(self.roster)), dtype=np.int64)
        self.n_fired = np.zeros(len(compiled.events.names), dtype=np.int64)
        self.pair = tuple(self.actors[self.roster.index(code)] for code in self.config.outcome.pair)
        self.months_below = 0
        self.ruptured = False
        for m in mechanisms.PHASES:  # month 0: start phases, then the record's derived quantities
            if m.start_phase:
                self.agents.do(m.start_phase)
        self.agents.do(threat.MECHANISM.phase)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                **{name: (lambda m, name=name: m.glob[name]) for name in layout.RECORDED_WORLD},
                "partnership_index": AllianceModel.partnership_index,
                "ruptured": "ruptured",
            },
            agent_reporters={
                "code": "code",
                **{name: name for name in layout.RECORDED_ACTOR},
                **{name: (lambda a, name=name: dict(getattr(a, name))) for name in layout.RECORDED_DYAD},
            },
        )
        self.peak = self.partnership_index()  # the running peak of the outcome pair's index
        self.datacollector.collect(self)

    def on(self, mechanism: str) -> bool:
        return bool(getattr(self.config.mechanisms, mechanism))

    def draw_uniform(self, i: int, j: int, stream: int) -> float:
        return uniform(self.config.seed, self.rep, self.month, i, j, stream)

    def draw_logistic(self, i: int, j: int, stream: int) -> float:
        return logistic_noise(self.config.seed, self.rep, self.month, i, j, stream)

    def partnership_index(self) -> float:
        """I_ab of the outcome pair (sim.outcomes): mean of mutual trust and mutual support."""
        a, b = self.pair
        return partnership(a.trust[b.code], b.trust[a.code], a.support[b.code], b.support[a.code])

    def apply_events(self) -> None:
        """Fire this month's events (the rules of sim.mechanisms.events) on the agents' state."""
        ev = self.compiled.events
        for e in range(ev.ev_int.shape[0]):
            if not fires(ev.ev_int[e], ev.ev_hazard[e], self.n_fired[e], self.config.seed, self.rep, self.month):
                continue
            self.n_fired[e] += 1
            for f in range(ev.ev_int[e, layout.E_FIRST_EFFECT], ev.ev_int[e, layout.E_STOP_EFFECT]):
                kind, field, i, j, op = (int(v) for v in ev.eff_int[f])
                value, lo, hi = ev.eff_float[f]
                if kind == layout.T_GLOB:
                    holder, key = self.glob, layout.GLOB_FIELDS[field]
                elif kind == layout.T_ACTOR:
                    holder, key = vars(self.actors[i]), layout.ACTOR_FIELDS[field]
                else:
                    holder, key = getattr(self.actors[i], layout.DYAD_FIELDS[field]), self.roster[j]
                holder[key] = apply_op(op, holder[key], value, lo, hi)

    def _judge_rupture(self) -> None:
        out = self.config.outcome
        index = self.partnership_index()
        self.peak = max(self.peak, index)
        self.months_below = next_run(self.months_below, retained(index, self.peak), out.rupture_threshold)
        self.ruptured = self.ruptured or self.months_below >= out.rupture_months

    def step(self) -> None:
        self.month += 1
        if self.on("events"):
            self.apply_events()
        for phase in self.PHASES:
            self.agents.do(phase)
        self._judge_rupture()
        self.datacollector.collect(self)
        self.running = self.month < self.config.horizon_months


def run_mesa(compiled: CompiledModel, draw: Draw) -> Trajectories:
    """Simulate each row of ``draw`` (one replication each) with its own ``AllianceModel``."""
    out = Trajectories.empty(draw.reps, compiled.config.horizon_months, len(compiled.roster),
                             len(compiled.events.names))
    for r, rep in enumerate(out.reps):
        model = AllianceModel(compiled, int(rep), draw=draw.row(r))
        while model.running:
            model.step()
        _fill(out, r, model)
    return out


def _fill(out: Trajectories, r: int, model: AllianceModel) -> None:
    """Copy a finished model's DataCollector records into row ``r`` of the arrays."""
    records = model.datacollector.get_agent_vars_dataframe()
    world = model.datacollector.get_model_vars_dataframe()
    for w, name in enumerate(layout.RECORDED_WORLD):
        out.world[r, :, w] = world[name].to_numpy()
    diagonal = {p.name: p.diagonal for p in mechanisms.STATE}
    for agent in model.actors:
        rows = records.xs(agent.unique_id, level="AgentID")
        i = agent.index
        for k, name in enumerate(layout.RECORDED_ACTOR):
            out.actor[r, :, k, i] = rows[name].to_numpy()
        for v, name in enumerate(layout.RECORDED_DYAD):
            for t, row in enumerate(rows[name]):
                for j, code in enumerate(model.roster):
                    out.dyad[r, t, v, i, j] = row[code] if j != i else diagonal[name]
    out.detections[r] = model.detections
    out.fires[r] = model.n_fired
