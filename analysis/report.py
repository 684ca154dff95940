"""Tables (Markdown for the terminal and files, CSV for pandas) and atomic writes."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from sim.atomic import write_atomic, write_json  # noqa: F401 - re-exported for the commands


def fmt(value, digits: int = 3) -> str:
    """A number for a table: fixed digits, '—' for missing."""
    if value is None:
        return "—"
    try:
        if pd.isna(value):
            return "—"
    except (TypeError, ValueError):
        pass
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        return f"{value:.{digits}f}"
    return str(value)


def fmt_ci(value, lo, hi, digits: int = 3, signed: bool = False) -> str:
    if value is None or pd.isna(value):
        return "—"
    v = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    if lo is None or pd.isna(lo):
        return v
    return f"{v} [{lo:.{digits}f}, {hi:.{digits}f}]"


def markdown_table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    """A GitHub-flavoured Markdown table (cells are escaped for '|')."""
    def cell(x):
        return str(x).replace("|", "\\|").replace("\n", " ")

    align = align or ["l"] + ["r"] * (len(header) - 1)
    rule = [":---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


def write_text(path: Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text if text.endswith("\n") else text + "\n"))


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    return write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False))


def json_safe(value):
    """Plain JSON types (NaN -> None, numpy scalars -> Python)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def fmt_p(value) -> str:
    """A p-value: 3 decimals, '<0.001' below that, '—' if missing."""
    if value is None or pd.isna(value):
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"
