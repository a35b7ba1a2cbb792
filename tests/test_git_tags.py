"""Tag listings from git itself, against a repository made here (file:// URL), and from a mirror."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from gitkit import commit_and_tag, git
from tracker.errors import FetchError, NotInMirrorError, TransportError
from tracker.fetch.git_tags import TagReader, fetch_tag_listing, mirror_tag_listing, repo_segments

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    repo = tmp_path / "upstream"
    repo.mkdir()
    git(repo, "init", "-q")
    commit_and_tag(repo, "v1.0.0", "2025-01-02T10:00:00+02:00")
    commit_and_tag(repo, "v1.1.0", "2025-02-04T08:00:00+00:00", annotated=True)
    return repo


def test_tags_are_fetched_into_a_bare_cache_and_listed_by_date(upstream: Path, tmp_path: Path) -> None:
    url = upstream.as_uri()
    cache = tmp_path / "data" / "git-tags"
    listing = fetch_tag_listing(url, cache)
    rows = [line.split("\t") for line in listing.splitlines()]
    assert [(tag, created) for tag, created, _ in rows] == [
        ("v1.0.0", "2025-01-02T10:00:00+02:00"),
        ("v1.1.0", "2025-02-04T08:00:00+00:00"),  # an annotated tag: the tag's own date
    ]
    assert rows[0][2] == git(upstream, "rev-parse", "v1.0.0").strip()
    (bare,) = list(cache.rglob("*.git"))
    assert git(bare, "rev-parse", "--is-bare-repository").strip() == "true"
    # Later runs fetch into the same repository and see new tags.
    commit_and_tag(upstream, "v1.2.0", "2025-03-05T12:00:00+00:00")
    listing = fetch_tag_listing(url, cache)
    assert [line.split("\t")[0] for line in listing.splitlines()] == ["v1.0.0", "v1.1.0", "v1.2.0"]
    assert list(cache.rglob("*.git")) == [bare]
    # A tag deleted upstream is gone from the next listing.
    git(upstream, "tag", "-d", "v1.1.0")
    assert "v1.1.0" not in fetch_tag_listing(url, cache)


def test_a_repository_git_cannot_read_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_tag_listing((tmp_path / "nowhere").as_uri(), tmp_path / "cache")
    message = caught.value.message
    assert message.startswith("git could not fetch the tags of file://") and "check the tags URL" in message
    assert "\n" not in message


def test_an_unwritable_cache_is_one_clear_error(upstream: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "data"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    with pytest.raises(FetchError, match=r"^cannot create the tag cache .*; make its folder writable$"):
        fetch_tag_listing(upstream.as_uri(), blocked / "git-tags")


def test_missing_git_is_one_clear_error(upstream: Path, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"^git is not installed, .* install git, or remove `tags`"):
        fetch_tag_listing(upstream.as_uri(), tmp_path / "cache", git=str(tmp_path / "no-such-git"))


def test_a_git_that_hangs_is_stopped_at_the_timeout(upstream: Path, tmp_path: Path) -> None:
    slow = tmp_path / "slow-git"
    slow.write_text("#!/bin/sh\nsleep 30\n", encoding="utf-8")
    slow.chmod(0o755)
    with pytest.raises(TransportError, match=r"git took longer than 0.5 s to fetch the tags of"):
        fetch_tag_listing(upstream.as_uri(), tmp_path / "cache", timeout=0.5, git=str(slow))


def test_only_repository_urls_are_fetched(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not an http"):
        fetch_tag_listing("--upload-pack=touch /tmp/x", tmp_path)
    with pytest.raises(FetchError, match="does not name a repository"):
        repo_segments("https://github.com/")
    assert repo_segments("https://github.com/vercel/ai.git/") == ("github.com", "vercel", "ai")


def test_offline_the_listing_comes_from_the_mirror(tmp_path: Path) -> None:
    saved = tmp_path / "mirror" / "tags" / "github.com" / "acme" / "sdk.tsv"
    saved.parent.mkdir(parents=True)
    saved.write_text("v1.0.0\t2025-01-02T10:00:00+02:00\tabc\n", encoding="utf-8")
    assert mirror_tag_listing("https://github.com/acme/sdk", tmp_path / "mirror").startswith("v1.0.0\t")
    with pytest.raises(NotInMirrorError, match=r"tags/github.com/acme/other.tsv, or crawl without --mirror"):
        mirror_tag_listing("https://github.com/acme/other", tmp_path / "mirror")
    # The reader asks the mirror, never git, and reads each repository once per crawl.
    reader = TagReader(tmp_path / "mirror", tmp_path / "cache", git=str(tmp_path / "no-such-git"))

    async def twice() -> list[str]:
        return list(await asyncio.gather(reader.listing("https://github.com/acme/sdk"),
                                         reader.listing("https://github.com/acme/sdk")))

    first, second = asyncio.run(twice())
    saved.unlink()
    assert first == second and asyncio.run(reader.listing("https://github.com/acme/sdk")) == first
    assert not (tmp_path / "cache").exists()
