"""Reading YAML data files from others (scenarios, rosters) without trusting them.

``load_data_file(path, what, allowed)`` returns the file's mapping or raises
``ConfigError`` naming the file and the problem. Refused:

- files larger than ``MAX_BYTES`` (1 MiB; shipped scenarios are a few kB),
- YAML syntax errors (with the line), anything but a mapping at the top,
- duplicate keys at any depth (named, with both lines),
- anchors and aliases (``&a`` / ``*a``): the "billion laughs" expansion bomb,
- tags (``!!python/...`` or any other: plain data only), non-string keys,
- nesting deeper than ``MAX_DEPTH``,
- OmegaConf interpolations (``${...}``) in any string: a data file must not read the
  environment or other keys,
- a ``# @package`` header other than ``_global_``,
- top-level keys outside ``allowed`` (the model's own keys): no ``hydra``, no
  ``defaults`` list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.errors import ConfigError

MAX_BYTES = 1 << 20
MAX_DEPTH = 32
_PACKAGE = re.compile(r"^#\s*@package\s+(\S+)")
_STANDARD_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}


class _Refused(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


class _Composer(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases while composing the node tree."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark.line + 1, f"YAML alias *{event.anchor} (anchors and aliases are not allowed)")
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _Refused(event.start_mark.line + 1, f"YAML anchor &{event.anchor} (anchors and aliases are not allowed)")
        return super().compose_node(parent, index)


def _check_tree(node: Node, path: str, depth: int) -> None:
    """Duplicate keys, tags, key types and depth, before any Python object is built."""
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise _Refused(line, f"{path or 'the file'} is nested deeper than {MAX_DEPTH} levels")
    if node.tag not in _STANDARD_TAGS:
        raise _Refused(line, f"{path or 'value'}: tag {node.tag!r} is not allowed (plain data only)")
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.tag != "tag:yaml.org,2002:str":
                raise _Refused(key.start_mark.line + 1, f"{path or 'top level'}: keys must be plain names")
            name = key.value
            where = f"{path}.{name}" if path else name
            if name in seen:
                raise _Refused(key.start_mark.line + 1, f"duplicate key {where!r} (first at line {seen[name]})")
            seen[name] = key.start_mark.line + 1
            _check_tree(value, where, depth + 1)
    elif isinstance(node, SequenceNode):
        for k, item in enumerate(node.value):
            _check_tree(item, f"{path}.{k}", depth + 1)
    elif "${" in str(node.value):
        raise _Refused(line, f"{path}: interpolations (${{...}}) are not allowed in data files")


def _package(text: str) -> str | None:
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _PACKAGE.match(line)
        if match:
            return match.group(1)
    return None


def load_data_file(path: Path, what: str, allowed: Iterable[str]) -> dict:
    """The mapping in ``path`` after every check of the module doc; ``what`` names it
    in errors (e.g. ``scenario taiwan_drones``)."""
    path = Path(path)
    key = f"{what} ({path})"
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(key, f"file of {size:,} bytes; allowed: at most {MAX_BYTES:,}")
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(key, f"cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise ConfigError(key, "not UTF-8 text") from None
    package = _package(text)
    if package not in (None, "_global_"):
        raise ConfigError(key, f"'# @package {package}' is not allowed; allowed: _global_")
    loader = _Composer(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            _check_tree(root, "", 0)
            data = loader.construct_document(root)
        else:
            data = {}
    except _Refused as err:
        raise ConfigError(key, f"line {err.line}: {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise ConfigError(key, f"{where}YAML syntax error: {problem}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ConfigError(key, f"must hold a mapping of keys, got {type(data).__name__}")
    allowed = list(allowed)
    for name in data:
        if name not in allowed:
            raise ConfigError(key, f"key {name!r} is not allowed in a data file; allowed: {', '.join(allowed)}")
    return data
