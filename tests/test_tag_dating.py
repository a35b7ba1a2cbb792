"""Changelog sources dated by git tags, end to end: config, mirror, git, catalog and export."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest

from conftest import fixed_clock, party, source
from gitkit import commit_and_tag, git
from tracker import pipeline
from tracker.catalog import queries
from tracker.config import read_file, Settings
from tracker.errors import ConfigError

URL = "https://raw.githubusercontent.com/acme/sdk/HEAD/CHANGELOG.md"
TAGS = "https://github.com/acme/sdk"
CHANGELOG = """# Changelog

## 1.2.0

- Add batch inference.

## 1.1.0

- Add prompt caching.

## 1.0.1 (2025-01-10)

- Fix a crash.

## 1.0.0

- Initial release with tracing.
"""
LISTING = (
    "v1.0.0\t2025-01-02T10:00:00+02:00\taaaa\n"
    "v1.0.1\t2025-01-11T10:00:00+00:00\tbbbb\n"
    "v1.1.0\t2025-02-04T08:00:00-05:00\tcccc\n"
)


def releases(settings: Settings) -> dict[str, tuple[str | None, str, str]]:
    conn = sqlite3.connect(settings.db_path)
    try:
        return {v: (d, s, raw) for v, d, s, raw in conn.execute("SELECT version, date, date_source, date_raw FROM release")}
    finally:
        conn.close()


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    root = tmp_path / "mirror"
    page = root / URL.removeprefix("https://")
    page.parent.mkdir(parents=True)
    page.write_text(CHANGELOG, encoding="utf-8")
    listing = root / "tags/github.com/acme/sdk.tsv"
    listing.parent.mkdir(parents=True)
    listing.write_text(LISTING, encoding="utf-8")
    return root


@pytest.fixture
def tagged(make_settings, mirror):  # type: ignore[no-untyped-def]
    return make_settings(party("Acme", source("acme-sdk", URL, tags=TAGS, tag_format="v{version}")), mirror=mirror)


def test_offline_undated_headers_are_dated_by_the_mirrored_tags(tagged: Settings) -> None:
    summary = pipeline.run_crawl(tagged, now=fixed_clock())
    assert not summary.failed
    assert releases(tagged) == {
        "1.2.0": (None, "", ""),
        "1.1.0": ("2025-02-04", "tag", "tag v1.1.0 2025-02-04T08:00:00-05:00"),
        "1.0.1": ("2025-01-10", "header", "2025-01-10"),  # the header's date, not the tag's
        "1.0.0": ("2025-01-02", "tag", "tag v1.0.0 2025-01-02T10:00:00+02:00"),
    }
    (outcome,) = summary.outcomes
    assert any("1 undated version headers have no tag vVERSION in https://github.com/acme/sdk (1.2.0)" in w
               for w in outcome.warnings)
    conn = sqlite3.connect(tagged.db_path)
    # Entries carry the tag's date as a real (not estimated) date.
    assert conn.execute("SELECT date, date_estimated FROM entry WHERE text = 'Add prompt caching.'").fetchone() \
        == ("2025-02-04", 0)
    exported = {r["version"]: r for r in queries.export_releases(conn)}
    assert exported["1.1.0"]["date_source"] == "tag" and exported["1.0.1"]["date_source"] == "header"


def test_a_new_tag_dates_an_unchanged_changelog_on_the_next_crawl(tagged: Settings, mirror: Path) -> None:
    pipeline.run_crawl(tagged, now=fixed_clock())
    with (mirror / "tags/github.com/acme/sdk.tsv").open("a", encoding="utf-8") as listing:
        listing.write("v1.2.0\t2025-03-01T09:00:00+00:00\tdddd\n")
    summary = pipeline.run_crawl(tagged, now=fixed_clock(dt.datetime(2026, 11, 30, 6, 0)))
    assert summary.new_releases == 0 and not summary.failed
    assert releases(tagged)["1.2.0"][:2] == ("2025-03-01", "tag")
    conn = sqlite3.connect(tagged.db_path)
    assert conn.execute("SELECT date, date_estimated FROM entry WHERE text = 'Add batch inference.'").fetchone() \
        == ("2025-03-01", 0)
    # Nothing new anywhere: the third crawl reads nothing again.
    third = pipeline.run_crawl(tagged, now=fixed_clock(dt.datetime(2026, 12, 1, 6, 0)))
    assert [o.outcome for o in third.outcomes] == ["unchanged"]


def test_without_its_tags_the_changelog_waits_and_keeps_its_dates(tagged: Settings, mirror: Path) -> None:
    pipeline.run_crawl(tagged, now=fixed_clock())
    (mirror / "tags/github.com/acme/sdk.tsv").unlink()
    page = mirror / URL.removeprefix("https://")
    page.write_text(CHANGELOG.replace("# Changelog\n", "# Changelog\n\n## 1.3.0\n\n- Add agents.\n"), encoding="utf-8")
    summary = pipeline.run_crawl(tagged, now=fixed_clock(dt.datetime(2026, 11, 30, 6, 0)))
    # Offline, a mirror without the listing cannot read the source: skipped, like any source it lacks.
    assert [o.name for o in summary.skipped] == ["acme-sdk"] and not summary.failed
    assert "1.3.0" not in releases(tagged)
    assert releases(tagged)["1.1.0"][:2] == ("2025-02-04", "tag")


def test_online_the_tags_come_from_git(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q")
    commit_and_tag(upstream, "sdk@1.0.0", "2025-01-02T10:00:00+02:00")
    commit_and_tag(upstream, "sdk@1.1.0", "2025-02-04T08:00:00+00:00", annotated=True)

    def web(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, text=CHANGELOG, headers={"content-type": "text/markdown"})

    settings = make_settings(party("Acme", source("acme-sdk", URL, tags=upstream.as_uri(), tag_format="sdk@{version}")))
    summary = pipeline.run_crawl(settings, now=fixed_clock(), transport=httpx.MockTransport(web))
    assert not summary.failed
    got = releases(settings)
    assert got["1.1.0"] == ("2025-02-04", "tag", "tag sdk@1.1.0 2025-02-04T08:00:00+00:00")
    assert got["1.0.0"][:2] == ("2025-01-02", "tag")
    # The bare repository lives beside the catalog, under git-tags/.
    assert list((settings.db_path.parent / "git-tags").rglob("upstream.git"))
    # When git cannot fetch, the source fails with git's reason, and the changelog waits with its dates.
    shutil.rmtree(upstream)
    changed = CHANGELOG.replace("# Changelog\n", "# Changelog\n\n## 1.3.0\n\n- Add agents.\n")
    web_after = httpx.MockTransport(lambda r: httpx.Response(404) if r.url.path == "/robots.txt"
                                    else httpx.Response(200, text=changed, headers={"content-type": "text/markdown"}))
    summary = pipeline.run_crawl(settings, now=fixed_clock(dt.datetime(2026, 11, 30, 6, 0)), transport=web_after)
    (failed,) = summary.failed
    assert failed.error.startswith(f"git could not fetch the tags of {upstream.as_uri()} (") and "\n" not in failed.error
    assert "1.3.0" not in releases(settings) and releases(settings)["1.1.0"][:2] == ("2025-02-04", "tag")


def write_config(tmp_path: Path, options: str, kind: str = "changelog") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[party]]\nname = "Acme"\nkind = "startup"\ncategory = "llm-api"\n\n'
        f'  [[party.source]]\n  name = "acme"\n  kind = "{kind}"\n  url = "{URL}"\n{options}\n',
        encoding="utf-8",
    )
    return path


def test_config_reads_and_checks_the_tag_options(tmp_path: Path) -> None:
    good = read_file(write_config(tmp_path, f'  tags = "{TAGS}"\n  tag_format = "v{{version}}"'), Settings())
    (src,) = good.sources()
    assert (src.tags, src.tag_format) == (TAGS, "v{version}")
    assert read_file(write_config(tmp_path, f'  tags = "{TAGS}"'), Settings()).sources()[0].tag_format == "{version}"
    for options, kind, message in [
        ('  tag_format = "v{version}"', "changelog", "tag_format needs tags ="),
        (f'  tags = "{TAGS}"\n  tag_format = "v1"', "changelog", "must contain {version} exactly once"),
        (f'  tags = "{TAGS}"\n  tag_format = "v {{version}}"', "changelog", "must contain {version} exactly once"),
        ('  tags = "github.com/acme/sdk"', "changelog", "is not a repository URL"),
        ('  tags = "https://github.com/acme"', "changelog", "is not a repository URL"),
        ('  tags = "https://bot:s3cret@github.com/acme/sdk"', "changelog", "carries a user name or password"),
        (f'  tags = "{TAGS}"', "feed", "a 'feed' source has its own dates"),
    ]:
        with pytest.raises(ConfigError) as caught:
            read_file(write_config(tmp_path, options, kind), Settings())
        assert "party 'Acme', source #1: " in caught.value.message and message in caught.value.message
