"""Figures that answer their question: what each one shows is read back from the figure itself.

The matplotlib objects are inspected (lines at the event months, the P(holds) label, the
censoring count, the matrix values, the axes chosen by the sensitivity ranking), and no
two labels of a figure may overlap once drawn.
"""

from __future__ import annotations

import itertools

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image

from sim.errors import ConfigError
from tests.sweep_folders import write_sweep


def text_artists(fig) -> list[Text]:
    """Every Text artist of the figure, once."""
    return list({id(t): t for t in fig.findobj(Text)}.values())


def texts(fig) -> list[str]:
    return [t.get_text() for t in text_artists(fig) if t.get_text()]


def _undrawn_tick_labels(fig) -> set[int]:
    """Tick labels outside their axis' view interval: matplotlib keeps but does not draw them."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 * (hi - lo) <= tick.get_loc() <= hi + 1e-9 * (hi - lo):
                    hidden |= {id(tick.label1), id(tick.label2)}
    return hidden


def overlapping_labels(fig) -> list[tuple[str, str]]:
    """Pairs of drawn, non-empty texts (titles, tick labels, annotations, legends) whose boxes overlap."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = _undrawn_tick_labels(fig)
    items = []
    for t in text_artists(fig):
        if t.get_text().strip() and t.get_visible() and t.get_alpha() != 0 and id(t) not in hidden:
            box = t.get_window_extent(renderer)
            if box.width > 0 and box.height > 0:
                items.append((t.get_text(), box))
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(items, 2)
            if ba.overlaps(bb) and ba.intersection(ba, bb).width > 1 and ba.intersection(ba, bb).height > 1]


def test_overlap_check_finds_overlapping_labels():
    from sim.plotstyle import figure

    fig, ax = figure()
    ax.set_title("a title")
    ax.annotate("one label", (0.5, 0.5))
    ax.annotate("another label", (0.5, 0.5))
    assert overlapping_labels(fig) == [("one label", "another label")]


@pytest.fixture(scope="module")
def ceasefire():
    import sim

    return sim.run(["ukraine_ceasefire", "us_russia_reset"], overrides=["replications=60", "horizon_months=36"], progress=False)


@pytest.fixture(scope="module")
def crisis():
    import sim

    return sim.run("taiwan_crisis", overrides=["replications=60", "horizon_months=36"], progress=False)


def test_band_marks_events_and_states_p_hold(ceasefire):
    from sim.plots import event_marks, plot_partnership_band
    from sim.results import month_dates

    fig = plot_partnership_band(ceasefire)
    ax = fig.axes[0]
    shown = " ".join(texts(fig))
    assert f"P(holds) = {ceasefire.p_hold:.3f}" in shown
    dates = month_dates(ceasefire.config.start, ceasefire.config.horizon_months + 1)
    vertical = {round(float(mdates.date2num(line.get_xdata()[0])), 6) for line in ax.get_lines()
                if len(set(np.atleast_1d(line.get_xdata()))) == 1}
    marks = event_marks(ceasefire)
    assert {m.timing for m in marks} == {"scheduled", "recurring", "random"}
    for mark in marks:
        assert mark.name in shown
        for month in mark.months:
            assert round(float(mdates.date2num(dates[month])), 6) in vertical, (mark.name, month)
    random = next(m for m in marks if m.timing == "random")
    fired = (ceasefire.replications()[f"fires.{random.name}"] > 0).mean()
    assert random.share_fired == pytest.approx(fired) and f"fired in {fired:.0%} of replications" in shown
    recurring = next(m for m in marks if m.timing == "recurring")
    assert recurring.months == (12, 18, 24, 30)  # every 6 months from 12, four times (the scenario file)


def test_band_of_a_random_event_gives_its_share(crisis):
    from sim.plots import event_marks

    (mark,) = event_marks(crisis)
    assert mark.timing == "random" and mark.months == ()
    assert 0 < mark.share_fired < 1


