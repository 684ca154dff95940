"""Sobol' indices of the baseline over every behavioural prior and every evidence range.

    python -m analysis.model_sensitivity                       # N = 64: docs/sensitivity.json
    python -m analysis.model_sensitivity --points 16 --replications 40 --out /tmp/s.json

The swept parameters are derived, not listed: every ``dynamics`` coefficient with a
prior (its prior range, ``sim.mechanisms``) and every parameter the baseline samples
per replication (the evidence ranges of the roster). A Saltelli design of ``N (D + 2)``
points runs as a batched sweep (``sweeps/sobol-<digest>``: resumable) on common random
numbers; ``python -m analysis sensitivity`` computes first- and total-order indices of
P(holds) and of the final index median. The JSON is rendered into docs/model.md by
``python -m sim.doctables``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.errors import AnalysisError
from analysis.sensitivity_indices import sensitivity
from sim.atomic import write_json
from sim.errors import ConfigError

SENSITIVITY_FILE = Path(__file__).resolve().parents[1] / "docs" / "sensitivity.json"


def swept_parameters(config) -> dict[str, tuple[float, float]]:
    """{path: (low, high)}: the weights' priors and the configuration's sampled ranges."""
    from sim import mechanisms
    from sim.compile import compile_model

    ranges = {f"dynamics.{p.name}": p.prior for p in mechanisms.section("dynamics") if p.prior is not None}
    for slot in compile_model(config).random:
        ranges.setdefault(slot.path, (slot.param.low, slot.param.high))
    return ranges


def _nested(ranges: dict[str, tuple[float, float]]) -> dict:
    out: dict = {}
    for path, (low, high) in ranges.items():
        node = out
        *heads, leaf = path.split(".")
        for key in heads:
            node = node.setdefault(key, {})
        node[leaf] = [float(low), float(high)]
    return out


def model_sensitivity(points: int = 64, replications: int = 100, seed: int = 0) -> dict:
    """Run (or resume) the sweep and return the indices as JSON-ready rankings."""
    from sim.config.compose import load_config
    from sim.runinfo import package_version
    from sim.sweep import parse_sweep, run_sweep

    config = load_config("baseline", [f"replications={replications}", f"seed={seed}", "weights=prior"])
    ranges = swept_parameters(config)
    spec = parse_sweep({"method": "sobol", "points": points, "calc_second_order": False,
                        "parameters": _nested(ranges)})
    outcome = run_sweep(config, spec, progress=sys.stderr.isatty())
    result = sensitivity(outcome.folder, method="sobol")
    table = result.table
    rankings = {}
    for output in sorted(set(table["output"])):
        part = table[table["output"] == output].pivot_table(index="parameter", columns="index", values="value")
        conf = table[table["output"] == output].pivot_table(index="parameter", columns="index", values="conf")
        order = part.sort_values("ST", ascending=False).index
        rankings[output] = [{"parameter": p, "S1": round(float(part.loc[p, "S1"]), 4),
                             "S1_conf": round(float(conf.loc[p, "S1"]), 4), "ST": round(float(part.loc[p, "ST"]), 4),
                             "ST_conf": round(float(conf.loc[p, "ST"]), 4)} for p in order]
    return {"command": f"python -m analysis.model_sensitivity --points {points} --replications {replications} "
                       f"--seed {seed}",
            "version": package_version(), "points": int(len(result.sweep.ok)), "replications": replications,
            "parameters": len(ranges), "sweep": outcome.folder.name, "rankings": rankings}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.model_sensitivity", description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=64, help="Saltelli base sample N (a power of 2)")
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=SENSITIVITY_FILE)
    args = parser.parse_args(argv)
    try:
        payload = model_sensitivity(args.points, args.replications, args.seed)
    except (ConfigError, AnalysisError) as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    write_json(args.out, payload)
    for row in payload["rankings"].get("p_hold", [])[:10]:
        print(f"{row['parameter']:45s} S1 {row['S1']:+.3f}  ST {row['ST']:.3f}")
    print(f"wrote {args.out}; run python -m sim.doctables to refresh docs/model.md")


if __name__ == "__main__":
    main()
