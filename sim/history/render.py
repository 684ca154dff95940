"""Text rendering shared by the generated files: YAML for rosters and cases, Markdown tables."""

from __future__ import annotations

from collections.abc import Sequence

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style for mappings that hold mappings, flow style for leaves; no aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump_yaml(data) -> str:
    """``data`` as YAML, keys in insertion order, leaves in flow style, lines up to 200 wide."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=None, width=200,
                     allow_unicode=True)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table (cells are given as text; ``|`` is escaped)."""
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
