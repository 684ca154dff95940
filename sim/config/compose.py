"""From command-line overrides to a validated ``SimConfig``, through Hydra.

* Scenario files (``scenarios/*.yaml`` and folders in ``$ALLIANCE_SIM_SCENARIOS``) are
  the ``scenario`` group (package ``_global_``), so ``scenario=taiwan_drones`` and
  ``scenario=[a,b]`` work; with several, later files win on conflicting keys. Only the
  selected files are read, each with ``sim.yamlsafe`` (data only: the model's own keys,
  no ``hydra.*``, no interpolations, no anchors, no duplicate keys); the selected
  roster, and any scenario or roster file found through ``hydra.searchpath`` or
  ``--config-dir``, is checked the same way before Hydra reads it. A name defined twice
  (e.g. ``baseline.yaml`` in ``$ALLIANCE_SIM_SCENARIOS``) is refused.
* Overrides of schema paths need no ``+``: ``seed=3``, ``relations.RUS.CHN.trust=0.2``.
  They are rewritten for Hydra (``++path=value``, or ``~path +path=value`` when a list
  or mapping replaces a parameter) after checking their syntax as typed and that the
  actors they name are in the composed roster. ``as_typed`` turns a job's rewritten
  overrides back into the user's form for the records.
* ``preflight`` composes and validates every run of a command (each point of a
  multirun, up to ``ALLIANCE_SIM_MAX_JOBS`` points) before Hydra creates any folder:
  bad input fails with one line.
"""

from __future__ import annotations

import copy
import fnmatch
import importlib.util
import itertools
import math
import os
import re
import shutil
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from omegaconf import DictConfig, ListConfig, OmegaConf
from pydantic import BaseModel, ValidationError

from sim.config.messages import from_validation_error
from sim.config.schema import SimConfig
from sim.errors import ConfigError
from sim.paths import conf_dir, scenario_dirs

_SCHEMA_KEYS = frozenset(SimConfig.model_fields)
_GROUPS = ("scenario", "roster", "sweep")
_DATA_GROUPS = ("scenario", "roster")  # files from others: model keys only
APP_KEYS = ("objective",)  # top-level keys of conf/config.yaml that are not model keys
MAX_JOBS_DEFAULT = 1000
_KEY = re.compile(r"^[A-Za-z0-9_]+([./@][A-Za-z0-9_]+)*$")
_LEAF_DEPTH = {"actors": 3, "relations": 4, "world": 2, "dynamics": 2, "relation_defaults": 2, "outcome": 2}
_DIR_KEYS = ("hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir", "sweep.dir")


