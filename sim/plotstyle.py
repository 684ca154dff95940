"""One figure style for runs and analyses: colour-blind-safe palette, print sizes, atomic saves.

Figures are ``matplotlib.figure.Figure`` objects on an Agg canvas, made without pyplot:
no GUI backend is needed or chosen (headless machines, worker processes), pyplot's global
state is left alone (a notebook's inline backend keeps working), and nothing has to be
closed.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.atomic import write_atomic

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


def figure(*, figsize=None, layout=None, **subplots):
    """A new ``Figure`` and its axes in the house style (``subplots`` as for ``Figure.subplots``)."""
    with plt.rc_context(STYLE):
        fig = Figure(figsize=figsize or STYLE["figure.figsize"], dpi=STYLE["figure.dpi"], layout=layout)
        FigureCanvasAgg(fig)
        return fig, fig.subplots(**subplots)


def date_axis(ax, maxticks: int = 8) -> None:
    """Calendar months on the x axis: at most ``maxticks`` ticks (≥ 5: matplotlib's locator finds an
    interval for every horizon of 1–240 months), concise labels (no overlap)."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=2, maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def safe_stem(name: str) -> str:
    """A file stem made from data (a parameter name, a scenario): only letters, digits and
    ``_.-``, no leading dot, so it cannot leave its folder or hide (docs/security.md)."""
    stem = _UNSAFE.sub("_", name).lstrip(".") or "figure"
    return stem[:120]


def save(fig, folder: Path, stem: str, formats=("png", "pdf")) -> list[Path]:
    """Save ``fig`` as ``folder/<safe stem>.<fmt>`` for each format, atomically.

    The figure is laid out once for all formats, at the PNG resolution (its layout
    engine, then the tight bounding box that ``savefig.bbox: tight`` finds), and drawn
    once per format: ``savefig`` alone lays it out again for every format.
    """
    stem = safe_stem(stem)
    with plt.rc_context(STYLE):
        dpi, engine = fig.dpi, fig.get_layout_engine()
        fig.dpi = matplotlib.rcParams["savefig.dpi"]
        try:
            fig.draw_without_rendering()
            bbox = fig.get_tightbbox().padded(matplotlib.rcParams["savefig.pad_inches"])
            fig.set_layout_engine(None)  # positions stay where the engine put them
            return [write_atomic(folder / f"{stem}.{fmt}", lambda tmp, f=fmt: fig.savefig(tmp, format=f, bbox_inches=bbox))
                    for fmt in formats]
        finally:
            fig.dpi = dpi
            fig.set_layout_engine(engine)
