"""Reading a streamed response body within a size cap and a time budget.

The cap applies twice: to the bytes on the wire and to the decompressed bytes,
so a tiny gzip body that inflates to gigabytes (a "gzip bomb") is stopped
while it streams, not after it has filled memory.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tracker.errors import TooLargeError
from tracker.redact import redact_url


def declared_length(response: httpx.Response) -> int | None:
    """The Content-Length header as a number, or None when absent or unreadable."""
    value = response.headers.get("content-length", "")
    return int(value) if value.strip().isdigit() else None


def _too_large(url: str, max_bytes: int, *, inflated: bool) -> TooLargeError:
    shown = redact_url(url)
    if inflated:
        return TooLargeError(
            f"{shown} inflates beyond the {max_bytes:,}-byte cap when decompressed "
            "(a compression bomb?); raise max_bytes only if you trust the source",
            url=url,
        )
    return TooLargeError(
        f"{shown} is larger than the {max_bytes:,}-byte cap; "
        "raise max_bytes or point the source at a smaller file",
        url=url,
    )


async def read_capped(
    response: httpx.Response,
    *,
    url: str,
    max_bytes: int,
    deadline: float,
    clock: Callable[[], float],
) -> bytes:
    """The decoded body of a streamed ``response``, at most ``max_bytes`` long.

    Raises TooLargeError past the cap, and ``httpx.ReadTimeout`` once ``clock()``
    passes ``deadline``, so a server dripping a byte at a time is a timeout
    like any other (httpx's own timeout only bounds each single read).
    """
    length = declared_length(response)
    if length is not None and length > max_bytes:
        raise _too_large(url, max_bytes, inflated=False)
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if response.num_bytes_downloaded > max_bytes:
            raise _too_large(url, max_bytes, inflated=False)
        if total > max_bytes:
            raise _too_large(url, max_bytes, inflated=True)
        chunks.append(chunk)
        if clock() > deadline:
            raise httpx.ReadTimeout("the body did not arrive in time", request=response.request)
    return b"".join(chunks)
