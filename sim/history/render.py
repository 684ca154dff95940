"""Text shared by the generated files: YAML for rosters and cases, Markdown tables, and
the ``main`` of the modules that regenerate committed files."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import yaml

from sim.atomic import write_atomic


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


def regenerate(argv: list[str], module: str, what: str, files: Callable[[], Mapping[Path, str]]) -> int:
    """The ``main`` of a generator module: write ``files()`` (path -> text), each
    atomically, and list them; any argument is a usage error (status 2)."""
    if len(argv) > 1:
        print(f"usage: python -m {module}   (rewrites {what}; takes no arguments)", file=sys.stderr)
        return 2
    for path, text in files().items():
        write_text(path, text)
        print(f"wrote {path}")
    return 0


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, with the permissions the umask gives a new
    file (``sim.atomic`` writes through ``mkstemp``, which makes files 0600)."""
    mask = os.umask(0)
    os.umask(mask)

    def writer(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o666 & ~mask)

    return write_atomic(path, writer)
