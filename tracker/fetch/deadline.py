"""A synchronous httpx transport that gives every request one wall-clock deadline.

httpx's timeouts bound each socket operation, so a server dripping its status line
or headers a byte at a time never trips them. ``DeadlineTransport`` runs each request
on the async stack under ``asyncio.timeout`` instead: connect, request, headers and
body together get the request's timeout, once. Synchronous callers (webhooks) use it
through an ordinary ``httpx.Client``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

DEFAULT_SECONDS = 30.0
MAX_BYTES = 1_000_000  # an answer to a POST is a status and a word, never a download
_HOP_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
T = TypeVar("T")


def attempt_seconds(request: httpx.Request, default: float = DEFAULT_SECONDS) -> float:
    """The deadline of one request: the largest of its httpx timeouts (``timeout=10`` gives 10 s)."""
    timeouts = request.extensions.get("timeout") or {}
    values = [float(v) for v in timeouts.values() if v is not None]
    return max(values, default=default)


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:  # called from async code: a loop of our own elsewhere
        return pool.submit(asyncio.run, coroutine).result()


class DeadlineTransport(httpx.BaseTransport):
    """Sends each request through ``httpx.AsyncClient`` under one deadline; answers are read whole.

    ``transport`` makes the async transport to use (tests); by default httpx's own,
    with proxies from the environment when ``trust_env``.
    """

    def __init__(
        self,
        *,
        trust_env: bool = True,
        max_bytes: int = MAX_BYTES,
        transport: Callable[[], httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self.trust_env = trust_env
        self.max_bytes = max_bytes
        self._transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        seconds = attempt_seconds(request)
        content = request.read()
        return _run(self._exchange(request, content, seconds))

    async def _exchange(self, request: httpx.Request, content: bytes, seconds: float) -> httpx.Response:
        inner = httpx.Request(request.method, request.url, headers=request.headers, content=content,
                              extensions=request.extensions)
        transport = self._transport() if self._transport is not None else None
        async with httpx.AsyncClient(transport=transport, trust_env=self.trust_env, follow_redirects=False) as client:
            try:
                async with asyncio.timeout(seconds):
                    response = await client.send(inner, stream=True)
                    try:
                        body = await self._read(response, request)
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise httpx.ReadTimeout(f"no complete answer within {seconds:g} s", request=request) from None
        headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _HOP_HEADERS]
        return httpx.Response(response.status_code, headers=headers, content=body, request=request,
                              extensions={"http_version": response.extensions.get("http_version", b"HTTP/1.1")})

    async def _read(self, response: httpx.Response, request: httpx.Request) -> bytes:
        chunks: list[bytes] = []
        total = 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            if total > self.max_bytes:
                raise httpx.ReadError(f"the answer is larger than {self.max_bytes:,} bytes", request=request)
            chunks.append(chunk)
        return b"".join(chunks)
