"""From command-line overrides to validated configurations, through Hydra.

``preflight`` composes and validates every run of a command (each point of a multirun,
up to ``ALLIANCE_SIM_MAX_JOBS`` points) before Hydra creates any folder: bad input fails
with one line. The parts: ``sim.config.datafiles`` (scenario and roster files, read
safely), ``sim.config.overrides`` (overrides as typed and as given to Hydra),
``sim.config.validation`` (composed config to ``SimConfig``); this module composes with
Hydra and enumerates a multirun's points as Hydra's basic sweeper would.
"""

from __future__ import annotations

import copy
import importlib.util
import itertools
import math
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from sim.config.datafiles import (SHIPPED, Source, available_configs, available_scenarios, check_data_files,
                                  read_scenario, register_scenarios, unknown_option)
from sim.config.overrides import _is_group_override, _quoted, _split, as_typed, normalise, parse_typed
from sim.config.schema import SimConfig
from sim.config.validation import container, validate, validate_data
from sim.errors import ConfigError

__all__ = ["SHIPPED", "Source", "as_typed", "available_configs", "available_scenarios", "base_config",
           "load_config", "normalise_here", "preflight", "read_scenario", "register_scenarios", "validate",
           "validate_data"]
MAX_JOBS_DEFAULT = 1000


# -- Hydra -----------------------------------------------------------------------------------
_CLUSTER_EXTRA = ("this launcher needs its Hydra plugin; install: pip install 'alliance-sim[cluster]' "
                  "(docs/cluster.md)")


def _check_launcher(cfg: DictConfig) -> None:
    """The selected launcher's class must be importable (its plugin installed), and SLURM's
    must run where jobs can be submitted."""
    target = str(OmegaConf.select(cfg, "hydra.launcher._target_", default="") or "")
    module = target.rpartition(".")[0]
    try:
        found = bool(module) and importlib.util.find_spec(module) is not None
    except ImportError:
        found = False
    if not found:
        raise ConfigError("hydra.launcher._target_", f"cannot import {target!r}; {_CLUSTER_EXTRA}")
    if target.endswith(".SlurmLauncher") and shutil.which("sbatch") is None:
        raise ConfigError("hydra/launcher", "no sbatch here (not a SLURM login node); allowed: run on one, "
                                            "or try the same path locally with hydra/launcher=slurm_local")


def _hydra_message(err: Exception, source: Source = SHIPPED) -> ConfigError:
    """One line from a Hydra composition error."""
    text = str(err)
    plugin = re.search(r"Could not (?:find|load) 'hydra/launcher/(ray\w*|submitit_\w+)'", text)
    if plugin:
        return ConfigError("hydra/launcher", _CLUSTER_EXTRA)
    missing = re.search(r"Could not (?:find|load) '(scenario|roster|sweep)/([^']*)'", text)
    if missing:
        return unknown_option(*missing.groups(), source)
    options = re.search(r"Could not (?:find|load) '([^']*)/([^'/]*)'.*?Available options in '[^']*':\n(.*)", text, re.S)
    if options:
        group, name, listed = options.groups()
        names = [line.strip() for line in listed.splitlines() if line.strip()]
        return ConfigError(group, f"unknown option {name!r}; allowed: {', '.join(names)}")
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(err).__name__)
    key = getattr(err, "full_key", None) or "override"
    return ConfigError(str(key), re.sub(r"(?<![\w.])(\+\+|\+|~)(?=[A-Za-z_])", "", first))


def _compose(overrides: Sequence[str], *, hydra_config: bool = False, source: Source = SHIPPED) -> DictConfig:
    from hydra._internal.hydra import Hydra
    from hydra._internal.utils import create_config_search_path
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from hydra.types import RunMode
    from omegaconf import open_dict
    from omegaconf.errors import OmegaConfBaseException

    search = create_config_search_path(f"file://{source.primary}")
    if source.extra is not None:
        from hydra.core.config_search_path import SearchPathQuery

        search.prepend(provider="command-line", path=f"file://{source.extra}",
                       anchor=SearchPathQuery(provider="schema"))
    GlobalHydra.instance().clear()
    try:
        hydra = Hydra.create_main_hydra2(task_name="sim", config_search_path=search)
        cfg = hydra.compose_config(source.name, list(overrides), run_mode=RunMode.RUN, from_shell=False,
                                   with_log_configuration=False)
        if not hydra_config:
            with open_dict(cfg):
                del cfg["hydra"]
        return cfg
    except (HydraException, OmegaConfBaseException, ValueError) as err:
        raise _hydra_message(err, source) from None
    finally:
        GlobalHydra.instance().clear()


def base_config(overrides: Sequence[str], source: Source = SHIPPED) -> DictConfig:
    """The config composed from the group overrides alone (roster, scenarios)."""
    return _compose([o for o in overrides if _is_group_override(_split(o)[1])], source=source)


