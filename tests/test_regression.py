"""The seeded summary of ``baseline`` has not moved (update: python -m tests.regression.update_baseline)."""

from __future__ import annotations

import json

import pytest

from tests.regression.update_baseline import HERE, current_summary


def _flatten(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _flatten(value, f"{prefix}{key}.")
    elif isinstance(data, list):
        for k, value in enumerate(data):
            yield from _flatten(value, f"{prefix}{k}.")
    else:
        yield prefix.rstrip("."), data


def test_baseline_summary_matches_stored_regression():
    stored = dict(_flatten(json.loads((HERE / "baseline_summary.json").read_text())))
    now = dict(_flatten(current_summary()))
    assert stored.keys() == now.keys()
    for key, value in stored.items():
        if isinstance(value, float):
            assert now[key] == pytest.approx(value, abs=1e-6), key
        else:
            assert now[key] == value, key
