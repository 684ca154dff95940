"""Contract every scenario file gets for free: adding a YAML file is enough to be tested.

Each shipped scenario states its question and evidence, cites evidence for every value
it sets, validates, and runs on both engines (tests/test_engines_agree.py).
"""

from __future__ import annotations

import pytest
import yaml

from sim import load_config
from sim.config.compose import available_scenarios
from sim.evidence import EVIDENCE

SCENARIOS = sorted(available_scenarios().items())
_PARAM_SECTIONS = ("actors", "relations", "relation_defaults", "world", "dynamics")


def _param_nodes(node, path):
    """Yield (path, node) for every parameter value under a section of a scenario file."""
    if isinstance(node, dict) and not ({"value", "low", "high"} & set(node)):
        for key, child in node.items():
            if key not in ("name",):
                yield from _param_nodes(child, f"{path}.{key}")
    else:
        yield path, node


@pytest.mark.parametrize(("name", "path"), SCENARIOS, ids=[n for n, _ in SCENARIOS])
def test_scenario_states_question_and_evidence(name, path):
    text = path.read_text()
    assert text.startswith("# @package _global_"), "scenario files are global Hydra configs"
    assert "# Question:" in text and "# Evidence:" in text, "header comment: the question and the evidence"
    data = yaml.safe_load(text)
    meta = data["scenarios"][name]
    assert list(data["scenarios"]) == [name], "metadata key must equal the file name"
    assert meta["question"].strip()
    assert meta["evidence"] and set(meta["evidence"]) <= set(EVIDENCE)


@pytest.mark.parametrize(("name", "path"), SCENARIOS, ids=[n for n, _ in SCENARIOS])
def test_every_value_cites_evidence_or_a_note(name, path):
    data = yaml.safe_load(path.read_text())
    for section in _PARAM_SECTIONS:
        for where, node in _param_nodes(data.get(section, {}), section):
            assert isinstance(node, dict), f"{where}: give {{value: ..., evidence: [...]}} or a note"
            assert node.get("evidence") or node.get("note"), f"{where}: cite evidence ids or give a note"
    for event_name, event in (data.get("events") or {}).items():
        assert event.get("evidence"), f"events.{event_name}: cite evidence ids"
        assert event_name.startswith(name), f"events.{event_name}: prefix event names with the scenario name"


@pytest.mark.parametrize(("name", "path"), SCENARIOS, ids=[n for n, _ in SCENARIOS])
def test_scenario_validates_and_composes_after_baseline(name, path):
    alone = load_config(name)
    assert alone.scenario_names == [name]
    both = load_config(["baseline", name])
    assert set(both.events) == set(alone.events)
