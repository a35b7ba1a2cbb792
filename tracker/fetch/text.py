"""Turning a fetched body into text, refusing bodies that are plainly binary."""

from __future__ import annotations

import codecs
from email.message import Message

from tracker.errors import ParseError
from tracker.redact import redact_url

from .settings import FetchResult

SNIFF_BYTES = 8192
BINARY_MAJOR_TYPES = frozenset({"image", "audio", "video", "font"})
BINARY_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/x-bzip2",
        "application/pdf",
        "application/wasm",
        "application/vnd.ms-excel",
        "application/msword",
    }
)
_NOT_CHARSETS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined", "mbcs", "oem", "utf-7"}
)
"""Text codecs that are transfer tricks, not charsets a web page may be written in."""
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def split_content_type(content_type: str) -> tuple[str, str]:
    """The lower-cased media type and charset ("" when absent) of a Content-Type value."""
    message = Message()
    message["content-type"] = content_type or "application/octet-stream"
    charset = message.get_param("charset")
    return message.get_content_type(), charset.strip().lower() if isinstance(charset, str) else ""


def is_binary_type(media_type: str) -> bool:
    """True for media types that are never text (images, archives, octet streams)."""
    return media_type.split("/", 1)[0] in BINARY_MAJOR_TYPES or media_type in BINARY_TYPES


def text_encoding(charset: str) -> str | None:
    """The codec name for a charset label, or None unless it names a real text encoding.

    Python's codec registry also holds bytes-to-bytes and str-to-str transforms
    (``zlib_codec``, ``hex``, ``base64``, ``rot13``) and escape codecs; a server-chosen
    label must never pick one of those to "decode" a body.
    """
    try:
        name = codecs.lookup(charset).name
        b"a".decode(name, errors="ignore")  # LookupError for codecs that are not text encodings
    except (LookupError, ValueError):
        return None
    return None if name in _NOT_CHARSETS else name


def _encoding(charset: str, content: bytes) -> str:
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    # an unknown or non-text charset label: UTF-8 is the web's default
    return (text_encoding(charset) if charset else None) or "utf-8"


def decode_text(result: FetchResult) -> str:
    """The body of ``result`` as text.

    Uses the charset of the Content-Type (a byte-order mark wins), else UTF-8;
    undecodable bytes become U+FFFD rather than failing. Raises ParseError when
    the body is binary: a binary media type, or NUL bytes in the first 8 KB.
    """
    media_type, charset = split_content_type(result.content_type) if result.content_type else ("", "")
    url = result.final_url or result.url
    shown = redact_url(url)
    if media_type and is_binary_type(media_type):
        raise ParseError(
            f"{shown} is binary ({media_type}), not text; check the source's url and kind in config.toml",
            url=url,
        )
    encoding = _encoding(charset, result.content)
    if not encoding.startswith("utf-16") and b"\x00" in result.content[:SNIFF_BYTES]:
        raise ParseError(
            f"{shown} is binary (NUL bytes in its first {SNIFF_BYTES // 1024} KB), not text; "
            "check the source's url and kind in config.toml",
            url=url,
        )
    try:
        return result.content.decode(encoding, errors="replace")
    except (UnicodeError, ValueError, LookupError):  # a codec that refuses even with errors="replace"
        return result.content.decode("utf-8", errors="replace")
