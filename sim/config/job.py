"""A single run of ``python -m sim``, composed once by the Hydra that runs it.

Through ``hydra.main`` a run is composed three times: by the preflight, by Hydra to
read ``hydra.mode``, and by ``Hydra.run`` for the job. Here the preflight's composition
is the job's: ``prepare_job`` creates the Hydra app ``hydra.main`` would create (task
name and config search path from the same Hydra functions), composes the overrides as
``Hydra.run`` does (run mode, logging configured), checks and validates the result, and
``Job.run`` runs it as ``Hydra.run`` does, without composing again (hydra-core 1.3).
The run folder and its ``.hydra/`` files are the same as through ``hydra.main``
(tested), with the overrides recorded as typed. A batched sweep (its folder comes
from the composed config) or a run given or configured with ``hydra.mode`` goes
through ``hydra.main``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from omegaconf import DictConfig

from sim.config.compose import Source, _check_output_dir, _checked, _hydra_message, base_config
from sim.config.overrides import _split, as_typed, normalise
from sim.config.schema import SimConfig
from sim.config.validation import validate

VERSION_BASE = "1.3"  # hydra.main(version_base=...) of the app
MODE_OVERRIDE = "hydra.mode=RUN"  # what Hydra adds to a run's overrides when no config sets hydra.mode


@dataclass
class Job:
    """The composed job (``cfg``, with its ``hydra`` node), its validated model config,
    and the Hydra app that composed it."""

    hydra: Any  # hydra._internal.hydra.Hydra
    cfg: DictConfig
    config: SimConfig
    config_name: str

    def run(self, task: Callable[[DictConfig, SimConfig], Any]) -> None:
        """``Hydra.run`` on the composed config: callbacks, the run folder and its
        ``.hydra/`` files, logging, then ``task(job config, validated config)``."""
        from hydra._internal.callbacks import Callbacks
        from hydra._internal.utils import run_and_report
        from hydra.core.global_hydra import GlobalHydra
        from hydra.core.utils import run_job
        from hydra.types import HydraContext

        def task_function(cfg: DictConfig):
            return task(cfg, self.config)

        def run() -> None:
            callbacks = Callbacks(self.cfg)
            callbacks.on_run_start(config=self.cfg, config_name=self.config_name)
            done = run_job(hydra_context=HydraContext(config_loader=self.hydra.config_loader, callbacks=callbacks),
                           task_function=task_function, config=self.cfg, job_dir_key="hydra.run.dir",
                           job_subdir_key=None, configure_logging=True)
            callbacks.on_run_end(config=self.cfg, config_name=self.config_name, job_return=done)
            _ = done.return_value  # raises the task's exception, as Hydra.run does

        try:
            run_and_report(run)
        finally:
            GlobalHydra.instance().clear()


def record_typed(hydra_node: DictConfig, typed: list[str]) -> None:
    """A job's Hydra record (its ``hydra`` node) with the overrides as the user typed them:
    ``overrides.task`` and ``job.override_dirname`` (Hydra records the rewritten ones)."""
    hydra_node.overrides.task = typed
    dirname = hydra_node.job.config.override_dirname
    kept = sorted(o for o in typed if o.partition("=")[0] not in dirname.exclude_keys)
    hydra_node.job.override_dirname = dirname.item_sep.join(kept).replace("=", dirname.kv_sep)


def _app(task: Callable, options: Mapping[str, str | None], source: Source):
    """The Hydra app ``hydra.main(config_path=<source>)`` creates for ``task`` with these flags."""
    from hydra import version
    from hydra._internal.hydra import Hydra
    from hydra._internal.utils import (create_automatic_config_search_path,
                                       detect_calling_file_or_module_from_task_function, detect_task_name)
    from hydra.core.config_search_path import SearchPathQuery
    from hydra.core.global_hydra import GlobalHydra

    version.setbase(VERSION_BASE)

    calling_file, calling_module = detect_calling_file_or_module_from_task_function(task)
    config_path = options.get("--config-path") or str(source.primary)
    search = create_automatic_config_search_path(calling_file, calling_module, config_path)
    if options.get("--config-dir"):
        search.prepend(provider="command-line", path=f"file://{os.path.abspath(options['--config-dir'])}",
                       anchor=SearchPathQuery(provider="schema"))
    GlobalHydra.instance().clear()
    return Hydra.create_main_hydra2(task_name=detect_task_name(calling_file, calling_module), config_search_path=search)


def prepare_job(overrides: Sequence[str], options: Mapping[str, str | None], source: Source,
                task: Callable) -> Job | None:
    """The single run of ``overrides``, composed once and checked as ``preflight`` checks
    it (the same errors); None if it must go through ``hydra.main`` (module doc)."""
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from hydra.types import RunMode
    from omegaconf.errors import OmegaConfBaseException

    from sim.resources import check_run

    if any(_split(o)[1] in ("hydra.mode", "sweep") for o in overrides):
        return None
    _checked(overrides, multirun=False, source=source)
    normalised = normalise(overrides, lambda: [base_config(overrides, source)])
    hydra = _app(task, options, source)
    try:
        try:
            cfg = hydra.compose_config(source.name, normalised, run_mode=RunMode.RUN, with_log_configuration=True)
        except (HydraException, OmegaConfBaseException, ValueError) as err:
            raise _hydra_message(err, source) from None
        if cfg.get("sweep") is not None or cfg.hydra.mode is not None:
            GlobalHydra.instance().clear()
            return None
        # what composing with MODE_OVERRIDE adds, as Hydra does when no config sets hydra.mode
        cfg.hydra.mode = RunMode.RUN
        cfg.hydra.overrides.hydra.append(MODE_OVERRIDE)
        config = validate(cfg)
        _check_output_dir(cfg, multirun=False)
        check_run(config)
        record_typed(cfg.hydra, as_typed(cfg.hydra.overrides.task))  # Hydra writes them as typed
    except BaseException:
        GlobalHydra.instance().clear()
        raise
    return Job(hydra, cfg, config, source.name)
