"""The HTML report end to end: fixture changelogs crawled from a mirror, matched, rendered, and read back."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import statistics
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import fixed_clock, party, source
from survivalkit import first_copy_observations, km_median

from tracker.catalog import db
from tracker import pipeline
from tracker.config import PartyConfig, Settings
from tracker.errors import ReportError
from tracker.evidence import evidence_url
from tracker.export import features_json
from tracker.report import ReportResult, render_report
from tracker.report.slugs import SlugBook, slugify

FIXTURES = Path(__file__).parent / "fixtures" / "report"
TAXONOMY = FIXTURES / "taxonomy.toml"
CRAWLED = dt.datetime(2026, 6, 1, 6, 0)
RENDERED = dt.datetime(2026, 6, 1, 7, 0)
HEADLINES = ("time-to-first-copy", "copied", "median-lag", "commoditized-share", "incumbent-catch-up", "pressure",
             "time-to-commodity")
# At k = 3 "commoditized within the window" is the pressure index by another name: the overview shows one card.
CARDS = tuple(h for h in HEADLINES if h != "commoditized-share")


def fixture_parties() -> tuple[PartyConfig, ...]:
    return (
        party("Acme", source("acme", "https://acme.test/CHANGELOG.md"), category="llm-observability"),
        party("Bolt Cloud", source("bolt", "https://bolt.test/CHANGELOG.md"), kind="incumbent",
              category="cloud-ml-platform"),
        party("Cirrus", source("cirrus", "https://cirrus.test/CHANGELOG.md"), kind="vendor", category="llm-api"),
        party("Dynamo", source("dynamo", "https://raw.githubusercontent.com/dynamo-ai/dynamo/HEAD/CHANGELOG.md"),
              category="gateway"),
        party("Ember", source("ember", "https://ember.test/CHANGELOG.md"), kind="oss", category="evaluation"),
    )


def fixture_settings(tmp: Path, parties: tuple[PartyConfig, ...], mirror: Path = FIXTURES / "mirror") -> Settings:
    settings = Settings(db_path=tmp / "catalog.db", report_dir=tmp / "reports", mirror=mirror, parties=parties)
    return replace(settings, match=replace(settings.match, taxonomy=TAXONOMY))


def crawl_and_match(settings: Settings, when: dt.datetime = CRAWLED) -> None:
    pipeline.run_crawl(settings, now=fixed_clock(when))
    with db.connect(settings.db_path, write=True) as conn:
        pipeline.match_catalog(conn, settings, now=fixed_clock(when))


def render(settings: Settings, when: dt.datetime = RENDERED, out_dir: Path | None = None) -> ReportResult:
    with db.connect(settings.db_path, write=True) as conn:
        return render_report(conn, settings, out_dir=out_dir, now=when)


def export(settings: Settings) -> list[dict[str, Any]]:
    with db.connect(settings.db_path, write=True) as conn:
        return features_json(pipeline.timelines(conn))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# --------------------------------------------------------------------------- the headline numbers, independently


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def expected_headlines(records: list[dict[str, Any]], *, as_of: dt.date, k: int = 3, window: int = 90) -> dict[str, Any]:
    """The overview's numbers recomputed from `tracker export features` JSON, following the README definitions."""
    day = dt.date.fromisoformat
    lags, ttcs, catch_ups = [], [], []
    judged = commoditized = pressured = copied = 0
    for rec in records:
        first = rec["parties"][0]
        rivals = [p for p in rec["parties"][1:] if p["role"] == first["role"] and p["status"] != "same_company"]
        copiers = sorted((p for p in rivals if p["status"] == "copied"), key=lambda p: p["lag_days"])
        copied += bool(rivals)
        lags += [p["lag_days"] for p in copiers]
        dated = rec["first_mover_dated"]
        arrivals = [0] + [p["lag_days"] for p in copiers]
        ttc = arrivals[k - 1] if dated and len(arrivals) >= k else None
        if ttc is not None:
            ttcs.append(ttc)
        if first["kind"] == "startup" and dated:
            incumbents = [p["lag_days"] for p in copiers if p["kind"] == "incumbent"]
            if incumbents:
                catch_ups.append(min(incumbents))
        if dated and (as_of - day(rec["first_seen"])).days >= window:
            judged += 1
            commoditized += ttc is not None and ttc <= window
            pressured += sum(1 for p in copiers if p["lag_days"] <= window) >= 2
    return {
        "features": len(records),
        "copied": copied,
        "median-lag": _median(lags),
        "commoditized-share": commoditized / judged if judged else None,
        "incumbent-catch-up": _median(catch_ups),
        "pressure": pressured / judged if judged else None,
        "time-to-commodity": _median(ttcs),
        "time-to-first-copy": km_median(first_copy_observations(records, as_of)),
    }