@dataclass(frozen=True)
class Source:
    """Where the primary config is: ``--config-path``/``--config-name``/``--config-dir``."""

    primary: Path = field(default_factory=conf_dir)
    name: str = "config"
    extra: Path | None = None

    def search_dirs(self, searchpath: Sequence[str] = ()) -> list[Path]:
        """Folders whose ``<group>/<name>.yaml`` Hydra may read (primary, extra, searchpath)."""
        dirs = [self.primary] + ([self.extra] if self.extra else [])
        for entry in searchpath:
            entry = str(entry)
            if entry.startswith("pkg://"):
                spec = importlib.util.find_spec(entry[6:].replace("/", "."))
                dirs += [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
            else:
                dirs.append(Path(entry.removeprefix("file://")).expanduser().absolute())
        return dirs


SHIPPED = Source()


# -- scenario and roster files ---------------------------------------------------------------
def available_scenarios() -> dict[str, Path]:
    """Scenario name -> file (names only; no file is read). A name may be defined once."""
    found: dict[str, Path] = {}
    for folder in scenario_dirs():
        if not folder.is_dir():
            raise ConfigError("ALLIANCE_SIM_SCENARIOS", f"no such folder: {folder}")
        for path in sorted(folder.glob("*.yaml")):
            if path.stem in found:
                raise ConfigError("ALLIANCE_SIM_SCENARIOS", f"{path} has the name of scenario {path.stem!r} "
                                  f"({found[path.stem]}); allowed: a name not yet taken")
            found[path.stem] = path
    return found


def available_configs(group: str, source: Source = SHIPPED) -> list[str]:
    """Names of the configs of a Hydra group in the config folders (``roster``, ``sweep``)."""
    names = {p.stem for d in source.search_dirs() for p in (d / group).glob("*.yaml")}
    return sorted(names)


def read_scenario(name: str, path: Path) -> dict:
    """One scenario file's data, checked (``sim.yamlsafe``)."""
    from sim.yamlsafe import load_data_file

    return load_data_file(path, f"scenario {name}", SimConfig.model_fields)


def register_scenarios(names: Sequence[str] | None = None) -> None:
    """Store the named scenario files (all if None) in Hydra's ConfigStore (group ``scenario``)."""
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    files = available_scenarios()
    for name in files if names is None else names:
        if name in files:
            node = OmegaConf.create(read_scenario(name, files[name]))
            store.store(group="scenario", name=name, node=node, package="_global_", provider="alliance-sim")


def _unknown_option(group: str, name: str, source: Source) -> ConfigError:
    allowed = list(available_scenarios()) if group == "scenario" else available_configs(group, source)
    return ConfigError(group, f"unknown {group} {name!r}; allowed: {', '.join(allowed)}")


def _primary_defaults(source: Source) -> dict[str, list[str]]:
    """The options the primary config's defaults list selects, per group (trusted file)."""
    path = source.primary / f"{source.name}.yaml"
    if not path.is_file() and source.extra is not None:
        path = source.extra / f"{source.name}.yaml"
    if not path.is_file():
        raise ConfigError("--config-name", f"no config {source.name!r} in {source.primary}")
    try:
        defaults = OmegaConf.to_container(OmegaConf.load(path)).get("defaults") or []
    except Exception as err:  # noqa: BLE001 - the user's primary config: name the file
        raise ConfigError(f"config {path}", str(err).splitlines()[0]) from None
    chosen: dict[str, list[str]] = {}
    for entry in defaults:
        if isinstance(entry, dict):
            for group, option in entry.items():
                if group in _DATA_GROUPS and option is not None:
                    chosen[group] = list(option) if isinstance(option, list) else [str(option)]
    return chosen


def _selected(parsed: list, source: Source) -> dict[str, set[str]]:
    """Every option of the data groups that any run of the command may select."""
    chosen = {g: set(v) for g, v in _primary_defaults(source).items()}
    for o in parsed:
        group = o.key_or_group
        if group not in _DATA_GROUPS:
            continue
        if o.is_delete():
            chosen.pop(group, None)
            continue
        names: set[str] = set()
        if o.value_type is not None and o.value_type.name == "GLOB_CHOICE_SWEEP":
            glob = o.value()
            pool = list(available_scenarios()) if group == "scenario" else available_configs(group, source)
            names = {n for n in pool if any(fnmatch.fnmatch(n, p) for p in glob.include)
                     and not any(fnmatch.fnmatch(n, p) for p in glob.exclude)}
        elif o.is_sweep_override():
            for value in o.sweep_iterator():
                names |= set(map(str, value)) if isinstance(value, list) else {str(value)}
        else:
            value = o.value()
            names = set(map(str, value)) if isinstance(value, list) else {str(value)}
        chosen[group] = names
    return chosen


def check_data_files(parsed: list, source: Source, searchpath: Sequence[str]) -> None:
    """Register the selected scenarios; check every file Hydra may read for them and the
    roster (``sim.yamlsafe``); refuse a name found in two places."""
    from sim.yamlsafe import load_data_file

    chosen = _selected(parsed, source)
    shipped = available_scenarios()
    dirs = source.search_dirs(searchpath)
    for group, names in chosen.items():
        for name in sorted(names):
            files = [d / group / f"{name}.yaml" for d in dirs if (d / group / f"{name}.yaml").is_file()]
            if group == "scenario" and name in shipped:
                files.insert(0, shipped[name])
            if len(files) > 1:
                raise ConfigError(group, f"{name!r} is defined twice: {files[0]} and {files[1]}; "
                                  "allowed: one file per name")
            if not files:
                raise _unknown_option(group, name, source)
            if group == "scenario" and name in shipped:
                register_scenarios([name])
            else:
                load_data_file(files[0], f"{group} {name}", SimConfig.model_fields)


# -- overrides as typed ----------------------------------------------------------------------
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


def normalise(overrides: Sequence[str], bases: Sequence[DictConfig] | None = None,
              source: Source = SHIPPED) -> list[str]:
    """Rewrite schema overrides for Hydra; refuse paths naming actors not in the roster.

    A parameter leaf (e.g. ``relations.RUS.CHN.trust``) given a list or mapping is
    replaced as a whole: ``~key +key=value``; other schema paths become ``++key=value``.
    ``bases`` are the configs composed from the group overrides (every combination of a
    multirun); composed here from ``overrides`` if not given, and only if needed.
    """
    composed: list[DictConfig] = list(bases or [])

    def base() -> list[DictConfig]:
        if not composed:
            composed.append(base_config(overrides, source))
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
        return _unknown_option(*missing.groups(), source)
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


# -- validation ------------------------------------------------------------------------------
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
    return validate_data(_container(cfg))


def validate_data(data: dict) -> SimConfig:
    """Resolved plain config data (``hydra``, ``sweep`` and app keys ignored) as a ``SimConfig``."""
    model = {k: v for k, v in data.items() if k not in ("hydra", "sweep", *APP_KEYS)}
    refuse_booleans(model, SimConfig)
    try:
        return SimConfig.model_validate(model)
    except ValidationError as err:
        raise from_validation_error(err, SimConfig) from None


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


def _prepared(overrides: Sequence[str], *, multirun: bool, source: Source):
    """(normalised overrides for Hydra, [(validated config, its sweep node or None)] of
    every run, the composed config of the first run with its ``hydra`` node).

    As Hydra's basic sweeper would: every combination of the sweep values. Each
    combination of group overrides is composed once, with the overrides that do not
    vary applied by Hydra; the swept values are then set on a plain copy (``_assign``).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

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
    normalised = normalise(overrides, bases, source)
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
            data_for[groups] = _container(cfg)
        data = copy.deepcopy(data_for[groups])
        varied = [o for o, s in zip(point, swept) if s]
        if varied and not _assign(data, OverridesParser.create().parse_overrides(varied)):
            data = _container(_apply(composed_for(groups), [*fixed, *varied], source))
        runs.append((validate_data(data), data.get("sweep")))
    return normalised, runs, first


def _container(cfg: DictConfig) -> dict:
    """The model keys (and ``sweep``) of a composed config as resolved plain data."""
    from omegaconf.errors import OmegaConfBaseException

    try:
        return OmegaConf.to_container(OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"]), resolve=True)
    except OmegaConfBaseException as err:
        key = getattr(err, "full_key", None) or "config"
        text = re.sub(r"^\w+ raised while resolving interpolation: ", "", str(err).splitlines()[0]).strip('"')
        raise ConfigError(str(key), f"cannot resolve: {text}") from None


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


def _quoted(value: str) -> str:
    """``value`` as a Hydra override value (quoted unless it is a plain path)."""
    if re.fullmatch(r"[A-Za-z0-9_./-]+", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


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
