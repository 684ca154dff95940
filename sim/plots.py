"""The figures of one run, each answering one question about the outcome pair.

* ``partnership_index`` — does the partnership hold? The index's median with 25–75% and
  5–95% bands, the hold and rupture thresholds, P(holds) with its interval, and the
  events: scheduled ones at their month (lettered, with a key), random ones with the
  share of replications in which they fired.
* ``survival`` — when does it break? S(t), the share not ruptured by month t, with a
  pointwise Wilson 95% band, the censoring at the horizon marked, and P(holds) next to
  S(T) with the gap between them explained.
* ``trust_network`` — who trusts whom at the horizon? The median final trust as a
  matrix (row trusts column), actors grouped by bloc, values written in the cells.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.aggregate import month_dates

if TYPE_CHECKING:
    from sim.results import Results

KEY_WIDTH = 110  # characters per line of an event key under a figure


@dataclass(frozen=True)
class EventMark:
    """One event of the run: where it fired and in how many replications."""

    name: str
    description: str
    timing: str  # "scheduled", "recurring" or "random"
    months: tuple[int, ...]  # firing months (scheduled and recurring); () for random
    share_fired: float  # share of replications in which it fired at least once
    rule: str  # when it may fire, in words


def event_marks(results: Results) -> list[EventMark]:
    """The run's events in config order; firing months from the recorded fire counts."""
    marks = []
    for name, event in results.config.events.items():
        fires = np.asarray(results.replication_columns.get(f"fires.{name}", np.zeros(1)), dtype=np.int64)
        share = float((fires > 0).mean()) if fires.size else 0.0
        if event.hazard is not None:
            end = event.end or results.config.horizon_months
            marks.append(EventMark(name, event.description, "random", (), share,
                                   f"random: hazard {event.hazard:g}/month, months {event.start}–{end}"))
        elif event.month is not None:
            marks.append(EventMark(name, event.description, "scheduled", (event.month,) if share > 0 else (), share,
                                   f"month {event.month}"))
        else:
            count = int(fires.max()) if fires.size else 0  # the same in every replication
            months = tuple(event.start + k * event.every for k in range(count))
            marks.append(EventMark(name, event.description, "recurring", months, share,
                                   f"every {event.every} months from month {event.start}"))
    return marks


def _key_line(letter: str, mark: EventMark, dates) -> str:
    what = f"{mark.name}: {mark.description}" if mark.description else mark.name
    if mark.timing == "random":
        when = f"{mark.rule}; fired in {mark.share_fired:.0%} of replications"
    elif not mark.months:
        when = f"{mark.rule}; did not fire (events switched off or past the horizon)"
    else:
        when = f"{dates[mark.months[0]]:%Y-%m} (month {mark.months[0]})"
        if len(mark.months) > 1:
            when += f", then months {', '.join(str(m) for m in mark.months[1:])}"
    return textwrap.shorten(f"{letter}  {when} — {what}", KEY_WIDTH + 60, placeholder=" …")


def _event_key(ax, lines: list[str]) -> None:
    """The event key as text under the axes (wrapped, one entry per line)."""
    if lines:
        text = "\n".join(textwrap.fill(line, KEY_WIDTH, subsequent_indent="     ") for line in lines)
        ax.annotate("Events:\n" + text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -34),
                    textcoords="offset points", va="top", ha="left", fontsize=7, color="#333333")


def _mark_events(ax, results: Results) -> None:
    """Lettered vertical lines at each event's firing months and the key under the axes."""
    dates = month_dates(results.config.start, results.config.horizon_months + 1)
    lines, tags_at = [], {}
    for k, mark in enumerate(event_marks(results)):
        tag = chr(ord("A") + k) if k < 26 else f"E{k + 1}"
        lines.append(_key_line(tag, mark, dates))
        for m, month in enumerate(mark.months):
            ax.axvline(dates[month], color="#555555", lw=0.9 if m == 0 else 0.6, ls="-" if m == 0 else (0, (2, 2)),
                       alpha=0.8, zorder=1)
        if mark.months:
            tags_at.setdefault(mark.months[0], []).append(tag)
    level, previous = 0, None
    for month in sorted(tags_at):  # labels of nearby months staggered downwards
        level = (level + 1) % 3 if previous is not None and month - previous < 0.07 * len(dates) else 0
        previous = month
        ax.annotate(",".join(tags_at[month]), (dates[month], 1.0), xycoords=("data", "axes fraction"),
                    xytext=(2, -2 - 10 * level), textcoords="offset points", fontsize=7, fontweight="bold",
                    va="top", color="#333333")
    _event_key(ax, lines)


