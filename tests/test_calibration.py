"""``python -m sim.calibrate``: reproducible from its command and seed, resumable after a
kill, the balance stage depends on the balance rate alone, the distance is what its
docstring says, and bad arguments exit 2. Tiny budgets; no threshold on a result."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("pyabc")

from sim.history import abc, balance_fit, calibration  # noqa: E402
from sim.history.posterior import from_dict, load_posterior  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cli(*args, timeout=600, wait=True):
    env = dict(os.environ, PYTHONPATH=ROOT)
    cmd = [sys.executable, "-m", "sim.calibrate", *args]
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("calib-a")
    calibration.calibrate(abc.TINY, 0, out, figures=False)
    return (out / "posterior.json").read_text()


def test_same_command_and_seed_give_the_same_posterior_file(uninterrupted, tmp_path):
    calibration.calibrate(abc.TINY, 0, tmp_path, posterior_file=tmp_path / "copy.json", figures=False)
    assert (tmp_path / "posterior.json").read_text() == uninterrupted
    assert (tmp_path / "copy.json").read_text() == uninterrupted
    sample = from_dict(__import__("json").loads(uninterrupted))
    assert sample.meta["command"] == "python -m sim.calibrate --budget tiny --seed 0"
    assert len(sample.meta["generations"]) == abc.TINY.generations
    assert sample.particles.shape == (abc.TINY.particles, len(abc.calibrated_parameters()))


def test_another_seed_gives_another_posterior(uninterrupted, tmp_path):
    calibration.calibrate(abc.TINY, 1, tmp_path, figures=False)
    assert (tmp_path / "posterior.json").read_text() != uninterrupted


def _generations_stored(db) -> int:
    if not db.exists():
        return -1
    try:  # read-only: never create the file the calibration will open
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            (t,) = con.execute("select max(t) from populations").fetchone()
    except sqlite3.Error:
        return -1
    return -1 if t is None else t + 1  # t = -1 is pyabc's pre-calibration row


def test_a_killed_and_resumed_calibration_gives_the_uninterrupted_posterior(uninterrupted, tmp_path):
    db = tmp_path / "abc.db"
    proc = _cli("--budget", "tiny", "--out", str(tmp_path), "--no-figures", wait=False)
    deadline = time.monotonic() + 300
    while _generations_stored(db) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    stored = _generations_stored(db)
    assert 1 <= stored < abc.TINY.generations, f"not killed mid-run (generations stored: {stored}): {err[-2000:]}"
    assert not (tmp_path / "posterior.json").exists()
    calibration.calibrate(abc.TINY, 0, tmp_path, figures=False)
    assert (tmp_path / "posterior.json").read_text() == uninterrupted


def test_a_history_of_another_calibration_is_refused(uninterrupted, tmp_path):
    calibration.calibrate(abc.TINY, 0, tmp_path, figures=False, stop_after=1)
    proc = _cli("--budget", "tiny", "--seed", "5", "--out", str(tmp_path), "--no-figures")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("error: --out:"), proc.stderr


@pytest.mark.parametrize("args, key", [(["--seed", "-1"], "--seed"), (["--budget", "huge"], "--budget"),
                                       (["--quick", "--budget", "tiny"], "--quick"), (["--frobnicate"], "unrecognized")])
def test_bad_arguments_exit_2_with_one_line(args, key):
    proc = _cli(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and key in lines[0], proc.stderr


def test_cow_forecast_depends_on_the_balance_rate_alone():
    """The stage-1 shortcut (every mechanism but balance off, one replication) gives the
    signed relations of the full model at any other coefficients and seed."""
    from sim.history.forecast import forecast_matrix, forecast_config

    pair = balance_fit.split.window_pairs("fit")[0]
    net = pair.source.network
    fast = balance_fit.signs_on_grid(net, np.array([0.03]), months=12)[0]
    full = forecast_matrix(forecast_config(net, 12, 7, 3, dynamics={"balance_rate": 0.03, "w_trust": 2.9,
                                                                    "observation_noise": 0.6}).model_copy(
        update={"weights": "prior"}))
    assert np.array_equal(fast, full)


def test_balance_posterior_is_the_normalised_tempered_likelihood():
    bp = balance_fit.fit_balance_rate(abc.TINY.cells)
    from scipy.special import betaln

    loglik = sum(betaln(np.array(c["hits"]) + 1.0, np.array(c["misses"]) + 1.0) - np.array(c["halves"]) * np.log(2)
                 for c in bp.counts.values()) / balance_fit.OVERLAP
    mass = np.exp(loglik - loglik.max())
    assert np.allclose(bp.mass, mass / mass.sum())
    total = {k: np.array(c["hits"]) + np.array(c["misses"]) + np.array(c["halves"]) for k, c in bp.counts.items()}
    assert all(len(set(v.tolist())) == 1 for v in total.values())  # every cell scores the same ties


def test_distance_is_the_weighted_sum_of_brier_scores():
    x = {"ruptured_by_1958": 0.25, "ruptured_by_1961": 0.5, "ruptured_by_1963": 1.0, "rupture_crps": 0.1,
         "holds": 0.0, "dependency_in_range": 0.75}
    expected = 0.25 * (0.25 ** 2 + 0.5 ** 2 + 0.0 + 0.1) + 0.5 * (1.0 + 0.25 ** 2)
    assert abc.distance(x, abc.OBSERVED) == pytest.approx(expected)
    worst = {"ruptured_by_1958": 1.0, "ruptured_by_1961": 0.0, "ruptured_by_1963": 0.0, "rupture_crps": 1.0,
             "holds": 0.0, "dependency_in_range": 0.0}
    assert abc.distance(worst) == pytest.approx(abc.MAX_DISTANCE)


def test_rupture_crps_by_hand():
    none = np.full(4, abc.NO_RUPTURE)
    assert abc.rupture_crps(np.full(4, 5), 5, 10) == 0.0
    assert abc.rupture_crps(none, 5, 10) == pytest.approx(6 / 10)  # months 5..10 should be ruptured
    assert abc.rupture_crps(np.array([5, 5, abc.NO_RUPTURE, abc.NO_RUPTURE]), 5, 10) == pytest.approx(6 * 0.25 / 10)


def test_the_shipped_posterior_rests_on_todays_data_and_model():
    """Fails when the data, the cases or the model's results change: re-run the command."""
    shipped = load_posterior()
    prints = shipped.meta["fingerprints"]
    assert prints["data"] == calibration.data_fingerprint(), "data changed: python -m sim.calibrate"
    assert prints["model"] == calibration.model_fingerprint(), "model results changed: python -m sim.calibrate"
    assert shipped.meta["command"] == calibration.command_line(abc.FULL, shipped.meta["seed"])
    assert shipped.meta["budget"] == abc.FULL.__dict__
