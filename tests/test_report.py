"""``report.html`` of a run and of a comparison, opened in a real headless Chromium.

The page is copied with its folder and a probe script is appended that, once the page has
loaded, writes every ``<img>``'s ``naturalWidth`` into the DOM; ``chromium --dump-dom``
returns it. A copy with one figure removed must be caught (the check can fail). In CI
(``CI`` set) Chromium must be there; elsewhere the browser tests skip without it.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sim.report import FIGURE_CAPTIONS

from tests.conftest import run_cli

PROBE = """<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  const result = {
    images: images.map(i => ({src: i.getAttribute("src"), width: i.naturalWidth, complete: i.complete})),
    tables: document.querySelectorAll("table").length,
  };
  const out = document.createElement("pre");
  out.id = "figure-check";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>
"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("CI: headless Chromium is required (Debian: apt-get install -y chromium)")
    pytest.skip("no chromium on this machine")


def open_in_browser(page: Path) -> dict:
    """Load ``page`` (a copy with the probe appended) in headless Chromium; the probe's result."""
    probe = page.with_name(".probe-" + page.name)
    probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        proc = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
            capture_output=True, text=True, timeout=180)
    match = re.search(r'<pre id="figure-check">(.*?)</pre>', proc.stdout, re.S)
    assert match, f"the probe did not run (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(html.unescape(match.group(1)))


def assert_figures_load(result: dict, expected: int) -> None:
    assert len(result["images"]) == expected, result
    broken = [i["src"] for i in result["images"] if not (i["complete"] and i["width"] > 100)]
    assert broken == [], f"figures that did not load: {broken}"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("report-run")
    proc = run_cli(["scenario=ukraine_ceasefire", "replications=40", "horizon_months=18", "hydra.run.dir=out"], cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return cwd / "out"


def test_run_report_holds_numbers_configuration_and_provenance(run_dir):
    text = (run_dir / "report.html").read_text()
    summary = json.loads((run_dir / "summary.json").read_text())
    assert f"{summary['p_hold']:.3f}" in text and "95% CI" in text
    assert "config.resolved.yaml" in text and html.escape("horizon_months: 18") in text
    assert "Provenance of the parameters" in text and "relations.RUS.CHN.counterintelligence" in text
    assert "F1: " in text  # the facts behind a parameter
    assert json.loads((run_dir / "run.json").read_text())["versions"]["numba"] in text
    assert "<script" not in text  # a static page


def test_run_report_figures_load_in_chromium(run_dir, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    result = open_in_browser(copy / "report.html")
    assert_figures_load(result, expected=len(FIGURE_CAPTIONS))
    assert result["tables"] >= 5


def test_a_missing_figure_is_caught(run_dir, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    (copy / "figures" / "survival.png").unlink()
    result = open_in_browser(copy / "report.html")
    broken = [i["src"] for i in result["images"] if not i["width"]]
    assert broken == ["figures/survival.png"]


def test_comparison_report_figures_load_in_chromium(run_dir, tmp_path):
    second = tmp_path / "second"
    proc = run_cli(["scenario=us_russia_reset", "replications=40", "horizon_months=18", "hydra.run.dir=" + str(second)],
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    from analysis import compare

    out = tmp_path / "cmp"
    compare([run_dir, second], out=out)
    text = (out / "report.html").read_text()
    assert "ukraine_ceasefire" in text and "us_russia_reset" in text and "ΔP(holds)" in text
    assert 'href="../' in text or 'href="' in text  # links to the runs' own reports
    result = open_in_browser(out / "report.html")
    assert_figures_load(result, expected=4)
