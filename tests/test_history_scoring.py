"""Metrics, rivals, the fixed split and the tie categories of signed-network forecasts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.history import rivals, split
from sim.history.cow import evaluate, tie_sets
from sim.history.metrics import score
from sim.history.signed import signed_network


def test_scores_of_a_hand_example():
    truth = np.array([1, 1, 1, -1, -1])
    prob = np.array([0.9, 0.6, 0.2, 0.4, 0.7])  # says +, +, -, -, +
    s = score(truth, prob)
    tp, fn, tn, fp = 2, 1, 1, 1
    assert s.balanced_accuracy == pytest.approx(0.5 * (tp / (tp + fn) + tn / (tn + fp)))
    assert s.mcc == pytest.approx((tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))
    assert s.brier == pytest.approx(np.mean((prob - (truth > 0)) ** 2))
    assert (s.n, s.positive, s.hits) == (5, 3, 3)


def test_a_forecast_of_one_half_counts_as_positive():
    assert score(np.array([1, -1]), np.array([0.5, 0.5])).hits == 1


def test_constant_forecasts_have_mcc_zero_and_one_class_truth_has_none():
    s = score(np.array([1, -1, -1]), np.ones(3))
    assert s.mcc == 0.0 and s.balanced_accuracy == 0.5
    one_class = score(np.array([1, 1]), np.array([1.0, 0.0]))
    assert one_class.mcc is None and one_class.balanced_accuracy is None


@pytest.mark.parametrize("truth, prob, match", [
    (np.array([1, 0]), np.array([1.0, 1.0]), "signs must be"),
    (np.array([1, -1]), np.array([1.5, 0.0]), "probabilities must lie"),
    (np.array([1, -1]), np.array([1.0]), "one shape"),
])
def test_bad_scoring_input(truth, prob, match):
    with pytest.raises(ValueError, match=match):
        score(truth, prob)


SOURCE = signed_network(["AAA", "BBB", "CCC", "DDD", "EEE"],
                        [("AAA", "BBB", 1), ("BBB", "CCC", -1), ("AAA", "DDD", 1), ("DDD", "EEE", -1)])


def test_triad_sum_and_its_fallback_at_zero():
    pairs = [("AAA", "CCC"), ("BBB", "DDD"), ("AAA", "EEE"), ("CCC", "EEE"), ("AAA", "BBB")]
    # A-C: via B (+1 * -1) = -1; B-D: via A (+1 * +1) = +1; A-E: via D (+1 * -1) = -1;
    # C-E and A-B: no common neighbour, 0
    assert rivals.triad_sum(SOURCE, pairs).tolist() == [-1, 1, -1, 0, 0]
    history = [(SOURCE, signed_network(SOURCE.nodes, [("AAA", "CCC", -1)]))]  # the one new tie is negative
    fns, learnt = rivals.rivals(history)
    assert learnt["no_tie_sign"] == -1.0
    # at 0 the rule falls back to persistence: C-E has no tie -> no_tie_sign; A-B keeps +1
    assert fns["triad rule"](SOURCE, pairs).tolist() == [0.0, 1.0, 0.0, 0.0, 1.0]
    assert fns["persistence"](SOURCE, pairs).tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert fns["all positive"](SOURCE, pairs).tolist() == [1.0] * 5


def test_fitted_rates_are_the_observed_shares():
    target = signed_network(SOURCE.nodes, [("AAA", "BBB", 1), ("BBB", "CCC", 1), ("AAA", "DDD", -1),
                                           ("AAA", "CCC", 1), ("BBB", "EEE", -1)])
    fns, learnt = rivals.rivals([(SOURCE, target)])
    assert learnt["p_positive_after_positive"] == 0.5  # A-B stays +, A-D turns -
    assert learnt["p_positive_after_negative"] == 1.0  # B-C turns +
    assert learnt["p_positive_no_tie"] == 0.5          # A-C +, B-E -
    assert fns["fitted rates"](SOURCE, [("AAA", "BBB"), ("BBB", "CCC"), ("AAA", "EEE")]).tolist() == [0.5, 1.0, 0.5]


def test_tie_categories_and_pooled_evaluation():
    target = signed_network(SOURCE.nodes, [("AAA", "BBB", -1), ("BBB", "CCC", -1), ("AAA", "CCC", 1)])
    ties = tie_sets(SOURCE, target)
    assert [p for p, m in zip(ties.pairs, ties.mask("existing")) if m] == [("AAA", "BBB"), ("BBB", "CCC")]
    assert [p for p, m in zip(ties.pairs, ties.mask("flips")) if m] == [("AAA", "BBB")]
    assert [p for p, m in zip(ties.pairs, ties.mask("new")) if m] == [("AAA", "CCC")]
    fns, _ = rivals.rivals([])
    res = evaluate({"persistence": fns["persistence"]}, [(SOURCE, target), (SOURCE, target)])
    assert res["persistence"]["existing"].n == 4 and res["persistence"]["flips"].hits == 0


def test_the_split_is_fixed_and_scores_nothing_fitted():
    fit, gap, scored = (split.window_pairs(r) for r in ("fit", "gap", "score"))
    assert (len(fit), len(gap), len(scored)) == (17, 3, 7)
    assert all(p.target.first - p.source.first == split.LEAD_YEARS for p in fit + gap + scored)
    assert max(p.target.last for p in fit) == split.FIT_LAST_YEAR
    assert min(p.target.first for p in scored) == split.SCORE_FIRST_YEAR
    fitted_years = {y for p in fit for y in range(p.target.first, p.target.last + 1)}
    scored_years = {y for p in scored for y in range(p.target.first, p.target.last + 1)}
    assert not fitted_years & scored_years
    assert scored[0].label == "66-69 -> 70-73" and scored[-1].label == "72-75 -> 76-79"
    with pytest.raises(ValueError, match="role: 'test'; allowed: fit, gap, score"):
        split.window_pairs("test")
