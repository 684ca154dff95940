"""Where the Hydra configs and scenario files are, in a checkout or an installed package."""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def conf_dir() -> Path:
    """``conf/`` at the repository top, or ``sim/_conf`` in an installed wheel."""
    checkout = _PKG.parent / "conf"
    return checkout if (checkout / "config.yaml").is_file() else _PKG / "_conf"


def scenario_dirs() -> list[Path]:
    """Shipped scenarios, then any folders listed in ``$ALLIANCE_SIM_SCENARIOS`` (os.pathsep)."""
    checkout = _PKG.parent / "scenarios"
    dirs = [checkout if checkout.is_dir() else _PKG / "_scenarios"]
    extra = os.environ.get("ALLIANCE_SIM_SCENARIOS", "")
    dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    return dirs
