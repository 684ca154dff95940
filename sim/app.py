"""The command line: ``python -m sim [-m] [overrides...]`` (a Hydra app).

Bad input is caught before Hydra starts (``sim.config.compose.preflight``; a plain run is
composed once and checked by ``sim.config.job``): one line on stderr naming the key and
what is allowed, exit status 2, no folder created. Hydra's flags work as Hydra users
know them; ``--cfg job`` (and ``all``) print the fully resolved configuration with every
schema default; ``--experimental-rerun`` is refused (it unpickles a file:
docs/security.md). Each job's records (``.hydra/overrides.yaml``, ``hydra.yaml``,
``summary.json``, the multirun's ``multirun.yaml``) hold the overrides as the user
typed them. A job returns the summary value named by ``objective`` (a
float), so Hydra's Optuna sweeper can search over ``interval(...)`` ranges. Ctrl-C
prints one line saying what was kept (exit status 130).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import ConfigError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
_VALUE_FLAGS = {"--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd", "--experimental-rerun",
                "--package", "-p", "--shell-completion", "-sc"}
_OPTIONAL_VALUES = {"--cfg": ("job", "hydra", "all"), "-c": ("job", "hydra", "all"),
                    "--info": ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath"),
                    "-i": ("all", "config", "defaults", "defaults-tree", "plugins", "searchpath")}
_RUN_FLAGS = {"--config-path", "--config-name", "--config-dir", "--run"}  # flags of a plain run
_LONG = {"-cp": "--config-path", "-cn": "--config-name", "-cd": "--config-dir", "-p": "--package",
         "-sc": "--shell-completion", "-c": "--cfg", "-i": "--info", "-m": "--multirun", "-h": "--help",
         "-r": "--run"}


@dataclass
class Args:
    """The command line split into Hydra's flags (as given) and the overrides."""

    flags: list[str] = field(default_factory=list)
    options: dict[str, str | None] = field(default_factory=dict)  # long flag name -> value
    overrides: list[str] = field(default_factory=list)

    @property
    def multirun(self) -> bool:
        return "--multirun" in self.options


def split_args(argv: Sequence[str]) -> Args:
    """Hydra's flags (with their values) and the overrides, as Hydra's own parser reads them."""
    out, args = Args(), list(argv)
    while args:
        arg = args.pop(0)
        if not arg.startswith("-") or arg == "-":
            out.overrides.append(arg)
            continue
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        long = _LONG.get(name, name)
        out.flags.append(arg)
        value = inline if eq else None
        if not eq and name in _VALUE_FLAGS and args:
            value = args.pop(0)
            out.flags.append(value)
        elif not eq and name in _OPTIONAL_VALUES and args and args[0] in _OPTIONAL_VALUES[name]:
            value = args.pop(0)
            out.flags.append(value)
        out.options[long] = value
    return out


def _source(args: Args):
    """The primary config the flags select (``--config-path/-name/-dir``)."""
    from sim.config.compose import Source
    from sim.paths import conf_dir

    primary = conf_dir()
    if args.options.get("--config-path"):
        path = Path(args.options["--config-path"]).expanduser()
        primary = path if path.is_absolute() else (Path(__file__).resolve().parent / path).resolve()
        if not primary.is_dir():
            raise ConfigError("--config-path", f"no such folder: {primary}")
    extra = None
    if args.options.get("--config-dir"):
        extra = Path(args.options["--config-dir"]).expanduser().absolute()
        if not extra.is_dir():
            raise ConfigError("--config-dir", f"no such folder: {extra}")
    return Source(primary, args.options.get("--config-name") or "config", extra)


# -- the job ---------------------------------------------------------------------------------
def _task(cfg, config=None) -> float | None:
    """One run inside Hydra's job: validate (unless ``config`` is ``cfg`` validated already),
    simulate, write, report; returns the objective."""
    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf

    from sim.atomic import remove_stale
    from sim.config.compose import as_typed, validate
    from sim.outputs import write_results
    from sim.runner import simulate

    hydra_cfg = HydraConfig.get()
    typed = as_typed(hydra_cfg.overrides.task)
    folder = Path(hydra_cfg.runtime.output_dir)
    if typed != OmegaConf.to_container(hydra_cfg.overrides.task):  # what Hydra wrote (interpolations unresolved)
        _record_typed(folder / str(hydra_cfg.output_subdir), typed)
    try:
        config = validate(cfg) if config is None else config
        if cfg.get("sweep") is not None:
            _sweep_task(cfg, config, hydra_cfg, typed)  # the sweep's store cleans its own folder
            return None
        remove_stale(folder.parent.parent, depth=2)  # temporaries of killed runs beside this one
        results = simulate(config, progress=True)
        results.overrides = tuple(typed)
        value = objective_value(results.summary(), str(cfg.get("objective") or "p_hold"))
    except ConfigError as err:
        if str(hydra_cfg.mode) == "RunMode.MULTIRUN":
            raise  # Hydra records the failed job and runs the others; ``main`` prints the line
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
    write_results(results, folder)
    print(results.report())
    print(f"  results: {folder}")
    return value


