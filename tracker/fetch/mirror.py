"""Offline replay: an httpx transport that answers every URL from a directory tree.

``https://host/a/b.md?x=1`` is answered from ``ROOT/host/a/b.md`` (query ignored,
path percent-decoded, a directory served by its ``index.html``). Nothing outside
ROOT is ever read: ``..`` segments and symlinks leading out are refused, and only
regular files are read (a FIFO or device would block the crawl forever). Files get
an ETag and Last-Modified, and a matching conditional request gets a 304, so an
unchanged re-crawl from the mirror costs no parsing.
"""

from __future__ import annotations

import mimetypes
import os
import stat as stat_mode
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote

import httpx

from tracker.errors import BlockedError, FetchError, NotInMirrorError
from tracker.redact import redact_url

from .retry import parse_http_date

MIRROR_HEADER = "x-tracker-mirror"
"""Response header set by the mirror on a refusal: "miss" (404), "refused" (403) or "not-a-file" (403)."""

_TYPES = mimetypes.MimeTypes()  # built-in table only: the host's /etc/mime.types must not matter
_EXTRA_TYPES = {
    ".md": "text/markdown",
    ".mdx": "text/markdown",
    ".rst": "text/x-rst",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
}


class MirrorEscapeError(ValueError):
    """A URL whose mirror path would leave the mirror root."""


def guess_content_type(path: Path, content: bytes) -> str:
    """A media type from the file name, else sniffed: JSON, binary or plain text."""
    known = _EXTRA_TYPES.get(path.suffix.lower()) or _TYPES.guess_type(path.name)[0]
    if known:
        return known
    if b"\x00" in content[:8192]:
        return "application/octet-stream"
    if content.lstrip()[:1] in (b"{", b"["):
        return "application/json"
    return "text/plain"


def file_etag(stat: os.stat_result) -> str:
    """A strong validator that changes whenever the file's size or mtime does."""
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def _etag_matches(header: str, etag: str) -> bool:
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in candidates or etag in candidates


class MirrorTransport(httpx.AsyncBaseTransport):
    """Answers GET/HEAD requests from ``root/<host>/<path>``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def locate(self, url: httpx.URL) -> Path:
        """The file that answers ``url``; raises MirrorEscapeError if it lies outside root."""
        host = url.host
        path = unquote(url.raw_path.split(b"?", 1)[0].decode("ascii"))
        segments = [segment for segment in path.split("/") if segment]
        if not host or host in (".", "..") or any(s in (".", "..") for s in segments):
            raise MirrorEscapeError(f"{url} has a dot segment")
        if "\x00" in path or "\\" in host:
            raise MirrorEscapeError(f"{url} has a forbidden character")
        located = self.root.joinpath(host, *segments).resolve()
        if located.is_dir():
            located = (located / "index.html").resolve()
        if not located.is_relative_to(self.root):
            raise MirrorEscapeError(f"{url} leads outside {self.root}")
        return located

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method not in ("GET", "HEAD"):
            return httpx.Response(405, headers={"allow": "GET, HEAD"}, request=request)
        try:
            path = self.locate(request.url)
        except MirrorEscapeError:
            return httpx.Response(403, headers={MIRROR_HEADER: "refused"}, request=request)
        try:
            read = _read_regular_file(path, body=request.method == "GET")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return httpx.Response(404, headers={MIRROR_HEADER: "miss"}, request=request)
        except OSError as exc:
            raise httpx.ReadError(f"cannot read {path}: {exc}", request=request) from exc
        if read is None:
            return httpx.Response(403, headers={MIRROR_HEADER: "not-a-file"}, request=request)
        stat, content = read
        validators = {"etag": file_etag(stat), "last-modified": formatdate(stat.st_mtime, usegmt=True)}
        if self._not_modified(request.headers, validators["etag"], stat.st_mtime):
            return httpx.Response(304, headers=validators, request=request)
        headers = {**validators, "content-type": guess_content_type(path, content)}
        return httpx.Response(200, headers=headers, content=content, request=request)

    @staticmethod
    def _not_modified(headers: httpx.Headers, etag: str, mtime: float) -> bool:
        if "if-none-match" in headers:
            return _etag_matches(headers["if-none-match"], etag)
        since = parse_http_date(headers.get("if-modified-since", ""))
        return since is not None and int(mtime) <= since.timestamp()


def _read_regular_file(path: Path, *, body: bool) -> tuple[os.stat_result, bytes] | None:
    """The status and bytes of ``path``, or None when it is not a regular file.

    Opened non-blocking and checked on the open descriptor, so a FIFO (which would
    wait for a writer forever) is never read, even if it replaced a file a moment ago.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise
    except OSError:
        if not stat_mode.S_ISREG(os.stat(path).st_mode):
            return None  # a socket cannot even be opened
        raise
    try:
        stat = os.fstat(fd)
        if not stat_mode.S_ISREG(stat.st_mode):
            return None
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as file:
            return stat, file.read() if body else b""
    finally:
        os.close(fd)


def mirror_refusal(
    transport: MirrorTransport, url: str, headers: httpx.Headers, answered: httpx.URL
) -> FetchError | None:
    """The typed error for a mirror's "miss" or "refused" answer to ``url``, else None."""
    verdict = headers.get(MIRROR_HEADER, "")
    if verdict == "miss":
        return NotInMirrorError(
            f"{redact_url(url)} is not in the mirror {transport.root}; save its response as "
            f"{transport.locate(answered)} or crawl without --mirror",
            url=url,
        )
    if verdict == "not-a-file":
        return BlockedError(
            f"{redact_url(url)} maps to {transport.locate(answered)} in the mirror, which is not a regular file "
            "(a FIFO, socket or device?); replace it with the saved response",
            url=url,
        )
    if verdict == "refused":
        return BlockedError(
            f"{redact_url(url)} maps to a path outside the mirror {transport.root}; fix the url in config.toml",
            url=url,
        )
    return None
