"""``python -m sim.validate``: it runs on small budgets, its table shows what the code
computes (a few figures recomputed independently here), and bad arguments exit 2.

No assertion here is a threshold on a scientific result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from sim.history import cases, split
from sim.history.scorecard import QUICK, SETTINGS, Row, Scorecard, comparisons, fmt, to_markdown

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _validate(*args, timeout=900):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "sim.validate", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def quick_card(tmp_path_factory):
    out = tmp_path_factory.mktemp("card")
    proc = _validate("--quick", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    card = json.loads((out / "scorecard.json").read_text())
    return card, (out / "scorecard.md").read_text(), proc.stdout


def _row(card, case_prefix, metric):
    rows = [r for r in card["rows"] if r["case"].startswith(case_prefix) and r["metric"] == metric]
    assert len(rows) == 1, (case_prefix, metric)
    return rows[0]


def test_quick_card_runs_and_writes_what_it_prints(quick_card):
    card, markdown, stdout = quick_card
    assert card["budget"]["name"] == "quick"
    assert markdown.strip() in stdout
    assert list(card["columns"][3:3 + len(SETTINGS)]) == list(SETTINGS)
    cases_in_card = {r["case"] for r in card["rows"]}
    assert {"COW signed networks", "pre-1914 Europe", "direction checks"} <= cases_in_card
    assert card["details"]["COW signed networks"]["split"]["score"] == [p.label for p in split.window_pairs("score")]


def test_markdown_cells_are_the_json_values(quick_card):
    card, markdown, _ = quick_card
    lines = [line for line in markdown.splitlines() if line.startswith("| ")][1:]
    assert len(lines) == len(card["rows"])
    for line, row in zip(lines, card["rows"]):
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[1] == row["metric"]
        for k, column in enumerate(card["columns"][3:-1], start=3):
            assert cells[k] == fmt(row["values"].get(column)).replace("|", "\\|")


def _persistence_balanced_accuracy_by_hand() -> tuple[float, int]:
    tp = tn = fp = fn = 0
    for pair in split.window_pairs("score"):
        source, target = pair.source.network, pair.target.network
        before = {frozenset((a, b)): s for a, b, s in source.edges}
        present = set(source.nodes)
        for a, b, now in target.edges:
            key = frozenset((a, b))
            if a in present and b in present and key in before:
                said = before[key]
                tp += now > 0 and said > 0
                tn += now < 0 and said < 0
                fp += now < 0 and said > 0
                fn += now > 0 and said < 0
    return 0.5 * (tp / (tp + fn) + tn / (tn + fp)), tp + tn + fp + fn


def test_cow_persistence_and_all_positive_recomputed_by_hand(quick_card):
    card, _, _ = quick_card
    ba, n = _persistence_balanced_accuracy_by_hand()
    row = _row(card, "COW", "existing ties: balanced accuracy")
    assert row["values"]["persistence"] == pytest.approx(ba, abs=1e-12)
    assert row["reference"].startswith(f"n = {n},")
    assert row["values"]["all positive"] == 0.5
    assert _row(card, "COW", "flipped ties: signs right")["values"]["persistence"].startswith("0 / ")


def test_sino_soviet_probability_recomputed_by_a_direct_run(quick_card):
    card, _, _ = quick_card
    case = cases.load_case("sino_soviet_1950_1969")
    run = cases.run_case(case, QUICK.cases, seed=card["seed"])
    row = _row(card, case.title, "P(rupture by 1960)")
    last = case.month_of("1960-12")
    expected = float(np.mean((run.ruptured_at >= 0) & (run.ruptured_at <= last)))
    assert row["scores"]["model (posterior)"] == pytest.approx(expected, abs=1e-12)
    assert row["values"]["model (posterior)"].startswith(f"{expected:.3f} (")
    prior = cases.run_case(case, QUICK.cases, seed=card["seed"], weights="prior")
    expected = float(np.mean((prior.ruptured_at >= 0) & (prior.ruptured_at <= last)))
    assert row["scores"]["model (prior)"] == pytest.approx(expected, abs=1e-12)
    assert row["values"]["nothing changes"] == 0.0


def test_comparisons_follow_from_the_scores():
    row = Row("c", "m", "s", scores={"model (posterior)": 0.7, "model (prior)": 0.9, "persistence": 0.9,
                                     "triad rule": 0.8}, better="higher")
    close = Row("c", "p", "s", scores={"model (posterior)": 0.4, "model (prior)": 0.0, "nothing changes": 0.0},
                better="closer", truth=(1.0, 1.0))
    card = Scorecard(QUICK, 0, [row, close], {})
    first, second = comparisons(card)
    assert first.best_rivals == ("persistence",)
    assert first.verdicts == {"model (posterior)": "loses to", "model (prior)": "ties"}
    assert second.verdicts == {"model (posterior)": "beats", "model (prior)": "ties"}
    assert "| c | m | s |" in to_markdown(card)


@pytest.mark.parametrize("args, match", [
    (["--budget", "x"], "unrecognized arguments"),
    (["--seed", "x"], "invalid int value"),
    (["--seed", "-1"], "--seed: -1"),
    (["--quick", "--doc", "docs/validation.md"], "--doc: the documentation shows the full budget"),
    (["--doc", "no/such/file.md"], "--doc: no file"),
])
def test_bad_arguments_are_one_line_and_exit_2(args, match):
    proc = _validate(*args, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and match in lines[0]


def test_rows_say_whether_they_are_held_out_or_fitted(quick_card):
    """The alliance cases' rows are calibration targets (in sample), except the
    public-private gap; everything else is held out (derived from the calibration's terms)."""
    from sim.history.abc import TERMS

    card, _, _ = quick_card
    fitted = {cases.load_case(t.case).title for t in TERMS}
    for row in card["rows"]:
        expected = "in-sample" if row["case"] in fitted and "gap" not in row["metric"] else "held out"
        assert row["split"].startswith(expected), (row["case"], row["metric"], row["split"])


def test_honoured_check_splits_by_type():
    from sim.history import stylized

    check = next(c for c in stylized.CHECKS if c.name == "honoured")
    result = stylized.run_check(check, 64, 0, weights="prior")
    t = result.by_type
    share = t["share_reliable"]
    assert result.value == pytest.approx(share * t["reliable"] + (1 - share) * t["opportunist"], abs=1e-12)