def objective_value(summary: dict, name: str) -> float:
    """The number at dotted path ``name`` of ``summary.json`` (NaN for a null there, e.g.
    ``median_rupture_month`` when fewer than half the replications rupture)."""
    node = summary
    for part in name.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ConfigError("objective", f"{name!r} is not in summary.json; allowed: {_patterns(summary)}")
    if node is None:
        return math.nan
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise ConfigError("objective", f"{name!r} is not a number; allowed: {_patterns(summary)}")
    return float(node)


def _patterns(summary: dict) -> str:
    """The numeric paths of a summary with actor codes shown as <A>, <B> (one of each form)."""
    import re

    codes = "|".join(re.escape(c) for c in summary.get("final_trust", {}))
    forms = []
    for path in numeric_paths(summary):
        form = re.sub(rf"(?<=[.-])({codes})(?=[.-]|$)", "<A>", path) if codes else path
        form = form.replace("<A>.<A>", "<A>.<B>").replace("<A>-<A>", "<A>-<B>")
        if form not in forms:
            forms.append(form)
    return ", ".join(forms)


def numeric_paths(node, prefix: str = "") -> list[str]:
    """Dotted paths of the numbers in a summary (the allowed objectives)."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in numeric_paths(v, f"{prefix}{k}.")]
    if isinstance(node, list):
        return [p for k, v in enumerate(node) for p in numeric_paths(v, f"{prefix}{k}.")]
    return [prefix[:-1]] if isinstance(node, (int, float)) and not isinstance(node, bool) else []


def _record_typed(hydra_dir: Path, typed: list[str]) -> None:
    """Hydra's job records with the overrides as typed (Hydra saved the rewritten ones).

    The record is rebuilt from Hydra's config in memory, never read back from its file:
    jobs sharing a folder (two identical sweeps) rewrite that file at once, and Hydra's
    own writes are not atomic, so a read can find it empty."""
    import copy

    from hydra.core.hydra_config import HydraConfig
    from omegaconf import OmegaConf, read_write

    from sim.atomic import write_atomic
    from sim.config.job import record_typed

    if not hydra_dir.is_dir():
        return
    write_atomic(hydra_dir / "overrides.yaml", lambda tmp: OmegaConf.save(OmegaConf.create(typed), tmp))
    if (hydra_dir / "hydra.yaml").is_file():
        record = copy.deepcopy(HydraConfig.instance().cfg)  # what Hydra saved as hydra.yaml
        with read_write(record.hydra):
            record_typed(record.hydra, typed)
        write_atomic(hydra_dir / "hydra.yaml", lambda tmp: OmegaConf.save(record, tmp))


def _sweep_task(cfg, config, hydra_cfg, typed: list[str]) -> None:
    """A batched sweep inside Hydra's job (folder: ``sweeps/<method>-<digest>`` under the launch dir)."""
    from sim.sweep.run import plan_sweep, run_sweep

    spec, folder = plan_sweep(cfg.sweep, config, base=Path(hydra_cfg.runtime.cwd))
    outcome = run_sweep(config, spec, overrides=tuple(typed), folder=folder, progress=True)
    print(outcome.report())
    if outcome.complete and config.output.figures:
        from sim.sweep_figure import sweep_figure

        try:
            plot = sweep_figure(folder)
            print(f"  figure: {plot.text.split(': ', 1)[-1]} -> {folder / 'figures'}")
        except ConfigError as err:
            print(f"  no figure: {err}")


# -- informational flags -----------------------------------------------------------------------
def show_config(args: Args, source) -> None:
    """``--cfg job|all``: the fully resolved configuration (every schema default), as YAML."""
    from omegaconf import OmegaConf

    from sim.config.compose import _prepared
    from sim.config.resolved import resolved_config

    _normalised, runs, composed = _prepared(args.overrides, multirun=False, source=source)
    config, sweep = runs[0]
    data = resolved_config(config, sweep=sweep, objective=composed.get("objective"))
    if args.options.get("--cfg") == "all":
        data = {"hydra": OmegaConf.to_container(composed.hydra, resolve=False), **data}
    package = args.options.get("--package")
    if package:
        node = OmegaConf.select(OmegaConf.create(data), package, default=None)
        if node is None:
            raise ConfigError("--package", f"{package!r} is not in the configuration")
        data = OmegaConf.to_container(node) if OmegaConf.is_config(node) else node
    from sim.terminal import emit

    emit(OmegaConf.to_yaml(data) if isinstance(data, dict) else f"{data}\n", end="")


