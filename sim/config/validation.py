"""From a composed config to a validated ``SimConfig``: resolve, refuse booleans-as-numbers, validate."""

from __future__ import annotations

import re
import types
import typing

from omegaconf import DictConfig, OmegaConf
from pydantic import BaseModel, ValidationError

from sim.config.messages import from_validation_error
from sim.config.overrides import APP_KEYS
from sim.config.schema import SimConfig
from sim.errors import ConfigError


def container(cfg: DictConfig) -> dict:
    """The model keys (and ``sweep``) of a composed config as resolved plain data."""
    from omegaconf.errors import OmegaConfBaseException

    try:
        return OmegaConf.to_container(OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"]), resolve=True)
    except OmegaConfBaseException as err:
        key = getattr(err, "full_key", None) or "config"
        text = re.sub(r"^\w+ raised while resolving interpolation: ", "", str(err).splitlines()[0]).strip('"')
        raise ConfigError(str(key), f"cannot resolve: {text}") from None


def _unwrap(annotation):
    while typing.get_origin(annotation) in (typing.Annotated, typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0]
    return annotation


def refuse_booleans(data, model: type[BaseModel], prefix: str = "") -> None:
    """A ``true``/``false`` where the schema wants a number is refused (pydantic reads it as 1/0)."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        info = model.model_fields.get(str(key))
        if info is None:
            continue
        where = f"{prefix}{key}"
        _refuse_in(value, info.annotation, where)


def _refuse_in(value, annotation, where: str) -> None:
    ann = _unwrap(annotation)
    origin = typing.get_origin(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        refuse_booleans(value, ann, f"{where}.")
    elif origin is dict and isinstance(value, dict):
        inner = typing.get_args(ann)[-1]
        for k, v in value.items():
            _refuse_in(v, inner, f"{where}.{k}")
    elif origin is tuple and isinstance(value, list):
        args = [a for a in typing.get_args(ann) if a is not Ellipsis]
        for k, v in enumerate(value):
            _refuse_in(v, args[min(k, len(args) - 1)] if args else None, f"{where}.{k}")
    elif isinstance(value, bool) and ann in (int, float):
        raise ConfigError(where, f"expected a number, got {str(value).lower()}")


def validate(cfg: DictConfig) -> SimConfig:
    """The composed Hydra config (without its ``hydra`` node) as a validated ``SimConfig``."""
    return validate_data(container(cfg))


def validate_data(data: dict) -> SimConfig:
    """Resolved plain config data (``hydra``, ``sweep`` and app keys ignored) as a ``SimConfig``."""
    model = {k: v for k, v in data.items() if k not in ("hydra", "sweep", *APP_KEYS)}
    refuse_booleans(model, SimConfig)
    try:
        return SimConfig.model_validate(model)
    except ValidationError as err:
        raise from_validation_error(err, SimConfig) from None
