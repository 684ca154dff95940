"""Direction of effects, paired on common random numbers (same seed, same replications)."""

from __future__ import annotations

import numpy as np

from sim import run


def paired(a, b, column):
    """Mean and standard error of the paired difference b − a of a per-replication column."""
    diff = b.replications()[column].to_numpy() - a.replications()[column].to_numpy()
    return diff.mean(), diff.std(ddof=1) / np.sqrt(diff.size)


def test_counterintelligence_lowers_russian_trust_in_china():
    common = ["replications=400", "relations.RUS.CHN.espionage=0.3"]
    weak = run("baseline", [*common, "relations.RUS.CHN.counterintelligence=0.2"], progress=False)
    strong = run("baseline", [*common, "relations.RUS.CHN.counterintelligence=1.0"], progress=False)
    mean, se = paired(weak, strong, "final_trust.RUS.CHN")
    assert mean < 0 and abs(mean) > 4 * se, (mean, se)
    # espionage unchanged: China's own counterintelligence and detections of Russia are untouched
    assert (weak.replications()["detections.CHN.RUS"] == strong.replications()["detections.CHN.RUS"]).all()


def test_trust_learns_the_partners_true_type():
    """Kydd: Russia's trust in China ends higher if China is in truth a reliable type than if
    it is an opportunist (same draws otherwise); the war makes China's type visible."""
    common = ["replications=300", "mechanisms.espionage=false"]
    reliable = run("baseline", [*common, "relations.CHN.RUS.reliability=1"], progress=False)
    opportunist = run("baseline", [*common, "relations.CHN.RUS.reliability=0"], progress=False)
    mean, se = paired(opportunist, reliable, "final_trust.RUS.CHN")
    assert mean > 0 and mean > 4 * se, (mean, se)


def test_a_partners_rapprochement_with_ones_adversary_raises_fear_of_abandonment():
    """Snyder: Russia befriending the US (China's adversary) makes China, which depends on
    Russia a little, support Russia more to hold it; not so with abandonment switched off."""
    common = ["replications=300", "mechanisms.balance=false", "relations.CHN.RUS.dependency=0.4"]
    cold = run("baseline", [*common, "relations.RUS.USA.affinity=-0.7"], progress=False)
    warm = run("baseline", [*common, "relations.RUS.USA.affinity=0.8"], progress=False)
    mean, se = paired(cold, warm, "final_support.CHN.RUS")
    assert mean > 4 * se, (mean, se)
    off = [*common, "mechanisms.abandonment=false"]
    cold_off = run("baseline", [*off, "relations.RUS.USA.affinity=-0.7"], progress=False)
    warm_off = run("baseline", [*off, "relations.RUS.USA.affinity=0.8"], progress=False)
    mean_off, _ = paired(cold_off, warm_off, "final_support.CHN.RUS")
    assert mean_off < mean


def test_support_answers_support_received():
    """Reciprocity: more Russian support at the start means more Chinese support later."""
    common = ["replications=300", "horizon_months=3"]
    low = run("baseline", [*common, "relations.RUS.CHN.support=0.1"], progress=False)
    high = run("baseline", [*common, "relations.RUS.CHN.support=0.9"], progress=False)
    mean, se = paired(low, high, "final_support.CHN.RUS")
    assert mean > 4 * se, (mean, se)
