"""``SignedNetwork``: an undirected signed network of actors, validated once.

A tie is ``(a, b, sign)`` with ``sign`` +1 (positive relation: alliance, entente,
cooperation) or -1 (negative: hostility). Pairs are unordered and stored sorted
(``a < b``); a pair that is not listed has no tie. Every entry point (the shipped data
files, ``sim.history.forecast_signed``) goes through ``signed_network``, so bad input
gets the same one-line ``ValueError`` wherever it comes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from sim.config.schema import ACTOR_CODE
from sim.errors import ConfigError

Pair = tuple[str, str]


def pair(a: str, b: str) -> Pair:
    """The unordered pair ``{a, b}`` as a sorted tuple."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class SignedNetwork:
    """Actors ``nodes`` (in a fixed order) and their ties ``edges`` ((a, b, sign), a < b)."""

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, int], ...]

    @cached_property
    def signs(self) -> dict[Pair, int]:
        """Sign of every tie, keyed by the sorted pair."""
        return {(a, b): s for a, b, s in self.edges}

    @cached_property
    def neighbours(self) -> dict[str, dict[str, int]]:
        """For every node, its tied nodes and the tie's sign."""
        out: dict[str, dict[str, int]] = {n: {} for n in self.nodes}
        for a, b, s in self.edges:
            out[a][b] = s
            out[b][a] = s
        return out

    def pairs(self) -> list[Pair]:
        """Every unordered pair of ``nodes``, sorted, in node order (i < j)."""
        n = self.nodes
        return [pair(n[i], n[j]) for i in range(len(n)) for j in range(i + 1, len(n))]


def signed_network(nodes: Sequence[str], edges: Iterable, key: str = "") -> SignedNetwork:
    """Validate ``nodes`` and ``edges`` ((a, b, sign) with sign ±1) into a ``SignedNetwork``.

    Raises ``ConfigError`` (a ``ValueError``) naming the bad item: an empty network, a
    code that is not an actor code (``^[A-Z][A-Z0-9_]{1,11}$``) or not in ``nodes``, a
    repeated node, a self tie, a pair given twice, or a sign other than +1/-1.
    ``key`` prefixes the item's name in the message (e.g. a data file's key path).
    """
    at = f"{key}." if key else ""
    if isinstance(nodes, str):
        raise ConfigError(f"{at}nodes", "give a sequence of actor codes, not one string")
    nodes = tuple(nodes)
    if len(nodes) < 2:
        raise ConfigError(f"{at}nodes", f"empty network: needs at least 2 actors, got {len(nodes)}")
    seen: set[str] = set()
    for k, code in enumerate(nodes):
        if not isinstance(code, str) or not ACTOR_CODE.match(code):
            raise ConfigError(f"{at}nodes.{k}", f"{code!r} is not an actor code; allowed: 2-12 capitals, "
                              "digits or _ starting with a capital")
        if code in seen:
            raise ConfigError(f"{at}nodes.{k}", f"{code!r} is listed twice")
        seen.add(code)
    ties: dict[Pair, int] = {}
    for k, edge in enumerate(edges):
        where = f"{at}edges.{k}"
        if isinstance(edge, (str, bytes)) or not isinstance(edge, Sequence) or len(edge) != 3:
            raise ConfigError(where, f"a tie is (a, b, sign), got {edge!r}")
        a, b, sign = edge
        for code in (a, b):
            if code not in seen:
                raise ConfigError(where, f"unknown code {code!r}; allowed: the {len(nodes)} nodes given")
        if a == b:
            raise ConfigError(where, f"self tie {a}-{a}; a tie joins two different actors")
        if isinstance(sign, bool) or sign not in (1, -1):
            raise ConfigError(where, f"sign {sign!r} of {a}-{b}; allowed: +1 or -1")
        key_ab = pair(a, b)
        if key_ab in ties:
            raise ConfigError(where, f"pair {key_ab[0]}-{key_ab[1]} is given twice")
        ties[key_ab] = int(sign)
    if not ties:
        raise ConfigError(f"{at}edges", "empty network: give at least one (a, b, sign) tie")
    return SignedNetwork(nodes, tuple((a, b, s) for (a, b), s in ties.items()))


def transitions(source: SignedNetwork, target: SignedNetwork) -> list[tuple[Pair, int, int]]:
    """Every tie of ``target`` between two actors of ``source``, as (pair, was, now):
    ``was`` the pair's sign in ``source`` (0 if no tie), ``now`` its sign in ``target``.

    Ties involving an actor absent from ``source`` cannot be forecast from it and are
    left out.
    """
    present = source.neighbours
    was = source.signs
    return [(p, was.get(p, 0), s) for p, s in target.signs.items() if p[0] in present and p[1] in present]
