"""The provenance table of a configuration: each parameter, its value or range, and the facts behind it.

    python -m sim.provenance scenario=taiwan_drones            # Markdown table
    python -m sim.provenance scenario=baseline --format csv --all

Without ``--all`` only parameters set explicitly (in the roster, a scenario or an
override) and the model coefficients are listed; ``--all`` adds every default.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from sim.config.params import Param
from sim.config.schema import SimConfig
from sim.errors import ConfigError
from sim.evidence import EVIDENCE


@dataclass(frozen=True)
class Row:
    path: str
    value: str
    evidence: tuple[str, ...]
    note: str
    origin: str  # "set" or "default"

    def facts(self) -> str:
        return "; ".join(f"{e}: {EVIDENCE[e][1]}" for e in self.evidence)


def _row(path: str, param: Param, explicit: bool) -> Row:
    return Row(path, param.describe(), tuple(param.evidence), param.note, "set" if explicit else "default")


def provenance(config: SimConfig, *, include_defaults: bool = False) -> Iterator[Row]:
    """Rows for the world, dynamics, actors, relations and events of ``config``."""
    for section in ("world", "dynamics", "relation_defaults"):
        model = getattr(config, section)
        for name in type(model).model_fields:
            explicit = name in model.model_fields_set
            if explicit or include_defaults or section == "dynamics":
                yield _row(f"{section}.{name}", getattr(model, name), explicit)
    for code, actor in config.actors.items():
        for name in type(actor).model_fields:
            value = getattr(actor, name)
            explicit = name in actor.model_fields_set
            if isinstance(value, Param) and (explicit or include_defaults):
                yield _row(f"actors.{code}.{name}", value, explicit)
    for src, row in config.relations.items():
        for dst, rel in row.items():
            for name in type(rel).model_fields:
                value = getattr(rel, name)
                if value is not None:
                    yield _row(f"relations.{src}.{dst}.{name}", value, True)
    for name, event in config.events.items():
        timing = (f"month {event.month}" if event.month is not None else
                  f"every {event.every} months" if event.every is not None else f"hazard {event.hazard:g}/month")
        effects = ", ".join(f"{e.target} {e.op} {e.value:g}" for e in event.effects)
        yield Row(f"events.{name}", f"{timing}: {effects}", tuple(event.evidence), event.description, "set")


def render(rows: list[Row], fmt: str) -> str:
    """Markdown or CSV text of the rows."""
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["path", "value", "evidence", "facts", "note", "origin"])
        for r in rows:
            writer.writerow([r.path, r.value, " ".join(r.evidence), r.facts(), r.note, r.origin])
        return out.getvalue()
    lines = ["| parameter | value | evidence | what the facts say | note |", "|---|---|---|---|---|"]
    for r in rows:
        cells = [r.path, r.value, ", ".join(r.evidence) or "—", r.facts() or "—", r.note or ("default" if r.origin == "default" else "")]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sim.provenance", description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. scenario=taiwan_drones")
    parser.add_argument("--all", action="store_true", help="include every default value")
    parser.add_argument("--format", choices=("md", "csv"), default="md")
    args = parser.parse_args(argv)
    from sim.config.compose import load_config

    try:
        config = load_config("baseline", args.overrides)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    from sim.terminal import emit

    emit(f"# Provenance: {' + '.join(config.scenario_names)}\n" if args.format == "md" else "", end="")
    emit(render(list(provenance(config, include_defaults=args.all)), args.format))


if __name__ == "__main__":
    main()
