"""Cross-run analysis of alliance-sim outputs: ``python -m analysis {compare,sweep,sensitivity,discover}``.

Importable too::

    from analysis import compare, sweep_plot, sensitivity, discover
    result = compare(["multirun/2026-01-01/12-00-00"], out="cmp")
    result.table          # one row per run, with paired differences from the reference

Every function raises ``analysis.AnalysisError`` (one-line message) on bad input, before
writing anything. Guide: docs/analysis.md.
"""

from __future__ import annotations

from analysis.errors import AnalysisError
from analysis.runs import Run, Sweep, find_runs, load_sweep

__all__ = ["AnalysisError", "Run", "Sweep", "compare", "discover", "find_runs", "load_sweep", "sensitivity", "sweep_plot"]


def __getattr__(name):  # lazy: SALib, scipy and the PRIM package load only when used
    if name == "compare":
        from analysis.comparison import compare

        return compare
    if name == "sweep_plot":
        from analysis.sweep import sweep_plot

        return sweep_plot
    if name == "sensitivity":
        from analysis.sensitivity_indices import sensitivity

        return sensitivity
    if name == "discover":
        from analysis.discovery import discover

        return discover
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
