"""From command-line overrides to a validated ``SimConfig``, through Hydra.

* Scenario files (``scenarios/*.yaml`` and folders in ``$ALLIANCE_SIM_SCENARIOS``) are
  registered in Hydra's ConfigStore as the ``scenario`` group (package ``_global_``), so
  ``scenario=taiwan_drones`` and ``scenario=[a,b]`` work; with several, later files win
  on conflicting keys (Hydra's merge order; events are keyed by name, so they add up).
* Overrides of schema paths need no ``+``: ``seed=3``, ``relations.RUS.CHN.trust=0.2``.
  They are rewritten to ``++path=value`` after checking that the actors they name are
  in the composed roster (a new actor must be added explicitly with ``+actors.X=...``).
* ``preflight`` composes and validates every run of a command (each point of a
  multirun sweep) before Hydra creates any folder: bad input fails with one line.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from omegaconf import DictConfig, ListConfig, OmegaConf
from pydantic import ValidationError

from sim.config.messages import from_validation_error
from sim.config.schema import SimConfig
from sim.errors import ConfigError
from sim.paths import conf_dir, scenario_dirs

_SCHEMA_KEYS = frozenset(SimConfig.model_fields)
_GROUPS = ("scenario", "roster", "sweep")
_MAX_CHECKED_POINTS = 256


def available_scenarios() -> dict[str, Path]:
    """Scenario name -> file, shipped folders first (a later folder may not shadow a name)."""
    found: dict[str, Path] = {}
    for folder in scenario_dirs():
        if not folder.is_dir():
            raise ConfigError("ALLIANCE_SIM_SCENARIOS", f"no such folder: {folder}")
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


def available_configs(group: str) -> list[str]:
    """Names of the shipped configs of a Hydra group in ``conf/`` (``roster``, ``sweep``)."""
    return sorted(p.stem for p in (conf_dir() / group).glob("*.yaml"))


def register_scenarios() -> None:
    """Store every scenario file in Hydra's ConfigStore (group ``scenario``)."""
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    for name, path in available_scenarios().items():
        try:
            node = OmegaConf.load(path)
        except Exception as err:  # YAML syntax errors: name the file and line
            raise ConfigError(f"scenario {name}", f"cannot read {path}: {str(err).splitlines()[0]}") from None
        if not isinstance(node, DictConfig):
            raise ConfigError(f"scenario {name}", f"{path} must hold a mapping")
        store.store(group="scenario", name=name, node=node, package="_global_", provider="alliance-sim")


def _split(override: str) -> tuple[str, str, str]:
    """(prefix, key, value) of ``[+|++|~]key=value``."""
    prefix = "++" if override.startswith("++") else override[:1] if override[:1] in "+~" else ""
    key, _, value = override[len(prefix):].partition("=")
    return prefix, key.strip(), value


def _is_group_override(key: str) -> bool:
    return key in _GROUPS or key.startswith("hydra")


_LEAF_DEPTH = {"actors": 3, "relations": 4, "world": 2, "dynamics": 2, "relation_defaults": 2, "outcome": 2}


def _existing_container(base: DictConfig, key: str) -> bool:
    """True if ``key`` exists in ``base`` and holds a mapping or list (a whole parameter)."""
    node = OmegaConf.select(base, key, default=None, throw_on_missing=False)
    return isinstance(node, (DictConfig, ListConfig))


def normalise(overrides: Sequence[str], roster_from: Sequence[str] | None = None) -> list[str]:
    """Rewrite schema overrides for Hydra; refuse paths naming actors not in the roster.

    A parameter leaf (e.g. ``relations.RUS.CHN.trust``) is replaced as a whole, whatever
    form it had (value, range or mapping): ``~key +key=value``. Other paths are merged
    with ``++key=value``. The roster comes from composing the group overrides, done
    only if an override needs it (from ``roster_from`` if given: a multirun's first point).
    """
    composed: list[DictConfig] = []

    def base() -> DictConfig:
        if not composed:
            composed.append(base_config(overrides if roster_from is None else roster_from))
        return composed[0]

    out: list[str] = []
    replaced: set[str] = set()
    for text in overrides:
        prefix, key, _value = _split(text)
        if "=" not in text and prefix != "~":
            raise ConfigError(text, "an override is key=value (e.g. seed=3)")
        head, *rest = key.split(".")
        if prefix or _is_group_override(key):
            out.append(text)
            continue
        if head == "sweep":
            out += _sweep_override(text, key, base, replaced)
            continue
        if head not in _SCHEMA_KEYS:
            raise ConfigError(key, f"unknown key; allowed: {', '.join(sorted(_SCHEMA_KEYS))}, scenario, roster")
        if head in ("actors", "relations"):
            roster = list(base().get("actors") or {})
            allowed = ", ".join(roster)
            for depth, code in enumerate(rest[: 1 if head == "actors" else 2]):
                if code not in roster:
                    where = ".".join([head, *rest[: depth + 1]])
                    raise ConfigError(
                        where,
                        f"unknown actor {code!r}; allowed: {allowed} (add one with +actors.{code}={{...}})",
                    )
        if _LEAF_DEPTH.get(head) == len(rest) + 1 and _existing_container(base(), key):
            out += [f"~{key}", f"+{text}"]
        else:
            out.append("++" + text)
    return out