def normalise_here(overrides: Sequence[str], source: Source = SHIPPED) -> list[str]:
    """``normalise`` against the config the overrides' own groups compose (if needed)."""
    return normalise(overrides, lambda: [base_config(overrides, source)])


def load_config(scenario: str | Sequence[str] | None = "baseline", overrides: Sequence[str] = ()) -> SimConfig:
    """Compose and validate a configuration, as ``python -m sim`` would.

    ``scenario`` is a name, a list of names (later wins) or None for the roster alone.
    """
    args = list(overrides)
    if scenario is None:
        args.insert(0, "~scenario")
    elif not any(_split(o)[1] == "scenario" for o in args):
        names = [scenario] if isinstance(scenario, str) else list(scenario)
        args.insert(0, f"scenario=[{','.join(names)}]")
    return _prepared(args, multirun=False, source=SHIPPED)[1][0][0]


# -- preflight -------------------------------------------------------------------------------
def max_jobs() -> int:
    """Most multirun jobs a command may launch (``ALLIANCE_SIM_MAX_JOBS``, default 1000)."""
    text = os.environ.get("ALLIANCE_SIM_MAX_JOBS", str(MAX_JOBS_DEFAULT))
    if not text.isdigit() or int(text) < 1:
        raise ConfigError("ALLIANCE_SIM_MAX_JOBS", f"{text!r}; allowed: a whole number >= 1")
    return int(text)


def _points(parsed: list, optuna: bool) -> list[list[str]]:
    return [list(p) for p in itertools.product(*_axes(parsed, optuna))]


def _axes(parsed: list, optuna: bool) -> list[list[str]]:
    """Each override's values: a sweep's choices, an interval's two ends (checked, not run)."""
    axes = []
    for o in parsed:
        key = o.get_key_element()
        if o.is_interval_sweep():
            if not optuna:
                raise ConfigError(o.key_or_group, "interval(...) is a search range for Hydra's Optuna sweeper; "
                                  "allowed: add hydra/sweeper=optuna (pip install 'alliance-sim[sweepers]'), "
                                  "or list values (0.2,0.5,0.8) or range(...)")
            ends = (o.value().start, o.value().end)
            axes.append([f"{key}={v!r}" for v in ends])
        elif o.value_type is not None and o.value_type.name == "GLOB_CHOICE_SWEEP":
            raise ConfigError(o.key_or_group, "glob(...) sweeps are not supported; allowed: list the options")
        elif o.is_sweep_override():
            axes.append([f"{key}={v}" for v in o.sweep_string_iterator()])
        else:
            axes.append([o.input_line])
    return axes


def _checked(overrides: Sequence[str], *, multirun: bool, source: Source) -> list:
    """The parsed overrides, after the checks that need no composition: each override as
    typed, no sweep without ``--multirun``, the data files they name, the job count."""
    parsed = parse_typed(overrides)
    if not multirun:
        sweep = next((o for o in parsed if o.is_sweep_override()), None)
        if sweep is not None:
            raise ConfigError(sweep.key_or_group, "several values (a sweep) need --multirun (-m); allowed: one value")
    searchpath = [o.value() for o in parsed if o.key_or_group == "hydra.searchpath"]
    check_data_files(parsed, source, [p for v in searchpath for p in (v if isinstance(v, list) else [v])])
    count = math.prod(len(a) for a in _axes(parsed, optuna=True))
    if count > max_jobs():
        raise ConfigError("--multirun", f"{count:,} jobs; allowed: at most {max_jobs():,} (ALLIANCE_SIM_MAX_JOBS); "
                          "many points run faster as a batched sweep (sweep=grid|lhs|sobol, docs/sweeps.md)")
    return parsed


