"""One figure style for runs and analyses: colour-blind-safe palette, print sizes, atomic saves."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen on the machines; figures go to files
import matplotlib.pyplot as plt  # noqa: E402

from sim.atomic import write_atomic  # noqa: E402

# Okabe & Ito (2008) palette, safe for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
DIVERGING = "RdBu"  # distrust (red) .. trust (blue), colour-blind safe

STYLE = {
    "figure.figsize": (6.0, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
}


def figure(**kwargs):
    """A new figure and axes in the house style."""
    with plt.rc_context(STYLE):
        return plt.subplots(**kwargs)


def save(fig, folder: Path, stem: str, formats=("png", "pdf")) -> list[Path]:
    """Save ``fig`` as ``folder/stem.<fmt>`` for each format (atomically) and close it."""
    paths = []
    with plt.rc_context(STYLE):
        for fmt in formats:
            paths.append(write_atomic(folder / f"{stem}.{fmt}", lambda tmp, f=fmt: fig.savefig(tmp, format=f)))
    plt.close(fig)
    return paths
