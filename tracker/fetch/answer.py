"""One hop's response as the fetcher saw it, and how it becomes a ``FetchResult``."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .classify import status_error
from .links import next_link
from .settings import FetchResult, Validators


@dataclass(frozen=True)
class Answer:
    """The response to one hop; the body is read for 2xx statuses only."""

    url: httpx.URL
    status: int
    headers: httpx.Headers
    content: bytes = b""
    attempts: int = 1


def to_result(url: str, answer: Answer, validators: Validators) -> FetchResult:
    """The ``FetchResult`` of a final 2xx or 304 answer; any other status raises HttpStatusError.

    A 304 may omit its validators, so the ones we sent are kept.
    """
    headers = answer.headers
    if answer.status == 304:
        return FetchResult(
            url=url,
            final_url=str(answer.url),
            status=304,
            content=b"",
            content_type=headers.get("content-type", ""),
            etag=headers.get("etag", validators.etag),
            last_modified=headers.get("last-modified", validators.last_modified),
            not_modified=True,
        )
    if 200 <= answer.status < 300:
        return FetchResult(
            url=url,
            final_url=str(answer.url),
            status=answer.status,
            content=answer.content,
            content_type=headers.get("content-type", ""),
            etag=headers.get("etag", ""),
            last_modified=headers.get("last-modified", ""),
            not_modified=False,
            link_next=next_link(headers.get("link", ""), answer.url),
        )
    raise status_error(url, answer.status, attempts=answer.attempts)
