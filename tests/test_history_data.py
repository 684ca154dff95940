"""The shipped historical data: loaders, validation, one clear error per malformed file."""

from __future__ import annotations

import json

import pytest

from sim.errors import ConfigError
from sim.history.data import COW_FILE, PRE_WWI_FILE, load_cow, load_pre_wwi
from sim.history.signed import signed_network, transitions


def test_cow_windows_are_the_31_four_year_windows():
    windows = load_cow()
    assert [w.first for w in windows] == list(range(1946, 1977))
    assert all(w.last == w.first + 3 for w in windows)
    assert windows[0].label == "46-49" and windows[-1].label == "76-79"
    raw = json.loads(COW_FILE.read_text())
    for window, entry in zip(windows, raw["windows"]):
        assert len(window.network.nodes) == entry["n_nodes"]
        assert len(window.network.edges) == entry["n_edges"]
        assert sum(1 for *_, s in window.network.edges if s > 0) == entry["n_pos"]


def test_edges_are_stored_as_sorted_pairs():
    for window in load_cow():
        assert all(a < b for a, b, _ in window.network.edges)


def test_pre_wwi_case():
    case = load_pre_wwi()
    assert [s.year for s in case.snapshots] == [1872, 1882, 1890, 1891, 1904, 1907]
    assert case.outcome_year == 1914
    assert {frozenset({"GBR", "FRA", "RUS"}), frozenset({"AUH", "DEU", "ITA"})} == set(case.blocs)
    with pytest.raises(ConfigError, match="no snapshot 1900; allowed: 1872"):
        case.snapshot(1900)


def _write(tmp_path, name, data) -> object:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _cow(tmp_path, mutate):
    raw = json.loads(COW_FILE.read_text())
    mutate(raw)
    return _write(tmp_path, COW_FILE.name, raw)


def _drop_count(raw):
    raw["windows"][3]["n_edges"] += 1


def _bad_sign(raw):
    raw["windows"][2]["edges"][5][2] = 2


def _string_sign(raw):
    raw["windows"][2]["edges"][5][2] = "1"


def _unknown_node(raw):
    raw["windows"][1]["edges"][0][0] = "XYZ"


def _extra_key(raw):
    raw["windows"][0]["colour"] = "red"


def _missing_key(raw):
    del raw["citation"]


@pytest.mark.parametrize("mutate, match", [
    (_drop_count, r"cow_signed_1946_1979.json: windows.3: .*n_edges: says"),
    (_bad_sign, r"windows.2.edges.5: sign 2 .*allowed: \+1 or -1"),
    (_string_sign, r"windows.2.edges.5.2: .*integer"),
    (_unknown_node, r"windows.1.edges.0: unknown code 'XYZ'"),
    (_extra_key, r"windows.0.colour: unknown key; allowed: window, n_nodes"),
    (_missing_key, r"citation: required but missing"),
])
def test_malformed_cow_file_is_one_clear_error(tmp_path, mutate, match):
    path = _cow(tmp_path, mutate)
    with pytest.raises(ConfigError, match=match):
        load_cow(path)


def test_file_that_is_not_json(tmp_path):
    path = _write(tmp_path, PRE_WWI_FILE.name, "{not json")
    with pytest.raises(ConfigError, match=r"pre_wwi_europe.json: not valid JSON \(line 1"):
        load_pre_wwi(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_pre_wwi(tmp_path / "nothing.json")


def test_pre_wwi_outcome_must_split_the_nodes(tmp_path):
    raw = json.loads(PRE_WWI_FILE.read_text())
    raw["known_outcome"]["blocs"][0] = ["GBR", "FRA"]
    with pytest.raises(ConfigError, match="known_outcome.blocs: must split exactly the nodes"):
        load_pre_wwi(_write(tmp_path, PRE_WWI_FILE.name, raw))


def test_transitions_skip_actors_absent_from_the_source():
    source = signed_network(["AAA", "BBB", "CCC"], [("AAA", "BBB", 1)])
    target = signed_network(["AAA", "BBB", "CCC", "DDD"], [("AAA", "BBB", -1), ("BBB", "CCC", -1), ("CCC", "DDD", 1)])
    assert transitions(source, target) == [(("AAA", "BBB"), 1, -1), (("BBB", "CCC"), 0, -1)]
