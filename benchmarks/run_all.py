"""Run every benchmark and print one table with the targets.

    python -m benchmarks.run_all                 # full run (~11 minutes on 2 cores, 5 of them the calibration)
    python -m benchmarks.run_all --quick         # tiny sizes: a smoke test of the harness
    python -m benchmarks.run_all --only throughput parallel --json results.json --markdown results.md

Missing a target is reported (MISS), not an error: the exit status is non-zero only if
a benchmark fails to run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback

from benchmarks._common import Row, machine_info, markdown_table, print_table

BENCHMARKS = ("core_vs_mesa", "throughput", "reference", "batched", "calibration", "parallel", "scaling", "memory",
              "end_to_end")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_all", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test; figures meaningless)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, metavar="NAME",
                        help=f"run only these: {', '.join(BENCHMARKS)}")
    parser.add_argument("--json", metavar="FILE", help="also write machine info and rows as JSON")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    args = parser.parse_args(argv)

    info = machine_info()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    rows: list[Row] = []
    failed = []
    elapsed: dict[str, float] = {}
    for name in args.only or BENCHMARKS:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            rows += importlib.import_module(f"benchmarks.bench_{name}").run(quick=args.quick)
        except Exception:  # noqa: BLE001 - report every failing benchmark, run the others
            failed.append(name)
            traceback.print_exc()
        elapsed[name] = round(time.perf_counter() - start, 1)
        print(f"  {name}: {elapsed[name]:.0f} s", file=sys.stderr, flush=True)
    if hasattr(os, "getloadavg"):
        info["load_avg_1min_end"] = round(os.getloadavg()[0], 2)
    print()
    print_table(rows)
    print(f"\nwall time per benchmark (s): {elapsed}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"machine": info, "quick": args.quick, "failed": failed, "elapsed_s": elapsed,
                       "rows": [r.as_dict() for r in rows]}, fh, indent=2)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(markdown_table(rows))
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
