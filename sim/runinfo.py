"""What a run folder records about how it was made: resolved configuration and provenance.

* ``config.resolved.yaml`` — the validated ``SimConfig`` with every schema default
  filled in; ``SimConfig.model_validate(yaml.safe_load(text))`` gives the same config
  back (tested), so the file reproduces the run without the roster or scenario files.
* ``run.json`` — the overrides as the user typed them, the git commit of the code that
  ran (with a flag for uncommitted changes) or ``"not a git checkout"``, the versions of
  Python and of the packages that shape the results, the host and the time.
"""

from __future__ import annotations

import platform
import socket
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml

from sim.config.params import Param
from sim.config.schema import SimConfig

# Distributions whose version can change results or outputs, by the name pip knows.
PACKAGES = ("alliance-sim", "numba", "numpy", "mesa", "hydra-core", "pydantic", "pandas", "xarray", "matplotlib")
NOT_A_CHECKOUT = "not a git checkout"


def _compact(node):
    """A dumped ``Param`` in its shortest YAML form (``0.5``, ``[0.6, 0.8]``), evidence and notes kept."""
    if isinstance(node, list):
        return [_compact(x) for x in node]
    if not isinstance(node, dict):
        return node
    if set(node) <= set(Param.model_fields) and ("value" in node or "low" in node):
        short = {k: v for k, v in node.items() if v not in ((), [], "")}
        if set(short) == {"value"}:
            return short["value"]
        if set(short) == {"low", "high"}:
            return [short["low"], short["high"]]
        return short
    return {k: _compact(v) for k, v in node.items()}


def resolved_yaml(config: SimConfig) -> str:
    """The full configuration (every default) as YAML, fields in schema order."""
    header = ("# The fully resolved configuration of this run: every schema default filled in.\n"
              "# SimConfig.model_validate(yaml.safe_load(open(this file))) rebuilds it exactly.\n")
    data = _compact(config.model_dump(mode="json", exclude_none=True))
    return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    """Block style, except lists of plain values on one line (``evidence: [F5, F6]``)."""


_Dumper.add_representer(list, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=not any(isinstance(x, (dict, list)) for x in data)))


def package_version() -> str:
    """This package's version ("0+unknown" when run from a checkout without install)."""
    try:
        return version("alliance-sim")
    except PackageNotFoundError:
        return "0+unknown"


def package_versions() -> dict[str, str]:
    """{"python": "3.11.7", "numba": ..., ...}; a package that is not installed shows as such."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state(folder: Path | None = None) -> dict:
    """{"commit": sha or "not a git checkout", "dirty": bool or None} of the code in ``folder``."""
    folder = folder or Path(__file__).resolve().parent

    def git(*args) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):  # no git binary, or it hangs
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return {"commit": NOT_A_CHECKOUT, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def run_info(overrides) -> dict:
    """Content of ``run.json`` (see module doc)."""
    return {
        "overrides": [str(o) for o in overrides],
        "git": git_state(),
        "versions": package_versions(),
        "platform": platform.platform(),
        "host": socket.gethostname(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
