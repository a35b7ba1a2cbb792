"""Links that prove a claim: the changelog line a mention stands on.

A file on GitHub links to its blame-free view at that line. Changelogs grow at the top, so
a line number on `blob/HEAD` drifts within days: when the fetch recorded which commit it
read (`fetch.revision`, a full commit id), the link pins that commit
(`https://github.com/OWNER/REPO/blob/COMMIT/PATH#L123`) and stays right; otherwise it
points at HEAD, and the report's own evidence (the quoted line and when it was fetched)
is the stable record. Anything else links to the release's own URL, or to the document
it was read from. Only http(s) links are made.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_RAW_GITHUB = re.compile(r"^https://raw\.githubusercontent\.com/([^/]+)/([^/]+)/([^/]+)/(.+)$")
_API_RELEASES = re.compile(r"^https://api\.github\.com/repos/([^/]+)/([^/]+)/releases")
# Only a full commit id pins a link. `fetch.revision` holds a commit as its bare 40-hex id; a blob or
# tree sha (no ref GitHub can open) must be written with its kind, "blob:<sha>", and never pins.
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


_PLAIN_WEB_URL = re.compile(r"^https?://[A-Za-z0-9._~%!$&'()*+,;=:@-]+(?:[/?#]|$)")


def is_web_url(url: str) -> bool:
    if _PLAIN_WEB_URL.match(url):  # the common case, without urlsplit (thousands per report)
        return True
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_commit(revision: str) -> bool:
    return bool(_COMMIT.match(revision))


def evidence_url(source_url: str, line: int, release_url: str = "", revision: str = "") -> str:
    """The best link to the line a mention was read from ("" when there is no safe one).

    `revision`: the commit the document was fetched at, when known; it replaces the URL's ref.
    """
    if m := _RAW_GITHUB.match(source_url.split("?", 1)[0]):
        owner, repo, ref, path = m.groups()
        anchor = f"#L{line}" if line > 0 else ""
        return f"https://github.com/{owner}/{repo}/blob/{revision if is_commit(revision) else ref}/{path}{anchor}"
    if release_url and is_web_url(release_url):
        return release_url
    if m := _API_RELEASES.match(source_url):
        return f"https://github.com/{m[1]}/{m[2]}/releases"
    return source_url if is_web_url(source_url) else ""
