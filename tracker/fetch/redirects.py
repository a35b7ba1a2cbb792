"""Redirect policy: every hop is checked before it is followed.

A hop is refused when it leaves http(s), loops, exceeds the hop budget, or takes
a public source to a loopback, private, link-local or reserved address (the
classic server-side request forgery towards 169.254.169.254).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence

import httpx

from tracker.errors import BlockedError, TransportError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Awaitable[list[str]]]
"""Maps a host name to the addresses it resolves to; raises OSError when it cannot."""


async def system_resolver(host: str) -> list[str]:
    """The operating system's resolver, without blocking the event loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def ip_literal(host: str) -> IPAddress | None:
    """The address when ``host`` is an IP literal (IPv6 scope ids dropped), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def is_public_address(address: IPAddress) -> bool:
    """False for loopback, private, link-local, shared, reserved and multicast addresses."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def non_public_address(host: str, resolver: Resolver) -> str:
    """The first non-public address ``host`` is or resolves to, or "" when all are public.

    A name that does not resolve counts as public: the connection itself will
    fail, and an unknown origin must not unlock private redirects.
    """
    literal = ip_literal(host)
    if literal is not None:
        return "" if is_public_address(literal) else str(literal)
    try:
        addresses = await resolver(host)
    except OSError:
        return ""
    for text in addresses:
        address = ip_literal(text)
        if address is not None and not is_public_address(address):
            return str(address)
    return ""


def redirect_target(original: httpx.URL, current: httpx.URL, location: str) -> httpx.URL:
    """The absolute URL a Location header of ``current`` points to, without its fragment."""
    try:
        return current.join(location.strip()).copy_with(fragment=None)
    except httpx.InvalidURL:
        raise BlockedError(
            f"{original} redirects to the invalid url {location!r}; refusing to follow it",
            url=str(original),
        ) from None


class RedirectPolicy:
    """Decides whether one more redirect hop may be followed."""

    def __init__(self, *, max_redirects: int, allow_private: bool, resolver: Resolver) -> None:
        self.max_redirects = max_redirects
        self.allow_private = allow_private
        self.resolver = resolver

    async def check(self, chain: Sequence[httpx.URL], target: httpx.URL) -> None:
        """Raise unless ``target`` may follow ``chain`` (the original URL first)."""
        original, current = chain[0], chain[-1]
        if target.scheme not in ("http", "https"):
            raise BlockedError(
                f"{original} redirects to {target}, which is not http(s); refusing to follow it",
                url=str(original),
            )
        if any(str(seen) == str(target) for seen in chain):
            raise TransportError(
                f"{original} is a redirect loop ({current} -> {target}); "
                "point config.toml at a url that answers directly",
                url=str(original),
            )
        if len(chain) > self.max_redirects:
            raise TransportError(
                f"{original} redirected more than {self.max_redirects} times (a redirect loop?); "
                "point config.toml at the final url",
                url=str(original),
            )
        if not self.allow_private:
            await self._check_private(original, target)

    async def _check_private(self, original: httpx.URL, target: httpx.URL) -> None:
        address = await non_public_address(target.host, self.resolver)
        if not address:
            return
        if await non_public_address(original.host, self.resolver):
            return  # a source configured on a private host may redirect within it
        raise BlockedError(
            f"{original} redirects to {target}, whose address {address} is not public; "
            "refusing it (set allow_private_redirects = true to allow)",
            url=str(original),
        )
