"""End to end, as a researcher runs it: ``python -m sim scenario=taiwan_drones`` and a
batched sweep, in child processes, timed from interpreter start to exit.

All runs share one fresh JIT cache folder (``ALLIANCE_SIM_CACHE_DIR``): the first run
compiles (cold), later ones load (warm). A run of another scenario with other values
must not add anything to the cache: compiled code depends on types, not values.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from benchmarks._common import Row, timed_cli


def _cache_files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def run(quick: bool = False) -> list[Row]:
    points = 20 if quick else 1000
    with tempfile.TemporaryDirectory(prefix="alliance-sim-bench-") as tmp:
        tmp = Path(tmp)
        cache = tmp / "jit-cache"
        env = {"ALLIANCE_SIM_CACHE_DIR": str(cache)}
        saved = os.environ.pop("NUMBA_CACHE_DIR", None)  # the project's own cache policy
        try:
            main = ["scenario=taiwan_drones"]
            cold, _ = timed_cli([*main, f"hydra.run.dir={tmp / 'cold'}"], env=env, cwd=tmp)
            warm, _ = timed_cli([*main, f"hydra.run.dir={tmp / 'warm'}"], env=env, cwd=tmp)
            before = _cache_files(cache)
            other, _ = timed_cli(["scenario=baseline", "seed=11", "relations.RUS.CHN.trust=0.3",
                                  f"hydra.run.dir={tmp / 'other'}"], env=env, cwd=tmp)
            recompiled = _cache_files(cache) != before
            timed_cli(["sweep=lhs", "sweep.points=8", "replications=10", f"sweep.dir={tmp / 'sweep-warmup'}",
                       f"hydra.run.dir={tmp / 'sweep-warmup-log'}"], env=env, cwd=tmp)
            sweep, _ = timed_cli(["sweep=lhs", f"sweep.points={points}", "replications=100",
                                  f"sweep.dir={tmp / 'sweep'}", f"hydra.run.dir={tmp / 'sweep-log'}"],
                                 env=env, cwd=tmp)
        finally:
            if saved is not None:
                os.environ["NUMBA_CACHE_DIR"] = saved
        figures = sorted(p.name for p in (tmp / "warm" / "figures").glob("*.png"))
    return [
        Row("taiwan_drones, cold JIT cache", cold, "s", note="first run: compiles the kernels"),
        Row("taiwan_drones, warm JIT cache", warm, "s", "≤ 5 s", warm <= 5.0,
            note=f"1,000 reps, {len(figures)} PNG figures (+PDF) written"),
        Row("other scenario and values, warm", other, "s", "no recompilation", not recompiled,
            note="cache unchanged" if not recompiled else "cache files changed"),
        Row(f"batched sweep {points:,} pts × 100 reps", sweep, "s", "≤ 10 s" if not quick else "",
            (sweep <= 10.0) if not quick else None, note="sweep=lhs, warm, figure drawn"),
    ]


if __name__ == "__main__":
    from benchmarks._common import print_table

    print_table(run())
