"""User-facing errors of ``python -m analysis``: one line naming the path or key and what is allowed."""

from __future__ import annotations

from contextlib import contextmanager

from sim.errors import ConfigError

EXIT_BAD_INPUT = 2


class AnalysisError(ValueError):
    """Bad input (missing folder, folder without runs, unknown parameter, ...).

    ``str()`` is the one-line message printed after ``error: `` on stderr.
    """

    def __init__(self, key: str, message: str):
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}" if key else message)


def require(module: str, command: str):
    """Import ``module`` (an optional dependency) or stop with one line naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise AnalysisError(command, f"needs {module.split('.')[0]} ({err}); install the extra: pip install -e '.[analysis]'") from None


@contextmanager
def translated():
    """Re-raise a ``sim`` ``ConfigError`` (bad input met by a sim function) as an ``AnalysisError``."""
    try:
        yield
    except ConfigError as err:
        raise AnalysisError(err.key, err.message) from None