def _informational(args: Args) -> bool:
    return any(f in args.options for f in ("--help", "--hydra-help", "--info", "--cfg", "--version",
                                             "--shell-completion"))


def _prepare(args: Args, source) -> list[str]:
    """The overrides to hand to Hydra; prints the answer itself for ``--cfg job|all``."""
    from sim.config.compose import normalise_here, preflight, register_scenarios

    if "--experimental-rerun" in args.options:
        raise ConfigError("--experimental-rerun", "refused: it unpickles the given file, which can run code "
                          "(docs/security.md); allowed: re-run with the overrides in <run>/.hydra/overrides.yaml")
    if args.multirun and any(f in args.options for f in ("--info", "--cfg")):
        raise ConfigError("--multirun", "cannot be combined with --cfg or --info; allowed: one of them")
    if not _informational(args):
        return preflight(args.overrides, multirun=args.multirun, source=source)
    if args.options.get("--cfg") in ("job", "all", None) and "--cfg" in args.options:
        show_config(args, source)
        raise SystemExit(0)
    register_scenarios()
    _completion_line()
    return normalise_here(args.overrides, source) if args.overrides else []


def _completion_line() -> None:
    """Hydra's completion query reads ``COMP_LINE`` and strips ``python script.py`` or an
    app name from it, not ``python -m sim``: present that form as the app name."""
    import re

    line = os.environ.get("COMP_LINE")
    if line is not None:
        os.environ["COMP_LINE"] = re.sub(r"^\s*\S*python[0-9.]*\s+-m\s+sim(?=\s|$)", "alliance-sim", line)


def _single_run(args: Args) -> bool:
    """A plain run (no multirun, no informational flag): composed once (``sim.config.job``)."""
    return set(args.options) <= _RUN_FLAGS


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``python -m sim`` and the ``alliance-sim`` script."""
    args = split_args(sys.argv[1:] if argv is None else argv)
    job = None
    try:
        source = _source(args)
        if _single_run(args):
            from sim.config.job import prepare_job

            job = prepare_job(args.overrides, args.options, source, _task)
        overrides = [] if job is not None else _prepare(args, source)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
    os.environ.setdefault("HYDRA_FULL_ERROR", "1")  # a failed job's ConfigError reaches the handler below
    try:
        if job is not None:
            job.run(_task)
        else:
            import hydra

            from sim.config.job import VERSION_BASE

            sys.argv = [sys.argv[0], *args.flags, *overrides]
            hydra.main(version_base=VERSION_BASE, config_path=str(source.primary), config_name=source.name)(_task)()
    except ConfigError as err:  # a job of a multirun (validated points fail only on what runs reveal)
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt as stop:
        kept = str(stop) or ("no results for the run in progress (a run folder is complete once it holds "
                             "summary.json); finished jobs of a multirun keep theirs")
        print(f"interrupted: {kept}", file=sys.stderr)
        # Exit at once with 130: the unwinding above already removed temporary files, and a
        # second interrupt during interpreter shutdown must not turn it into a death by signal.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    if args.multirun:
        _record_multirun(overrides, args.overrides)


def _record_multirun(hydra_overrides: list[str], typed: list[str]) -> None:
    """``multirun.yaml`` with the sweep's overrides as typed (Hydra saved the rewritten ones)."""
    from omegaconf import OmegaConf

    from sim.atomic import write_atomic
    from sim.config.compose import _split, as_typed

    folder = next((Path(_split(o)[2].strip("'")) for o in hydra_overrides if _split(o)[1] == "hydra.sweep.dir"), None)
    if folder is None:
        return
    path = folder / "multirun.yaml"
    if path.is_file():
        record = OmegaConf.load(path)
        record.hydra.overrides.task = [o for o in typed if not _split(o)[1].startswith("hydra")]
        write_atomic(path, lambda tmp: OmegaConf.save(record, tmp))
    best = folder / "optimization_results.yaml"  # the Optuna sweeper's, keyed by the rewritten overrides
    if best.is_file():
        result = OmegaConf.load(best)
        if "best_params" in result:
            params = {as_typed([f"{k}=_"])[0][:-2]: v for k, v in result.best_params.items()}
            result.best_params = params
            write_atomic(best, lambda tmp: OmegaConf.save(result, tmp))
