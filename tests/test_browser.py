"""The roadmap report in a real headless browser: every chart loads, nothing logs an error, no chart
and no panel of a chart is empty.

Needs Playwright for Python and a Chromium executable (the system one, e.g. Debian's `chromium`
package; `playwright install` is not needed); skipped without either.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from test_charts import Spy, has_data  # noqa: E402

from planner.paths import project_paths  # noqa: E402
from planner.results.report import make_report  # noqa: E402
from planner.run import run  # noqa: E402


def chromium() -> str | None:
    """A Chromium executable: $CHROMIUM, /usr/bin/chromium or one on the PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium executable")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Per image: loaded, its natural size, and (drawn on a canvas, every 3rd pixel each way) how many
# distinct colours it has and what share of it is not white.
IMAGES_JS = """() => Array.from(document.images).map(img => {
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  let colours = 0, ink = 0, seen = 0;
  if (img.complete && img.naturalWidth > 0) {
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const set = new Set();
    for (let y = 0; y < c.height; y += 3) for (let x = 0; x < c.width; x += 3) {
      const i = 4 * (y * c.width + x);
      set.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      seen += 1;
      if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink += 1;
    }
    colours = set.size;
  }
  return {alt: img.alt, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
          colours: colours, ink: seen ? ink / seen : 0};
})"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The report of the shipped cement run (default scenario), and the figures its charts were drawn from."""
    out = tmp_path_factory.mktemp("browser")
    folder = run(["cement"], "default", out, project_paths(), xlsx=False).folder
    with pytest.MonkeyPatch.context() as mp:
        spy = Spy(mp)
        rep = make_report(folder)
    return rep, spy.figures


@pytest.fixture(scope="module")
def page_images(report):
    """What the browser saw: the images of report.html and the errors it logged."""
    rep, _ = report
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(f"page: {e}"))
            page.on("requestfailed", lambda r: errors.append(f"request: {r.url[:80]}"))
            page.goto(rep.html.as_uri(), wait_until="load")
            page.wait_for_function("() => Array.from(document.images).every(i => i.complete)", timeout=30_000)
            images = page.evaluate(IMAGES_JS)
        finally:
            browser.close()
    return images, errors


def test_every_chart_loads_in_the_browser(report, page_images):
    rep, _ = report
    images, _ = page_images
    assert len(images) == len(rep.charts) >= 9
    for img in images:
        assert img["complete"] and img["width"] > 200 and img["height"] > 150, img["alt"]


def test_the_browser_logs_no_error(page_images):
    _, errors = page_images
    assert errors == []


def test_no_chart_is_blank(page_images):
    images, _ = page_images
    for img in images:
        assert img["colours"] >= 16 and img["ink"] > 0.02, img


def test_no_panel_of_a_chart_is_empty(report):
    rep, figures = report
    assert set(rep.charts) <= set(figures)
    for name, fig in figures.items():
        empty = [ax.get_title() for ax in fig.axes if ax.get_visible() and not has_data(ax)]
        assert empty == [], name
