"""``report.html`` of a comparison: the table, the figures, each run's configuration and provenance.

Built from the page pieces of ``sim.report`` (the same look as a run's report). Links to
the runs' own reports and resolved configurations are relative, so the comparison and
the runs can be moved together.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from analysis.comparison import Comparison, table_notes, table_rows
from sim.report import details, esc, figure_html, page, table

CAPTIONS = {
    "p_hold": "P(holds) per run with its Wilson 95% interval; the dashed line is the reference.",
    "paired_differences": "Paired differences from the reference with 95% intervals (hollow: no replication "
                          "differs in whether the partnership holds).",
    "partnership_bands": "Partnership index per run (median, 25–75% and 5–95% bands) against the reference's median.",
    "survival": "Survival per run with its Wilson 95% band against the reference's; the axis is zoomed (see its label).",
}


def _link(out: Path, target: Path, text: str) -> str:
    if not target.exists():
        return esc(text)
    return f'<a href="{esc(os.path.relpath(target, out))}">{esc(text)}</a>'


def runs_table(result: Comparison, out: Path) -> str:
    """One row per run: label, scenario, overrides as typed, seed, replications, links."""
    rows = []
    for run in result.runs:
        s = run.summary
        typed = run.info.get("overrides", s.get("overrides", []))
        links = " · ".join(x for x in (_link(out, run.folder / "report.html", "report"),
                                       _link(out, run.folder / "config.resolved.yaml", "configuration")))
        rows.append([esc(run.label + (" (reference)" if run is result.reference else "")), esc(run.scenario),
                     f"<code>{esc(' '.join(typed) or '(none)')}</code>", esc(s.get("seed")), esc(run.n),
                     esc(s.get("horizon_months")), links])
    head = "".join(f"<th>{h}</th>" for h in ("run", "scenario", "overrides as typed", "seed", "replications",
                                              "months", "files"))
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def provenance_table(result: Comparison) -> str:
    """Commit and versions of each run (``run.json``); '—' for runs written before it existed."""
    keys = []
    for run in result.runs:
        keys += [k for k in run.info.get("versions", {}) if k not in keys]
    rows = []
    for run in result.runs:
        git = run.info.get("git", {})
        commit = git.get("commit", "—") + (" (uncommitted changes)" if git.get("dirty") else "")
        versions = run.info.get("versions", {})
        rows.append([run.label, commit, *(versions.get(k, "—") for k in keys), run.info.get("created", "—")])
    return table(["run", "git commit", *keys, "created"], rows)


def comparison_report(result: Comparison, out: Path, figures: Sequence[str], pdf: bool) -> str:
    """The HTML of the comparison's ``report.html`` in ``out`` (``figures``: stems written as PNG;
    ``pdf``: whether their PDFs were written too)."""
    ref = result.reference
    pair = "–".join(ref.summary.get("pair", ["?", "?"]))
    header, rows = table_rows(result.table)
    notes = "".join(f"<li>{esc(n)}</li>" for n in table_notes(result.table))
    parts = [
        f"<h1>Comparison of {len(result.runs)} runs: the {esc(pair)} partnership</h1>",
        f'<p class="lead">Reference: {esc(ref.label)}. Differences are run − reference, paired on the common '
        "replication index (common random numbers) when the seeds agree; runs are ordered by ΔP(holds).</p>",
        "<h2>Numbers</h2>", table(header, rows, numeric=[False] + [True] * (len(header) - 1)),
        f"<ul>{notes}</ul>" if notes else "",
        "<h2>Figures</h2>",
        *(figure_html(f"{stem}.png", CAPTIONS.get(stem, stem), f"{stem}.pdf" if pdf else None, out) for stem in figures),
        "<h2>Runs and their configuration</h2>", runs_table(result, out),
        "<h2>Provenance</h2>", provenance_table(result),
        details("Folders", "<ul>" + "".join(f"<li><code>{esc(r.folder)}</code></li>" for r in result.runs) + "</ul>"),
    ]
    return page(f"Comparison: {pair}", "\n".join(p for p in parts if p))
