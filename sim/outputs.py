"""Write a run's results into its folder (Hydra's run directory), every file atomically.

Files (all open in one line: ``pd.read_parquet(path)``, ``json.load(open(path))``):

* ``summary.json``            headline outcomes (written last: its presence marks a complete run)
* ``replications.parquet``    one row per replication: sampled parameters and outcomes
* ``trajectories.parquet``    per-month quantiles of every dyad variable, long format
* ``partnership.parquet``     the pair's index band and survival curve per month
* ``sample_trajectories.parquet``  full trajectories of the first replications
* ``figures/*.png|pdf``       partnership band, survival curve, final trust network
"""

from __future__ import annotations

from pathlib import Path

from sim.atomic import write_atomic, write_json
from sim.results import Results

SUMMARY = "summary.json"


def write_results(results: Results, folder: str | Path) -> list[Path]:
    """Write every output of ``results`` into ``folder``; returns the paths written."""
    folder = Path(folder)
    out = results.config.output
    written = []

    def parquet(name, frame):
        written.append(write_atomic(folder / name, lambda tmp: frame.to_parquet(tmp, index=False)))

    parquet("partnership.parquet", results.partnership())
    if out.trajectories:
        parquet("trajectories.parquet", results.trajectories())
    if out.replication_table:
        parquet("replications.parquet", results.replications())
    if out.sample_replications:
        parquet("sample_trajectories.parquet", results.sample_trajectories())
    if out.figures:
        from sim.plots import run_figures

        written += run_figures(results, folder / "figures")
    written.append(write_json(folder / SUMMARY, results.summary()))
    return written
