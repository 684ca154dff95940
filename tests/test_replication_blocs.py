"""Per-replication blocs (``sim.blocs.replication_blocs``, compiled in ``sim.kernels.landscape``)
against the energy's definition, partition by partition."""

import itertools

import numpy as np
import pytest

from sim.blocs import landscape_minima, replication_blocs


def _energy(labels, sizes, signed):
    """E(X) = sum over ordered pairs i != j apart of s_i s_j p_ij (docs/model.md, blocs)."""
    n = len(labels)
    return sum(sizes[i] * sizes[j] * signed[i, j] for i in range(n) for j in range(n)
               if i != j and labels[i] != labels[j])


def _brute_force(sizes, signed):
    """The lowest-energy partition (actor 0 on side 0; the first in binary order among
    equals) and the gap to the second lowest."""
    n = sizes.shape[0]
    found = []
    for code in range(1 << (n - 1)):
        labels = (0,) + tuple((code >> (i - 1)) & 1 for i in range(1, n))
        found.append((_energy(labels, sizes, signed), code, labels))
    ordered = sorted(found)
    return ordered[0][2], ordered[1][0] - ordered[0][0]


@pytest.mark.parametrize("n", [2, 3, 5, 7, 9])
def test_lowest_partition_and_ties_match_brute_force(n):
    rng = np.random.default_rng(n)
    sizes = rng.random((60, n))
    signed = rng.uniform(-1, 1, (60, n, n))
    sizes[:10, -1] = 0.0  # an actor without weight: two partitions tie exactly
    signed[10:20] = np.round(signed[10:20])  # integer relations: ties of whole structures
    labels, tied = replication_blocs(sizes, signed)
    assert labels.shape == (60, n) and tied.shape == (60,)
    for r in range(60):
        best, gap = _brute_force(sizes[r], signed[r])
        assert tied[r] == (gap <= 1e-9)
        if not tied[r]:
            assert tuple(labels[r]) == best
        else:  # the reported partition is one of the tied minima
            assert abs(_energy(labels[r], sizes[r], signed[r]) - _energy(best, sizes[r], signed[r])) <= 1e-9
    assert tied[:10].all()  # the weightless actor's side is arbitrary


def test_agrees_with_the_landscape_minima_of_one_network():
    rng = np.random.default_rng(0)
    sizes, signed = rng.random((30, 6)), rng.uniform(-1, 1, (30, 6, 6))
    labels, tied = replication_blocs(sizes, signed)
    for r in np.flatnonzero(~tied):
        assert tuple(labels[r]) == landscape_minima(sizes[r], signed[r])[0].labels


def test_independent_of_thread_count_and_of_the_other_replications():
    import numba

    rng = np.random.default_rng(1)
    sizes, signed = rng.random((257, 7)), rng.uniform(-1, 1, (257, 7, 7))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = replication_blocs(sizes, signed)
        numba.set_num_threads(before)
        many = replication_blocs(sizes, signed)
    finally:
        numba.set_num_threads(before)
    part = replication_blocs(sizes[100:103], signed[100:103])
    assert all(np.array_equal(a, b) for a, b in zip(one, many))
    assert all(np.array_equal(a[100:103], b) for a, b in zip(one, part))


def test_every_partition_is_reachable():
    """Each of the 2^(N-1) partitions is the minimum for some network (no code skipped)."""
    n = 4
    for labels in itertools.product((0, 1), repeat=n - 1):
        x = np.array((0,) + labels)
        signed = np.where(x[:, None] == x[None, :], 1.0, -1.0)  # allies within, enemies across
        got, tied = replication_blocs(np.ones((1, n)), signed[None])
        assert tuple(got[0]) == tuple(x) and not tied[0]
