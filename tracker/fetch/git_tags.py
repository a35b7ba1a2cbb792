"""A repository's tags and their dates, from git itself (online) or from the mirror (offline).

Online, the tags are fetched into a bare repository under the cache folder, without trees or
blobs (`--filter=tree:0`), so later runs fetch only new tags; no API token is involved. The
listing is what `git for-each-ref` prints: tag, creator date, object id, tab-separated. Every
failure is one typed error that names the repository and the fix.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tracker.errors import FetchError, NotInMirrorError, TransportError

GIT_TIMEOUT = 300.0
"""Seconds allowed for fetching and listing one repository's tags (a first fetch reads all commits)."""
LISTING_FORMAT = "%(refname:short)%09%(creatordate:iso-strict)%09%(objectname)"
_SAFE_SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")


def repo_segments(url: str) -> tuple[str, ...]:
    """`https://github.com/vercel/ai(.git)` -> ("github.com", "vercel", "ai"): where its listing and cache live."""
    parts = urlsplit(url)
    host = parts.hostname or parts.scheme or "local"
    path = unquote(parts.path).rstrip("/").removesuffix(".git")
    segments = [_SAFE_SEGMENT.sub("_", s) for s in path.split("/") if s]
    if not segments or any(s in (".", "..") for s in (host, *segments)):
        raise FetchError(f"{url} does not name a repository; write tags = \"https://github.com/OWNER/REPO\"", url=url)
    return (_SAFE_SEGMENT.sub("_", host), *segments)


def mirror_tag_listing(url: str, mirror: Path) -> str:
    """The listing saved in the mirror at `tags/HOST/OWNER/REPO.tsv`."""
    *folders, name = repo_segments(url)
    path = mirror.joinpath("tags", *folders, name + ".tsv")
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise NotInMirrorError(
            f"the tags of {url} are not in the mirror {mirror}; save the output of "
            f"`git for-each-ref --sort=creatordate --format='{LISTING_FORMAT}' refs/tags` as {path}, "
            "or crawl without --mirror",
            url=url,
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise FetchError(f"cannot read the tag listing {path} ({error}); fix or remove that file", url=url) from None


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable()).strip()


def _git(args: list[str], *, url: str, git: str, deadline: float, timeout: float) -> str:
    """Run one git command before `deadline`; its stdout, or a typed error naming `url`."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "", "LC_ALL": "C"}
    try:
        # A session of its own, so a timeout kills git's helpers (remote-https, index-pack) too.
        proc = subprocess.Popen([git, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, start_new_session=True)
    except FileNotFoundError:
        raise FetchError(
            f"git is not installed, and it is needed to read the tags of {url}; install git, "
            "or remove `tags` from the source in config.toml",
            url=url,
        ) from None
    try:
        out, err = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        # SIGTERM first: git then removes its lock files, so the next run can fetch again.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
        raise TransportError(
            f"git took longer than {timeout:g} s to fetch the tags of {url}; try again later", url=url
        ) from None
    if proc.returncode != 0:
        lines = [_printable(line) for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        reason = lines[-1][:200] if lines else f"exit status {proc.returncode}"
        raise FetchError(
            f"git could not fetch the tags of {url} ({reason}); check the tags URL in config.toml "
            "or try again later",
            url=url,
        )
    return out.decode("utf-8", "replace")


def fetch_tag_listing(url: str, cache: Path, *, timeout: float = GIT_TIMEOUT, git: str = "git") -> str:
    """Fetch the tags of `url` into a bare repository under `cache` (incrementally) and list them."""
    if not url.startswith(("https://", "http://", "file://")):
        raise FetchError(f"{url} is not an http(s) repository URL; write tags = \"https://github.com/OWNER/REPO\"",
                         url=url)
    *folders, name = repo_segments(url)
    repo = cache.joinpath(*folders, name + ".git")
    deadline = time.monotonic() + timeout

    def run(*args: str) -> str:
        return _git(["-C", str(repo), *args], url=url, git=git, deadline=deadline, timeout=timeout)

    if not (repo / "HEAD").is_file():
        try:
            repo.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise FetchError(f"cannot create the tag cache {repo} ({error.strerror}); make its folder writable",
                             url=url) from None
        run("init", "--bare", "--quiet")
    run("-c", "credential.helper=", "-c", "gc.auto=0", "fetch", "--quiet", "--prune", "--no-write-fetch-head",
        "--filter=tree:0", "--", url, "+refs/tags/*:refs/tags/*")
    return run("for-each-ref", "--sort=creatordate", f"--format={LISTING_FORMAT}", "refs/tags")


@dataclass(slots=True)
class TagReader:
    """Tag listings for one crawl: from the mirror when there is one, else from git into `cache`.

    Each repository is read once per crawl, however many sources name it.
    """

    mirror: Path | None
    cache: Path
    timeout: float = GIT_TIMEOUT
    git: str = "git"
    _read: dict[str, str] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def read(self, url: str) -> str:
        if self.mirror is not None:
            return mirror_tag_listing(url, self.mirror)
        return fetch_tag_listing(url, self.cache, timeout=self.timeout, git=self.git)

    async def listing(self, url: str) -> str:
        lock = self._locks.setdefault(url, asyncio.Lock())
        async with lock:
            if url not in self._read:
                self._read[url] = await asyncio.to_thread(self.read, url)
            return self._read[url]
