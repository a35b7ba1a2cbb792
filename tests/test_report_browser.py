"""The report in a real headless Chromium, opened from file:// with nothing allowed off the folder.

Skipped only when /usr/bin/chromium is missing and TRACKER_REQUIRE_BROWSER is unset (CI sets
it once it has installed Chromium, so there a missing browser fails the test).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from test_report import RENDERED, crawl_and_match, expected_headlines, export, fixture_parties, fixture_settings, render

from tracker.config import Settings
from tracker.report import ReportResult
from tracker.report.render import NAV

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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ReportResult]:
    settings = fixture_settings(tmp_path_factory.mktemp("browser"), fixture_parties())
    crawl_and_match(settings)
    return settings, render(settings)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _browser_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("TRACKER_REQUIRE_BROWSER"):
            raise
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Tab:
    """One page in its own context, recording console errors (a CSP violation is one) and every request."""

    def __init__(self, browser: Any, *, width: int = 1280, javascript: bool = True) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript,
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: Path, fragment: str = "") -> Any:
        self.page.goto(path.resolve().as_uri() + (f"#{fragment}" if fragment else ""))
        self.page.wait_for_load_state("load")
        return self.page

    def close(self) -> None:
        self.context.close()
        assert not self.errors, self.errors


def visible_rows(page: Any, table: str) -> list[list[str]]:
    """The text of each visible row's cells in a table enhanced by tables.js."""
    return page.evaluate(
        """id => Array.from(document.querySelectorAll(`[data-table="${id}"] tbody tr`))
               .filter(tr => !tr.hidden).map(tr => Array.from(tr.cells).map(td => td.innerText.trim()))""",
        table,
    )


def column(page: Any, table: str, key: str) -> int:
    return page.evaluate(
        """([id, key]) => Array.from(document.querySelectorAll(`[data-table="${id}"] thead th`))
               .findIndex(th => th.dataset.key === key)""",
        [table, key],
    )


