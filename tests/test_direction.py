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
