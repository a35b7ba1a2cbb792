"""Hiding credentials in URLs before they are shown: user names and passwords, and
query or fragment values whose names look secret (``token``, ``key``, ``sig``, ...).

``redact_url`` is for one URL; ``redact_urls`` for free text (an error message)
that may quote several. Both are display-only: what is fetched is never changed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

REDACTED = "REDACTED"

_SECRET_NAMES = frozenset(
    {"auth", "code", "jwt", "key", "pass", "password", "passwd", "pwd", "secret", "session", "sessionid",
     "sig", "signature", "token", "apikey", "accesskey", "accesstoken", "credential", "credentials"}
)
_SECRET_ENDINGS = ("token", "key", "secret", "password", "passwd", "signature", "credential", "credentials")
_URL_IN_TEXT = re.compile(r"""https?://[^\s<>"'`]+""", re.IGNORECASE)
_USERINFO_IN_TEXT = re.compile(r"(?i)\b(https?://)[^\s/@<>\"'`]*@")


def is_secret_name(name: str) -> bool:
    """True for query parameter names that usually carry a credential (``access_token``, ``X-Amz-Signature``)."""
    lowered = name.lower()
    squashed = re.sub(r"[^a-z0-9]", "", lowered)
    words = set(re.split(r"[^a-z0-9]+", lowered))
    return bool(words & _SECRET_NAMES) or squashed in _SECRET_NAMES or squashed.endswith(_SECRET_ENDINGS)


def _redact_pairs(text: str) -> str:
    """``a=1&token=x`` -> ``a=1&token=REDACTED``; pieces that are not name=value stay as they are."""
    pieces = []
    for piece in text.split("&"):
        name, equals, value = piece.partition("=")
        pieces.append(f"{name}={REDACTED}" if equals and value and is_secret_name(name) else piece)
    return "&".join(pieces)


def redact_url(url: str) -> str:
    """``url`` with its userinfo replaced by ``REDACTED@`` and secret-looking parameter values hidden.

    Everything else is kept byte for byte, so the result still says which page is meant.
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host: hide anything before an "@"
        return _USERINFO_IN_TEXT.sub(rf"\1{REDACTED}@", url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rpartition('@')[2]}"
    query = _redact_pairs(parts.query) if parts.query else parts.query
    fragment = _redact_pairs(parts.fragment) if "=" in parts.fragment else parts.fragment
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def redact_urls(text: str) -> str:
    """Free text with every http(s) URL in it passed through ``redact_url``."""
    if not text or "://" not in text:  # also None from a nullable column
        return text
    return _URL_IN_TEXT.sub(_redact_match, text)


def _redact_match(match: re.Match[str]) -> str:
    # Sentence punctuation right after a URL belongs to the sentence, not to the URL.
    url = match.group(0)
    core = url.rstrip(".,;:!?)]}")
    return redact_url(core) + url[len(core):]
