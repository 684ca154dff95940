"""The Mesa reference and the numba core give the same trajectories on every shipped scenario."""

from __future__ import annotations

import numpy as np
import pytest

from sim import load_config
from sim.compile import compile_model
from sim.config.compose import available_scenarios
from sim.engines import run_engine

REPS = np.arange(3, dtype=np.int64)


@pytest.mark.parametrize("scenario", sorted(available_scenarios()))
def test_mesa_and_numba_agree(scenario):
    model = compile_model(load_config(scenario, ["horizon_months=36"]))
    core = run_engine(model, REPS, "numba")
    ref = run_engine(model, REPS, "mesa")
    np.testing.assert_allclose(core.dyad, ref.dyad, rtol=0, atol=1e-9)
    np.testing.assert_allclose(core.world, ref.world, rtol=0, atol=1e-9)
    np.testing.assert_allclose(core.need, ref.need, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(core.detections, ref.detections)
    np.testing.assert_array_equal(core.fires, ref.fires)


def test_agreement_is_not_vacuous():
    """The comparison above sees detections and a moving state, not a frozen one."""
    model = compile_model(load_config("baseline", ["horizon_months=36", "dynamics.detection_rate=0.5"]))
    core = run_engine(model, np.arange(8), "numba")
    assert core.detections.sum() > 0
    assert np.ptp(core.variable("trust"), axis=1).max() > 0.05
