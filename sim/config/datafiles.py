"""Scenario and roster files: which exist, which a command selects, and reading them safely.

Scenario files (``scenarios/*.yaml`` and folders in ``$ALLIANCE_SIM_SCENARIOS``) are the
``scenario`` group (package ``_global_``): only the selected files are read, each with
``sim.yamlsafe`` (data only: the model's own keys, no ``hydra.*``, no interpolations,
no anchors, no duplicate keys), and stored in Hydra's ConfigStore. The selected roster,
and any scenario or roster file found through ``hydra.searchpath`` or ``--config-dir``,
is checked the same way before Hydra reads it. A name defined twice is refused.
"""

from __future__ import annotations

import fnmatch
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from omegaconf import OmegaConf

from sim.config.schema import SimConfig
from sim.errors import ConfigError
from sim.paths import conf_dir, scenario_dirs

_DATA_GROUPS = ("scenario", "roster")  # files from others: model keys only


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


def unknown_option(group: str, name: str, source: Source) -> ConfigError:
    allowed = list(available_scenarios()) if group == "scenario" else available_configs(group, source)
    return ConfigError(group, f"unknown {group} {name!r}; allowed: {', '.join(allowed)}")


def _primary_defaults(source: Source, name: str | None = None, seen: frozenset = frozenset()) -> dict[str, set[str]]:
    """Every option of the data groups that the primary config's defaults list (and the
    configs it includes, e.g. ``- config``) may select (trusted files)."""
    name = name or source.name
    dirs = [source.primary] + ([source.extra] if source.extra else [])
    path = next((d / f"{name}.yaml" for d in dirs if (d / f"{name}.yaml").is_file()), None)
    if path is None:
        raise ConfigError("--config-name", f"no config {name!r} in {', '.join(map(str, dirs))}")
    try:
        defaults = OmegaConf.to_container(OmegaConf.load(path)).get("defaults") or []
    except Exception as err:  # noqa: BLE001 - the user's primary config: name the file
        raise ConfigError(f"config {path}", str(err).splitlines()[0]) from None
    chosen: dict[str, set[str]] = {}
    for entry in defaults:
        if isinstance(entry, str) and entry != "_self_" and entry not in seen:
            for group, options in _primary_defaults(source, entry, seen | {name}).items():
                chosen.setdefault(group, set()).update(options)
        elif isinstance(entry, dict):
            for group, option in entry.items():
                group = str(group).removeprefix("override ").lstrip("/")
                if group in _DATA_GROUPS and option is not None:
                    chosen.setdefault(group, set()).update(map(str, option if isinstance(option, list) else [option]))
    return chosen


def _selected(parsed: list, source: Source) -> dict[str, set[str]]:
    """Every option of the data groups that any run of the command may select."""
    chosen = _primary_defaults(source)
    for o in parsed:
        group = o.key_or_group
        if group not in _DATA_GROUPS:
            continue
        if o.is_delete():
            continue  # Hydra still looks the default option up to delete it: keep it registered
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
        chosen.setdefault(group, set()).update(names)
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
                raise unknown_option(group, name, source)
            if group == "scenario" and name in shipped:
                register_scenarios([name])
            else:
                load_data_file(files[0], f"{group} {name}", SimConfig.model_fields)
