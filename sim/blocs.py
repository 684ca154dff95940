"""Bloc detection: landscape theory and the structural-balance eigenvector split.

Landscape theory (Axelrod & Bennett 1993, Br. J. Polit. Sci. 23:211): actors of size
s_i ≥ 0 with propensities p_ij ∈ [−1, 1] (> 0: inclined to be together) form two
coalitions X; the frustration energy

    E(X) = Σ_{i≠j} s_i s_j p_ij d_ij(X),   d_ij = 1 if i, j are apart, else 0,

is lowest for stable configurations. Local minima (no single actor lowers E by
switching side) are the configurations the system can settle in.

Marvel, Kleinberg, Kleinberg & Strogatz (2011, PNAS 108:1771): under dX/dt = X², a
generic symmetric signed network splits into two factions given by the signs of the
leading eigenvector of X(0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels.landscape import best_partitions

_CHUNK = 1 << 14


@dataclass(frozen=True)
class BlocConfiguration:
    """A two-coalition partition: one label (0/1) per actor, first actor 0, and its energy."""

    labels: tuple[int, ...]
    energy: float

    def groups(self, names) -> list[list[str]]:
        """The coalitions as lists of names, label 0 first (an empty coalition is omitted)."""
        out = [[n for n, lab in zip(names, self.labels) if lab == k] for k in (0, 1)]
        return [g for g in out if g]


def _check(sizes, propensity) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(sizes, dtype=float)
    p = np.asarray(propensity, dtype=float)
    if s.ndim != 1 or s.shape[0] < 2:
        raise ValueError(f"sizes: need a vector of at least 2 actors, got shape {s.shape}")
    if p.shape != (s.shape[0], s.shape[0]):
        raise ValueError(f"propensity: need shape {(s.shape[0], s.shape[0])}, got {p.shape}")
    if not (np.isfinite(s).all() and np.isfinite(p).all()):
        raise ValueError("sizes/propensity: values must be finite")
    if (s < 0).any():
        raise ValueError("sizes: must be >= 0")
    return s, p


def _pair_weights(s: np.ndarray, p: np.ndarray) -> np.ndarray:
    """w_ij = s_i s_j (p_ij + p_ji) for the unordered pair, zero diagonal."""
    w = np.outer(s, s) * (p + p.T)
    np.fill_diagonal(w, 0.0)
    return w


def _energies(labels: np.ndarray, w: np.ndarray) -> np.ndarray:
    """E for each row of labels [K, N]: ½ Σ_ij w_ij [label_i ≠ label_j]."""
    x = 2.0 * labels - 1.0  # ±1
    same = np.einsum("ki,ij,kj->k", x, w, x)  # Σ w_ij x_i x_j = Σ w (1 − 2 d)
    return 0.25 * (w.sum() - same)


def _is_local_minimum(labels: np.ndarray, w: np.ndarray) -> np.ndarray:
    """[K] no single switch lowers E (ties allowed)."""
    x = 2.0 * labels - 1.0
    # switching actor i changes E by Σ_j w_ij x_i x_j (sign of ±1 flips)
    delta = x * (x @ w)
    return (delta >= -1e-12).all(axis=1)


def _canonical(labels: np.ndarray) -> np.ndarray:
    return np.where(labels[:, :1] == 1, 1 - labels, labels)


def landscape_minima(sizes, propensity, *, max_exact: int = 20) -> list[BlocConfiguration]:
    """Local minima of landscape energy over two-coalition partitions, lowest energy first."""
    s, p = _check(sizes, propensity)
    n = s.shape[0]
    w = _pair_weights(s, p)
    found: list[np.ndarray] = []
    if n <= max_exact:
        bits = np.arange(n - 1)
        for start in range(0, 1 << (n - 1), _CHUNK):
            codes = np.arange(start, min(start + _CHUNK, 1 << (n - 1)))
            labels = np.zeros((codes.size, n))
            labels[:, 1:] = (codes[:, None] >> bits) & 1
            found.append(labels[_is_local_minimum(labels, w)])
    else:
        found.append(_descend(_starts(w, n), w))
    labels = np.unique(_canonical(np.concatenate(found)), axis=0).astype(int)
    energies = _energies(labels, w)
    order = sorted(range(len(labels)), key=lambda k: (round(energies[k], 12), tuple(labels[k])))
    return [BlocConfiguration(tuple(int(v) for v in labels[k]), float(energies[k])) for k in order]


def _starts(w: np.ndarray, n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    split = np.array(leading_eigenvector_split(w), dtype=float)
    return np.vstack([split, np.zeros(n), rng.integers(0, 2, size=(64, n))]).astype(float)


def _descend(labels: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Single-flip steepest descent from each start until no switch lowers E."""
    labels = labels.copy()
    for row in labels:
        while True:
            x = 2.0 * row - 1.0
            delta = x * (x @ w)
            k = int(np.argmin(delta))
            if delta[k] >= -1e-12:
                break
            row[k] = 1.0 - row[k]
    return labels


