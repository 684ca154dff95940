"""Overrides as the user types them, and as Hydra is given them.

Overrides of schema paths need no ``+``: ``seed=3``, ``relations.RUS.CHN.trust=0.2``.
``parse_typed`` checks each as typed (key characters, brackets, ``==``, empty values
and mappings) so errors quote what the user wrote; ``normalise`` rewrites them for
Hydra (``++path=value``, or ``~path +path=value`` when a list or mapping replaces a
parameter) after checking that the actors they name are in the composed roster;
``as_typed`` turns a job's rewritten overrides back into the user's form for the records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from omegaconf import DictConfig, ListConfig, OmegaConf

from sim.config.schema import SimConfig
from sim.errors import ConfigError

_SCHEMA_KEYS = frozenset(SimConfig.model_fields)
_GROUPS = ("scenario", "roster", "sweep")
APP_KEYS = ("objective",)  # top-level keys of conf/config.yaml that are not model keys
_KEY = re.compile(r"^[A-Za-z0-9_]+([./@][A-Za-z0-9_]+)*$")
_LEAF_DEPTH = {"actors": 3, "relations": 4, "world": 2, "dynamics": 2, "relation_defaults": 2, "outcome": 2}
_DIR_KEYS = ("hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir", "sweep.dir")


def _split(override: str) -> tuple[str, str, str]:
    """(prefix, key, value) of ``[+|++|~]key=value``."""
    prefix = "++" if override.startswith("++") else override[:1] if override[:1] in "+~" else ""
    key, _, value = override[len(prefix):].partition("=")
    return prefix, key.strip(), value


def _is_group_override(key: str) -> bool:
    return key in _GROUPS or key.startswith("hydra")


def _balanced(value: str) -> bool:
    pairs, stack, quote = {")": "(", "]": "[", "}": "{"}, [], None
    for char in value:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            stack.append(char)
        elif char in pairs:
            if not stack or stack.pop() != pairs[char]:
                return False
    return not stack and quote is None


def parse_typed(overrides: Sequence[str]) -> list:
    """Hydra's parse of each override as typed; ``ConfigError`` says what is wrong with it."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser = OverridesParser.create()
    parsed = []
    for text in overrides:
        prefix, key, value = _split(text)
        if not key:
            raise ConfigError(repr(text), "the key is missing before '='; an override is key=value (e.g. seed=3)")
        if "=" not in text and prefix != "~":
            raise ConfigError(key, "an override is key=value (e.g. seed=3)")
        if not _KEY.match(key):
            bad = next((c for c in key if not (c.isascii() and (c.isalnum() or c in "_./@"))), None)
            what = f"character {bad!r} is not allowed" if bad else "not a dotted name"
            raise ConfigError(key, f"{what} in a key; allowed: ASCII letters, digits and _ joined by . or /")
        if value.startswith("="):
            raise ConfigError(key, f"'{key}={value}' has more than one '='; allowed: one, as in {key}={value.lstrip('=')}")
        if not _balanced(value):
            raise ConfigError(key, f"unbalanced brackets or quotes in {value!r}; a range is [low,high], "
                              "a mapping {key:value}")
        try:
            parsed.append(parser.parse_override(text))
        except HydraException as err:
            raise ConfigError(key, f"cannot read {text!r}: {str(err).splitlines()[0]}") from None
    for o in parsed:
        _check_value(o)
    return parsed


def _check_value(o) -> None:
    """Values that Hydra would accept but that do nothing or the wrong thing."""
    key = o.key_or_group
    if o.is_delete() or o.is_sweep_override():
        return
    value = o.value()
    if isinstance(value, dict) and not value:
        raise ConfigError(key, "an empty mapping {} changes nothing (overrides merge into the mapping); "
                          f"allowed: set fields ({key}.<field>=value), or delete with ~{key}")
    if key in _DIR_KEYS and (value is None or str(value).strip() == ""):
        raise ConfigError(key, "empty; allowed: a folder path")


def _existing_container(base: DictConfig, key: str) -> bool:
    """True if ``key`` exists in ``base`` and holds a mapping or list (a whole parameter)."""
    node = OmegaConf.select(base, key, default=None, throw_on_missing=False)
    return isinstance(node, (DictConfig, ListConfig))


def _container_value(o) -> bool:
    values = list(o.sweep_iterator()) if o.is_sweep_override() and not o.is_interval_sweep() else [o.value()]
    return any(isinstance(v, (dict, list)) for v in values)


