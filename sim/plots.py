"""The figures of one run: partnership index band, survival curve, final trust network."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

from sim.plotstyle import DIVERGING, PALETTE, STYLE, figure, save
from sim.results import Results


def plot_partnership_band(results: Results, ax=None):
    """Median partnership index over time with 25–75% and 5–95% bands and the thresholds."""
    frame = results.partnership()
    a, b = results.config.outcome.pair
    if ax is None:
        fig, ax = figure()
    with plt.rc_context(STYLE):
        ax.fill_between(frame["date"], frame["index_q05"], frame["index_q95"], color=PALETTE[0], alpha=0.15, lw=0, label="5–95%")
        ax.fill_between(frame["date"], frame["index_q25"], frame["index_q75"], color=PALETTE[0], alpha=0.3, lw=0, label="25–75%")
        ax.plot(frame["date"], frame["index_q50"], color=PALETTE[0], lw=1.6, label="median")
        out = results.config.outcome
        ax.axhline(out.hold_threshold, color=PALETTE[2], ls="--", lw=0.9, label=f"holds ≥ {out.hold_threshold:g}")
        ax.axhline(out.rupture_threshold, color=PALETTE[3], ls=":", lw=0.9, label=f"rupture < {out.rupture_threshold:g}")
        ax.set_ylim(0, 1)
        ax.set_xlabel("calendar month")
        ax.set_ylabel(f"{a}–{b} partnership index (0–1)")
        ax.set_title(f"{results.scenario}: {a}–{b} partnership ({results.pair_index.shape[0]} replications)")
        ax.legend(loc="lower left", ncol=3, frameon=False)
    return ax.figure


def plot_survival(results: Results, ax=None):
    """Share of replications in which the pair has not ruptured, by month."""
    frame = results.partnership()
    a, b = results.config.outcome.pair
    if ax is None:
        fig, ax = figure()
    with plt.rc_context(STYLE):
        ax.step(frame["date"], frame["survival"], where="post", color=PALETTE[1], lw=1.6)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("calendar month")
        ax.set_ylabel("share not ruptured")
        ax.set_title(f"{results.scenario}: survival of the {a}–{b} partnership")
    return ax.figure


def plot_trust_network(results: Results, ax=None):
    """Median final trust as a directed network: edge colour 2τ−1, node size capability, node colour bloc."""
    roster = list(results.roster)
    trust = results.final_medians("trust")
    blocs = results.blocs()["landscape"]["groups"]
    bloc_of = {code: k for k, group in enumerate(blocs) for code in group}
    graph = nx.DiGraph()
    graph.add_nodes_from(roster)
    for a in roster:
        for b in roster:
            if a != b:
                graph.add_edge(a, b, signed=2 * trust[a][b] - 1)
    pos = nx.circular_layout(graph)
    cap = np.array([0.5 * (results.config.actors[a].capability.lo + results.config.actors[a].capability.hi) for a in roster])
    if ax is None:
        fig, ax = figure(figsize=(5.2, 4.6))
    with plt.rc_context(STYLE):
        edges = list(graph.edges)
        colours = [graph.edges[e]["signed"] for e in edges]
        nx.draw_networkx_edges(
            graph, pos, ax=ax, edgelist=edges, edge_color=colours, edge_cmap=plt.get_cmap(DIVERGING),
            edge_vmin=-1, edge_vmax=1, width=1.4, arrowsize=9, connectionstyle="arc3,rad=0.12",
            node_size=300 + 1500 * cap,
        )
        nx.draw_networkx_nodes(
            graph, pos, ax=ax, node_size=300 + 1500 * cap,
            node_color=[(PALETTE[2], PALETTE[1])[bloc_of.get(a, 0) % 2] for a in roster], edgecolors="black", linewidths=0.6,
        )
        nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8)
        ax.set_axis_off()
        ax.set_title(f"{results.scenario}: median trust at month {results.config.horizon_months}")
        mappable = plt.cm.ScalarMappable(cmap=DIVERGING, norm=plt.Normalize(-1, 1))
        bar = ax.figure.colorbar(mappable, ax=ax, shrink=0.7)
        bar.set_label("signed trust 2τ−1 (−1 distrust … +1 trust)")
    return ax.figure


def run_figures(results: Results, folder: Path) -> list[Path]:
    """Write the three figures of a run as PNG and PDF into ``folder``."""
    paths = []
    paths += save(plot_partnership_band(results), folder, "partnership_index")
    paths += save(plot_survival(results), folder, "survival")
    paths += save(plot_trust_network(results), folder, "trust_network")
    return paths
