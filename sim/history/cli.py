"""The argument parser of the history commands (``python -m sim.validate``,
``python -m sim.calibrate``): a bad argument is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys

EXIT_BAD_INPUT = 2


class OneLineParser(argparse.ArgumentParser):
    """``argparse`` whose errors are one line naming the command's ``--help``."""

    def error(self, message: str) -> None:
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)
