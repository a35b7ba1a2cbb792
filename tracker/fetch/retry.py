"""When to try a request again and how long to wait first: pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses that mean "not now" rather than "not here"."""

RETRY_AFTER_STATUSES = frozenset({429, 503})
"""Statuses whose Retry-After header we honour (RFC 9110 section 10.2.3)."""


def backoff_delay(attempt: int, *, base: float, cap: float, jitter: float) -> float:
    """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0).

    Exponential with "equal jitter": half the step is fixed, half is scaled by
    ``jitter`` in [0, 1), so concurrent crawlers spread out but still back off.
    """
    step = min(cap, base * 2.0**attempt)
    return step / 2 + step / 2 * min(max(jitter, 0.0), 1.0)


def parse_http_date(value: str) -> datetime | None:
    """An HTTP-date as an aware UTC datetime, or None when it cannot be read."""
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_retry_after(value: str, *, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date).

    ``now`` is the moment the server's HTTP-date is measured against; a date in
    the past means "retry at once". Unreadable values give None.
    """
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    moment = parse_http_date(text)
    if moment is None:
        return None
    return max(0.0, (moment - now).total_seconds())


def retry_delay(
    status: int,
    headers: Mapping[str, str],
    attempt: int,
    *,
    base: float,
    cap: float,
    jitter: float,
    now: datetime,
) -> float:
    """Seconds to wait after a retryable ``status``: Retry-After if given, else backoff.

    The server's own Date header is preferred as "now" for an HTTP-date, so a
    skewed local clock does not stretch or cut the wait. Never more than ``cap``.
    """
    if status in RETRY_AFTER_STATUSES and headers.get("retry-after"):
        server_now = parse_http_date(headers.get("date", "")) or now
        asked = parse_retry_after(headers["retry-after"], now=server_now)
        if asked is not None:
            return min(asked, cap)
    return backoff_delay(attempt, base=base, cap=cap, jitter=jitter)
