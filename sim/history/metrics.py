"""Scores of sign forecasts: balanced accuracy, MCC, Brier score, hits.

A forecast is P(positive) per tie, in [0, 1]; the truth is the tie's sign (+1/-1). The
sign forecast is +1 where P >= 1/2 (a forecast of exactly 1/2 goes to the majority
sign, positive). Positive ties are the large majority in the data (``base_rate``), so
plain accuracy misleads; the table reports:

* balanced accuracy  BA = ½ (TP / (TP + FN) + TN / (TN + FP))   in [0, 1], ½ = chance;
* Matthews correlation  MCC = (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN))  in
  [−1, 1], 0 = chance; a forecaster that gives one sign only has MCC 0 (the limit);
* Brier score  B = mean (P − 1[positive])²  in [0, 1], lower is better (a proper score:
  Brier 1950), which also rewards honest probabilities;
* hits: the number of ties whose sign the forecast gets right.

BA and MCC are undefined (``None``) when the truth has one sign only.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Scores:
    """Scores of one forecaster on one set of ties (see the module docstring)."""

    n: int
    positive: int
    hits: int
    balanced_accuracy: float | None
    mcc: float | None
    brier: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def score(truth: np.ndarray, prob: np.ndarray) -> Scores:
    """Scores of forecasts ``prob`` (P(positive), [n]) against signs ``truth`` (±1, [n])."""
    truth = np.asarray(truth)
    prob = np.asarray(prob, dtype=float)
    if truth.shape != prob.shape or truth.ndim != 1:
        raise ValueError(f"truth and prob: need two arrays of one shape, got {truth.shape} and {prob.shape}")
    if not np.isin(truth, (-1, 1)).all():
        raise ValueError("truth: signs must be +1 or -1")
    if ((prob < 0) | (prob > 1) | ~np.isfinite(prob)).any():
        raise ValueError("prob: probabilities must lie in [0, 1]")
    n = truth.shape[0]
    pos, said = truth > 0, prob >= 0.5
    tp, tn = int((pos & said).sum()), int((~pos & ~said).sum())
    fp, fn = int((~pos & said).sum()), int((pos & ~said).sum())
    both = tp + fn > 0 and tn + fp > 0
    ba = 0.5 * (tp / (tp + fn) + tn / (tn + fp)) if both else None
    denom = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = ((tp * tn - fp * fn) / denom if denom > 0 else 0.0) if both else None
    brier = float(np.mean((prob - pos) ** 2)) if n else None
    return Scores(n, int(pos.sum()), tp + tn, ba, mcc, brier)
