"""The command line: ``python -m sim [-m] [overrides...]`` (a Hydra app).

Bad input is caught before Hydra starts (``sim.config.compose.preflight``): one line on
stderr naming the key and what is allowed, exit status 2, no folder created.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sim.errors import ConfigError
from sim.paths import conf_dir

EXIT_BAD_INPUT = 2
_HYDRA_FLAGS_WITH_VALUE = {"--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd",
                           "--experimental-rerun", "--info", "-i", "--cfg", "-c", "--package", "-p"}


def _task(cfg) -> None:
    """One run inside Hydra's job: validate, simulate, write, report."""
    from hydra.core.hydra_config import HydraConfig

    from sim.config.compose import validate
    from sim.outputs import write_results
    from sim.runner import simulate

    hydra_cfg = HydraConfig.get()
    config = validate(cfg)
    if cfg.get("sweep") is not None:
        _sweep_task(cfg, config, hydra_cfg)
        return
    results = simulate(config, progress=sys.stderr.isatty())
    results.overrides = tuple(hydra_cfg.overrides.task)
    folder = hydra_cfg.runtime.output_dir
    write_results(results, folder)
    print(results.report())
    print(f"  results: {folder}")


def _sweep_task(cfg, config, hydra_cfg) -> None:
    """A batched sweep inside Hydra's job (folder: ``sweeps/<method>-<digest>`` under the launch dir)."""
    from pathlib import Path

    from sim.sweep.run import plan_sweep, run_sweep

    try:
        spec, folder = plan_sweep(cfg.sweep, config, base=Path(hydra_cfg.runtime.cwd))
        outcome = run_sweep(config, spec, overrides=tuple(hydra_cfg.overrides.task), folder=folder,
                            progress=sys.stderr.isatty())
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
    print(outcome.report())
    if outcome.complete and config.output.figures:
        from analysis import AnalysisError, sweep_plot

        try:
            plot = sweep_plot(folder, out=folder / "figures")
            print(f"  figure: {plot.text.split(': ', 1)[-1]} -> {folder / 'figures'}")
        except AnalysisError as err:
            print(f"  no figure: {err}")


def _split_args(argv: Sequence[str]) -> tuple[list[str], list[str], bool]:
    """(Hydra flags, overrides, multirun?) from the command line."""
    flags, overrides, multirun = [], [], False
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-m", "--multirun"):
            multirun = True
            flags.append(arg)
        elif arg.startswith("-"):
            flags.append(arg)
            if arg in _HYDRA_FLAGS_WITH_VALUE and args and "=" not in args[0]:
                flags.append(args.pop(0))
        else:
            overrides.append(arg)
    return flags, overrides, multirun


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``python -m sim`` and the ``alliance-sim`` script."""
    import hydra

    from sim.config.compose import preflight

    argv = list(sys.argv[1:] if argv is None else argv)
    flags, overrides, multirun = _split_args(argv)
    informational = any(f in ("--help", "-h", "--hydra-help", "--info", "-i", "--cfg", "-c", "--version") for f in flags)
    if multirun and any(f in ("--info", "-i", "--cfg", "-c") for f in flags):
        print("error: --multirun: cannot be combined with --cfg or --info; allowed: one of them", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)
    if not informational:
        try:
            overrides = preflight(overrides, multirun=multirun)
        except ConfigError as err:
            print(f"error: {err}", file=sys.stderr)
            raise SystemExit(EXIT_BAD_INPUT) from None
    else:
        from sim.config.compose import register_scenarios

        register_scenarios()
    sys.argv = [sys.argv[0], *flags, *overrides]
    run = hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")(_task)
    run()