def _container_choice(key: str, bases: Sequence[DictConfig]) -> bool:
    """Whether a list or mapping for ``key`` replaces a mapping there (``~k +k=v``); the
    composed configs of a multirun must agree."""
    found = {_existing_container(b, key) for b in bases}
    if len(found) > 1:
        raise ConfigError(key, "some runs of this multirun hold a mapping here and others do not; allowed: "
                          "run those scenarios or rosters in separate multiruns")
    return found.pop()


def normalise(overrides: Sequence[str],
              bases: Sequence[DictConfig] | Callable[[], list[DictConfig]]) -> list[str]:
    """Rewrite schema overrides for Hydra; refuse paths naming actors not in the roster.

    A parameter leaf (e.g. ``relations.RUS.CHN.trust``) given a list or mapping is
    replaced as a whole: ``~key +key=value``; other schema paths become ``++key=value``.
    ``bases`` are the configs composed from the group overrides (every combination of a
    multirun), or a function composing them, called only if an override needs them.
    """
    composed: list[DictConfig] = [] if callable(bases) else list(bases)

    def base() -> list[DictConfig]:
        if not composed:
            composed.extend(bases())
        return composed

    out: list[str] = []
    replaced: set[str] = set()
    for text, o in zip(overrides, parse_typed(overrides)):
        prefix, key, _value = _split(text)
        head, *rest = key.split(".")
        if prefix or _is_group_override(key) or head in APP_KEYS:
            out.append(text)
            continue
        if head == "sweep":
            out += _sweep_override(text, key, base, replaced)
            continue
        if head not in _SCHEMA_KEYS:
            raise ConfigError(key, f"unknown key; allowed: {', '.join(sorted(_SCHEMA_KEYS))}, "
                              f"{', '.join(APP_KEYS)}, scenario, roster, sweep")
        if head in ("actors", "relations"):
            for cfg in base():
                roster = list(cfg.get("actors") or {})
                for depth, code in enumerate(rest[: 1 if head == "actors" else 2]):
                    if code not in roster:
                        where = ".".join([head, *rest[: depth + 1]])
                        raise ConfigError(where, f"unknown actor {code!r}; allowed: {', '.join(roster)} "
                                          f"(add one with +actors.{code}={{...}})")
        if _LEAF_DEPTH.get(head) == len(rest) + 1 and _container_value(o) and _container_choice(key, base()):
            out += [f"~{key}", f"+{text}"]
        else:
            out.append("++" + text)
    return out


def _sweep_override(text: str, key: str, base, replaced: set[str]) -> list[str]:
    """``sweep.<key>=v`` -> ``++sweep.<key>=v``; the first ``sweep.parameters.*`` drops the file's set.

    Parameters given on the command line replace the design file's parameters as a whole
    (a researcher names what to vary; docs/sweeps.md).
    """
    if any(cfg.get("sweep") is None for cfg in base()):
        raise ConfigError(key, "no sweep selected; add sweep=grid, sweep=lhs or sweep=sobol")
    out = []
    if key.startswith("sweep.parameters.") and "parameters" not in replaced:
        replaced.add("parameters")
        out += ["~sweep.parameters", "+sweep.parameters={}"]
    return [*out, "++" + text]


def as_typed(overrides: Sequence[str]) -> list[str]:
    """A job's overrides as the user typed them: ``normalise``'s rewrites undone.

    ``~k +k=v`` -> ``k=v``; ``++k=v`` on a model path -> ``k=v``; the internal
    ``~sweep.parameters +sweep.parameters={}`` pair is dropped.
    """
    out: list[str] = []
    items = list(overrides)
    k = 0
    while k < len(items):
        prefix, key, value = _split(items[k])
        following = _split(items[k + 1]) if k + 1 < len(items) else ("", "", "")
        if prefix == "~" and following[:2] == ("+", key):
            if key != "sweep.parameters":
                out.append(f"{key}={following[2]}")
            k += 2
            continue
        head = key.split(".")[0]
        if prefix == "++" and (head in _SCHEMA_KEYS or head == "sweep"):
            out.append(f"{key}={value}")
        else:
            out.append(items[k])
        k += 1
    return out


def _quoted(value: str) -> str:
    """``value`` as a Hydra override value (quoted unless it is a plain path)."""
    if re.fullmatch(r"[A-Za-z0-9_./-]+", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