def _prepared(overrides: Sequence[str], *, multirun: bool, source: Source):
    """(normalised overrides for Hydra, [(validated config, its sweep node or None)] of
    every run, the composed config of the first run with its ``hydra`` node).

    As Hydra's basic sweeper would: every combination of the sweep values. Each
    combination of group overrides is composed once, with the overrides that do not
    vary applied by Hydra; the swept values are then set on a plain copy (``_assign``).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = _checked(overrides, multirun=multirun, source=source)
    cache: dict[tuple[str, ...], DictConfig] = {}

    def composed_for(groups: Sequence[str]) -> DictConfig:
        if tuple(groups) not in cache:
            cache[tuple(groups)] = _compose(list(groups), hydra_config=True, source=source)
        return cache[tuple(groups)]

    bases = [composed_for(p) for p in _points([o for o in parsed if _is_group_override(o.key_or_group)], True)]
    optuna = "optuna" in str(OmegaConf.select(bases[0], "hydra.sweeper._target_", default="")).lower()
    if multirun and optuna and any(b.get("sweep") is not None for b in bases):
        raise ConfigError("sweep", "a batched sweep runs all its points in one job; allowed: the Optuna "
                          "sweeper with one run per trial (remove sweep=...)")
    normalised = normalise(overrides, bases)
    rewritten = OverridesParser.create().parse_overrides(normalised)
    grouped = [_is_group_override(o.key_or_group) for o in rewritten]
    swept = [o.is_sweep_override() and not g for o, g in zip(rewritten, grouped)]
    fixed = [o for o, g, s in zip(normalised, grouped, swept) if not g and not s]
    data_for: dict[tuple[str, ...], dict] = {}
    runs, first = [], None
    for point in _points(rewritten, optuna):
        groups = tuple(o for o, g in zip(point, grouped) if g)
        if groups not in data_for:
            cfg = _apply(composed_for(groups), fixed, source)
            first = cfg if first is None else first
            data_for[groups] = container(cfg)
        data = copy.deepcopy(data_for[groups])
        varied = [o for o, s in zip(point, swept) if s]
        if varied and not _assign(data, OverridesParser.create().parse_overrides(varied)):
            data = container(_apply(composed_for(groups), [*fixed, *varied], source))
        runs.append((validate_data(data), data.get("sweep")))
    return normalised, runs, first


def _assign(data: dict, overrides: list) -> bool:
    """Apply parsed ``++k=v`` / ``+k=v`` / ``~k`` overrides to plain ``data`` as Hydra
    would (a mapping merges into a mapping; anything else replaces); False if one needs
    Hydra itself (an interpolation in the value)."""
    for o in overrides:
        *parents, leaf = o.key_or_group.split(".")
        value = None if o.is_delete() else o.value()
        if "${" in repr(value):
            return False
        node = data
        for part in parents:
            node = node.setdefault(part, {}) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                return False
        if o.is_delete():
            if leaf not in node:
                raise ConfigError(o.key_or_group, "cannot delete: not set")
            del node[leaf]
        elif isinstance(value, dict) and isinstance(node.get(leaf), dict):
            _merge(node[leaf], value)
        else:
            node[leaf] = copy.deepcopy(value)
    return True


def _merge(into: dict, value: dict) -> None:
    for key, item in value.items():
        if isinstance(item, dict) and isinstance(into.get(key), dict):
            _merge(into[key], item)
        else:
            into[key] = copy.deepcopy(item)


def _apply(base: DictConfig, overrides: list[str], source: Source) -> DictConfig:
    """``base`` with the (non-group) overrides applied as Hydra applies them."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    if not overrides:
        return base
    cfg = base.copy()
    try:
        ConfigLoaderImpl._apply_overrides_to_config(OverridesParser.create().parse_overrides(overrides), cfg)
    except (HydraException, OmegaConfBaseException, ValueError) as err:
        raise _hydra_message(err, source) from None
    return cfg


def preflight(overrides: Sequence[str], *, multirun: bool, source: Source = SHIPPED) -> list[str]:
    """Normalised overrides for Hydra, after validating every run they describe."""
    from sim.resources import check_run, check_sweep

    normalised, runs, cfg = _prepared(overrides, multirun=multirun, source=source)
    _check_output_dir(cfg, multirun)
    if multirun:
        _check_launcher(cfg)
    for config, sweep in runs:
        if sweep is None:
            check_run(config)
            continue
        from sim.sweep.run import plan_sweep

        spec, folder = plan_sweep(sweep, config, base=Path("."))
        check_sweep(config, spec)
        if not multirun and not any(_split(o)[1] == "hydra.run.dir" for o in normalised):
            normalised.append(f"hydra.run.dir={_quoted(str(folder))}")  # Hydra's files go with the sweep's
    if not multirun:
        return normalised
    # Jobs of remote launchers (Ray, SLURM) run in other processes, elsewhere: pin the
    # multirun folder as an absolute path resolved here (``${now:...}`` evaluated once).
    sweep_dir = Path(str(cfg.hydra.sweep.dir)).expanduser().absolute()
    pinned = [o for o in normalised if _split(o)[1] != "hydra.sweep.dir"]
    return [*pinned, f"hydra.sweep.dir={_quoted(str(sweep_dir))}"]


def _check_output_dir(cfg: DictConfig, multirun: bool) -> None:
    """The run folder must be a path whose nearest existing ancestor is a writable folder."""
    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    node = cfg.hydra.sweep.dir if multirun else cfg.hydra.run.dir
    if not str(node).strip():
        raise ConfigError(key, "empty; allowed: a folder path")
    target = Path(str(node)).expanduser().absolute()
    probe = target
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise ConfigError(key, f"{probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(key, f"cannot write to {probe}; allowed: a writable folder")
