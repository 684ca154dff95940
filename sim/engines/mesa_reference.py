"""The Mesa reference engine: one ``mesa.Agent`` per actor, one replication per model.

This is the readable statement of the behaviour; the numba core (``sim.kernels``)
computes the same thing over arrays. A month (``AllianceModel.step``) is: events fire,
then each phase runs for every agent before the next phase starts, and ``commit``
makes the new state visible at once (synchronous update, order-free):

    assess_threats -> decide_support -> watch_for_spies -> update_beliefs
    -> update_dependency -> update_alignment -> commit

Random draws come from the same counter-based generator as the core, keyed by
(seed, replication, month, i, j, stream), so both engines see identical draws.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.compile import CompiledModel, path_key
from sim.config.targets import resolve_target
from sim.kernels import layout
from sim.kernels.rng import logistic_noise, uniform
from sim.trajectories import Trajectories


class ActorAgent(mesa.Agent):
    """A state (CHN, RUS, ...) with its own parameters and its rows of the dyadic state.

    Row dicts map a partner's code to this actor's value towards it, e.g.
    ``self.trust["CHN"]`` is this actor's trust in China, ``self.support["UKR"]`` the
    support it gives Ukraine this month.
    """

    def __init__(self, model: AllianceModel, code: str, index: int, actor: np.ndarray, dyad: np.ndarray):
        super().__init__(model)
        self.code = code
        self.index = index
        for f, name in enumerate(layout.ACTOR_FIELDS):
            setattr(self, name, float(actor[f, index]))
        for f, name in enumerate(layout.DYAD_FIELDS):
            row = {other: float(dyad[f, index, j]) for j, other in enumerate(model.roster) if j != index}
            setattr(self, name, row)
        self.threat: dict[str, float] = {}
        self.intensity = 0.0
        self.need = 0.0

    # -- helpers ---------------------------------------------------------------------
    def partners(self) -> list[ActorAgent]:
        return [a for a in self.model.actors if a is not self]

    # -- 1. threat and need ----------------------------------------------------------
    def assess_threats(self) -> None:
        """Threat from each partner: its rivalry-weighted capability times distrust (Walt)."""
        m = self.model
        if m.on("conflict"):
            self.intensity = min(1.0, self.war_involvement * m.glob["war"] + self.strait_involvement * m.glob["strait"])
        else:
            self.intensity = 0.0
        self.threat = {}
        worst = 0.0
        for other in self.partners():
            t = self.rivalry[other.code] * other.capability * (1.0 - self.trust[other.code]) if m.on("threat") else 0.0
            self.threat[other.code] = t
            worst = max(worst, t)
        self.need = min(1.0, self.intensity + m.glob["need_threat_weight"] * worst)

    def shared_threat(self, other: ActorAgent) -> float:
        """The largest threat both this actor and ``other`` face from one third actor."""
        common = 0.0
        for third in self.model.actors:
            if third is not self and third is not other:
                common = max(common, min(self.threat[third.code], other.threat[third.code]))
        return common

    # -- 2. support decision ---------------------------------------------------------
    def decide_support(self) -> None:
        """Logit choice: trust, shared threat, leverage, need, alignment, affinity up;
        sanction exposure and entrapment risk down; logistic noise on the utility."""
        m, g = self.model, self.model.glob
        self.next_support = {}
        for other in self.partners():
            j = other.code
            if not m.on("support"):
                self.next_support[j] = self.support[j]
                continue
            utility = (
                g["support_bias"]
                + g["w_trust"] * self.trust[j]
                + g["w_shared_threat"] * self.shared_threat(other)
                + g["w_leverage"] * other.dependency[self.code]
                + g["w_need"] * other.need
                + g["w_alignment"] * self.alignment[j]
                + g["w_affinity"] * self.affinity[j]
                - g["w_sanction"] * self.exposure * self.sanction_risk[j]
                - g["w_entrapment"] * self.entrapment_aversion * other.intensity
            )
            if g["support_noise"] > 0.0:
                utility += g["support_noise"] * m.draw_logistic(self.index, other.index, layout.S_SUPPORT)
            self.next_support[j] = 1.0 / (1.0 + math.exp(-utility))

    # -- 3. espionage and counterintelligence ----------------------------------------
    def watch_for_spies(self) -> None:
        """Detect each partner's espionage with probability rate * own CI * its espionage."""
        m = self.model
        self.detected, self.leaked = {}, {}
        for other in self.partners():
            j = other.code
            caught = leak = False
            if m.on("espionage"):
                p = m.glob["detection_rate"] * self.counterintelligence[j] * other.espionage[self.code]
                if m.draw_uniform(self.index, other.index, layout.S_DETECTION) < p:
                    caught = True
                    leak = m.draw_uniform(self.index, other.index, layout.S_LEAK) < m.glob["leak_probability"]
            self.detected[j], self.leaked[j] = caught, leak
            if caught:
                m.detections[self.index, other.index] += 1

    # -- 4. trust as belief (Kydd) plus structural balance (Heider) --------------------
    def update_beliefs(self) -> None:
        """Posterior that each partner is a reliable type, given its support and detections."""
        m, g = self.model, self.model.glob
        two_var = 2.0 * g["observation_noise"] * g["observation_noise"]
        n = len(m.actors)
        self.next_trust = {}
        for other in self.partners():
            j = other.code
            tau = self.trust[j]
            belief = tau
            if m.on("trust"):
                s = other.next_support[self.code]
                r_t, r_u = g["reliable_support"], g["unreliable_support"]
                llr = ((s - r_u) * (s - r_u) - (s - r_t) * (s - r_t)) / two_var
                if self.detected[j]:
                    llr += math.log(g["detection_likelihood_ratio"])
                if 0.0 < tau < 1.0:
                    belief = tau / (tau + (1.0 - tau) * math.exp(-llr))
                belief = (1.0 - g["type_change_rate"]) * belief + g["type_change_rate"] * g["trust_prior"]
            if m.on("balance") and n > 2:
                b = 0.0
                for third in m.actors:
                    if third is not self and third is not other:
                        b += (2.0 * self.trust[third.code] - 1.0) * (2.0 * third.trust[j] - 1.0)
                b /= n - 2
                belief = (1.0 - g["balance_rate"]) * belief + g["balance_rate"] * 0.5 * (1.0 + b)
            self.next_trust[j] = min(1.0, max(0.0, belief))

    # -- 5. dependency (Keohane & Nye) -------------------------------------------------
    def update_dependency(self) -> None:
        """Move towards each supplier's share of what this actor receives plus makes itself."""
        m = self.model
        if not m.on("dependency"):
            self.next_dependency = dict(self.dependency)
            return
        supply_total = self.self_reliance * self.capability
        for other in self.partners():
            supply_total += other.next_support[self.code] * other.capability
        new = {}
        for other in self.partners():
            j = other.code
            target = other.next_support[self.code] * other.capability / supply_total if supply_total > 0.0 else 0.0
            old = self.dependency[j]
            rate = m.glob["dependency_rate"]
            if target < old:
                rate = rate * self.substitutability[j]
            new[j] = old + rate * (target - old)
        row = sum(new.values())
        if row > 1.0:
            new = {j: v / row for j, v in new.items()}
        self.next_dependency = new

    # -- 6. public alignment -----------------------------------------------------------
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

    def commit(self) -> None:
        self.trust = self.next_trust
        self.support = self.next_support
        self.dependency = self.next_dependency
        self.alignment = self.next_alignment


