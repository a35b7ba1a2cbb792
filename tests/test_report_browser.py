"""The report in a real headless Chromium, opened from file:// with nothing allowed off the folder.

Skipped only when /usr/bin/chromium is missing and TRACKER_REQUIRE_BROWSER is unset (CI sets
it once it has installed Chromium, so there a missing browser fails the test).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_report import RENDERED, crawl_and_match, expected_headlines, export, fixture_parties, fixture_settings, render

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _browser_or_skip() -> None:
    if CHROMIUM.exists() and shutil.which(str(CHROMIUM)):
        return
    if os.environ.get("TRACKER_REQUIRE_BROWSER"):
        pytest.fail(f"TRACKER_REQUIRE_BROWSER is set but {CHROMIUM} is missing; apt-get install -y chromium")
    pytest.skip(f"{CHROMIUM} is not installed")


def test_the_report_opens_offline_in_chromium(tmp_path: Path) -> None:
    _browser_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("TRACKER_REQUIRE_BROWSER"):
            raise
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    settings = fixture_settings(tmp_path, fixture_parties())
    crawl_and_match(settings)
    result = render(settings)
    expected = expected_headlines(export(settings), as_of=RENDERED.date())
    folder = result.out_dir.resolve()
    requests: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(result.index.resolve().as_uri())
            page.wait_for_load_state("load")

            card = page.locator('[data-metric="median-lag"]')
            assert card.is_visible()
            assert float(card.get_attribute("data-value") or "nan") == expected["median-lag"]
            assert f"{expected['median-lag']:.0f} days" in card.inner_text()
            assert page.locator('[data-metric="pressure"] .value').inner_text() == f"{expected['pressure'] * 100:.0f}%"
            assert page.locator("svg.chart").count() >= 5
            assert page.locator("svg.chart").first.is_visible()
            assert page.locator("svg.chart title").first.text_content()
            assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")  # the CSS loaded
            page.screenshot(path=str(ARTIFACTS / "report-overview.png"), full_page=True)

            page.locator("table a[href^='feature/']").first.click()
            page.wait_for_load_state("load")
            assert page.locator(".party-block").count() >= 1 and page.locator("svg.chart").count() == 1
            page.screenshot(path=str(ARTIFACTS / "report-feature.png"), full_page=True)

            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(result.index.resolve().as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, "the page scrolls sideways on a phone"
            page.screenshot(path=str(ARTIFACTS / "report-phone.png"), full_page=True)
        finally:
            browser.close()

    assert not errors, errors  # e.g. a Content-Security-Policy violation
    assert requests
    for url in requests:
        parts = urlsplit(url)
        assert parts.scheme == "file", url
        assert Path(unquote(parts.path)).resolve().is_relative_to(folder), url
