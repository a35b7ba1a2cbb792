"""Pagination links: the ``rel="next"`` target of an RFC 8288 Link header (GitHub's API)."""

from __future__ import annotations

import re

import httpx

_LINK = re.compile(r"<([^>]*)>([^<]*)")
_REL = re.compile(r"""\brel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.IGNORECASE)


def next_link(header: str, base: httpx.URL) -> str:
    """The absolute URL of the link with relation "next", or "" when there is none."""
    for target, params in _LINK.findall(header or ""):
        match = _REL.search(params)
        if match and "next" in (match.group(1) or match.group(2) or "").lower().split():
            return str(base.join(target.strip()))
    return ""