def test_survival_marks_censoring_and_its_relation_to_p_hold(ceasefire):
    from sim.plots import plot_survival

    fig = plot_survival(ceasefire)
    shown = " ".join(" ".join(texts(fig)).split())  # wrapped lines joined
    n = ceasefire.pair_index.shape[0]
    s_end = float(ceasefire.survival()[-1])
    not_ruptured = int(round(s_end * n))
    assert f"censored at the horizon: {not_ruptured} of {n}" in shown
    assert f"P(holds) = S({ceasefire.config.horizon_months}) = {s_end:.3f}" in shown
    assert not_ruptured == int(ceasefire.holds.sum())  # P(holds) = S(T) by construction
    assert f"{int(ceasefire.censored.sum())} of {n} replications held with the index below" in shown
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]  # the Wilson band
    assert band.min() < s_end <= band.max() + 1e-12


def test_trust_matrix_shows_the_final_medians_by_bloc(ceasefire):
    from sim.plots import plot_trust_network

    fig = plot_trust_network(ceasefire)
    ax = fig.axes[0]
    order = [t.get_text() for t in ax.get_xticklabels()]
    assert order == [t.get_text() for t in ax.get_yticklabels()]
    groups = ceasefire.blocs()["landscape"]["groups"]
    assert order == [code for group in groups for code in group]
    trust = ceasefire.final_medians("trust")
    shown = ax.images[0].get_array()
    for i, a in enumerate(order):
        for j, b in enumerate(order):
            assert (shown.mask[i, j] if i == j else shown[i, j] == pytest.approx(trust[a][b]))
    assert fig.axes[1].get_ylabel().startswith("median trust")  # the colour legend


def test_run_figures_have_no_overlapping_labels(ceasefire, crisis):
    from sim.plots import plot_partnership_band, plot_survival, plot_trust_network

    for results in (ceasefire, crisis):
        for plot in (plot_partnership_band, plot_survival, plot_trust_network):
            assert overlapping_labels(plot(results)) == [], plot.__name__


# -- sweep figure ---------------------------------------------------------------------------
def test_sweep_figure_plots_the_two_parameters_that_matter(tmp_path):
    from sim.sweep_figure import sweep_figure

    rng = np.random.default_rng(11)
    x = pd.DataFrame({"a": rng.random(400), "b": rng.random(400), "c": 2 + 3 * rng.random(400), "d": rng.random(400)})
    p = 1 / (1 + np.exp(-(8 * (x["c"] - 3.5) + 4 * (x["a"] - 0.5))))  # c first, a second; b and d do nothing
    folder = write_sweep(tmp_path / "lhs", x, p, bounds={"a": [0, 1], "b": [0, 1], "c": [2, 5], "d": [0, 1]})
    result = sweep_figure(folder)
    assert (result.x, result.y) == ("c", "a")
    assert [name for name, _ in result.ranking][:2] == ["c", "a"]
    assert result.contour and result.written[0] == folder / "figures" / "sweep_c__a.png"
    with Image.open(result.written[0]) as image:
        assert image.height > 300 and np.unique(np.asarray(image.convert("L"))).size > 10
    cells = pd.read_csv(folder / "figures" / "sweep_c__a.csv")
    assert cells["c"].between(2, 5).all() and cells["a"].between(0, 1).all()


