"""What exists, with descriptions, derived from the scenario files and the schema.

    python -m sim.catalog scenarios      # name, the question it asks, evidence
    python -m sim.catalog parameters     # path, unit, range, default, evidence, note
    python -m sim.catalog mechanisms     # switch, default, what it does
    python -m sim.catalog parameters --format csv

Nothing here is written by hand: scenarios come from their files (``scenarios:`` block,
read with ``sim.yamlsafe``), parameters from ``sim.config.schema`` (descriptions,
``Bounds``, defaults and their evidence), mechanisms from the ``Mechanisms`` switches
(description: the field's, else the docstring of ``sim.mechanisms.<name>``).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import typing
from collections.abc import Iterator

from pydantic import BaseModel

from sim.config.params import Bounds, Param
from sim.errors import ConfigError

_UNIT = re.compile(r"\[(?!-?[\d.]+, -?[\d.e+]+\])([^\]]+)\]")  # [logit], [1/month]; not a range


def scenario_rows() -> Iterator[tuple[str, ...]]:
    """(name, question, evidence, file) of every scenario."""
    from sim.config.compose import available_scenarios, read_scenario

    for name, path in available_scenarios().items():
        info = (read_scenario(name, path).get("scenarios") or {}).get(name) or {}
        yield name, str(info.get("question", "")), " ".join(map(str, info.get("evidence", ()))), str(path)


def _bounds(info) -> str:
    found = next((m for m in info.metadata if isinstance(m, Bounds)), None)
    if found is not None:
        return str(found)
    lo = next((getattr(m, "ge", None) for m in info.metadata if getattr(m, "ge", None) is not None), None)
    hi = next((getattr(m, "le", None) for m in info.metadata if getattr(m, "le", None) is not None), None)
    if lo is None and hi is None:
        args = typing.get_args(info.annotation)
        return " | ".join(map(str, args)) if typing.get_origin(info.annotation) is typing.Literal else ""
    shown = ["" if v is None else f"{v:,}" if isinstance(v, int) else f"{v:g}" for v in (lo, hi)]
    return f"[{shown[0]}, {shown[1]}]"


def _fields(model: type[BaseModel], prefix: str, defaults: BaseModel | None = None) -> Iterator[tuple[str, ...]]:
    for name, info in model.model_fields.items():
        default = getattr(defaults, name) if defaults is not None else info.default
        description = info.description or ""
        unit = next((u for u in _UNIT.findall(description)), "")
        text = re.sub(r"\s*\[[^\]]*\]", "", description).strip()
        if isinstance(default, Param):
            yield (f"{prefix}{name}", text, unit, _bounds(info), default.describe(), " ".join(default.evidence),
                   default.note)
        elif not isinstance(default, BaseModel) and typing.get_origin(info.annotation) is not dict:
            shown = "" if default is None or repr(default) == "PydanticUndefined" else str(default)
            yield f"{prefix}{name}", text, unit, _bounds(info), shown, "", ""


def parameter_rows() -> Iterator[tuple[str, ...]]:
    """(path, description, unit, range, default, evidence, note) of every parameter."""
    from sim.config import schema

    yield from _fields(schema.SimConfig, "")
    yield from _fields(schema.World, "world.")
    yield from _fields(schema.Dynamics, "dynamics.")
    yield from _fields(schema.Actor, "actors.<A>.")
    yield from _fields(schema.Relation, "relations.<A>.<B>.", schema.RelationDefaults())
    yield from _fields(schema.Outcome, "outcome.")
    yield from _fields(schema.Output, "output.")


def mechanism_rows() -> Iterator[tuple[str, ...]]:
    """(switch, default, description) of every mechanism."""
    from sim.config.schema import Mechanisms

    for name, info in Mechanisms.model_fields.items():
        text = info.description or ""
        if not text:
            try:
                doc = importlib.import_module(f"sim.mechanisms.{name}").__doc__ or ""
                text = doc.strip().splitlines()[0] if doc.strip() else ""
            except ImportError:
                text = "(no description yet: see docs/model.md)"
        yield f"mechanisms.{name}", str(info.default).lower(), text


TABLES = {
    "scenarios": (("scenario", "question", "evidence", "file"), scenario_rows),
    "parameters": (("parameter", "description", "unit", "range", "default", "evidence", "note"), parameter_rows),
    "mechanisms": (("switch", "default", "what it does"), mechanism_rows),
}


def render(header: tuple[str, ...], rows: list[tuple[str, ...]], fmt: str) -> str:
    """CSV, or Markdown table (``md``), of the rows."""
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        return out.getvalue().rstrip("\n")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "/") or "—" for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from sim.terminal import emit

    parser = argparse.ArgumentParser(prog="python -m sim.catalog", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=sorted(TABLES), help="which list")
    parser.add_argument("--format", choices=("md", "csv"), default="md")
    args = parser.parse_args(argv)
    header, rows = TABLES[args.what]
    try:
        table = render(header, list(rows()), args.format)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    emit(table)


if __name__ == "__main__":
    main()
