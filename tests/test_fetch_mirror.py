"""Offline replay from a mirror directory: MirrorTransport and Fetcher(mirror=...)."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import httpx
import pytest

from tracker.errors import BlockedError, NotInMirrorError
from tracker.fetch import Fetcher, FetchResult, Validators, decode_text
from tracker.fetch.mirror import MirrorEscapeError, MirrorTransport

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "current"


def mirror_fetch(root: Path, url: str, validators: Validators | None = None) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(mirror=root) as fetcher:
            return await fetcher.fetch(url, validators=validators)

    return asyncio.run(go())


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    root = tmp_path / "mirror"
    changelog = root / "raw.githubusercontent.com" / "o" / "r" / "HEAD" / "CHANGELOG.md"
    changelog.parent.mkdir(parents=True)
    changelog.write_text("# Changelog\n\n## 1.0.0\n", encoding="utf-8")
    tree = root / "api.github.com" / "repos" / "o" / "r" / "git" / "trees" / "HEAD"
    tree.parent.mkdir(parents=True)
    tree.write_bytes(b'{"tree": []}')
    (root / "docs.example.org" / "changelog").mkdir(parents=True)
    (root / "docs.example.org" / "changelog" / "index.html").write_bytes(b"<h1>Changes</h1>")
    (root / "docs.example.org" / "release notes.md").write_bytes(b"spaced")
    (tmp_path / "secret.txt").write_bytes(b"outside the mirror")
    return root


def test_serves_a_file_with_validators(mirror: Path) -> None:
    result = mirror_fetch(mirror, "https://raw.githubusercontent.com/o/r/HEAD/CHANGELOG.md")
    assert result.status == 200 and not result.not_modified
    assert decode_text(result).startswith("# Changelog")
    assert result.content_type == "text/markdown"
    assert result.etag.startswith('"') and result.etag.endswith('"')
    assert result.last_modified.endswith("GMT")


def test_query_string_is_ignored_and_json_is_sniffed(mirror: Path) -> None:
    result = mirror_fetch(mirror, "https://api.github.com/repos/o/r/git/trees/HEAD?recursive=1")
    assert result.content == b'{"tree": []}' and result.content_type == "application/json"


def test_path_is_percent_decoded_and_directories_serve_index(mirror: Path) -> None:
    assert mirror_fetch(mirror, "https://docs.example.org/release%20notes.md").content == b"spaced"
    assert mirror_fetch(mirror, "https://docs.example.org/changelog/").content == b"<h1>Changes</h1>"


def test_unchanged_file_answers_304(mirror: Path) -> None:
    url = "https://raw.githubusercontent.com/o/r/HEAD/CHANGELOG.md"
    first = mirror_fetch(mirror, url)
    again = mirror_fetch(mirror, url, first.validators)
    assert again.not_modified and again.status == 304 and again.content == b""
    assert again.etag == first.etag


def test_changed_file_gets_a_new_etag(mirror: Path) -> None:
    url = "https://raw.githubusercontent.com/o/r/HEAD/CHANGELOG.md"
    first = mirror_fetch(mirror, url)
    path = mirror / "raw.githubusercontent.com/o/r/HEAD/CHANGELOG.md"
    path.write_text("# Changelog\n\n## 1.1.0\n## 1.0.0\n", encoding="utf-8")
    again = mirror_fetch(mirror, url, Validators(etag=first.etag))
    assert not again.not_modified and again.etag != first.etag and b"1.1.0" in again.content


def test_missing_file_is_not_in_mirror(mirror: Path) -> None:
    with pytest.raises(NotInMirrorError) as caught:
        mirror_fetch(mirror, "https://raw.githubusercontent.com/o/r/HEAD/NEWS.md")
    message = str(caught.value)
    url = "https://raw.githubusercontent.com/o/r/HEAD/NEWS.md"
    assert message.startswith(f"{url} is not in the mirror {mirror.resolve()};")
    assert "raw.githubusercontent.com/o/r/HEAD/NEWS.md or crawl without --mirror" in message
    assert caught.value.url == "https://raw.githubusercontent.com/o/r/HEAD/NEWS.md"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
@pytest.mark.parametrize("name", ["CHANGELOG.md", "index.html"])
def test_a_fifo_in_the_mirror_is_refused_not_read(mirror: Path, name: str) -> None:
    folder = mirror / "fifo.example.org" / "docs"
    folder.mkdir(parents=True)
    os.mkfifo(folder / name)  # reading it would wait for a writer forever
    url = "https://fifo.example.org/docs/" + ("CHANGELOG.md" if name == "CHANGELOG.md" else "")
    outcome: list[BaseException | FetchResult] = []

    def crawl() -> None:
        try:
            outcome.append(mirror_fetch(mirror, url))
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome.append(error)

    worker = threading.Thread(target=crawl, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # unblock the reader so the thread ends, then fail
        with open(folder / name, "wb"):
            pass
        worker.join(timeout=10)
        pytest.fail("the mirror blocked on a FIFO")
    (error,) = outcome
    assert isinstance(error, BlockedError)
    assert f"docs/{name} in the mirror, which is not a regular file (a FIFO, socket or device?)" in str(error)


@pytest.mark.parametrize(
    "url",
    [
        "https://docs.example.org/%2e%2e/%2e%2e/secret.txt",
        "https://docs.example.org/..%2F..%2Fsecret.txt",
        "https://docs.example.org/a/%2E%2E%2f%2E%2E%2F%2e%2e/secret.txt",
    ],
)
def test_dot_dot_escape_is_refused(mirror: Path, url: str) -> None:
    with pytest.raises(BlockedError, match="outside the mirror"):
        mirror_fetch(mirror, url)


def test_symlink_escaping_the_root_is_refused(mirror: Path, tmp_path: Path) -> None:
    os.symlink(tmp_path / "secret.txt", mirror / "docs.example.org" / "link.txt")
    with pytest.raises(BlockedError, match="outside the mirror"):
        mirror_fetch(mirror, "https://docs.example.org/link.txt")


def test_locate_never_leaves_root(mirror: Path) -> None:
    transport = MirrorTransport(mirror)
    assert transport.locate(httpx.URL("https://h.example//etc/passwd")) == mirror.resolve() / "h.example/etc/passwd"
    with pytest.raises(MirrorEscapeError):
        transport.locate(httpx.URL("https://h.example/%2e%2e/x"))


def test_transport_refuses_other_methods(mirror: Path) -> None:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=MirrorTransport(mirror)) as client:
            return await client.post("https://api.github.com/repos/o/r/git/trees/HEAD")

    assert asyncio.run(go()).status_code == 405


def test_mirror_and_transport_are_exclusive(mirror: Path) -> None:
    with pytest.raises(ValueError):
        Fetcher(mirror=mirror, transport=httpx.MockTransport(lambda request: httpx.Response(200)))


def test_real_corpus_file_is_served() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} is not available")
    url = "https://raw.githubusercontent.com/openai/openai-python/HEAD/CHANGELOG.md"
    path = CORPUS / "raw.githubusercontent.com/openai/openai-python/HEAD/CHANGELOG.md"
    if not path.is_file():
        pytest.skip(f"{path} is not in the corpus")
    result = mirror_fetch(CORPUS, url)
    assert result.content == path.read_bytes()
    assert "Changelog" in decode_text(result)
    tree = mirror_fetch(CORPUS, "https://api.github.com/repos/langfuse/langfuse-docs/git/trees/HEAD?recursive=1")
    assert tree.content_type == "application/json" and tree.content.lstrip().startswith(b"{")