def test_sweep_figure_axes_span_the_swept_range_and_explain_empty_cells(tmp_path):
    from sim.sweep_figure import plot_heatmap
    from sim.sweep_table import parameter_label, read_sweep

    rng = np.random.default_rng(12)
    x = pd.DataFrame({"world.war": 0.2 + 0.3 * rng.random(300), "dynamics.w_trust": 1 + 4 * rng.random(300)})
    x.loc[x.index[:150], "world.war"] = 0.2 + 0.1 * rng.random(150)  # half of the points in the lower third
    folder = write_sweep(tmp_path / "s", x, 1 / (1 + np.exp(-(x["dynamics.w_trust"] - 3))),
                         bounds={"world.war": [0.2, 0.8], "dynamics.w_trust": [1, 5]})
    sweep = read_sweep(folder)
    fig, table, contour, mode = plot_heatmap(sweep, "world.war", "dynamics.w_trust", 0.5, {"world.war": 0.1, "dynamics.w_trust": 0.8})
    ax = fig.axes[0]
    assert mode == "binned" and ax.get_xlim() == pytest.approx((0.2, 0.8)) and ax.get_ylim() == pytest.approx((1, 5))
    assert "swept 0.2–0.8" in ax.get_xlabel() and ax.get_xlabel() == parameter_label("world.war", (0.2, 0.8))
    assert "intensity" in ax.get_xlabel() and "logit per unit trust" in ax.get_ylabel()  # declared units
    empty = int((table["status"] == "no design point").sum())
    assert empty > 0  # nothing was sampled above war = 0.5
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"grey: no design point in this cell ({empty})" in legend
    assert overlapping_labels(fig) == []


def test_grid_cell_of_a_failed_point_says_so(tmp_path):
    from sim.sweep_figure import sweep_figure

    a, b = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 1, 4))
    x = pd.DataFrame({"x1": a.ravel(), "x2": b.ravel()})
    errors = [None] * len(x)
    errors[7] = "relations.RUS: dependency shares sum to up to 1.2"
    folder = write_sweep(tmp_path / "g", x, 1 / (1 + np.exp(-10 * (x["x1"] + x["x2"] - 1))), method="grid", errors=errors)
    result = sweep_figure(folder)
    assert (result.data["status"] == "failed").sum() == 1 and "1 failed point(s)" in result.text
    assert len(result.data) == 20 and result.contour


def test_first_order_shares_on_an_additive_grid(tmp_path):
    from sim.sweep_table import first_order_shares, read_sweep

    a, b, c = np.meshgrid(np.linspace(0, 1, 6), np.linspace(0, 1, 6), np.linspace(0, 1, 6), indexing="ij")
    x = pd.DataFrame({"x1": a.ravel(), "x2": b.ravel(), "x3": c.ravel()})
    y = 0.1 + 0.6 * x["x1"] + 0.2 * x["x2"]  # var shares 0.9 and 0.1 (0.36 : 0.04), x3 none
    folder = write_sweep(tmp_path / "add", x, y, method="grid", replications=10**6)
    shares = first_order_shares(read_sweep(folder))
    assert shares["x1"] == pytest.approx(0.9, abs=0.01) and shares["x2"] == pytest.approx(0.1, abs=0.01)
    assert shares["x3"] == pytest.approx(0.0, abs=0.01)


def test_sweep_figure_bad_input(tmp_path):
    from sim.sweep_figure import sweep_figure

    with pytest.raises(ConfigError, match="no such folder"):
        sweep_figure(tmp_path / "nope")
    folder = write_sweep(tmp_path / "s", pd.DataFrame({"x1": np.linspace(0, 1, 9)}), np.linspace(1, 0, 9))
    with pytest.raises(ConfigError, match="allowed: x1"):
        sweep_figure(folder, x="world.war")
    with pytest.raises(ConfigError, match="0 < threshold < 1"):
        sweep_figure(folder, threshold=1.5)
    assert not (folder / "figures").exists()


def test_figure_names_from_data_cannot_leave_their_folder(tmp_path):
    """A crafted parameter name (an untrusted sweep folder) becomes a plain file name."""
    from sim.plotstyle import figure, safe_stem, save

    assert safe_stem("../../etc/x") == "_.._etc_x" and "/" not in safe_stem("a/b") and not safe_stem(".hidden").startswith(".")
    fig, _ = figure()
    written = save(fig, tmp_path / "out", "sweep_../../escape", formats=("png",))
    assert [p.parent for p in written] == [tmp_path / "out"] and not list(tmp_path.glob("escape*"))
