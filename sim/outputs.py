"""Write a run's results into its folder (Hydra's run directory), every file atomically.

Files (each opens in one line: ``pd.read_parquet(path)``, ``xr.open_dataset(path)``,
``json.load(open(path))``, ``yaml.safe_load(open(path))``):

* ``summary.json``            headline outcomes (written last: its presence marks a complete run)
* ``replications.parquet``    one row per replication: sampled parameters and outcomes
* ``trajectories.parquet``    per-month quantiles of every recorded variable, long format
* ``trajectories.nc``         the same as a labeled NetCDF dataset (``sim.labeled``)
* ``partnership.parquet``     the pair's index band and survival curve per month
* ``sample_trajectories.parquet``  full trajectories of the first replications
* ``config.resolved.yaml``    the configuration with every default (``sim.runinfo``)
* ``run.json``                overrides as typed, git commit, package versions
* ``figures/*.png|pdf``       partnership band, survival curve, final trust matrix
* ``report.html``             one page: numbers, figures, configuration, provenance (``sim.report``)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.atomic import write_atomic, write_json

if TYPE_CHECKING:
    from sim.results import Results

SUMMARY = "summary.json"
RESOLVED_CONFIG = "config.resolved.yaml"
RUN_INFO = "run.json"
REPORT = "report.html"


def write_results(results: Results, folder: str | Path) -> list[Path]:
    """Write every output of ``results`` into ``folder``; returns the paths written."""
    from sim.runinfo import resolved_yaml, run_info

    folder = Path(folder)
    out = results.config.output
    written = []

    def parquet(name, frame):
        written.append(write_atomic(folder / name, lambda tmp: frame.to_parquet(tmp, index=False)))

    def text(name, content):
        written.append(write_atomic(folder / name, lambda tmp: tmp.write_text(content, encoding="utf-8")))

    parquet("partnership.parquet", results.partnership())
    if out.trajectories:
        from sim.labeled import labeled, write_netcdf

        parquet("trajectories.parquet", results.trajectories())
        parts = labeled(results)
        written.append(write_atomic(folder / "trajectories.nc", lambda tmp: write_netcdf(parts, tmp)))
    if out.replication_table:
        parquet("replications.parquet", results.replications())
    if out.sample_replications:
        parquet("sample_trajectories.parquet", results.sample_trajectories())
    resolved = resolved_yaml(results.config)
    text(RESOLVED_CONFIG, resolved)
    info = run_info(results.overrides)
    written.append(write_json(folder / RUN_INFO, info))
    stems = []
    if out.figures:
        from sim.plots import run_figures

        figures = run_figures(results, folder / "figures")
        written += figures
        stems = list(dict.fromkeys(p.stem for p in figures))
    from sim.report import run_report

    text(REPORT, run_report(results, info, stems, resolved, folder))
    written.append(write_json(folder / SUMMARY, results.summary()))
    return written
