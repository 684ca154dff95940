"""Layers point one way: ``sim`` never imports ``analysis``, and no module of ``sim`` or
``analysis`` is part of an import cycle (imports inside functions count too; only
``if TYPE_CHECKING:`` blocks are exempt)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(child) for child in ast.walk(node)}
    return skip


def import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for folder in ("sim", "analysis") for p in (ROOT / folder).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        skip = _type_checking_nodes(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                for a in node.names:  # ``from pkg import submodule`` depends on the submodule only
                    targets.add(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_sim_never_imports_analysis():
    offenders = {m: sorted(t for t in deps if t.split(".")[0] == "analysis")
                 for m, deps in import_graph().items() if m.split(".")[0] == "sim"}
    assert not {m: d for m, d in offenders.items() if d}, "sim imports analysis"


def test_no_import_cycles():
    graph = import_graph()
    cycles = []

    def visit(node, stack, on_stack, done):
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt in on_stack:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, stack, on_stack, done)
        on_stack.discard(node)
        stack.pop()
        done.add(node)

    done: set[str] = set()
    for node in sorted(graph):
        if node not in done:
            visit(node, [], set(), done)
    # a package importing its own submodules (registry __init__) is not a cycle of modules
    real = [c for c in cycles if not all(c[0].startswith(m) or m.startswith(c[0]) for m in c)]
    assert not real, "import cycles: " + "; ".join(" -> ".join(c) for c in real)
