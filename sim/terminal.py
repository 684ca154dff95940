"""Writing to stdout from command-line tools that may be piped into ``head``.

``emit(text)`` prints; if the reader has gone (``BrokenPipeError``), the rest of the
output is discarded and the process exits quietly (status 0), as Unix filters do.
"""

from __future__ import annotations

import os
import sys


def emit(text: str, end: str = "\n") -> None:
    """Print ``text`` to stdout; exit quietly when the pipe is closed (module doc)."""
    try:
        sys.stdout.write(text + end)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at devnull so that raises nothing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0) from None