def expected_counted(records: list[dict[str, Any]], *, as_of: dt.date, k: int = 3, window: int = 90) -> dict[str, set[str]]:
    """For each headline card, the ids of the features it counts, recomputed from the export by the README's rules."""
    day = dt.date.fromisoformat
    counted: dict[str, set[str]] = {key: set() for key in HEADLINES}
    counted["time-to-first-copy"] = set()
    for rec in records:
        first = rec["parties"][0]
        rivals = [p for p in rec["parties"][1:] if p["role"] == first["role"] and p["status"] != "same_company"]
        lags = sorted(p["lag_days"] for p in rivals if p["status"] == "copied")
        incumbents = [p for p in rivals if p["status"] == "copied" and p["kind"] == "incumbent"]
        dated, key = rec["first_mover_dated"], rec["id"]
        arrivals = [0] + lags
        ttc = arrivals[k - 1] if dated and len(arrivals) >= k else None
        judged = dated and (as_of - day(rec["first_seen"])).days >= window
        checks = {
            "copied": bool(rivals), "median-lag": bool(lags), "time-to-commodity": ttc is not None,
            "commoditized-share": judged and ttc is not None and ttc <= window,
            "pressure": judged and sum(1 for lag in lags if lag <= window) >= 2,
            "incumbent-catch-up": dated and first["kind"] == "startup" and bool(incumbents),
            "time-to-first-copy": dated and (bool(lags) or not rivals) and (as_of - day(rec["first_seen"])).days >= 0,
        }
        for metric, hit in checks.items():
            if hit:
                counted[metric].add(key)
    return counted


def assert_evidence_lists_what_each_card_counts(index: Path, records: list[dict[str, Any]], expected: dict[str, set[str]]) -> None:
    keys = SlugBook(r["id"] for r in records)
    by_slug = {f"feature/{keys[r['id']]}.html": r["id"] for r in records}
    page = soup(index)
    for metric, ids in expected.items():
        if metric not in CARDS:
            continue
        (card,) = page.select(f'.card[data-metric="{metric}"]')
        evidence = index.parent / card.select_one(".ev a")["href"]
        rows = soup(evidence).select("tbody tr.counted")
        listed = {by_slug[a["href"].removeprefix("../")] for tr in rows for a in tr.select("td:first-child a")}
        assert listed == ids, metric
        assert len(rows) == len(ids), metric  # each counted feature is listed once


def catalog_as_of(settings: Settings) -> dt.date:
    """The newest dated entry: the day the report computes everything as of."""
    from tracker.catalog import db, queries

    with db.connect(settings.db_path) as conn:
        newest = queries.newest_dated_entry(conn)
    assert newest is not None
    return newest


def shown_headlines(index: Path) -> dict[str, Any]:
    page = soup(index)
    shown: dict[str, Any] = {}
    for key in ("features", *CARDS):
        (element,) = page.select(f'[data-metric="{key}"]')
        raw = element["data-value"]
        shown[key] = None if raw == "" else (int(raw) if key in ("features", "copied") else float(raw))
    return shown


def assert_same_numbers(shown: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        if key not in shown:
            continue
        if value is None or isinstance(value, int):
            assert shown[key] == value, key
        else:
            assert shown[key] == pytest.approx(value), key


# --------------------------------------------------------------------------- one rendered fixture report


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, ReportResult]]:
    tmp = tmp_path_factory.mktemp("report")
    settings = fixture_settings(tmp, fixture_parties())
    crawl_and_match(settings)
    yield settings, render(settings)


