"""Generated documentation is current: the tables of docs/model.md equal their declarations."""

from __future__ import annotations

from sim import doctables, mechanisms


def test_generated_docs_are_current():
    for path, current in doctables.documents().items():
        text = path.read_text()
        assert doctables.render(text, current) == text, f"{path} is not current: run python -m sim.doctables"


def test_every_generated_table_is_in_the_document_and_every_parameter_in_a_table():
    text = doctables.MODEL_DOC.read_text()
    for name in doctables.tables():
        assert f"<!-- generated: {name} -->" in text, name
    for p in mechanisms.PARAMETERS:
        assert f"| `{p.name}` |" in text, p.name
