"""The command line of ``python -m analysis``.

Bad input (no such folder, a folder without runs, an unknown parameter or option) prints
one line ``error: ...`` on stderr naming the path or key and what is allowed, and exits
with status 2 before anything is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analysis.errors import EXIT_BAD_INPUT, AnalysisError


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one ``error:`` line (no usage block), exit 2."""

    def error(self, message: str):  # noqa: D102 - argparse hook
        print(f"error: {self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; allowed: 0 < value < 1") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is outside the allowed range 0 < value < 1")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer; allowed: 1, 2, ...") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not allowed; allowed: 1, 2, ...")
    return value


def _formats(text: str) -> tuple[str, ...]:
    allowed = ("png", "pdf", "svg")
    items = tuple(x.strip().lower() for x in text.split(",") if x.strip())
    bad = [x for x in items if x not in allowed]
    if bad or not items:
        raise argparse.ArgumentTypeError(f"{text!r}; allowed: a comma-separated subset of {', '.join(allowed)}")
    return items


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m analysis",
                     description="Cross-run comparison, sweep plots, sensitivity and scenario discovery for alliance-sim.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    def common(p, out_help):
        p.add_argument("--out", metavar="DIR", help=out_help)
        p.add_argument("--formats", type=_formats, default=("png", "pdf"), metavar="FMT[,FMT]",
                       help="figure formats (default: png,pdf)")

    p = sub.add_parser("compare", help="runs side by side, ordered by their paired difference from a reference; report.html")
    p.add_argument("dirs", nargs="+", metavar="RUN_OR_MULTIRUN_DIR", help="run folders or multirun folders (searched recursively)")
    p.add_argument("--reference", metavar="NAME", help="label, scenario or folder of the reference run (default: the baseline run, else the first)")
    common(p, "output folder (default: comparison/<name of the inputs> in the current folder)")

    p = sub.add_parser("sweep", help="P(holds) over the two parameters the sweep ranks highest (heatmap, tipping contour) or one (line)")
    p.add_argument("dir", metavar="SWEEP_DIR", help="batched sweep folder (sweep.parquet) or multirun folder")
    p.add_argument("--x", metavar="PATH", help="parameter on the x axis; alone, draws a line (default: the top-ranked)")
    p.add_argument("--y", metavar="PATH", help="parameter on the y axis: draws a heatmap (default: the second-ranked)")
    p.add_argument("--threshold", type=_fraction, default=0.5, help="tipping level of P(holds) drawn as a contour (default 0.5)")
    p.add_argument("--scenario", metavar="NAME", help="multirun folders only: keep the runs of this scenario")
    common(p, "output folder (default: SWEEP_DIR/analysis)")

    p = sub.add_parser("sensitivity", help="Sobol (sobol sweeps) or delta-moment indices for P(holds) and the final index")
    p.add_argument("dir", metavar="SWEEP_DIR", help="batched sweep folder (sweep.parquet) or multirun folder")
    p.add_argument("--method", choices=("auto", "sobol", "delta"), default="auto",
                   help="auto: Sobol for a sobol design, else delta (default)")
    p.add_argument("--resamples", type=_positive_int, default=200, help="bootstrap resamples for the CIs (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--scenario", metavar="NAME", help="multirun folders only: keep the runs of this scenario")
    common(p, "output folder (default: SWEEP_DIR/analysis)")

    p = sub.add_parser("discover", help="PRIM boxes of the parameter regions where the partnership breaks")
    p.add_argument("dir", metavar="SWEEP_DIR", help="batched sweep folder (sweep.parquet) or multirun folder")
    p.add_argument("--threshold", type=_fraction, default=0.5, help="a point breaks where P(holds) < threshold (default 0.5)")
    p.add_argument("--min-density", type=_fraction, default=0.8, dest="min_density",
                   help="least share of breaking points inside a box (default 0.8)")
    p.add_argument("--max-boxes", type=_positive_int, default=3, dest="max_boxes", help="most boxes to find (default 3)")
    p.add_argument("--scenario", metavar="NAME", help="multirun folders only: keep the runs of this scenario")
    common(p, "output folder (default: SWEEP_DIR/analysis)")
    return parser


def run(args: argparse.Namespace) -> None:
    if args.command == "compare":
        from analysis.comparison import compare

        compare(args.dirs, out=args.out, reference=args.reference, formats=args.formats, echo=True)
    elif args.command == "sweep":
        from analysis.sweep import sweep_plot

        sweep_plot(args.dir, out=args.out, x=args.x, y=args.y, threshold=args.threshold, scenario=args.scenario,
                   formats=args.formats, echo=True)
    elif args.command == "sensitivity":
        from analysis.sensitivity_indices import sensitivity

        sensitivity(args.dir, out=args.out, method=args.method, resamples=args.resamples, seed=args.seed,
                    scenario=args.scenario, formats=args.formats, echo=True)
    elif args.command == "discover":
        from analysis.discovery import discover

        discover(args.dir, out=args.out, threshold=args.threshold, min_density=args.min_density,
                 max_boxes=args.max_boxes, scenario=args.scenario, formats=args.formats, echo=True)


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        run(args)
    except AnalysisError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
