"""Links that prove a claim: the changelog line a mention stands on.

A file on GitHub links to its blame-free view at that line
(`https://github.com/OWNER/REPO/blob/HEAD/PATH#L123`); anything else links to the
release's own URL, or to the document it was read from. Only http(s) links are made.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_RAW_GITHUB = re.compile(r"^https://raw\.githubusercontent\.com/([^/]+)/([^/]+)/([^/]+)/(.+)$")
_API_RELEASES = re.compile(r"^https://api\.github\.com/repos/([^/]+)/([^/]+)/releases")


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def evidence_url(source_url: str, line: int, release_url: str = "") -> str:
    """The best link to the line a mention was read from ("" when there is no safe one)."""
    if m := _RAW_GITHUB.match(source_url.split("?", 1)[0]):
        owner, repo, ref, path = m.groups()
        anchor = f"#L{line}" if line > 0 else ""
        return f"https://github.com/{owner}/{repo}/blob/{ref}/{path}{anchor}"
    if release_url and is_web_url(release_url):
        return release_url
    if m := _API_RELEASES.match(source_url):
        return f"https://github.com/{m[1]}/{m[2]}/releases"
    return source_url if is_web_url(source_url) else ""
