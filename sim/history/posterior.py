"""The posterior sample of the calibrated dynamics coefficients: its file, and the draw.

``sim.calibrate`` (ABC-SMC, ``sim.history.abc``) writes the sample as
``sim/history/posterior/posterior.json`` (shipped in the package; reading it needs no
pyabc). The file holds, in plain JSON:

* ``format`` / ``format_version``: ``alliance-sim posterior`` / ``FORMAT_VERSION``;
* ``parameters``: the coefficient names, in column order; ``particles`` [K][P] and
  ``weights`` [K] (normalised): the last ABC-SMC generation;
* ``priors``: each coefficient's prior (``uniform`` on its declared range, or the
  ``histogram`` of the Correlates of War stage for ``balance_rate``);
* ``command``, ``seed``, ``budget``, ``fingerprints`` (data, cases, code), the distance's
  terms and the run's generations, so the file can be re-made and checked.

Runs (``SimConfig.weights = "posterior"``, the default) draw for each replication ``r``
one particle, ``k = F^{-1}(u)`` with ``F`` the cumulative weights and ``u`` the
counter-based uniform of (seed, r) keyed by the path ``PATH`` (``sim.compile``): the same
replication takes the same particle in every scenario of the same seed (common random
numbers), and the draw moves no other parameter's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.errors import ConfigError
from sim.kernels import layout
from sim.kernels.rng import path_key, uniform_many

FORMAT = "alliance-sim posterior"
FORMAT_VERSION = 1
POSTERIOR_DIR = Path(__file__).resolve().parent / "posterior"
DEFAULT_FILE = POSTERIOR_DIR / "posterior.json"
PATH = "weights.posterior"


@dataclass(frozen=True)
class PosteriorSample:
    """Weighted particles over the coefficients ``names`` and the file's metadata."""

    names: tuple[str, ...]
    particles: np.ndarray  # float64 [K, P]
    weights: np.ndarray  # float64 [K], sums to 1
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        k, p = self.particles.shape
        if p != len(self.names) or self.weights.shape != (k,) or k == 0:
            raise ValueError(f"posterior: {k} particles x {p} columns for {len(self.names)} names and "
                             f"{self.weights.shape} weights")
        if not (np.all(np.isfinite(self.particles)) and np.all(self.weights >= 0) and self.weights.sum() > 0):
            raise ValueError("posterior: particles must be finite and weights non-negative")

    def column(self, name: str) -> np.ndarray:
        return self.particles[:, self.names.index(name)]

    def quantiles(self, name: str, q) -> np.ndarray:
        """Weighted quantiles of one coefficient (inverse of the weighted empirical CDF)."""
        values = self.column(name)
        order = np.argsort(values, kind="stable")
        cdf = np.cumsum(self.weights[order]) / self.weights.sum()
        return values[order][np.minimum(np.searchsorted(cdf, np.asarray(q), side="left"), len(values) - 1)]

    def as_dict(self) -> dict:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **self.meta, "parameters": list(self.names),
                "weights": [float(w) for w in self.weights],
                "particles": [[float(x) for x in row] for row in self.particles]}


def from_dict(data: dict, where: str = "posterior") -> PosteriorSample:
    """A ``PosteriorSample`` from the file's JSON content; one ``ConfigError`` if malformed."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigError(where, f"not an {FORMAT} file")
    if data.get("format_version") != FORMAT_VERSION:
        raise ConfigError(where, f"format_version {data.get('format_version')!r}; allowed: {FORMAT_VERSION}")
    try:
        weights = np.asarray(data["weights"], dtype=float)
        sample = PosteriorSample(tuple(data["parameters"]), np.asarray(data["particles"], dtype=float).reshape(
            len(weights), len(data["parameters"])), weights / weights.sum(),
            {k: v for k, v in data.items() if k not in ("format", "format_version", "parameters", "weights",
                                                        "particles")})
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(where, f"malformed posterior ({err})") from None
    return sample


def to_json(sample: PosteriorSample) -> str:
    return json.dumps(sample.as_dict(), indent=1, allow_nan=False) + "\n"


@lru_cache(maxsize=4)
def _load(path: str, stamp: float) -> PosteriorSample:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ConfigError("weights", f"cannot read the posterior {path} ({err}); run python -m sim.calibrate "
                                     "or set weights=prior") from None
    return from_dict(data, where=str(path))


def load_posterior(path: str | Path | None = None) -> PosteriorSample:
    """The posterior sample in ``path`` (default: the shipped file), cached while unchanged."""
    path = Path(path) if path is not None else DEFAULT_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise ConfigError("weights", f"no posterior file {path}; run python -m sim.calibrate or set "
                                     "weights=prior") from None
    return _load(str(path), stamp)


def particle_indices(weights: np.ndarray, seed: int, reps: np.ndarray) -> np.ndarray:
    """[R] particle drawn by each global replication index (module docstring)."""
    ki, kj = path_key(PATH)
    u = uniform_many(seed, np.ascontiguousarray(reps, dtype=np.int64), 0, ki, kj, layout.S_PARAMETER)
    cdf = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(weights) - 1)


def posterior_coefficients(config) -> tuple[PosteriorSample | None, set[str]]:
    """(posterior sample or None, the paths it supplies): with ``weights = "posterior"``
    the dynamics coefficients the sample covers that ``config`` leaves at their schema
    default (``sim.compile``)."""
    if config.weights != "posterior":
        return None, set()
    from sim.config.schema import Dynamics

    at_default = {name for name, info in Dynamics.model_fields.items() if getattr(config.dynamics, name) == info.default}
    if not at_default:  # every coefficient set explicitly: the posterior is not needed
        return None, set()
    posterior = load_posterior()
    return posterior, {f"dynamics.{name}" for name in posterior.names if name in at_default}


def weights_record(config) -> dict:
    """Where the calibrated dynamics coefficients came from (``SimConfig.weights``): the
    shipped posterior (its command and fingerprints) and which coefficients it supplied,
    or the priors."""
    if config.weights != "posterior":
        return {"source": "prior"}
    posterior, paths = posterior_coefficients(config)
    return {"source": "posterior", "command": posterior.meta.get("command"),
            "fingerprints": posterior.meta.get("fingerprints"),
            "coefficients": sorted(path.removeprefix("dynamics.") for path in paths)}

