"""A run folder a researcher opens in one line: NetCDF, tables, resolved config, provenance.

One real ``python -m sim`` run (a scenario with scheduled and recurring events) is shared
by the tests; its files are checked against each other and against the schema, so a
wrong label or a dropped default fails here.
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.config.schema import SimConfig
from tests.conftest import ROOT, run_cli

OVERRIDES = ["scenario=ukraine_ceasefire", "replications=40", "horizon_months=18", "relations.RUS.CHN.trust=0.4"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("run")
    proc = run_cli([*OVERRIDES, "hydra.run.dir=out"], cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return cwd / "out"


@pytest.fixture(scope="module")
def results():
    import sim

    return sim.run("ukraine_ceasefire", overrides=["replications=40", "horizon_months=18"], progress=False)


def test_every_output_is_written(run_dir):
    names = {"summary.json", "replications.parquet", "trajectories.parquet", "trajectories.nc", "partnership.parquet",
             "sample_trajectories.parquet", "config.resolved.yaml", "run.json", "report.html"}
    assert names <= {p.name for p in run_dir.iterdir()}
    assert not list(run_dir.glob(".*.tmp")) and not list(run_dir.glob("figures/.*.tmp"))


# -- NetCDF ------------------------------------------------------------------------------
def test_netcdf_opens_as_is_with_named_dimensions(run_dir):
    import xarray as xr

    with xr.open_dataset(run_dir / "trajectories.nc") as ds:
        roster = list(ds["source"].values)
        assert list(ds["target"].values) == roster == list(ds["actor"].values)
        assert ds.sizes["month"] == 19 and list(ds["quantile"].values) == [0.05, 0.25, 0.5, 0.75, 0.95]
        for name in ("trust", "support", "dependency", "alignment", "partnership"):
            assert ds[name].dims == ("source", "target", "month", "quantile")
        assert ds["need"].dims == ("actor", "month", "quantile")
        assert ds["war"].dims == ds["strait"].dims == ds["pair_index"].dims == ("month", "quantile")
        assert ds["survival"].dims == ("month",)
        assert np.issubdtype(ds["date"].dtype, np.datetime64) and ds["date"].dims == ("month",)
        assert pd.Timestamp(ds["date"].values[0]) == pd.Timestamp("2025-07-01")
        from sim import mechanisms

        for name, var in ds.data_vars.items():
            assert var.attrs.get("long_name") and var.attrs.get("units"), name
        assert ds["trust"].attrs["units"] == mechanisms.parameter("relation", "trust").unit  # the declared unit
        assert ds.attrs["pair"] == "CHN-RUS" and ds.attrs["replications"] == 40


def test_netcdf_matches_the_parquet_tables(run_dir):
    import xarray as xr

    traj = pd.read_parquet(run_dir / "trajectories.parquet")
    band = pd.read_parquet(run_dir / "partnership.parquet")
    with xr.open_dataset(run_dir / "trajectories.nc") as ds:
        rows = traj[(traj["variable"] == "trust") & (traj["source"] == "RUS") & (traj["target"] == "CHN")]
        np.testing.assert_array_equal(ds["trust"].sel(source="RUS", target="CHN", quantile=0.5).values, rows["q50"])
        need = traj[(traj["variable"] == "need") & (traj["source"] == "UKR")]
        np.testing.assert_array_equal(ds["need"].sel(actor="UKR", quantile=0.95).values, need["q95"])
        war = traj[traj["variable"] == "war"]
        np.testing.assert_array_equal(ds["war"].sel(quantile=0.05).values, war["q05"])
        np.testing.assert_allclose(ds["pair_index"].sel(quantile=0.5).values, band["index_q50"])
        np.testing.assert_allclose(ds["survival"].values, band["survival"])
        # no mostly-NaN cube: only the diagonal (an actor towards itself) is missing
        n = ds.sizes["source"]
        for name in ("trust", "partnership"):
            missing = np.isnan(ds[name].values).all(axis=(2, 3))
            np.testing.assert_array_equal(missing, np.eye(n, dtype=bool))
        p = ds["partnership"].values
        np.testing.assert_array_equal(p, p.transpose(1, 0, 2, 3))


def test_netcdf_is_written_as_xarray_writes_it(results, tmp_path):
    """The file written with h5netcdf directly reads back as the file xarray writes from
    ``to_xarray()``: same variables in the same order, values, attributes and encodings."""
    import xarray as xr

    from sim.labeled import labeled, write_netcdf

    write_netcdf(labeled(results), tmp_path / "direct.nc")
    results.to_xarray().to_netcdf(tmp_path / "xarray.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "direct.nc") as direct, xr.open_dataset(tmp_path / "xarray.nc") as expected:
        assert direct.identical(expected)
        assert list(direct.variables) == list(expected.variables)
        for name, variable in expected.variables.items():
            encoding = {k: v for k, v in variable.encoding.items() if k != "source"}
            assert repr({k: v for k, v in direct[name].encoding.items() if k != "source"}) == repr(encoding), name


def test_long_names_come_from_the_schema(results):
    from sim.config.schema import RelationDefaults, World

    ds = results.to_xarray()
    for name in ("trust", "support", "dependency", "alignment"):
        description = RelationDefaults.model_fields[name].description
        assert ds[name].attrs["long_name"] in description and not ds[name].attrs["long_name"].startswith("initial")
    assert ds["war"].attrs["long_name"] in World.model_fields["war"].description
    assert ds["trust"].attrs["valid_min"] == 0.0 and ds["trust"].attrs["valid_max"] == 1.0


# -- tables --------------------------------------------------------------------------------
def test_missing_source_and_target_are_missing_not_blank(run_dir):
    traj = pd.read_parquet(run_dir / "trajectories.parquet")
    for column in ("source", "target"):
        assert not (traj[column].astype(object) == "").any()
    need = traj[traj["variable"] == "need"]
    assert need["target"].isna().all() and need["source"].notna().all()
    world = traj[traj["variable"].isin(["war", "strait"])]
    assert world["source"].isna().all() and world["target"].isna().all()
    dyads = traj[traj["variable"] == "trust"]
    assert dyads["source"].notna().all() and dyads["target"].notna().all()


def test_sample_trajectories_have_dates_and_the_pair_index(run_dir):
    sample = pd.read_parquet(run_dir / "sample_trajectories.parquet")
    assert {"replication", "month", "date", "variable", "source", "target", "value"} == set(sample.columns)
    assert np.issubdtype(sample["date"].dtype, np.datetime64)
    months = sample["date"].dt.year * 12 + sample["date"].dt.month - (2025 * 12 + 7)
    np.testing.assert_array_equal(months, sample["month"])
    index = sample[sample["variable"] == "partnership"].sort_values(["replication", "month"])
    assert set(index["source"]) == {"CHN"} and set(index["target"]) == {"RUS"}
    assert len(index) == 10 * 19  # output.sample_replications x months

    def series(variable, source, target):
        rows = sample[(sample["variable"] == variable) & (sample["source"] == source) & (sample["target"] == target)]
        return rows.sort_values(["replication", "month"])["value"].to_numpy()

    # I = ½√(τ_ab τ_ba) + ½√(s_ab s_ba), recomputed from the sampled trust and support
    expected = (0.5 * np.sqrt(series("trust", "CHN", "RUS") * series("trust", "RUS", "CHN"))
                + 0.5 * np.sqrt(series("support", "CHN", "RUS") * series("support", "RUS", "CHN")))
    np.testing.assert_allclose(index["value"].to_numpy(), expected, atol=1e-12)


def test_survival_band_contains_the_curve(run_dir):
    band = pd.read_parquet(run_dir / "partnership.parquet")
    assert (band["survival_lo"] <= band["survival"]).all() and (band["survival"] <= band["survival_hi"]).all()
    assert (band["survival_hi"] - band["survival_lo"] > 0).all()


# -- configuration and provenance -------------------------------------------------------------
def test_resolved_config_has_every_default_and_rebuilds_the_run(run_dir):
    import sim

    data = yaml.safe_load((run_dir / "config.resolved.yaml").read_text())
    assert set(SimConfig.model_fields) <= set(data)
    for section in ("dynamics", "world", "relation_defaults", "mechanisms", "outcome", "output"):
        model = type(getattr(SimConfig.model_fields[section], "default"))
        assert set(model.model_fields) <= set(data[section]), section
    rebuilt = SimConfig.model_validate(data)
    assert rebuilt == sim.load_config("ukraine_ceasefire", OVERRIDES[1:])
    assert rebuilt.relation("RUS", "CHN", "trust").value == 0.4


def test_run_info_records_commit_versions_and_typed_overrides(run_dir):
    info = json.loads((run_dir / "run.json").read_text())
    summary = json.loads((run_dir / "summary.json").read_text())
    assert info["overrides"] == summary["overrides"]  # both are Results.overrides
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        assert info["git"]["commit"] == head.stdout.strip() and isinstance(info["git"]["dirty"], bool)
    else:
        assert info["git"]["commit"] == "not a git checkout"
    for name in ("numba", "numpy", "mesa", "hydra-core", "pydantic"):
        assert info["versions"][name] == version(name)
    assert re.fullmatch(r"3\.\d+\.\d+", info["versions"]["python"])


def test_overrides_as_typed_reach_run_json(results, tmp_path):
    results.overrides = ("scenario=ukraine_ceasefire", "relations.RUS.CHN.trust=[0.2,0.4]")
    results.save(tmp_path)
    assert json.loads((tmp_path / "run.json").read_text())["overrides"] == list(results.overrides)


def test_git_state_outside_a_checkout(tmp_path):
    from sim.runinfo import NOT_A_CHECKOUT, git_state

    assert git_state(tmp_path) == {"commit": NOT_A_CHECKOUT, "dirty": None}


# -- notebook display --------------------------------------------------------------------------
def test_results_display_is_short(results):
    text = repr(results)
    assert len(text) < 250 and "P(CHN-RUS holds)" in text and f"{results.p_hold:.3f}" in text
    html = results._repr_html_()
    assert len(html) < 5000 and "<table" in html and f"{results.p_hold:.3f}" in html
