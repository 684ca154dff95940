"""The Mesa reference and the numba core give the same trajectories on every shipped scenario."""

from __future__ import annotations

import numpy as np
import pytest

from sim import load_config
from sim.compile import compile_model
from sim.config.compose import available_scenarios
from sim.engines import run_engine
from sim.trajectories import Trajectories

REPS = np.arange(3, dtype=np.int64)


def assert_engines_agree(model, reps=REPS) -> Trajectories:
    """Every output array of both engines equal (floats to 1e-9, counts exactly); the core's."""
    core = run_engine(model, reps, "numba")
    ref = run_engine(model, reps, "mesa")
    for name in Trajectories.ARRAYS:
        got, want = getattr(core, name), getattr(ref, name)
        if got.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-9, err_msg=name)
        else:
            np.testing.assert_array_equal(got, want, err_msg=name)
    return core


@pytest.mark.parametrize("scenario", sorted(available_scenarios()))
def test_mesa_and_numba_agree(scenario):
    assert_engines_agree(compile_model(load_config(scenario, ["horizon_months=36"])))


def test_agreement_is_not_vacuous():
    """The comparison above sees detections and a moving state, not a frozen one."""
    model = compile_model(load_config("baseline", ["horizon_months=36", "dynamics.detection_rate=0.5"]))
    core = run_engine(model, np.arange(8), "numba")
    assert core.detections.sum() > 0
    assert np.ptp(core.variable("trust"), axis=1).max() > 0.05
