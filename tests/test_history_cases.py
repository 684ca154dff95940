"""The alliance cases: facts files valid and cited, configurations generated and current,
runnable through the engine, events firing when the facts say."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from sim.compile import compile_model
from sim.config.schema import SimConfig
from sim.engines import run_engine
from sim.errors import ConfigError
from sim.history import cases
from sim.history.stylized import CHECKS, _config

ALL = cases.CASES


@pytest.mark.parametrize("name", ALL)
def test_generated_configuration_is_current_and_valid(name):
    case = cases.load_case(name)
    path = cases.config_path(name)
    assert path.read_text() == cases.case_yaml(case), f"{path.name} is stale; run python -m sim.history.cases"
    cfg = SimConfig.model_validate(yaml.safe_load(path.read_text()))
    assert cfg.start == case.start and cfg.horizon_months == case.horizon
    assert tuple(cfg.outcome.pair) == case.pair


@pytest.mark.parametrize("name", ALL)
def test_case_runs_and_each_event_fires_once_in_its_month(name):
    case = cases.load_case(name)
    cfg = cases.case_config(case, replications=3)
    model = compile_model(cfg)
    traj = run_engine(model, np.arange(3), "numba")
    assert (traj.fires == 1).all()
    expected = {f.id.lower(): case.month_of(f.date) for f in case.facts if f.event}
    assert {name: cfg.events[name].month for name in model.events.names} == expected
    assert np.isfinite(traj.dyad).all()


@pytest.mark.parametrize("name", ALL)
def test_every_fact_is_dated_cited_and_sets_something_or_says_why_not(name):
    case = cases.load_case(name)
    for fact in case.facts:
        assert fact.sources and all(case.sources[s].cite and case.sources[s].read for s in fact.sources)
        assert fact.targets() or fact.no_field


def test_an_event_sets_what_its_fact_says():
    case = cases.load_case("sino_soviet_1950_1969")
    cfg = cases.case_config(case, replications=1)
    traj = run_engine(compile_model(cfg), np.arange(1), "numba")
    month = case.month_of("1969-03")  # SS30: trust PRC<>USSR falls by 0.2 at the start of the month
    roster = list(cfg.actors)
    a, b = roster.index("PRC"), roster.index("USSR")
    trust = traj.variable("trust")[0]
    assert trust[month, a, b] < trust[month - 1, a, b]


def test_expand_and_calendar():
    assert cases.expand("relations.PRC<>USSR.trust") == ["relations.PRC.USSR.trust", "relations.USSR.PRC.trust"]
    assert cases.expand("world.war") == ["world.war"]
    assert cases.month_index("1950-02", "1960-07") == 125
    assert cases.calendar("1950-02", 125) == "1960-07"
    assert cases.calendar("1950-02", 11) == "1951-01"


def _broken(tmp_path, monkeypatch, edit):
    name = "sino_soviet_1950_1969"
    raw = yaml.safe_load(cases.facts_path(name).read_text())
    edit(raw)
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / f"{name}.facts.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    monkeypatch.setattr(cases, "CASES_DIR", folder)
    cases.load_case.cache_clear()
    try:
        cases.load_case(name)
    finally:
        cases.load_case.cache_clear()


@pytest.mark.parametrize("edit, match", [
    (lambda r: r["facts"][3]["sources"].append("nowhere"), r"sources: nowhere cited but not listed"),
    (lambda r: r["sources"].update(extra={"cite": "x", "read": "y"}), r"sources: extra listed but never cited"),
    (lambda r: r["facts"][8].update(date="1949-01"), r"facts.SS09.date: 1949-01 is outside 1950-02..1969-12"),
    (lambda r: r["facts"][8].update(date="1953-07"), r"facts must be in date order"),
    (lambda r: r["facts"][8].update(no_field="x"), r"give exactly one of initial, event, no_field"),
    (lambda r: r["facts"][8].update(oops=1), r"facts.8.oops: unknown key"),
    (lambda r: r.update(pair=["PRC", "XXX"]), r"pair: unknown actor 'XXX'"),
    (lambda r: r["rupture"].update(reference="never"), r"reference marker among them"),
])
def test_a_malformed_facts_file_is_one_clear_error(tmp_path, monkeypatch, edit, match):
    with pytest.raises(ConfigError, match=match):
        _broken(tmp_path, monkeypatch, edit)


def test_unknown_case():
    with pytest.raises(ConfigError, match="unknown case 'x'; allowed: sino_soviet_1950_1969"):
        cases.load_case("x")


def test_rupture_year_and_probability_from_the_rupture_months():
    case = cases.load_case("sino_soviet_1950_1969")
    cfg = cases.case_config(case, replications=4)
    at = np.array([case.month_of("1960-07"), case.month_of("1961-01"), -1, case.month_of("1955-03")])
    out = cases.CaseOutcome(case, cfg, at, np.zeros(4, bool), {})
    assert out.p_rupture_by(1960) == 0.5 and out.p_rupture_by(1954) == 0.0
    assert out.median_rupture_year() == 1960  # months sorted: 1955-03, 1960-07, 1961-01, never -> median between 2nd and 3rd


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_each_direction_check_shock_is_applied(check):
    cfg = _config(check, 1, 0, {})
    event = cfg.events[check.name]
    assert event.month == 12 and {e.target for e in event.effects} >= {t for t, _ in check.shock if "<>" not in t}
