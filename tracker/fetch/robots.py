"""robots.txt: fetched once per origin per ``Fetcher``, then consulted for every URL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.robotparser import RobotFileParser

import httpx

from tracker.errors import BlockedError
from tracker.redact import redact_url

RobotsLoader = Callable[[str], Awaitable[str | None]]
"""Fetches a robots.txt URL; returns its text, or None when anything goes (404, failure)."""


def origin_of(url: httpx.URL) -> str:
    """scheme://host[:port] of ``url``: the scope one robots.txt governs."""
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host}{port}"


def parse_robots(text: str | None) -> RobotFileParser:
    """A parser for a robots.txt body; None (no usable file) allows everything."""
    parser = RobotFileParser()
    parser.parse(text.splitlines() if text is not None else [])  # no rules: everything allowed
    return parser


class RobotsCache:
    """Answers "may we fetch this URL?", loading each origin's robots.txt once.

    Concurrent first requests to one origin wait for a single load.
    """

    def __init__(self, load: RobotsLoader, *, user_agent: str) -> None:
        self._load = load
        self._user_agent = user_agent
        self._parsers: dict[str, RobotFileParser] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def _parser(self, origin: str) -> RobotFileParser:
        if origin in self._parsers:
            return self._parsers[origin]
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._parsers:
                self._parsers[origin] = parse_robots(await self._load(f"{origin}/robots.txt"))
        return self._parsers[origin]

    async def check(self, url: httpx.URL) -> None:
        """Raise BlockedError when the origin's robots.txt disallows ``url``."""
        origin = origin_of(url)
        parser = await self._parser(origin)
        if not parser.can_fetch(self._user_agent, str(url)):
            raise BlockedError(
                f"robots.txt of {redact_url(origin)} disallows {redact_url(str(url))}; drop the source, or set "
                "respect_robots = false if the site owner agrees",
                url=str(url),
            )
