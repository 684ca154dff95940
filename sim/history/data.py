"""Load and validate the historical data files shipped in ``sim/history/data/``.

* ``load_cow()``: Correlates of War signed networks, 31 overlapping four-year windows
  1946-49 .. 1976-79 (Doreian & Mrvar 2015), as ``CowWindow`` objects;
* ``load_pre_wwi()``: the European great powers, six snapshots 1872-1907 and the blocs
  of 1914 (Antal, Krapivsky & Redner 2006), as a ``PreWwiCase``.

Sources, citations and licences: ``sim/history/data/README.md``. A malformed file stops
with one ``ConfigError`` (a ``ValueError``) naming the file and the key, e.g.
``cow_signed_1946_1979.json: windows.3.edges.17: unknown code 'XYZ'; ...``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.config.messages import from_validation_error
from sim.errors import ConfigError
from sim.history.signed import SignedNetwork, signed_network

DATA_DIR = Path(__file__).resolve().parent / "data"
COW_FILE = DATA_DIR / "cow_signed_1946_1979.json"
PRE_WWI_FILE = DATA_DIR / "pre_wwi_europe.json"
WINDOW_YEARS = 4  # every COW window spans four calendar years


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class _CowWindowFile(_Strict):
    window: str = Field(pattern=r"^\d{2}-\d{2}$", description="YY-YY, first and last year (19YY)")
    n_nodes: int = Field(ge=2)
    n_edges: int = Field(ge=1)
    n_pos: int = Field(ge=0)
    n_neg: int = Field(ge=0)
    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, int], ...]

    @model_validator(mode="after")
    def _consistent(self) -> _CowWindowFile:
        first, last = (int(y) for y in self.window.split("-"))
        if last - first != WINDOW_YEARS - 1:
            raise ValueError(f"window {self.window}: spans {last - first + 1} years, allowed {WINDOW_YEARS}")
        counts = {"n_nodes": len(self.nodes), "n_edges": len(self.edges),
                  "n_pos": sum(1 for e in self.edges if e[2] > 0), "n_neg": sum(1 for e in self.edges if e[2] < 0)}
        for name, actual in counts.items():
            if getattr(self, name) != actual:
                raise ValueError(f"{name}: says {getattr(self, name)}, the lists give {actual}")
        return self


class _CowFile(_Strict):
    source: str
    citation: str
    note: str
    windows: list[_CowWindowFile] = Field(min_length=2)


class _Tie(_Strict):
    pair: tuple[str, str]
    sign: int


class _Snapshot(_Strict):
    year: int = Field(ge=1800, le=2100)
    event: str
    edges: list[_Tie] = Field(min_length=1)


class _Outcome(_Strict):
    year: int
    blocs: tuple[tuple[str, ...], tuple[str, ...]]
    note: str = ""


class _PreWwiFile(_Strict):
    case: str
    reference: str
    sign: str
    nodes: tuple[str, ...]
    node_names: dict[str, str]
    snapshots: list[_Snapshot] = Field(min_length=2)
    known_outcome: _Outcome

    @model_validator(mode="after")
    def _consistent(self) -> _PreWwiFile:
        if set(self.node_names) != set(self.nodes):
            raise ValueError("node_names: must name exactly the nodes")
        years = [s.year for s in self.snapshots]
        if years != sorted(set(years)):
            raise ValueError(f"snapshots: years must increase, got {years}")
        blocs = [a for bloc in self.known_outcome.blocs for a in bloc]
        if sorted(blocs) != sorted(self.nodes):
            raise ValueError("known_outcome.blocs: must split exactly the nodes into two blocs")
        return self


@dataclass(frozen=True)
class CowWindow:
    """One COW window: ``label`` "46-49", calendar years ``first``..``last``, its network."""

    label: str
    first: int
    last: int
    network: SignedNetwork


@dataclass(frozen=True)
class Snapshot:
    """One pre-1914 snapshot: ``year``, the ``event`` it is named after, its network."""

    year: int
    event: str
    network: SignedNetwork


@dataclass(frozen=True)
class PreWwiCase:
    """The pre-1914 case: display names, snapshots in time order, the blocs of ``outcome_year``."""

    reference: str
    names: dict[str, str]
    snapshots: tuple[Snapshot, ...]
    outcome_year: int
    blocs: tuple[frozenset[str], frozenset[str]]

    def snapshot(self, year: int) -> Snapshot:
        for snap in self.snapshots:
            if snap.year == year:
                return snap
        raise ConfigError("year", f"no snapshot {year}; allowed: {', '.join(str(s.year) for s in self.snapshots)}")


def _read(path: Path, model: type[BaseModel]):
    """``path`` parsed and validated as ``model`` (one ``ConfigError`` naming file and key)."""
    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text)
    except FileNotFoundError:
        raise ConfigError(path.name, f"file not found at {path}") from None
    except json.JSONDecodeError as err:
        raise ConfigError(path.name, f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    try:  # strict: a sign "1" or 1.0, or a count "64", is an error, not coerced
        return model.model_validate_json(text)
    except ValidationError as err:
        inner = from_validation_error(err, model)
        raise ConfigError(f"{path.name}: {inner.key}", inner.message) from None


def _network(nodes, edges, name: str, key: str) -> SignedNetwork:
    try:
        return signed_network(nodes, edges)
    except ConfigError as err:
        raise ConfigError(f"{name}: {key}.{err.key}", err.message) from None


@lru_cache(maxsize=4)
def load_cow(path: Path = COW_FILE) -> tuple[CowWindow, ...]:
    """The COW windows in time order (each validated; see the module docstring)."""
    data = _read(Path(path), _CowFile)
    windows = []
    for k, win in enumerate(data.windows):
        first, last = (1900 + int(y) for y in win.window.split("-"))
        windows.append(CowWindow(win.window, first, last, _network(win.nodes, win.edges, Path(path).name, f"windows.{k}")))
    firsts = [w.first for w in windows]
    if firsts != list(range(firsts[0], firsts[0] + len(firsts))):
        raise ConfigError(f"{Path(path).name}: windows", "must start in consecutive years, in order")
    return tuple(windows)


@lru_cache(maxsize=4)
def load_pre_wwi(path: Path = PRE_WWI_FILE) -> PreWwiCase:
    """The pre-1914 case (see the module docstring)."""
    data = _read(Path(path), _PreWwiFile)
    snaps = tuple(
        Snapshot(s.year, s.event, _network(data.nodes, [(*t.pair, t.sign) for t in s.edges], Path(path).name,
                                           f"snapshots.{k}"))
        for k, s in enumerate(data.snapshots)
    )
    blocs = tuple(frozenset(b) for b in data.known_outcome.blocs)
    return PreWwiCase(data.reference, dict(data.node_names), snaps, data.known_outcome.year, blocs)