def _sweep_override(text: str, key: str, base, replaced: set[str]) -> list[str]:
    """``sweep.<key>=v`` -> ``++sweep.<key>=v``; the first ``sweep.parameters.*`` drops the file's set.

    Parameters given on the command line replace the design file's parameters as a whole
    (a researcher names what to vary; docs/sweeps.md).
    """
    if base().get("sweep") is None:
        raise ConfigError(key, "no sweep selected; add sweep=grid, sweep=lhs or sweep=sobol")
    out = []
    if key.startswith("sweep.parameters.") and "parameters" not in replaced:
        replaced.add("parameters")
        out += ["~sweep.parameters", "+sweep.parameters={}"]
    return [*out, "++" + text]


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


def _hydra_message(err: Exception) -> ConfigError:
    """One line from a Hydra composition error."""
    text = str(err)
    plugin = re.search(r"Could not (?:find|load) 'hydra/launcher/(ray|submitit_\w+)'", text)
    if plugin:
        return ConfigError("hydra/launcher", _CLUSTER_EXTRA)
    missing = re.search(r"Could not (?:find|load) '(scenario|roster|sweep)/([^']*)'", text)
    if missing:
        group, name = missing.groups()
        allowed = list(available_scenarios()) if group == "scenario" else available_configs(group)
        return ConfigError(group, f"unknown {group} {name!r}; allowed: {', '.join(allowed)}")
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(err).__name__)
    return ConfigError("override", first)


def _compose(overrides: Sequence[str], *, hydra_config: bool = False) -> DictConfig:
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3", job_name="sim"):
            return compose("config", overrides=list(overrides), return_hydra_config=hydra_config)
    except (HydraException, OmegaConfBaseException, ValueError) as err:
        raise _hydra_message(err) from None
    finally:
        GlobalHydra.instance().clear()


def base_config(overrides: Sequence[str]) -> DictConfig:
    """The config composed from the group overrides alone (roster, scenarios)."""
    return _compose([o for o in overrides if _is_group_override(_split(o)[1])])


def validate(cfg: DictConfig) -> SimConfig:
    """The composed Hydra config (without its ``hydra`` node) as a validated ``SimConfig``."""
    keys = [k for k in cfg if k not in ("hydra", "sweep")]
    data = OmegaConf.to_container(OmegaConf.masked_copy(cfg, keys), resolve=True)
    try:
        return SimConfig.model_validate(data)
    except ValidationError as err:
        raise from_validation_error(err, SimConfig) from None


def load_config(scenario: str | Sequence[str] | None = "baseline", overrides: Sequence[str] = ()) -> SimConfig:
    """Compose and validate a configuration, as ``python -m sim`` would.

    ``scenario`` is a name, a list of names (later wins) or None for the roster alone.
    """
    register_scenarios()
    args = list(overrides)
    if scenario is None:
        args.insert(0, "~scenario")
    elif not any(_split(o)[1] == "scenario" for o in args):
        names = [scenario] if isinstance(scenario, str) else list(scenario)
        args.insert(0, f"scenario=[{','.join(names)}]")
    normalised = normalise(args)
    return validate(_compose(normalised))


def _sweep_points(overrides: Sequence[str]) -> list[list[str]]:
    """Every combination of a multirun's sweep values (as Hydra's basic sweeper would)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except HydraException as err:
        raise _hydra_message(err) from None
    axes = []
    for o in parsed:
        key = o.get_key_element()
        if o.is_sweep_override():
            axes.append([f"{key}={v}" for v in o.sweep_string_iterator()])
        else:
            axes.append([o.input_line])
    return [list(point) for point in itertools.product(*axes)]


def preflight(overrides: Sequence[str], *, multirun: bool) -> list[str]:
    """Normalised overrides for Hydra, after validating every run they describe."""
    register_scenarios()
    points = _sweep_points(overrides) if multirun else [list(overrides)]
    points = points[:_MAX_CHECKED_POINTS]
    normalised: list[str] = []
    sweep_dir: Path | None = None
    for point in points:
        normalised = normalise(point)
        cfg = _compose(normalised, hydra_config=True)
        config = validate(cfg)
        _check_output_dir(cfg, multirun)
        if sweep_dir is None:
            if multirun:
                _check_launcher(cfg)
            sweep_dir = Path(str(cfg.hydra.sweep.dir)).expanduser().absolute()
        if cfg.get("sweep") is not None:
            from sim.sweep.run import plan_sweep

            _spec, folder = plan_sweep(cfg.sweep, config, base=Path("."))
            if not multirun and not any(_split(o)[1] == "hydra.run.dir" for o in normalised):
                normalised.append(f"hydra.run.dir={folder}")  # Hydra's files go with the sweep's
    if not multirun:
        return normalised
    # Jobs of remote launchers (Ray, SLURM) run in other processes, elsewhere: pin the
    # multirun folder as an absolute path resolved here (``${now:...}`` evaluated once).
    pinned = [o for o in normalise(overrides, roster_from=points[0]) if _split(o)[1] != "hydra.sweep.dir"]
    return [*pinned, f"hydra.sweep.dir={_quoted(str(sweep_dir))}"]


def _quoted(value: str) -> str:
    """``value`` as a Hydra override value (quoted unless it is a plain path)."""
    if re.fullmatch(r"[A-Za-z0-9_./-]+", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _check_output_dir(cfg: DictConfig, multirun: bool) -> None:
    """The run folder's nearest existing ancestor must be a writable folder."""
    node = cfg.hydra.sweep.dir if multirun else cfg.hydra.run.dir
    target = Path(str(node)).expanduser().absolute()
    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    probe = target
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise ConfigError(key, f"{probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(key, f"cannot write to {probe}; allowed: a writable folder")