class AllianceModel(mesa.Model):
    """One replication of the alliance model (reference engine)."""

    PHASES = ("assess_threats", "decide_support", "watch_for_spies", "update_beliefs",
              "update_dependency", "update_alignment", "commit")

    def __init__(self, compiled: CompiledModel, rep: int):
        super().__init__(rng=compiled.config.seed)
        draw = compiled.draw(np.array([rep]))
        self.compiled = compiled
        self.config = compiled.config
        self.rep = int(rep)
        self.month = 0
        self.roster = list(compiled.roster)
        self.glob = {name: float(draw.glob[0, g]) for g, name in enumerate(layout.GLOB_FIELDS)}
        self.actors = [ActorAgent(self, code, i, draw.actor[0], draw.dyad[0]) for i, code in enumerate(self.roster)]
        self.by_code = {a.code: a for a in self.actors}
        self.detections = np.zeros((len(self.roster), len(self.roster)), dtype=np.int64)
        self.fires = {name: 0 for name in self.config.events}
        for agent in self.actors:
            agent.assess_threats()
        self.datacollector = mesa.DataCollector(
            model_reporters={"war": lambda m: m.glob["war"], "strait": lambda m: m.glob["strait"]},
            agent_reporters={
                "need": "need",
                **{name: (lambda a, name=name: dict(getattr(a, name))) for name in layout.RECORDED_DYAD},
            },
        )
        self.datacollector.collect(self)

    def on(self, mechanism: str) -> bool:
        return bool(getattr(self.config.mechanisms, mechanism))

    def draw_uniform(self, i: int, j: int, stream: int) -> float:
        return uniform(self.config.seed, self.rep, self.month, i, j, stream)

    def draw_logistic(self, i: int, j: int, stream: int) -> float:
        return logistic_noise(self.config.seed, self.rep, self.month, i, j, stream)

    def apply_events(self) -> None:
        """Fire this month's scheduled, recurring and random events (see sim.kernels.events)."""
        t = self.month
        for name, event in self.config.events.items():
            end = event.end if event.end is not None else self.config.horizon_months
            if event.month is not None:
                fire = t == event.month
            elif event.start <= t <= end and self.fires[name] < (event.max_fires or (
                    self.config.horizon_months if event.every is not None else 1)):
                if event.every is not None:
                    fire = (t - event.start) % event.every == 0
                else:
                    key = path_key(f"events.{name}")[0]
                    fire = uniform(self.config.seed, self.rep, t, key, 0, layout.S_EVENT) < event.hazard
            else:
                fire = False
            if fire:
                self.fires[name] += 1
                for effect in event.effects:
                    self._apply(effect)

    def _apply(self, effect) -> None:
        target = resolve_target(effect.target, self.roster, key=effect.target)
        field = effect.target.rsplit(".", 1)[1]
        if target.kind == layout.T_GLOB:
            holder, key = self.glob, field
        elif target.kind == layout.T_ACTOR:
            holder, key = self.actors[target.i].__dict__, field
        else:
            holder, key = getattr(self.actors[target.i], field), self.roster[target.j]
        old = holder[key]
        new = {"set": effect.value, "add": old + effect.value, "mul": old * effect.value}[effect.op]
        holder[key] = min(target.bounds.hi, max(target.bounds.lo, new))

    def step(self) -> None:
        self.month += 1
        if self.on("events"):
            self.apply_events()
        for phase in self.PHASES:
            self.agents.do(phase)
        self.datacollector.collect(self)


