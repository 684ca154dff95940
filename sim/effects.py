"""Paired effects of every shipped scenario and of the evidence levers, on common random numbers.

    python -m sim.effects                      # 2,000 replications: docs/effects.json, then the
                                               # table of docs/scenarios.md (python -m sim.doctables)
    python -m sim.effects --replications 200 --out /tmp/effects.json

Every comparison runs the same seed and replications as its reference, so each
replication sees the same parameter draws, types and noise in both: the effect is the
mean of per-replication differences, with a 95% normal interval over replications.
Rows: each scenario against ``baseline``; ceasefire and reset combined; Entente-4
counterintelligence low against high and Russia's dependency on China low against
high (both on the baseline); and, for ``taiwan_crisis``, Russia's support to China in
the replications where the crisis broke out, with and without it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.atomic import write_json
from sim.errors import ConfigError
from sim.results import package_version

EFFECTS_FILE = Path(__file__).resolve().parents[1] / "docs" / "effects.json"
LEVERS = {
    "Entente-4 counterintelligence 0.2 -> 0.95": ("relations.RUS.CHN.counterintelligence", 0.2, 0.95),
    "Russia's dependency on China 0.4 -> 0.9": ("relations.RUS.CHN.dependency", 0.4, 0.9),
}
# per-replication columns of Results.replications() compared in every row
MEASURES = {"holds": "holds", "trust_rus_chn": "final_trust.RUS.CHN", "support_chn_rus": "final_support.CHN.RUS",
            "support_rus_chn": "final_support.RUS.CHN"}


@dataclass(frozen=True)
class Paired:
    """Mean of the per-replication differences and its 95% normal interval."""

    mean: float
    lo: float
    hi: float

    @classmethod
    def of(cls, reference: np.ndarray, other: np.ndarray) -> Paired:
        diff = np.asarray(other, dtype=float) - np.asarray(reference, dtype=float)
        half = 1.959963984540054 * diff.std(ddof=1) / np.sqrt(diff.size) if diff.size > 1 else float("nan")
        return cls(float(diff.mean()), float(diff.mean() - half), float(diff.mean() + half))

    def as_dict(self) -> dict:
        return {"mean": round(self.mean, 6), "lo": round(self.lo, 6), "hi": round(self.hi, 6)}


def _table(results) -> dict[str, np.ndarray]:
    frame = results.replications()
    return {key: frame[column].to_numpy(dtype=float) for key, column in MEASURES.items()}


def _row(label: str, reference, other) -> dict:
    a, b = _table(reference), _table(other)
    return {"label": label, "p_hold": round(float(b["holds"].mean()), 6),
            "p_hold_reference": round(float(a["holds"].mean()), 6),
            **{key: Paired.of(a[key], b[key]).as_dict() for key in MEASURES}}


def paired_effects(replications: int = 2000, seed: int = 0, progress: bool = False) -> dict:
    """Every row of the effects table (JSON-ready)."""
    from sim import run
    from sim.config.compose import available_scenarios

    common = [f"replications={replications}", f"seed={seed}"]
    baseline = run("baseline", common, progress=progress)
    rows = []
    for name in sorted(available_scenarios()):
        if name != "baseline":
            rows.append(_row(name, baseline, run(name, common, progress=progress)))
    rows.append(_row("ukraine_ceasefire + us_russia_reset", baseline,
                     run(["ukraine_ceasefire", "us_russia_reset"], common, progress=progress)))
    for label, (path, low, high) in LEVERS.items():
        rows.append(_row(label, run("baseline", [*common, f"{path}={low}"], progress=progress),
                         run("baseline", [*common, f"{path}={high}"], progress=progress)))
    crisis = run("taiwan_crisis", common, progress=progress)
    fired = crisis.replications()["fires.taiwan_crisis_outbreak"].to_numpy() > 0
    with_crisis = _table(crisis)["support_rus_chn"][fired]
    without = _table(baseline)["support_rus_chn"][fired]
    return {
        "command": f"python -m sim.effects --replications {replications} --seed {seed}",
        "version": package_version(),
        "replications": replications,
        "seed": seed,
        "rows": rows,
        "taiwan_crisis_russian_support": {
            "replications_with_crisis": int(fired.sum()),
            "with_crisis": round(float(with_crisis.mean()), 6) if fired.any() else None,
            "without_crisis": round(float(without.mean()), 6) if fired.any() else None,
            "difference": Paired.of(without, with_crisis).as_dict() if fired.sum() > 1 else None,
        },
    }


def render(effects: dict) -> str:
    """The Markdown table of docs/scenarios.md from the effects JSON."""
    def cell(d):
        return f"{d['mean']:+.3f} [{d['lo']:+.3f}, {d['hi']:+.3f}]"

    lines = [f"`{effects['command']}` (version {effects['version']}): {effects['replications']:,} replications, "
             f"seed {effects['seed']}, paired on common random numbers; 95% intervals over replications. "
             "τ_RC: Russia's trust in China at the horizon; s_CR, s_RC: support at the horizon.", "",
             "| comparison | P(holds) reference → other | ΔP(holds) | Δτ_RC | Δs_CR | Δs_RC |",
             "|---|---|---|---|---|---|"]
    for row in effects["rows"]:
        lines.append(f"| {row['label']} | {row['p_hold_reference']:.3f} → {row['p_hold']:.3f} | {cell(row['holds'])} | "
                     f"{cell(row['trust_rus_chn'])} | {cell(row['support_chn_rus'])} | {cell(row['support_rus_chn'])} |")
    crisis = effects["taiwan_crisis_russian_support"]
    if crisis["difference"] is not None:
        lines += ["", f"`taiwan_crisis`: in the {crisis['replications_with_crisis']:,} replications where the crisis "
                      f"broke out, Russia's support to China at the horizon is {crisis['with_crisis']:.3f} with the "
                      f"crisis and {crisis['without_crisis']:.3f} without it (difference "
                      f"{cell(crisis['difference'])})."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sim.effects", description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=EFFECTS_FILE, help="where the JSON goes (default docs/effects.json)")
    args = parser.parse_args(argv)
    if args.replications < 2:
        print("error: --replications: at least 2 (paired intervals need them)", file=sys.stderr)
        raise SystemExit(2)
    try:
        effects = paired_effects(args.replications, args.seed, progress=sys.stderr.isatty())
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    write_json(args.out, effects)
    print(render(effects))
    print(f"\nwrote {args.out}; run python -m sim.doctables to refresh docs/scenarios.md")


if __name__ == "__main__":
    main()
