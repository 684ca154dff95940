"""Turn pydantic and Hydra errors into one line: the offending key and what is allowed."""

from __future__ import annotations

import math
import typing

from pydantic import BaseModel, ValidationError

from sim.errors import ConfigError


def _model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that holds the last element of ``loc`` (None if not a model)."""
    model: typing.Any = root
    for part in loc[:-1]:
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(str(part))
            if field is None:
                return None
            model = field.annotation
        else:  # dict[str, X] / tuple[X, ...]: step into the value type
            args = [a for a in typing.get_args(model) if a is not type(None) and a is not Ellipsis]
            model = args[-1] if args else None
        while typing.get_origin(model) is typing.Annotated or typing.get_origin(model) is typing.Union:
            args = [a for a in typing.get_args(model) if a is not type(None)]
            model = args[0]
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def from_validation_error(err: ValidationError, root: type[BaseModel]) -> ConfigError:
    """The first error of ``err`` as a ``ConfigError`` naming the dotted key."""
    first = err.errors()[0]
    loc = tuple(first["loc"])
    key = ".".join(str(p) for p in loc)
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        holder = _model_at(root, loc)
        allowed = ", ".join(holder.model_fields) if holder else "python -m sim.catalog parameters lists them"
        return ConfigError(key, f"unknown key; allowed: {allowed}")
    if first["type"] == "missing":
        if loc and isinstance(loc[-1], int):
            parent = ".".join(str(p) for p in loc[:-1])
            return ConfigError(parent, f"too few items (item {loc[-1]} missing)")
        return ConfigError(key, "required but missing")
    if not loc:
        head, sep, rest = msg.partition(": ")
        return ConfigError(head, rest) if sep and " " not in head else ConfigError("config", msg)
    if first["type"] in ("literal_error", "enum"):
        return ConfigError(key, msg.replace("Input should be", "allowed:"))
    got = first.get("input")
    if isinstance(got, float) and not math.isfinite(got):
        return ConfigError(key, f"must be a finite number (got {got})")
    if first["type"].startswith(("float", "int", "bool", "string")) and not isinstance(got, (dict, list)):
        msg = f"{msg} (got {got!r})"
    return ConfigError(key, msg)