def run_mesa(compiled: CompiledModel, reps: np.ndarray) -> Trajectories:
    """Simulate each replication in ``reps`` with its own ``AllianceModel``."""
    n = len(compiled.roster)
    horizon = compiled.config.horizon_months
    out = Trajectories.empty(np.asarray(reps), horizon, n, len(compiled.events.names))
    for r, rep in enumerate(out.reps):
        model = AllianceModel(compiled, int(rep))
        for _ in range(horizon):
            model.step()
        _fill(out, r, model)
    return out


def _fill(out: Trajectories, r: int, model: AllianceModel) -> None:
    """Copy a finished model's DataCollector records into row ``r`` of the arrays."""
    records = model.datacollector.get_agent_vars_dataframe()
    world = model.datacollector.get_model_vars_dataframe()
    out.world[r, :, 0] = world["war"].to_numpy()
    out.world[r, :, 1] = world["strait"].to_numpy()
    for agent in model.actors:
        rows = records.xs(agent.unique_id, level="AgentID")
        i = agent.index
        out.need[r, :, i] = rows["need"].to_numpy()
        for v, name in enumerate(layout.RECORDED_DYAD):
            for t, row in enumerate(rows[name]):
                for j, code in enumerate(model.roster):
                    out.dyad[r, t, v, i, j] = row[code] if j != i else (1.0 if name in ("trust", "alignment") else 0.0)
    out.detections[r] = model.detections
    out.fires[r] = [model.fires[name] for name in model.compiled.events.names]
