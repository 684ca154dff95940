"""``python -m sim.calibrate [--quick] [--out DIR] [--seed N] [--posterior FILE]``: calibrate the dynamics.

Simulation-based inference of every dynamics coefficient that declares a prior, in two
stages (``sim.history.calibration``): the balance rate from the Correlates of War fit
pairs, then ABC-SMC (pyabc) on the Sino-Soviet 1950-69 and China-Russia 2014-25 cases.
Progress goes to stderr. The run keeps pyabc's SQLite history in ``DIR/abc.db``: run the
same command again after a kill and it resumes after the last finished generation.

Writes into DIR (default ``outputs/calibration``): ``posterior.json`` (the posterior
sample), ``calibration.json`` / ``.md`` (the posterior table, generations, timings) and
``figures/`` (marginals, pairwise, posterior-predictive checks). The full budget also
writes the shipped posterior ``sim/history/posterior/posterior.json``, which runs use by
default (``weights=posterior``); ``--quick`` (a small budget, for CI) writes it only where
``--posterior FILE`` says. ``--budget tiny`` is for tests. Bad arguments: one line on
stderr, exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.history.cli import EXIT_BAD_INPUT, OneLineParser


def _parser() -> OneLineParser:
    parser = OneLineParser(prog="python -m sim.calibrate", description="Calibrate the dynamics on history (ABC-SMC).")
    parser.add_argument("--quick", action="store_true", help="small budget (CI); same as --budget quick")
    parser.add_argument("--budget", choices=("tiny", "quick", "full"), help="budget by name (default: full)")
    parser.add_argument("--out", type=Path, default=Path("outputs/calibration"),
                        help="folder for the history, the posterior, the diagnostics")
    parser.add_argument("--seed", type=int, default=0, help="root of every random draw (0..2**31-1)")
    parser.add_argument("--posterior", type=Path,
                        help="also write the posterior here (default with the full budget: the shipped file)")
    parser.add_argument("--no-figures", action="store_true", help="skip the diagnostics figures")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.quick and args.budget not in (None, "quick"):
        _parser().error(f"--quick and --budget {args.budget}: give one")
    if not 0 <= args.seed < 2**31:
        _parser().error(f"--seed: {args.seed}; allowed: 0..2**31-1")
    if args.out.exists() and not args.out.is_dir():
        _parser().error(f"--out: {args.out} is a file, not a folder")
    name = "quick" if args.quick else (args.budget or "full")

    import logging

    from sim.errors import ConfigError
    from sim.history.abc import BUDGETS
    from sim.history.calibration import calibrate
    from sim.history.posterior import DEFAULT_FILE

    logging.getLogger("ABC").setLevel(logging.WARNING)
    posterior = args.posterior if args.posterior is not None else (DEFAULT_FILE if name == "full" else None)
    try:
        calibrate(BUDGETS[name], args.seed, args.out, posterior,
                  progress=lambda line: print(line, file=sys.stderr, flush=True), figures=not args.no_figures)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())
