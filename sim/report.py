"""One-page HTML reports: ``report.html`` of a run, and the pieces ``analysis`` reuses.

A run's report holds the headline numbers (P(holds) with its interval, rupture, the
index at the horizon, P(holds) of every pair, blocs), the run's figures (PNG files in
``figures/``, linked to their PDFs), its events, the configuration (overrides as typed,
the resolved YAML), the provenance table of its parameters (value, evidence, what the
facts say; ``sim.provenance``) and how it was made (commit, versions). The page is
static: no script, no network; figures are relative links, so the folder can be moved
or shared as a whole.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from sim.results import Results

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em;
     border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.lead { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.55em; vertical-align: top; }
th { background: #f4f4f4; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.headline td:first-child { font-weight: 600; }
figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
details summary { cursor: pointer; font-weight: 600; }
.small { font-size: 0.85em; color: #555; }
@media print { details { display: block; } body { margin: 0; max-width: none; } }
"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML document."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{esc(title)}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def table(header: Sequence[str], rows: Iterable[Sequence], numeric: Sequence[bool] | None = None,
          css_class: str = "") -> str:
    """An HTML table; cells are escaped, ``numeric`` columns right-aligned, no header row if ``header`` is blank."""
    numeric = list(numeric or [False] * len(header))
    head = f"<thead><tr>{''.join(f'<th>{esc(h)}</th>' for h in header)}</tr></thead>" if any(header) else ""
    body = []
    for row in rows:
        cells = "".join(f'<td class="num">{esc(c)}</td>' if num else f"<td>{esc(c)}</td>" for c, num in zip(row, numeric))
        body.append(f"<tr>{cells}</tr>")
    cls = f' class="{css_class}"' if css_class else ""
    return f"<table{cls}>{head}<tbody>{''.join(body)}</tbody></table>"


def figure_html(src: str, caption: str, pdf: str | None = None, page_folder: Path | None = None) -> str:
    """A figure with its caption; ``src`` and ``pdf`` are links relative to the page.

    With ``page_folder`` the image is shown at its print size (pixels / savefig dpi, at
    the browser's 96 px per inch), so small figures are not blown up to the page width.
    """
    link = f' <a href="{esc(pdf)}">PDF</a>' if pdf else ""
    width = ""
    if page_folder is not None and (page_folder / src).exists():
        from PIL import Image

        from sim.plotstyle import STYLE  # matplotlib: only where a figure was drawn

        with Image.open(page_folder / src) as image:
            width = f' width="{round(image.width * 96 / STYLE["savefig.dpi"])}"'
    return (f'<figure><img src="{esc(src)}" alt="{esc(caption)}"{width}>'
            f"<figcaption>{esc(caption)}{link}</figcaption></figure>")


def details(summary: str, inner: str) -> str:
    return f"<details><summary>{esc(summary)}</summary>{inner}</details>"


def provenance_table(config) -> str:
    """Parameters set explicitly and model coefficients, with their evidence (``sim.provenance``)."""
    from sim.provenance import provenance

    rows = [(r.path, r.value, ", ".join(r.evidence) or "—", r.facts() or "—", r.note or r.origin)
            for r in provenance(config)]
    return table(["parameter", "value", "evidence", "what the facts say", "note"], rows)


def info_table(info: dict) -> str:
    """How a run was made: overrides, commit, versions (the content of ``run.json``)."""
    git = info.get("git", {})
    commit = git.get("commit", "?")
    if git.get("dirty"):
        commit += " (with uncommitted changes)"
    rows = [("overrides as typed", " ".join(info.get("overrides", [])) or "(none)"), ("git commit", commit)]
    rows += [(name, v) for name, v in info.get("versions", {}).items()]
    rows += [("platform", info.get("platform", "?")), ("host", info.get("host", "?")), ("created", info.get("created", "?"))]
    return table(["", ""], rows)


# -- one run ---------------------------------------------------------------------------
def headline_rows(results: Results) -> list[tuple[str, str]]:
    """(quantity, value) rows of the headline numbers, as in ``Results.report()``."""
    s = results.summary()
    a, b = s["pair"]
    lo, hi = s["p_hold_ci"]
    idx = s["partnership_index"]
    rupture = s["median_rupture_month"]
    out = results.config.outcome
    return [
        (f"P({a}–{b} partnership holds)", f"{s['p_hold']:.3f}  [95% CI {lo:.3f}–{hi:.3f}]"),
        ("holds means", f"no rupture by month {s['horizon_months']}: never {out.rupture_months} months in a row "
                        f"below {out.rupture_threshold:g} of the index's running peak (P(holds) = survival at the horizon)"),
        ("censored at the horizon", f"{s['censored_share']:.3f} held with the index below the threshold × its peak "
                                    "at the end"),
        ("median rupture month", "none (fewer than half rupture)" if rupture is None else f"{rupture:g}"),
        (f"partnership index at month {idx['month']}", f"median {idx['median']:.3f} (5–95%: {idx['q05']:.3f}–{idx['q95']:.3f})"),
        ("replications × months", f"{s['replications']} × {s['horizon_months']} from {s['start']}"),
        ("seed, engine", f"{s['seed']}, {s['engine']}"),
    ]


def results_card(results: Results) -> str:
    """A small HTML table of the headline numbers (a Results' display in Jupyter)."""
    return (f"<div><b>{esc(results.scenario)}</b> — alliance-sim Results"
            + table(["", ""], headline_rows(results), css_class="headline") + "</div>")


def pair_matrix(results: Results) -> str:
    """P(holds) of every unordered pair as an upper-triangular table."""
    shares = results.summary()["p_hold_by_pair"]
    roster = list(results.roster)
    rows = []
    for i, a in enumerate(roster):
        rows.append([a] + [f"{shares[f'{a}-{b}']:.2f}" if j > i else "" for j, b in enumerate(roster)])
    return table(["P(holds)", *roster], rows, numeric=[False] + [True] * len(roster))


def events_table(results: Results) -> str:
    from sim.plots import event_marks

    marks = event_marks(results)
    if not marks:
        return "<p>No events.</p>"
    rows = [(m.name, m.rule, ", ".join(str(x) for x in m.months) or "—", f"{m.share_fired:.0%}", m.description)
            for m in marks]
    return table(["event", "when", "fired in months", "replications in which it fired", "what it does"], rows,
                 numeric=[False, False, False, True, False])


FIGURE_CAPTIONS = {
    "partnership_index": "Partnership index of the pair: median and bands over replications, thresholds, P(holds), events.",
    "survival": "Survival: share of replications not ruptured by each month, Wilson 95% band, censoring at the horizon.",
    "hold_curve": "P(holds) at every rupture threshold (same duration), the configured threshold marked.",
    "trust_network": "Median trust at the horizon (row trusts column), actors grouped by bloc.",
}


def run_report(results: Results, info: dict, figures: Sequence[str], resolved: str, folder: Path | None = None) -> str:
    """The HTML of a run's ``report.html`` in ``folder`` (``figures``: stems present in ``figures/``)."""
    s = results.summary()
    landscape = s["blocs"]["landscape"]
    blocs = "".join(f"<li>{esc(label)}: {esc(' vs '.join('{' + ', '.join(g) + '}' for g in groups))}</li>" for label, groups in (
        (f"landscape, modal partition ({landscape['share']:.0%} of replications)", landscape["groups"]),
        ("size-weighted eigenvector of the mean signed relations", s["blocs"]["eigenvector"]["groups"])))
    questions = "".join(f"<li><b>{esc(name)}</b>: {esc(info_.question)}</li>"
                        for name, info_ in results.config.scenarios.items() if info_.question)
    parts = [
        f"<h1>{esc(results.scenario)}</h1>",
        f'<p class="lead">alliance-sim run report · {esc(s["version"])}</p>',
        f"<ul>{questions}</ul>" if questions else "",
        "<h2>Outcome</h2>", table(["", ""], headline_rows(results), css_class="headline"),
        f"<p>Final blocs (from the signed median trust network):</p><ul>{blocs}</ul>",
        "<h2>Figures</h2>",
        *(figure_html(f"figures/{stem}.png", FIGURE_CAPTIONS.get(stem, stem), f"figures/{stem}.pdf", folder)
          for stem in figures),
        "<h2>P(holds) of every pair</h2>", pair_matrix(results),
        "<h2>Events</h2>", events_table(results),
        "<h2>Configuration</h2>",
        f"<p>Overrides as typed: <code>{esc(' '.join(info.get('overrides', [])) or '(none)')}</code></p>",
        details("config.resolved.yaml (every default filled in)", f"<pre>{esc(resolved)}</pre>"),
        "<h2>Provenance of the parameters</h2>", provenance_table(results.config),
        "<h2>How this run was made</h2>", info_table(info),
    ]
    return page(f"{results.scenario}: alliance-sim report", "\n".join(p for p in parts if p))
