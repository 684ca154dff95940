"""Runs use the posterior by default (``weights=posterior``), the priors on request, and an
explicit coefficient always wins; the particle draw is common across scenarios.

The tests run against a small synthetic posterior file (``posterior`` fixture), so they
test the mechanism, not the calibration's result; one test reads the shipped file.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim.history.posterior as post
from sim.compile import compile_model, sample
from sim.config.compose import load_config
from sim.config.schema import Dynamics
from sim.errors import ConfigError
from sim.history.abc import calibrated_parameters
from tests.helpers import two_actor_config

NAMES = tuple(p.name for p in calibrated_parameters())
REPS = np.arange(64, dtype=np.int64)


@pytest.fixture()
def posterior(tmp_path, monkeypatch):
    """Five particles, each coefficient at a distinct value inside its prior, unequal weights."""
    rows = []
    for k in range(5):
        rows.append([p.prior[0] + (k + 0.5) / 5 * (p.prior[1] - p.prior[0]) for p in calibrated_parameters()])
    sample_ = post.PosteriorSample(NAMES, np.array(rows), np.array([0.1, 0.4, 0.2, 0.2, 0.1]),
                                   {"command": "test", "fingerprints": {"data": "x"}})
    path = tmp_path / "posterior.json"
    path.write_text(post.to_json(sample_))
    monkeypatch.setattr(post, "DEFAULT_FILE", path)
    return sample_


def _values(config, reps=REPS) -> dict[str, np.ndarray]:
    draw = compile_model(config).draw(reps)
    return {name: draw.glob[:, _field(config, name)] for name in NAMES}


def _field(config, name):
    from sim.config.targets import resolve_target

    return resolve_target(f"dynamics.{name}", list(config.actors), key=name).field


def test_posterior_is_the_default_and_each_replication_takes_one_whole_particle(posterior):
    config = two_actor_config()
    assert config.weights == "posterior"
    model = compile_model(config)
    assert {s.path for s in model.calibrated} == {f"dynamics.{n}" for n in NAMES}
    values = _values(config)
    table = np.column_stack([values[n] for n in NAMES])
    chosen = post.particle_indices(posterior.weights, config.seed, REPS)
    assert np.array_equal(table, posterior.particles[chosen])
    # each particle is drawn at about its weight (64 draws, 5 particles; loose on purpose)
    counts = np.bincount(chosen, minlength=5)
    assert counts[1] == counts.max()


def test_prior_on_request_samples_every_declared_range(posterior):
    config = two_actor_config(weights="prior")
    model = compile_model(config)
    assert model.calibrated == ()
    values = _values(config)
    for p in calibrated_parameters():
        expected = sample(getattr(config.dynamics, p.name), config.seed, REPS, f"dynamics.{p.name}")
        assert np.array_equal(values[p.name], expected), p.name
        assert p.prior[0] <= values[p.name].min() and values[p.name].max() <= p.prior[1]


def test_explicit_coefficients_win_over_the_posterior(posterior):
    config = two_actor_config(dynamics={"w_trust": 2.0, "w_need": [1.5, 2.5]})
    values = _values(config)
    assert np.all(values["w_trust"] == 2.0)
    assert np.array_equal(values["w_need"], sample(config.dynamics.w_need, config.seed, REPS, "dynamics.w_need"))
    assert not np.isin(values["w_need"], posterior.column("w_need")).any()
    chosen = post.particle_indices(posterior.weights, config.seed, REPS)
    assert np.array_equal(values["w_sanction"], posterior.column("w_sanction")[chosen])


def test_a_range_equal_to_the_prior_given_explicitly_is_explicit(posterior):
    low, high = Dynamics.model_fields["w_trust"].default.low, Dynamics.model_fields["w_trust"].default.high
    config = two_actor_config(dynamics={"w_trust": [low, high]})
    assert "dynamics.w_trust" not in {s.path for s in compile_model(config).calibrated}


def test_a_round_trip_through_model_dump_keeps_the_posterior(posterior):
    config = two_actor_config()
    again = type(config).model_validate(config.model_dump())
    assert {s.path for s in compile_model(again).calibrated} == {f"dynamics.{n}" for n in NAMES}


def test_common_random_numbers_across_scenarios(posterior):
    base = load_config("baseline", ["replications=32"])
    other = load_config("taiwan_drones", ["replications=32"])
    a, b = _values(base, REPS[:32]), _values(other, REPS[:32])
    for name in NAMES:
        assert np.array_equal(a[name], b[name]), name
    seeded = _values(load_config("baseline", ["replications=32", "seed=1"]), REPS[:32])
    assert any(not np.array_equal(a[n], seeded[n]) for n in NAMES)


def test_summary_records_where_the_weights_came_from(posterior):
    import sim

    res = sim.run(config=two_actor_config(), progress=False)
    record = res.summary()["weights"]
    assert record["source"] == "posterior" and record["command"] == "test"
    assert record["coefficients"] == sorted(NAMES)
    res = sim.run(config=two_actor_config(weights="prior", dynamics={"w_trust": 2.0}), progress=False)
    assert res.summary()["weights"] == {"source": "prior"}
    res = sim.run(config=two_actor_config(dynamics={"w_trust": 2.0}), progress=False)
    assert "w_trust" not in res.summary()["weights"]["coefficients"]


def test_bad_weights_value_is_one_clear_line(tmp_path, root):
    from tests.conftest import run_cli

    proc = run_cli(["weights=likelihood", "replications=2"], cwd=tmp_path)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "weights" in lines[0] and "posterior" in lines[0] and "prior" in lines[0], proc.stderr


def test_a_missing_or_malformed_posterior_file_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(post, "DEFAULT_FILE", tmp_path / "none.json")
    with pytest.raises(ConfigError, match="weights: no posterior file .*weights=prior"):
        compile_model(two_actor_config())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something else"}))
    monkeypatch.setattr(post, "DEFAULT_FILE", bad)
    with pytest.raises(ConfigError, match="not an alliance-sim posterior file"):
        compile_model(two_actor_config())


def test_the_shipped_posterior_covers_every_calibrated_coefficient():
    shipped = post.load_posterior()
    assert shipped.names == NAMES
    for p in calibrated_parameters():
        column = shipped.column(p.name)
        assert p.prior[0] <= column.min() and column.max() <= p.prior[1], p.name
    assert shipped.meta["command"].startswith("python -m sim.calibrate")
