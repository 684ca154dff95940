"""The array layout agrees with the declared parameters in both directions, and every
index is derived from its table by name (inserting a field anywhere just works)."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

import pytest

from sim import mechanisms
from sim.config.schema import Mechanisms
from sim.engines.mesa_reference import AllianceModel
from sim.kernels import layout, step

# (layout table name, the declared names it must hold exactly)
EXPECTED = {
    "GLOB_FIELDS": [p.name for p in (*mechanisms.section("world"), *mechanisms.section("dynamics"))],
    "WORLD_FIELDS": [p.name for p in mechanisms.section("world")],
    "DYNAMICS_FIELDS": [p.name for p in mechanisms.section("dynamics")],
    "ACTOR_FIELDS": [p.name for p in mechanisms.section("actor")],
    "DYAD_FIELDS": [p.name for p in mechanisms.section("relation")],
    "STATE_FIELDS": [p.name for p in mechanisms.STATE],
    "SWITCHES": list(Mechanisms.model_fields),
}
# constant prefix -> table its constants index
PREFIXES = {"G_": "GLOB_FIELDS", "A_": "ACTOR_FIELDS", "D_": "DYAD_FIELDS", "W_": "WORK_PLANES",
            "AW_": "ACTOR_WORK", "M_": "SWITCHES", "E_": "EVENT_COLUMNS", "F_": "EFFECT_COLUMNS",
            "FV_": "EFFECT_VALUES", "OP_": "EVENT_OPS", "EV_": "EVENT_TIMINGS", "T_": "TARGET_KINDS"}


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_table_matches_declarations_both_ways(table):
    held, declared = set(getattr(layout, table)), set(EXPECTED[table])
    assert not declared - held, f"layout.{table} lacks declared fields {sorted(declared - held)}"
    assert not held - declared, f"layout.{table} holds fields nothing declares: {sorted(held - declared)}"
    assert len(getattr(layout, table)) == len(held), f"layout.{table} repeats a field"


def _constants(module):
    """(name, value) of every index constant of a layout module, by prefix."""
    for name, value in vars(module).items():
        for prefix in sorted(PREFIXES, key=len, reverse=True):
            if name.startswith(prefix) and isinstance(value, int) and name.isupper():
                yield prefix, name, value
                break


def _field_of(prefix: str, constant: str) -> str:
    return constant[len(prefix):].lower()


def test_every_constant_is_its_fields_index_and_every_field_has_one():
    for module in (layout,):
        seen = {table: set() for table in PREFIXES.values()}
        for prefix, name, value in _constants(module):
            table = getattr(module, PREFIXES[prefix])
            field = _field_of(prefix, name)
            assert field in table, f"{name}: layout.{PREFIXES[prefix]} has no field {field!r}"
            assert value == table.index(field), f"{name} = {value}, but {field!r} is at {table.index(field)}"
            seen[PREFIXES[prefix]].add(field)
        for table_name in ("GLOB_FIELDS", "ACTOR_FIELDS", "DYAD_FIELDS", "WORK_PLANES", "ACTOR_WORK", "SWITCHES"):
            missing = set(getattr(module, table_name)) - seen[table_name]
            assert not missing, f"layout.{table_name}: no index constant for {sorted(missing)}"


def test_inserting_a_field_anywhere_shifts_every_index_consistently():
    """A copy of layout.py with a new field inserted in the middle of each table: every
    constant still points at its own field."""
    source = Path(layout.__file__).read_text()
    edited = source.replace('"need_threat_weight",', '"need_threat_weight", "inserted_coefficient",')
    edited = edited.replace('ACTOR_FIELDS = ("capability",', 'ACTOR_FIELDS = ("capability", "inserted_actor",')
    edited = edited.replace('STATE_FIELDS = ("trust",', 'STATE_FIELDS = ("trust", "inserted_state",')
    assert edited.count("inserted_") == 3
    copy = types.ModuleType("layout_copy")
    exec(compile(edited, "layout_copy.py", "exec"), copy.__dict__)  # noqa: S102 - a test of the file itself
    for prefix, name, value in _constants(copy):
        table = getattr(copy, PREFIXES[prefix])
        assert table[value] == _field_of(prefix, name), name
    assert copy.G_W_TRUST == layout.G_W_TRUST + 1 and copy.D_SUPPORT == layout.D_SUPPORT + 1
    assert len(copy.NEXT_PLANES) == len(layout.NEXT_PLANES) + 1  # a new state variable gets its next plane


def test_asking_a_table_for_a_missing_field_names_the_table():
    with pytest.raises(layout.LayoutError, match=r"layout\.GLOB_FIELDS has no field 'nope'"):
        layout.slot(layout.GLOB_FIELDS, "GLOB_FIELDS", "nope")


def test_next_plane_for_every_state_variable_and_recorded_state():
    assert layout.NEXT_PLANES == tuple(f"next_{s}" for s in layout.STATE_FIELDS)
    assert set(layout.RECORDED_DYAD) == set(layout.STATE_FIELDS)
    for m in mechanisms.PHASES:
        assert set(m.updates) <= set(layout.STATE_FIELDS), m.name


def test_both_engines_run_the_phases_in_the_declared_order():
    declared = [m.phase for m in mechanisms.PHASES]
    called = re.findall(r"^\s+(\w+)\(glob, actor, dyad, flags, work, awork, keys, tmp(?:, lanewise)?\)",
                        inspect.getsource(step.step), flags=re.M)
    assert called == declared, "sim.kernels.step.step must call the phases of sim.mechanisms.PHASES in order"
    assert list(AllianceModel.PHASES) == [*declared, "commit"]
    for m in mechanisms.PHASES:
        assert callable(getattr(m.behaviour, m.phase, None)), f"{m.name}.Behaviour has no method {m.phase}"
        assert m.kernel.__name__ == m.phase, f"{m.name}: the kernel is named after its phase"
