"""End to end, as a researcher runs it: ``python -m sim scenario=taiwan_drones`` and a
batched sweep, in child processes, timed from interpreter start to exit.

Full run: every child shares one fresh JIT cache root (``ALLIANCE_SIM_CACHE_DIR``, with
``NUMBA_CACHE_DIR`` unset so the project's policy applies), as in a fresh clone: the first
run compiles (cold), later ones load (warm). Checks of the cache guarantees:

* another scenario with other values must not add to the cache (compiled code depends on
  argument types, not values);
* a copy of ``sim/`` resolves to the same cache folder, and after an edit of a kernel
  file to a new one (the folder is keyed by the kernels' source hash: never stale);
* with no writable cache folder anywhere (a read-only install) the command still runs,
  with caching off and nothing written next to the sources.

The cold run is also timed with one compiling process (``ALLIANCE_SIM_NO_PREWARM=1``,
a fresh cache of its own): what ``sim.kernels.prewarm``'s second process saves.

``--quick``: tiny sweep, the inherited cache (the test session's, or the user's) instead
of a fresh one (its first run is also the warm one if it compiled nothing), no read-only
run (it compiles everything once more).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from pathlib import Path

from benchmarks._common import ROOT, Row, jit_cache_dir, timed_cli

MAIN = ["scenario=taiwan_drones"]  # 1,000 replications, 60 months, figures written
OTHER = ["scenario=[ukraine_ceasefire,us_russia_reset]", "seed=11", "relations.RUS.CHN.trust=0.3",
         "relations.RUS.CHN.counterintelligence=[0.4,0.9]", "replications=1500"]


def _cache_files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def _source_cache_files() -> set[Path]:
    return {p for pattern in ("*.nbi", "*.nbc") for p in (ROOT / "sim").rglob(pattern)}


def _edit_check(tmp: Path) -> tuple[bool, str]:
    """Same sources -> same cache folder; an edited kernel file -> another folder."""
    env = {"ALLIANCE_SIM_CACHE_DIR": str(tmp / "edit-cache"), "NUMBA_CACHE_DIR": None}
    original = jit_cache_dir(env)
    clone = tmp / "clone"
    shutil.copytree(ROOT / "sim", clone / "sim", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    copied = jit_cache_dir(env, pythonpath=clone)
    with open(clone / "sim" / "kernels" / "step.py", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    edited = jit_cache_dir(env, pythonpath=clone)
    ok = original == copied and edited != original
    return ok, f"copy: {Path(copied).name}, after edit: {Path(edited).name}"


def _read_only_run(tmp: Path) -> tuple[float, bool, str]:
    """Every cache root the project would try is unusable (a path under a plain file,
    which even root cannot create): the run must succeed with caching off."""
    blocker = tmp / "plain-file"
    blocker.write_text("")
    # the last resort is <temp dir>/alliance-sim-<uid> (sim.kernels.jit): a temp dir of the
    # child's own (TMPDIR) holding a plain file of that name, never the shared /tmp one
    own_tmp = tmp / "ro-tmp"
    own_tmp.mkdir()
    uid = os.geteuid() if hasattr(os, "geteuid") else os.getpid()
    (own_tmp / f"alliance-sim-{uid}").write_text("")
    env = {"ALLIANCE_SIM_CACHE_DIR": str(blocker / "cache"), "XDG_CACHE_HOME": str(blocker / "xdg"),
           "HOME": str(blocker / "home"), "TMPDIR": str(own_tmp), "NUMBA_CACHE_DIR": None,
           "MPLCONFIGDIR": str(tmp / "mpl")}
    enabled = jit_cache_dir(env) is not None
    before = _source_cache_files()
    wall, _ = timed_cli([*MAIN, "replications=200", f"hydra.run.dir={tmp / 'read-only'}"], env=env, cwd=tmp)
    written = len(_source_cache_files() - before)
    ok = not enabled and written == 0
    return wall, ok, (f"caching {'on?!' if enabled else 'off'}, {written} cache files next to the sources; "
                      "200 reps, compiles every run")


def run(quick: bool = False) -> list[Row]:
    points = 20 if quick else 1000
    rows = []
    with tempfile.TemporaryDirectory(prefix="alliance-sim-bench-") as tmp:
        tmp = Path(tmp)
        if quick:
            env: dict[str, str | None] = {}
        else:
            env = {"ALLIANCE_SIM_CACHE_DIR": str(tmp / "jit-cache"), "NUMBA_CACHE_DIR": None, "ALLIANCE_SIM_NO_PREWARM": None}
        cache = Path(jit_cache_dir(env) or tmp / "no-cache")

        def sim_run(args: list[str], tag: str, compiles: dict | None = None) -> float:
            return timed_cli([*args, f"hydra.run.dir={tmp / tag}"], env=env, cwd=tmp, compiles=compiles)[0]

        beside_sources = _source_cache_files()
        compiles: dict[str, float] = {}
        cold = sim_run(MAIN, "cold", compiles)
        beside_sources = _source_cache_files() - beside_sources
        alone = None
        if not quick:  # the same cold run with one compiling process (sim.kernels.prewarm off)
            alone_env = {**env, "ALLIANCE_SIM_CACHE_DIR": str(tmp / "jit-cache-alone"), "ALLIANCE_SIM_NO_PREWARM": "1"}
            alone = timed_cli([*MAIN, f"hydra.run.dir={tmp / 'cold-alone'}"], env=alone_env, cwd=tmp)[0]
        # quick, on an inherited cache that was warm already (nothing compiled): that run is the warm one
        warm_runs = [cold] if quick and not compiles else [sim_run(MAIN, f"warm{k}") for k in range(1 if quick else 3)]
        warm = statistics.median(warm_runs)
        figures = sorted(p.name for p in (tmp / ("cold" if warm_runs == [cold] else "warm0") / "figures").glob("*.png"))
        before = _cache_files(cache)
        other = sim_run(OTHER, "other")
        added = set(_cache_files(cache)) - set(before)
        changed = [f for f, size in before.items() if _cache_files(cache).get(f) != size]
        if not quick:
            sim_run(["sweep=lhs", "sweep.points=8", "replications=10", f"sweep.dir={tmp / 'sweep-warmup'}"],
                    "sweep-warmup-log")
        sweep = sim_run(["sweep=lhs", f"sweep.points={points}", "replications=100", f"sweep.dir={tmp / 'sweep'}"],
                        "sweep-log")
        sweep_figures = sorted(p.name for p in (tmp / "sweep").rglob("*.png"))
        edit_ok, edit_note = _edit_check(tmp)

        top = sorted(compiles.items(), key=lambda kv: -kv[1])
        rows += [
            Row("taiwan_drones, cold JIT cache", cold, "s", "" if quick else "≤ 10 s",
                None if quick else cold <= 10.0 and not beside_sources,
                note=("quick: inherited cache, may be warm" if quick else
                      "fresh empty cache folder (fresh clone): compiles every kernel")
                + f"; {len(beside_sources)} cache files written next to the sources"),
            *([Row("taiwan_drones, cold, one compiling process", alone, "s",
                   note=f"ALLIANCE_SIM_NO_PREWARM=1, a fresh cache of its own, run just after: the prewarm helper's "
                        f"second process saved {alone - cold:.1f} s ({cold / alone:.2f}× the time)")]
              if alone is not None else []),
            Row("compile time per kernel (cold)", sum(v for k, v in top if k.endswith(".simulate_blocks")), "s CPU",
                note="in the run's process (the prewarm helper compiles others beside it), inclusive of the "
                     "kernels each calls: " + ", ".join(
                    f"{k.removeprefix('sim.')} {v:.1f}" for k, v in top[:8]) if top else "nothing compiled (warm)"),
            Row("taiwan_drones, warm JIT cache", warm, "s", "≤ 2 s", warm <= 2.0,
                note=f"median of {len(warm_runs)} ({', '.join(f'{t:.2f}' for t in warm_runs)}); 1,000 reps, "
                     f"{len(figures)} PNG figures (+PDF); interpreter start to exit"),
            Row("other scenario and values, warm", other, "s", "no recompilation", not added and not changed,
                note=f"{OTHER[0]} seed=11, changed relations, 1,500 reps: "
                     + ("cache unchanged" if not added and not changed else
                        f"{len(added)} new and {len(changed)} changed cache files")
                     + f" ({len(before)} files)"),
            Row("kernel edit → new cache folder", float(edit_ok), "", "never stale", edit_ok,
                shown="yes" if edit_ok else "no", note=edit_note),
        ]
        if not quick:
            ro_wall, ro_ok, ro_note = _read_only_run(tmp)
            rows.append(Row("read-only install (no cache folder)", ro_wall, "s", "runs, caching off", ro_ok,
                            note=ro_note))
        rows.append(Row(f"batched sweep {points:,} pts × 100 reps", sweep, "s", "" if quick else "≤ 10 s",
                        None if quick else sweep <= 10.0,
                        note=f"sweep=lhs, warm, {len(sweep_figures)} figure(s) drawn; interpreter start to exit"))
    return rows


if __name__ == "__main__":
    import sys

    from benchmarks._common import print_table

    print_table(run(quick="--quick" in sys.argv))