def plot_partnership_band(results: Results, ax=None):
    """Median partnership index with 25–75% and 5–95% bands, the rupture level, P(holds) and events."""
    import matplotlib.pyplot as plt

    from sim.plotstyle import PALETTE, STYLE, date_axis, figure  # matplotlib: only when figures are drawn

    frame = results.partnership()
    a, b = results.config.outcome.pair
    out = results.config.outcome
    if ax is None:
        fig, ax = figure(figsize=(7.0, 3.8))
    with plt.rc_context(STYLE):
        x = frame["date"]
        ax.fill_between(x, frame["index_q05"], frame["index_q95"], color=PALETTE[0], alpha=0.15, lw=0, label="5–95% of replications")
        ax.fill_between(x, frame["index_q25"], frame["index_q75"], color=PALETTE[0], alpha=0.3, lw=0, label="25–75%")
        ax.plot(x, frame["index_q50"], color=PALETTE[0], lw=1.8, label="median")
        ax.plot(x, frame["rupture_level"], color=PALETTE[3], ls=":", lw=1.2,
                label=f"rupture level: {out.rupture_threshold:g} × running peak (median; {out.rupture_months} months in a row)")
        _mark_events(ax, results)
        lo, hi = results.p_hold_ci
        ax.text(1.02, 0.45, f"P(holds) = {results.p_hold:.3f}\n95% CI {lo:.3f}–{hi:.3f}\n\nholds: no rupture\n"
                f"({out.rupture_months} months below\n{out.rupture_threshold:g} of its peak)\nby month {results.config.horizon_months}",
                transform=ax.transAxes, ha="left", va="top",
                fontsize=8, bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#999999"})
        ax.set_ylim(0, 1)
        ax.set_xlim(x.iloc[0], x.iloc[-1])
        date_axis(ax)
        ax.set_ylabel(f"{a}–{b} partnership index (0–1)")
        ax.set_title(f"{results.scenario}: does the {a}–{b} partnership hold? ({results.pair_index.shape[0]} replications)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7)
    return ax.figure


def plot_survival(results: Results, ax=None):
    """S(t) with its Wilson band, censoring at the horizon, and P(holds) beside S(T)."""
    import matplotlib.pyplot as plt

    from sim.plotstyle import PALETTE, STYLE, date_axis, figure  # matplotlib: only when figures are drawn

    frame = results.partnership()
    a, b = results.config.outcome.pair
    n = results.pair_index.shape[0]
    horizon = results.config.horizon_months
    if ax is None:
        fig, ax = figure(figsize=(7.0, 3.8))
    with plt.rc_context(STYLE):
        x = frame["date"]
        ax.fill_between(x, frame["survival_lo"], frame["survival_hi"], step="post", color=PALETTE[1], alpha=0.25, lw=0,
                        label="pointwise Wilson 95% band")
        ax.step(x, frame["survival"], where="post", color=PALETTE[1], lw=1.8, label="S(t): share not ruptured by month t")
        s_end = float(frame["survival"].iloc[-1])
        at_risk = int(results.censored.sum())
        ax.plot([x.iloc[-1]], [s_end], marker="|", ms=14, mew=2, color="black", ls="none",
                label=f"censored at the horizon: {int(results.holds.sum())} of {n} not ruptured, "
                      f"{at_risk} of them below the threshold × peak")
        lo, hi = results.p_hold_ci
        p = results.p_hold
        beside = x.iloc[-1] + (x.iloc[-1] - x.iloc[0]) * 0.03
        ax.errorbar([beside], [p], yerr=[[max(0.0, p - lo)], [max(0.0, hi - p)]], fmt="D", ms=5, color=PALETTE[2], capsize=3, lw=1.2,
                    label=f"P(holds) at the horizon = {p:.3f} [{lo:.3f}, {hi:.3f}]")
        months = results.config.outcome.rupture_months
        last = horizon - months + 1  # a rupture starting later cannot complete its run before the horizon
        if 1 <= last < horizon:
            ax.axvspan(x.iloc[last], x.iloc[-1], color="#999999", alpha=0.15, lw=0,
                       label=f"after month {last}: a new rupture cannot complete {months} months before the horizon")
        ax.annotate(textwrap.fill(
            f"P(holds) = S({horizon}) = {s_end:.3f} by definition: a replication holds if it has not ruptured by the "
            f"horizon. {at_risk} of {n} replications held with the index below {results.config.outcome.rupture_threshold:g} "
            f"of its running peak for fewer than {months} months at the end: censored, their fate after the horizon unknown.", KEY_WIDTH),
            xy=(0, 0), xycoords="axes fraction", xytext=(0, -28),
            textcoords="offset points", va="top", fontsize=7, color="#333333")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(x.iloc[0], x.iloc[-1] + (x.iloc[-1] - x.iloc[0]) * 0.06)
        date_axis(ax)
        ax.set_ylabel("share of replications not ruptured")
        never = " (no replication ruptured)" if int(results.holds.sum()) == n else ""
        ax.set_title(f"{results.scenario}: when does the {a}–{b} partnership rupture?{never}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=7)
    return ax.figure


def plot_hold_curve(results: Results, ax=None):
    """P(holds) at every rupture threshold (the same duration), with the configured one marked."""
    import matplotlib.pyplot as plt

    from sim.plotstyle import PALETTE, STYLE, figure  # matplotlib: only when figures are drawn

    curve = results.hold_curve()
    a, b = results.config.outcome.pair
    out = results.config.outcome
    if ax is None:
        fig, ax = figure(figsize=(6.0, 3.6))
    with plt.rc_context(STYLE):
        ax.fill_between(curve["threshold"], curve["p_hold_lo"], curve["p_hold_hi"], step="post", color=PALETTE[0],
                        alpha=0.2, lw=0, label="Wilson 95% band")
        ax.step(curve["threshold"], curve["p_hold"], where="post", color=PALETTE[0], lw=1.8,
                label=f"P(holds): no {out.rupture_months}-month run below the threshold × running peak")
        ax.axvline(out.rupture_threshold, color=PALETTE[3], ls=":", lw=1.2,
                   label=f"configured threshold {out.rupture_threshold:g}: P(holds) = {results.p_hold:.3f}")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(f"rupture threshold: share of its running peak the {a}–{b} index keeps")
        ax.set_ylabel(f"P(holds) by month {results.config.horizon_months}")
        ax.set_title(f"{results.scenario}: how P(holds) depends on where rupture is drawn")
        ax.legend(loc="lower left", frameon=False, fontsize=7)
    return ax.figure


def plot_trust_network(results: Results, ax=None):
    """Median trust at the horizon as a matrix (row trusts column), actors grouped by bloc."""
    import matplotlib.pyplot as plt

    from sim.plotstyle import DIVERGING, STYLE, figure  # matplotlib: only when figures are drawn

    trust = results.final_medians("trust")
    groups = results.blocs()["landscape"]["groups"]
    order = [code for group in groups for code in group]
    order += [code for code in results.roster if code not in order]
    n = len(order)
    matrix = np.full((n, n), np.nan)
    for i, src in enumerate(order):
        for j, dst in enumerate(order):
            if i != j:
                matrix[i, j] = trust[src][dst]
    if ax is None:
        side = 1.6 + 0.5 * n
        fig, ax = figure(figsize=(side + 1.4, side))
    with plt.rc_context(STYLE):
        cmap = plt.get_cmap(DIVERGING).with_extremes(bad="#eeeeee")
        image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=0, vmax=1)
        ax.grid(False)
        if n <= 14:
            for i in range(n):
                for j in range(n):
                    if i != j:
                        value = matrix[i, j]
                        r, g, b_, _ = cmap(value)
                        dark = 0.2126 * r + 0.7152 * g + 0.0722 * b_ < 0.5  # relative luminance
                        ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                                color="white" if dark else "black")
        a, b = results.config.outcome.pair
        for i, j in ((order.index(a), order.index(b)), (order.index(b), order.index(a))):
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="black", lw=2.2, ls="--"))
        edge = 0
        for group in groups[:-1]:
            edge += len(group)
            ax.axhline(edge - 0.5, color="black", lw=1.4)
            ax.axvline(edge - 0.5, color="black", lw=1.4)
        ax.set_xticks(range(n), order, rotation=45, ha="right")
        ax.set_yticks(range(n), order)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel("trusted partner")
        ax.set_ylabel("trusting actor")
        blocs = " | ".join("{" + ", ".join(g) + "}" for g in groups)
        ax.set_title(f"{results.scenario}: median trust at month {results.config.horizon_months}\n"
                     f"blocs (black lines): {blocs}; dashed: the pair {a}–{b}", fontsize=9)
        bar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
        bar.set_label("median trust: belief that the partner is reliable\n(0.5 = no information; grey: self)")
    return ax.figure


def run_figures(results: Results, folder: Path) -> list[Path]:
    """Write the four figures of a run as PNG and PDF into ``folder``."""
    from sim.plotstyle import save  # matplotlib: only when figures are drawn

    paths = []
    paths += save(plot_partnership_band(results), folder, "partnership_index")
    paths += save(plot_survival(results), folder, "survival")
    paths += save(plot_hold_curve(results), folder, "hold_curve")
    paths += save(plot_trust_network(results), folder, "trust_network")
    return paths
