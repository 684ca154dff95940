"""Regenerate the seeded regression baseline — run only on purpose, after a deliberate model change.

    python -m tests.regression.update_baseline      # from the repository root

Commit the new ``baseline_summary.json`` with a message saying why the numbers moved.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OVERRIDES = ["replications=300", "seed=20250701"]
VOLATILE = ("version", "overrides")


def current_summary() -> dict:
    from sim import run

    summary = run("baseline", OVERRIDES, progress=False).summary()
    return {k: v for k, v in summary.items() if k not in VOLATILE}


if __name__ == "__main__":
    path = HERE / "baseline_summary.json"
    path.write_text(json.dumps(current_summary(), indent=2) + "\n")
    print(f"wrote {path}")
