"""``python -m sim.validate [--quick] [--out DIR] [--doc FILE] [--seed N]``: the scorecard.

Prints the validation table (``sim.history.scorecard``) and writes it into DIR (default
``outputs/validation``) as ``scorecard.json`` and ``scorecard.md``, each atomically.
``--quick``: small budgets, for CI (under two minutes on a 2-core machine).
``--doc FILE``: also rewrite the generated blocks of FILE (docs/validation.md) with the
full-budget card; not with ``--quick``. Bad arguments: one line on stderr, exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.history.cli import OneLineParser


def _parser() -> OneLineParser:
    parser = OneLineParser(prog="python -m sim.validate", description="The validation scorecard (docs/validation.md).")
    parser.add_argument("--quick", action="store_true", help="small budgets (CI)")
    parser.add_argument("--out", type=Path, default=Path("outputs/validation"), help="folder for scorecard.json/.md")
    parser.add_argument("--doc", type=Path, help="rewrite the generated blocks of this Markdown file")
    parser.add_argument("--seed", type=int, default=0, help="root of every random draw (0..2**62)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.quick and args.doc is not None:
        _parser().error("--doc: the documentation shows the full budget; drop --quick")
    if not 0 <= args.seed <= 2**62:
        _parser().error(f"--seed: {args.seed}; allowed: 0..2**62")
    if args.doc is not None and not args.doc.is_file():
        _parser().error(f"--doc: no file {args.doc}")

    import json

    from sim.history.docs import scorecard_block, splice, static_blocks
    from sim.history.render import write_text
    from sim.history.scorecard import FULL, QUICK, build_scorecard, to_markdown

    card = build_scorecard(QUICK if args.quick else FULL, args.seed,
                           progress=lambda part: print(f"scorecard: {part} ...", file=sys.stderr, flush=True))
    markdown = to_markdown(card)
    write_text(args.out / "scorecard.json", json.dumps(card.as_dict(), indent=2, allow_nan=False) + "\n")
    write_text(args.out / "scorecard.md", markdown)
    print(markdown)
    print(f"written: {args.out / 'scorecard.json'}, {args.out / 'scorecard.md'}", file=sys.stderr)
    if args.doc is not None:
        text = splice(args.doc.read_text(encoding="utf-8"), static_blocks() | {"scorecard": scorecard_block(card)})
        write_text(args.doc, text)
        print(f"updated: {args.doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
