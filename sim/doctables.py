"""The generated tables of docs/model.md and docs/scenarios.md, from their one definition.

    python -m sim.doctables            # rewrite the generated tables
    python -m sim.doctables --check    # exit 1 if a document is not current (tests run this)

docs/model.md: the parameters, switches, phases and literature from their declarations
(``sim.mechanisms``), the evidence register, the baseline's ranges. docs/scenarios.md:
the scenario library from the scenario files, and the paired effects from
docs/effects.json (written by ``python -m sim.effects``). Each table sits between
``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``; everything outside
the markers is hand-written prose.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from sim import mechanisms
from sim.evidence import EVIDENCE
from sim.mechanisms.spec import Parameter

DOCS = Path(__file__).resolve().parents[1] / "docs"
MODEL_DOC = DOCS / "model.md"
SCENARIOS_DOC = DOCS / "scenarios.md"


def _range(p: Parameter) -> str:
    return f"[{p.lo:g}, {p.hi:g}]"


def _basis(p: Parameter) -> str:
    """Evidence ids and the note, as one cell."""
    cited = ", ".join(p.evidence)
    return "; ".join(x for x in (cited, p.note) if x) or "–"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _default(p: Parameter) -> str:
    """The point value, and the prior a behavioural weight is sampled over by default."""
    if p.hidden:
        return "drawn"
    return f"{p.default:g}" if p.prior is None else f"{p.default:g}; prior U[{p.prior[0]:g}, {p.prior[1]:g}]"


def _parameter_rows(params) -> list[tuple[str, ...]]:
    return [(f"`{p.name}`", f"${p.symbol}$", p.unit, _range(p), _default(p), _basis(p), p.description,
             _owner(p)) for p in params]


def _owner(p: Parameter) -> str:
    return next(f"`{m.name}`" for m in mechanisms.ALL if p in m.parameters)


_HEADER = ("field", "symbol", "unit", "range", "default", "evidence / note", "meaning", "mechanism")


def _baseline_tables() -> dict[str, str]:
    """The baseline's ranged parameters (beyond the weights' priors) and its CHN-RUS dyad."""
    from sim.config.compose import load_config
    from sim.provenance import provenance

    config = load_config("baseline")
    rows = [r for r in provenance(config, include_defaults=True) if not r.path.startswith("dynamics.")]
    ranged = [(f"`{r.path}`", r.value, ", ".join(r.evidence) or "–", r.note or "–")
              for r in rows if r.value.startswith(("uniform(", "triangular("))]
    dyad = [(f"`{r.path}`", r.value, ", ".join(r.evidence) or "–", r.note or "–")
            for r in rows if r.path.startswith(("relations.CHN.RUS.", "relations.RUS.CHN."))]
    header = ("path", "value or distribution", "evidence", "note")
    return {"baseline-ranges": _table(header, ranged), "chn-rus": _table(header, dyad)}


def _sensitivity_table() -> str:
    """The Sobol' ranking of docs/sensitivity.json (``python -m analysis.model_sensitivity``)."""
    import json

    path = DOCS / "sensitivity.json"
    if not path.is_file():
        return "(not computed yet: run python -m analysis.model_sensitivity)"
    data = json.loads(path.read_text())
    head = (f"`{data['command']}` (version {data['version']}): {data['parameters']} parameters, "
            f"{data['points']:,} design points × {data['replications']} replications on common random numbers; "
            "S1 first order, ST total order (95% bootstrap half-widths), ranked by ST.")
    parts = [head]
    for output, label in (("p_hold", "P(holds)"), ("index_median", "median partnership index at the horizon")):
        rows = [(str(k), f"`{r['parameter']}`", f"{r['S1']:.3f} ± {r['S1_conf']:.3f}", f"{r['ST']:.3f} ± {r['ST_conf']:.3f}")
                for k, r in enumerate(data["rankings"].get(output, []), start=1)]
        if rows:
            parts += ["", f"**{label}**", "", _table(("rank", "parameter", "S1", "ST"), rows)]
    return "\n".join(parts)


def tables() -> dict[str, str]:
    """Every generated table, by marker name."""
    relation = mechanisms.section("relation")
    switch_rows = [(f"`{name}`", f"`{mechanisms.owner(name).name}`", text) for name, text in mechanisms.SWITCHES.items()]
    phase_rows = [(str(k), f"`{m.phase}`", f"`sim/mechanisms/{m.name}.py`", m.summary, ", ".join(m.updates) or "–")
                  for k, m in enumerate(mechanisms.PHASES, start=1)]
    return {
        "actor-parameters": _table(_HEADER, _parameter_rows(mechanisms.section("actor"))),
        "dyad-state": _table(_HEADER, _parameter_rows([p for p in relation if p.state])),
        "dyad-parameters": _table(_HEADER, _parameter_rows([p for p in relation if not p.state])),
        "world": _table(_HEADER, _parameter_rows(mechanisms.section("world"))),
        "dynamics": _table(_HEADER, _parameter_rows(mechanisms.section("dynamics"))),
        "switches": _table(("switch", "mechanism", "what `false` does"), switch_rows),
        "phases": _table(("#", "phase", "module", "what it does", "updates"), phase_rows),
        "literature": _table(("mechanism", "module", "literature", "what it contributes"),
                             [(f"`{m.name}`", f"`sim/mechanisms/{m.name}.py`", m.literature, m.summary)
                              for m in mechanisms.ALL]),
        "evidence": _table(("id", "source", "fact (paraphrased)"),
                           [(k, src, text) for k, (src, text) in EVIDENCE.items()]),
        **_baseline_tables(),
        "sobol": _sensitivity_table(),
    }


def scenario_tables() -> dict[str, str]:
    """The scenario library (question and evidence of each file) and the paired effects."""
    import json

    from sim.config.compose import available_scenarios, load_config
    from sim.effects import EFFECTS_FILE, render as render_effects

    rows = []
    for name in sorted(available_scenarios()):
        info = load_config(name).scenarios[name]
        rows.append((f"`{name}`", info.question, ", ".join(info.evidence)))
    effects = render_effects(json.loads(EFFECTS_FILE.read_text())) if EFFECTS_FILE.is_file() else (
        "(not computed yet: run python -m sim.effects)")
    return {"scenario-library": _table(("scenario", "question", "evidence"), rows), "paired-effects": effects}


def documents() -> dict[Path, dict[str, str]]:
    """Each generated document and its tables."""
    return {MODEL_DOC: tables(), SCENARIOS_DOC: scenario_tables()}


_BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(\n<!-- end generated: (?P=name) -->)", re.S)


def render(text: str, current: dict[str, str] | None = None) -> str:
    """``text`` with every generated block replaced by its current table (of docs/model.md
    unless ``current`` is given)."""
    current = tables() if current is None else current
    found = {m.group("name") for m in _BLOCK.finditer(text)}
    unknown = found - set(current)
    if unknown:
        raise KeyError(f"docs: unknown generated table(s) {sorted(unknown)}; allowed: {', '.join(current)}")
    return _BLOCK.sub(lambda m: m.group(1) + current[m.group("name")] + m.group(4), text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sim.doctables", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the document is not current")
    args = parser.parse_args(argv)
    stale = []
    for path, current in documents().items():
        text = path.read_text()
        new = render(text, current)
        if new == text:
            continue
        if args.check:
            stale.append(str(path))
        else:
            from sim.atomic import write_atomic

            write_atomic(path, lambda tmp, new=new: tmp.write_text(new))
            print(f"{path}: generated tables rewritten")
    if stale:
        print(f"not current: {', '.join(stale)}; run python -m sim.doctables", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