def test_the_report_opens_offline_in_chromium(site, browser) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    expected = expected_headlines(export(settings), as_of=RENDERED.date())
    folder = result.out_dir.resolve()
    tab = Tab(browser)
    page = tab.open(result.index)
    card = page.locator('[data-metric="median-lag"]')
    assert card.is_visible()
    assert float(card.get_attribute("data-value") or "nan") == expected["median-lag"]
    assert f"{expected['median-lag']:.0f} days" in card.inner_text()
    assert page.locator('[data-metric="pressure"] .value').inner_text() == f"{expected['pressure'] * 100:.0f}%"
    assert page.locator("svg.chart").count() >= 4 and page.locator("table.dot-matrix .swatch").count() >= 5
    assert page.locator("svg.chart").first.is_visible()
    assert page.locator("svg.chart title").first.text_content()
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")  # the CSS loaded
    page.screenshot(path=str(ARTIFACTS / "report-overview.png"), full_page=True)

    page.locator("table a[href^='feature/']").first.click()
    page.wait_for_load_state("load")
    assert page.locator(".party-block").count() >= 1 and page.locator("svg.chart").count() == 1
    page.screenshot(path=str(ARTIFACTS / "report-feature.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    for name in ("index.html", "features.html", "head-to-head.html", "new.html"):
        tab.open(result.out_dir / name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} scrolls sideways on a phone"
    tab.close()  # no console error, so no Content-Security-Policy violation either
    assert tab.requests
    for url in tab.requests:
        parts = urlsplit(url)
        assert parts.scheme in ("file", "blob"), url
        if parts.scheme == "file":
            assert Path(unquote(parts.path)).resolve().is_relative_to(folder), url


def test_a_table_can_be_searched_sorted_filtered_and_shared(site, browser) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    records = export(settings)
    tab = Tab(browser)
    page = tab.open(result.out_dir / "features.html")
    assert len(visible_rows(page, "features")) == len(records)
    name = column(page, "features", "feature")

    page.get_by_placeholder("Search features").fill("cach")
    rows = visible_rows(page, "features")
    assert [r[name] for r in rows] == ["Prompt caching"]

    page.get_by_placeholder("Search features").fill("")
    parties = column(page, "features", "parties")
    page.locator('[data-table="features"] th[data-key="parties"] button').click()  # a number sorts largest first
    shown = [int(r[parties]) for r in visible_rows(page, "features")]
    assert shown == sorted((len(r["parties"]) for r in records), reverse=True)
    assert page.locator('[data-table="features"] th[data-key="parties"]').get_attribute("aria-sort") == "descending"

    page.select_option('[data-table="features"] select[data-filter="category"]', "llm-api")
    rows = visible_rows(page, "features")
    wanted = sorted((r for r in records if r["category"] == "llm-api"), key=lambda r: -len(r["parties"]))
    assert [int(r[parties]) for r in rows] == [len(r["parties"]) for r in wanted]
    assert {r[name] for r in rows} == {r["name"] for r in wanted}

    page.select_option('[data-table="features"] select[data-filter="party"]', "Bolt Cloud")  # shipped by, not first
    rows = visible_rows(page, "features")
    assert {r[name] for r in rows} == {r["name"] for r in wanted if "Bolt Cloud" in [p["party"] for p in r["parties"]]}
    assert "2 of 8 rows match" in page.locator('[data-table="features"] .dt-count').inner_text()

    page.locator('[data-table="features"] input[aria-label="From date"]').fill("2025-03-01")
    from_rows = visible_rows(page, "features")
    assert [r[name] for r in from_rows] == ["Batch inference API"]  # prompt caching was first seen on 2025-01-10

    shared = page.url  # the view lives in the address: open it again and it is the same
    assert "features.category=llm-api" in shared and "features.sort=parties" in shared
    again = Tab(browser)
    assert visible_rows(again.open(Path(unquote(urlsplit(shared).path)), urlsplit(shared).fragment), "features") \
        == from_rows
    again.close()

    page.locator('[data-table="features"] .dt-reset').click()
    assert len(visible_rows(page, "features")) == len(records) and "#" not in page.url
    tab.close()


def test_downloads_hold_exactly_the_rows_shown(site, browser) -> None:  # type: ignore[no-untyped-def]
    _, result = site
    tab = Tab(browser)
    page = tab.open(result.out_dir / "features.html", "features.category=llm-api&features.sort=feature")
    shown = visible_rows(page, "features")
    name = column(page, "features", "feature")
    with page.expect_download() as csv_download:
        page.locator('[data-table="features"] button[data-download="csv"]').click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
    assert [r["feature"] for r in rows] == [r[name] for r in shown] == sorted(r[name] for r in shown)
    with page.expect_download() as json_download:
        page.locator('[data-table="features"] button[data-download="json"]').click()
    records = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert [r["feature"] for r in records] == [r["feature"] for r in rows]
    assert all(isinstance(r["parties"], int | float) and r["category"] == "llm-api" for r in records)
    assert json_download.value.suggested_filename == "features.json"
    tab.close()


def test_without_javascript_every_row_is_there(site, browser) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    records = export(settings)
    tab = Tab(browser, javascript=False)
    page = tab.open(result.out_dir / "features.html")
    assert page.locator('[data-table="features"] tbody tr:visible').count() == len(records)
    assert page.locator(".dt-bar").count() == 0  # no controls that would do nothing
    page = tab.open(result.out_dir / "new.html")
    copies = sum(len(r["parties"]) - 1 for r in records)
    assert page.locator('[data-table="copies"] tbody tr:visible').count() == copies
    tab.close()


def test_a_head_to_head_cell_shows_the_features_behind_it(site, browser) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    records = export(settings)
    behind = sorted(r["name"] for r in records
                    if r["parties"][0]["party"] == "Cirrus" and "Bolt Cloud" in [p["party"] for p in r["parties"]])
    assert len(behind) == 2
    tab = Tab(browser)
    page = tab.open(result.out_dir / "head-to-head.html")
    matrix = page.locator('table.h2h-matrix[data-matrix="all"]')
    row = matrix.locator("tbody tr", has=page.locator("th", has_text="Bolt Cloud"))
    cell = row.locator("td.cell a[data-hash*='Cirrus']")
    assert cell.locator("b").inner_text() == "2"
    cell.click()
    # the click sets the URL hash; the table filters on the "hashchange" event, which comes a moment later
    page.wait_for_function(
        """n => location.hash.includes("pairs.leader=Cirrus") && Array.from(
               document.querySelectorAll('[data-table="pairs"] tbody tr')).filter(tr => !tr.hidden).length === n""",
        arg=len(behind), timeout=10_000,
    )
    feature = column(page, "pairs", "feature")
    assert sorted(r[feature] for r in visible_rows(page, "pairs")) == behind
    assert "pairs.leader=Cirrus" in page.url
    page.locator('label[for="h2h-recent"]').click()  # the last-12-months view, no script needed
    assert page.locator('table.h2h-matrix[data-matrix="recent"]').is_visible() and not matrix.is_visible()
    tab.close()


def test_every_nav_item_is_reachable_on_a_phone(site, browser) -> None:  # type: ignore[no-untyped-def]
    _, result = site
    tab = Tab(browser, width=390)
    page = tab.open(result.out_dir / "features.html")
    links = page.locator("header nav a")
    assert links.count() == len(NAV)
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and links.nth(i).is_visible()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (links.nth(i).inner_text(), box)  # on screen, no scroll
    page.screenshot(path=str(ARTIFACTS / "report-phone-nav.png"))
    for name, box in (("index.html", "table.dot-matrix"), ("head-to-head.html", 'table.h2h-matrix[data-matrix="all"]')):
        tab.open(result.out_dir / name)  # a wide matrix scrolls in its own box; its first column stays in view
        wrap = page.locator(box).locator("xpath=..")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        first = page.locator(f"{box} tbody th").first
        # the fixture's matrices are small: narrow the box until it must scroll, as a long one does on a phone
        wrap.evaluate("e => { e.style.width = (e.querySelector('tbody th').offsetWidth + 40) + 'px'; }")
        before = first.bounding_box()
        wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        assert wrap.evaluate("e => e.scrollLeft") > 0, name
        after = first.bounding_box()
        assert before and after and abs(after["x"] - before["x"]) < 1, name
    page = tab.open(result.out_dir / "features.html")
    page.locator("header nav a", has_text="Head to head").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("head-to-head.html")
    tab.close()