def test_the_report_has_every_page(site) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    out = result.out_dir
    records = export(settings)
    assert result.index == out / "index.html" and result.index.is_file()
    for name in ("new.html", "features.html", "parties.html", "categories.html", "method.html", "report.css"):
        assert (out / name).is_file(), name
    keys = SlugBook(r["id"] for r in records)
    for rec in records:
        assert (out / "feature" / f"{keys[rec['id']]}.html").is_file()
    for name in ("Acme", "Bolt Cloud", "Cirrus", "Dynamo", "Ember"):
        assert (out / "party" / f"{slugify(name)}.html").is_file()
    for category in {r["category"] for r in records}:
        assert (out / "category" / f"{slugify(category)}.html").is_file()
    html_files = list(out.rglob("*.html"))
    assert result.pages == len(html_files)
    assert result.bytes == sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert result.new_features == len(records)  # first report: everything is new


def test_the_site_is_the_same_whether_helper_processes_render_or_not(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The fits and half of the pages are made in forked children where that is safe; the bytes must
    not depend on it. With another thread running, nothing is forked and this process does it all."""
    settings, _ = site
    with db.connect(settings.db_path) as conn:
        helped = render_report(conn, settings, out_dir=tmp_path / "helped", now=RENDERED)
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        try:
            alone = render_report(conn, settings, out_dir=tmp_path / "alone", now=RENDERED)
        finally:
            stop.set()
            other.join()
    files = sorted(p.relative_to(helped.out_dir) for p in helped.out_dir.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(alone.out_dir) for p in alone.out_dir.rglob("*") if p.is_file())
    assert len(files) > 10
    assert all((helped.out_dir / f).read_bytes() == (alone.out_dir / f).read_bytes() for f in files)


def test_a_new_report_keeps_the_one_it_replaced_and_drops_the_one_before(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, _ = site
    out = tmp_path / "reports"
    with db.connect(settings.db_path) as conn:
        for day in (1, 2, 3):
            render_report(conn, settings, out_dir=out, now=RENDERED.replace(day=day))
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reports.previous", "reports"]
    kept = (tmp_path / ".reports.previous" / "index.html").read_text(encoding="utf-8")
    latest = (out / "index.html").read_text(encoding="utf-8")
    assert kept == latest.replace(f"{RENDERED:%Y-%m}-03", f"{RENDERED:%Y-%m}-02") != latest


def test_a_page_that_fails_to_render_leaves_the_previous_report_and_no_staging_folder(
        site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import tracker.report.site as site_module

    settings, _ = site
    out = tmp_path / "reports"
    with db.connect(settings.db_path) as conn:
        render_report(conn, settings, out_dir=out, now=RENDERED)
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        real = site_module.render_page

        def failing(page, params, has_nav=True):  # type: ignore[no-untyped-def]
            if page.path.startswith("party/"):  # rendered late, by this process or the page worker
                raise RuntimeError("template broke")
            return real(page, params, has_nav=has_nav)

        monkeypatch.setattr(site_module, "render_page", failing)
        with pytest.raises(RuntimeError, match="template broke"):
            render_report(conn, settings, out_dir=out, now=RENDERED.replace(day=2))
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_overview_numbers_equal_the_export(site) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    records = export(settings)
    expected = expected_headlines(records, as_of=catalog_as_of(settings))
    assert expected["time-to-first-copy"] is not None
    assert expected["copied"] >= 3 and expected["median-lag"] is not None and expected["pressure"] is not None
    assert expected["incumbent-catch-up"] is not None
    assert_same_numbers(shown_headlines(result.index), expected)
    # each card says something different: at k = 3 commoditized-within-the-window equals pressure, so one card
    page = soup(result.index)
    assert expected["commoditized-share"] == expected["pressure"] and not page.select('[data-metric="commoditized-share"]')
    assert "also the share commoditized within 90 days" in page.select_one('.card[data-metric="pressure"]').get_text()
    values = [(c.select_one(".value").get_text(), c.select_one(".detail").get_text()) for c in page.select(".cards .card")]
    assert len(values) == len(set(values)) == len(CARDS)


def test_each_evidence_page_lists_exactly_the_features_its_card_counts(site) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    records = export(settings)
    expected = expected_counted(records, as_of=catalog_as_of(settings))
    assert all(expected[m] for m in ("copied", "median-lag", "incumbent-catch-up", "time-to-first-copy"))
    assert_evidence_lists_what_each_card_counts(result.index, records, expected)


def test_each_number_explains_itself_and_links_its_evidence(site) -> None:  # type: ignore[no-untyped-def]
    _, result = site
    page = soup(result.index)
    for key in CARDS:
        (card,) = page.select(f'.card[data-metric="{key}"]')
        assert "How:" in card.get_text()
        evidence = result.out_dir / card.select_one(".ev a")["href"]
        listed = soup(evidence)
        assert listed.select(f'[data-metric="{key}"]')[0]["data-value"] == card["data-value"]
        links = [a["href"] for a in listed.select("tbody a")]
        assert links and all((evidence.parent / href).resolve().is_file() for href in links)


def test_every_feature_page_links_the_evidence_of_its_mentions(site) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    records = export(settings)
    keys = SlugBook(r["id"] for r in records)
    github_links = 0
    for rec in records:
        page = soup(result.out_dir / "feature" / f"{keys[rec['id']]}.html")
        hrefs = {a["href"] for a in page.select("a.evidence")}
        text = page.get_text()
        for p in rec["parties"]:
            for m in p["mentions"]:
                assert m["evidence_url"] in hrefs
                assert m["text"] in text
                github_links += m["evidence_url"].startswith("https://github.com/dynamo-ai/dynamo/blob/HEAD/CHANGELOG.md#L")
    assert github_links >= 3


def test_evidence_links_pin_the_fetched_commit_when_it_is_known(tmp_path: Path) -> None:
    settings = fixture_settings(tmp_path, fixture_parties())
    crawl_and_match(settings)
    dynamo = "https://raw.githubusercontent.com/dynamo-ai/dynamo/HEAD/CHANGELOG.md"
    commit = "0123456789abcdef0123456789abcdef01234567"
    before = render(settings, out_dir=tmp_path / "before")
    page = soup(before.out_dir / "feature" / "prompt-caching.html")
    heads = [li for li in page.select("ul.mentions li") if "dynamo-ai/dynamo/blob/HEAD/" in str(li)]
    assert heads and all("line may have moved" in li.get_text() for li in heads)  # honest: no commit known
    with sqlite3.connect(settings.db_path) as conn:  # what the fetch layer records when the server names its commit
        conn.execute("UPDATE fetch SET revision = ? WHERE url = ?", (commit, dynamo))
    result = render(settings)
    records = export(settings)
    keys = SlugBook(r["id"] for r in records)
    pinned = drifting = 0
    for rec in records:
        page = soup(result.out_dir / "feature" / f"{keys[rec['id']]}.html")
        for item in page.select("ul.mentions li"):
            link = item.select_one("a.evidence")
            assert item["id"].startswith("e") and item.select_one("a.anchor")["href"] == f"#{item['id']}"
            assert "fetched 2026-06-01" in item.get_text()  # the stable record: the quoted line and its fetch date
            if link and "dynamo-ai" in link["href"]:
                assert link["href"].startswith(f"https://github.com/dynamo-ai/dynamo/blob/{commit}/CHANGELOG.md#L")
                assert "at the fetched commit" in item.get_text()
                pinned += 1
            elif link and "#L" in link["href"]:
                drifting += 1
    assert pinned >= 3
    assert drifting == 0  # the fixture's other sources are not GitHub files: their links carry no line number
    assert evidence_url(dynamo, 7, revision="blob:" + commit) == (
        "https://github.com/dynamo-ai/dynamo/blob/HEAD/CHANGELOG.md#L7")  # a blob sha is no ref: not pinned


def test_undated_mentions_are_flagged_never_shown_as_exact(site) -> None:  # type: ignore[no-untyped-def]
    settings, result = site
    ember = [(r, p) for r in export(settings) for p in r["parties"] if p["party"] == "Ember"]
    assert ember and all(p["estimated"] for _, p in ember)
    keys = SlugBook(r["id"] for r, _ in ember)
    for rec, _ in ember:
        page = soup(result.out_dir / "feature" / f"{keys[rec['id']]}.html")
        block = next(b for b in page.select(".party-block") if "Ember" in b.select_one("h3").get_text())
        assert "first seen by the crawler" in block.get_text()
        assert "≈" in block.select_one(".when").get_text()


def test_party_page_shows_pioneered_copied_and_cadence(site) -> None:  # type: ignore[no-untyped-def]
    _, result = site
    page = soup(result.out_dir / "party" / "bolt-cloud.html")
    text = page.get_text(" ")
    assert "Pioneered" in text and "Copied" in text and "Release cadence" in text
    assert page.select('[data-metric="median-release-gap"]')[0]["data-value"] != ""
    assert page.select("svg title")


def test_party_pages_say_who_copies_them_and_whom_they_copy(site) -> None:  # type: ignore[no-untyped-def]
    _, result = site
    page = soup(result.out_dir / "party" / "bolt-cloud.html")
    copies_from = page.select_one("#copies-from").find_parent(class_="panel")
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in copies_from.select("tbody tr")]
    assert rows == [["Cirrus", "2", "42", "2"], ["Dynamo", "1", "40", "1"], ["Acme", "1", "120", "0"]]
    link = copies_from.select_one("tbody a[href*='head-to-head.html#']")["href"]
    assert "pairs.leader=Cirrus" in link and "pairs.follower=Bolt+Cloud" in link
    copied_by = page.select_one("#copied-by").find_parent(class_="panel")
    assert "Nobody has copied a feature it shipped first." in copied_by.get_text()


def test_charts_are_svg_with_titles_and_axis_labels(site) -> None:  # type: ignore[no-untyped-def]
    _, result = site
    page = soup(result.index)
    charts = page.select("svg.chart")
    assert len(charts) >= 4 and page.select_one("table.dot-matrix caption").get_text().strip()
    for chart in charts:
        assert chart.find("title") is not None and chart.find("title").get_text().strip()
    assert page.select("svg.chart .axis-label")


def test_the_site_uses_no_network_and_only_safe_file_names(site) -> None:  # type: ignore[no-untyped-def]
    _, result = site
    for path in result.out_dir.rglob("*.html"):
        page = soup(path)
        for script in page.find_all("script"):  # only the report's own file: nothing inline, nothing remote
            assert script.get("src", "").endswith("tables.js") and not script.get_text().strip(), (path, script)
            assert (path.parent / script["src"]).resolve() == (result.out_dir / "tables.js").resolve()
        csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
        for tag in page.find_all(["link", "img", "iframe", "object", "embed", "source"]):
            ref = tag.get("href") or tag.get("src") or ""
            assert "://" not in ref and not ref.startswith("//"), (path, ref)
        for a in page.find_all("a", href=True):
            href = a["href"]
            assert href.startswith(("https://", "http://", "#")) or "://" not in href, (path, href)
            assert not href.lower().startswith(("javascript:", "data:"))
        for rel in path.relative_to(result.out_dir).parts:
            assert rel == rel.lower() and ".." not in rel


def test_whats_new_is_what_the_latest_match_found(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURES / "mirror", mirror)
    settings = fixture_settings(tmp_path, fixture_parties(), mirror)
    crawl_and_match(settings)
    first = render(settings)
    assert first.first_match and "catalog's first" in soup(first.out_dir / "new.html").get_text()
    shutil.copy(FIXTURES / "bolt-v2.md", mirror / "bolt.test" / "CHANGELOG.md")
    crawl_and_match(settings, dt.datetime(2026, 6, 2, 6, 0))
    second = render(settings, dt.datetime(2026, 6, 2, 7, 0))
    assert (second.new_features, second.new_copies, second.first_match) == (0, 1, False)
    page = soup(second.out_dir / "new.html")
    (row,) = page.select("tr.new-copy")
    assert "LLM-as-a-judge" in row.get_text() and "Bolt Cloud" in row.get_text()
    assert page.select('[data-metric="new-copies"]')[0]["data-value"] == "1"
    assert "2026-06-02 06:00" in page.get_text()  # the latest match's time
    again = render(settings, dt.datetime(2026, 6, 3, 7, 0), out_dir=tmp_path / "elsewhere")
    assert (again.new_features, again.new_copies) == (0, 1)  # rendering again, anywhere, does not change the news
    crawl_and_match(settings, dt.datetime(2026, 6, 3, 6, 0))
    quiet = render(settings, dt.datetime(2026, 6, 3, 7, 0))
    assert (quiet.new_features, quiet.new_copies) == (0, 0)  # a match that found nothing new


def test_an_empty_catalog_says_nothing_was_crawled(tmp_path: Path) -> None:
    settings = fixture_settings(tmp_path, fixture_parties())
    result = render(settings)
    assert result.pages == 1 and result.new_features == 0
    text = soup(result.index).get_text()
    assert "Nothing has been crawled yet" in text and "tracker crawl" in text


def test_a_crawled_but_unmatched_catalog_says_so(tmp_path: Path) -> None:
    settings = fixture_settings(tmp_path, fixture_parties())
    pipeline.run_crawl(settings, now=fixed_clock(CRAWLED))
    text = soup(render(settings).index).get_text()
    assert "Nothing has been matched yet" in text and "tracker match" in text


def test_an_unwritable_output_folder_is_one_clear_error(tmp_path: Path) -> None:
    settings = fixture_settings(tmp_path, fixture_parties())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the report folder should be\n")
    with pytest.raises(ReportError) as caught:
        render(settings, out_dir=blocker / "reports")
    message = str(caught.value)
    assert "cannot write the report" in message and str(blocker) in message and "\n" not in message


def test_pages_of_features_that_disappeared_are_removed(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, _ = site
    out = tmp_path / "out"
    stale = out / "feature" / "gone.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    keep = out / "notes.txt"
    keep.write_text("mine")
    old_state = out / "report-state.json"  # earlier versions kept "what is new" there
    old_state.write_text("{}")
    render(settings, out_dir=out)
    assert not stale.exists() and not old_state.exists() and keep.exists()


def test_slugs_cannot_escape_their_folder() -> None:
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Weights & Biases") == "weights-biases"
    assert slugify("...").startswith("x-") and slugify("").startswith("x-")
    book = SlugBook(["A b", "a-b", "A  B"])
    assert sorted(book[n] for n in ("A b", "a-b", "A  B")) == ["a-b", "a-b-2", "a-b-3"]


def test_cli_report_writes_the_site(site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from tracker.cli import report_cmd  # noqa: F401  registers the command
    from tracker.cli.app import app

    settings, _ = site
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRACKER_TAXONOMY", str(TAXONOMY))
    result = CliRunner().invoke(app, ["--db", str(settings.db_path), "report", "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "first match of this catalog" in result.output and (tmp_path / "cli" / "index.html").is_file()


def test_coverage_parties_with_no_data_stale_sources_and_observation_windows(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURES / "mirror", mirror)
    (mirror / "old.test").mkdir()
    (mirror / "old.test" / "CHANGELOG.md").write_text(
        "# Old\n\n## 1.1.0 (2024-08-01)\n\n### Features\n* add prompt caching\n\n"
        "## 1.0.0 (2024-01-01)\n\n### Fixes\n* fix a typo\n")
    parties = (*fixture_parties(),
               party("Ghost", source("ghost", "https://ghost.test/CHANGELOG.md")),  # not in the mirror: failing
               party("Old Corp", source("old", "https://old.test/CHANGELOG.md"), kind="incumbent"))
    settings = fixture_settings(tmp_path, parties, mirror)
    crawl_and_match(settings)
    result = render(settings)
    out = result.out_dir
    ghost = soup(out / "party" / "ghost.html")
    assert ghost.select('[data-metric="no-data"]') and "not crawled yet" in ghost.get_text()  # offline: skipped
    overview = soup(result.index).get_text(" ")
    assert "No data for 1 party" in overview and "Ghost" in overview
    assert "Stale" in overview and "Old Corp" in overview  # newest release 2024-08-01, as of 2026-05-20
    assert "Ghost" not in soup(out / "parties.html").get_text()  # not a row of zeros
    old = soup(out / "party" / "old-corp.html")
    assert old.select('[data-metric="stale"]')
    assert old.select('[data-metric="observed-since"]')[0]["data-value"] == "2024-01-01"
    bolt = soup(out / "party" / "bolt-cloud.html")
    assert bolt.select('[data-metric="observed-since"]')[0]["data-value"] == "2024-06-01"
    assert not bolt.select('[data-metric="stale"]') and bolt.select('tr[data-source="bolt"]')
    records = {r["id"]: r for r in export(settings)}
    keys = SlugBook(records)
    for key, rec in records.items():
        page = soup(out / "feature" / f"{keys[key]}.html")
        shown = [(p["data-status"], p["data-role"]) for p in page.select(".party-block [data-status]")]
        assert shown == [(p["status"], p["role"]) for p in rec["parties"]], key
        certain = page.select('[data-metric="first-mover-certain"]')[0]["data-value"]
        assert certain == ("1" if rec["first_mover_certain"] else "0")
        late = [p for p in rec["parties"] if p["observed_since"] and p["observed_since"] > rec["first_seen"]]
        assert len(page.select("svg.timeline rect.unobserved")) >= len(late)