def leading_eigenvector_split(weights, sizes=None) -> tuple[int, ...]:
    """Two factions from the signs of the leading eigenvector of the symmetrised network,
    weighted by size (``sizes``: the network S X S with S = diag(sizes); none: unweighted)."""
    x = np.asarray(weights, dtype=float)
    if x.ndim != 2 or x.shape[0] != x.shape[1] or x.shape[0] < 2:
        raise ValueError(f"weights: need a square matrix of at least 2 actors, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("weights: values must be finite")
    sym = 0.5 * (x + x.T)
    if sizes is not None:
        s = np.asarray(sizes, dtype=float)
        sym = s[:, None] * sym * s[None, :]
    np.fill_diagonal(sym, 0.0)
    _, vectors = np.linalg.eigh(sym)
    v = vectors[:, -1]
    labels = (v < 0).astype(int) if v[0] >= 0 else (v > 0).astype(int)
    return tuple(int(k) for k in labels)


def final_blocs(capability, trust, names) -> dict:
    """Blocs from sizes = capability and signed propensity p_ij = 2 τ_ij − 1 (JSON-ready)."""
    tau = np.asarray(trust, dtype=float)
    signed = 2.0 * tau - 1.0
    np.fill_diagonal(signed, 0.0)
    minima = landscape_minima(capability, signed)
    best = minima[0]
    split = BlocConfiguration(leading_eigenvector_split(signed), 0.0)
    return {
        "landscape": {"groups": best.groups(names), "energy": round(best.energy, 6), "n_minima": len(minima)},
        "eigenvector": {"groups": split.groups(names)},
    }


_EXACT_UP_TO = 16  # actors: beyond, per-replication blocs use the multistart descent


def replication_blocs(sizes, signed, *, tolerance: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """The landscape-minimum partition of each replication and whether it is tied.

    ``sizes`` [R, N] (capabilities), ``signed`` [R, N, N] (signed relations); returns
    labels [R, N] (0/1, first actor 0) of each replication's lowest-energy partition
    and tied [R]: another partition lies within ``tolerance`` of its energy (the bloc
    reading is then ambiguous). Exact enumeration up to 16 actors.
    """
    s = np.ascontiguousarray(sizes, dtype=float)
    p = np.ascontiguousarray(signed, dtype=float)
    n_rep, n = s.shape
    if n > _EXACT_UP_TO:
        labels = np.array([landscape_minima(s[r], p[r])[0].labels for r in range(n_rep)])
        return labels, np.zeros(n_rep, dtype=bool)
    labels = np.empty((n_rep, n), dtype=np.int64)
    tied = np.empty(n_rep, dtype=bool)
    best_partitions(s, p, tolerance, labels, tied)
    return labels, tied


def bloc_summary(labels: np.ndarray, tied: np.ndarray, names) -> dict:
    """P(each pair in the same bloc), the distribution of partitions and the share of
    tied readings, over replications (JSON-ready)."""
    names = list(names)
    same = (labels[:, :, None] == labels[:, None, :]).mean(axis=0)
    partitions, counts = np.unique(labels, axis=0, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return {
        "p_same_bloc": {a: {b: round(float(same[i, j]), 6) for j, b in enumerate(names) if j != i}
                        for i, a in enumerate(names)},
        "partitions": [{"groups": BlocConfiguration(tuple(int(v) for v in partitions[k]), 0.0).groups(names),
                        "share": round(float(counts[k] / labels.shape[0]), 6)} for k in order],
        "tied_share": round(float(tied.mean()), 6),
    }
