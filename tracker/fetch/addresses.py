"""Which addresses a host stands for, and which of them are off limits.

Pure classification (public, link-local or cloud metadata, IPv4 embedded in IPv6),
the numeric IPv4 spellings that URL parsers and ``inet_aton`` accept (``0177.0.0.1``,
``0x7f.1``, ``2130706433``), and resolution through an injectable resolver.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Awaitable[list[str]]]
"""Maps a host name to the addresses it resolves to; raises OSError when it cannot."""

LINK_LOCAL_NETWORKS = (
    ipaddress.ip_network("169.254.0.0/16"),  # IPv4 link-local, home of 169.254.169.254 (AWS, GCP, Azure, ...)
    ipaddress.ip_network("fe80::/10"),  # IPv6 link-local
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS metadata over IPv6
    ipaddress.ip_network("100.100.100.200/32"),  # Alibaba Cloud metadata
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NUMBER = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")


async def system_resolver(host: str) -> list[str]:
    """The operating system's resolver, without blocking the event loop."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def resolve_now(host: str) -> list[str]:
    """The operating system's resolver, blocking: for synchronous callers (webhooks)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)]


def numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host written as numbers stands for, as WHATWG URL parsers read it.

    ``127.0.0.1``, ``0177.0.0.1`` (octal), ``0x7f.1`` (hex, short form) and ``2130706433``
    (one decimal number) all give 127.0.0.1. None when the host is a name. Raises
    ValueError when the host ends in a number but is no valid address (``1.2.3.999``).
    """
    parts = host.rstrip(".").split(".") if host else []
    if not parts or not _NUMBER.match(parts[-1]):
        return None
    if len(parts) > 4 or not all(_NUMBER.match(part) for part in parts):
        raise ValueError(f"{host!r} is neither a host name nor an IPv4 address")
    numbers = []
    for part in parts:
        if part[:2].lower() == "0x":
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            if not set(part) <= set("01234567"):
                raise ValueError(f"{part!r} in {host!r} is not an octal number")
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        raise ValueError(f"{host!r} is out of the IPv4 range")
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def ip_literal(host: str) -> IPAddress | None:
    """The address when ``host`` is an IP literal in any spelling (IPv6 scope ids dropped), else None.

    Raises ValueError for a host that ends in a number but is no valid IPv4 address.
    """
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return numeric_ipv4(host)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4, IPv4-compatible)."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _NAT64) or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _views(address: IPAddress) -> list[IPAddress]:
    embedded = _embedded_ipv4(address)
    return [address] if embedded is None else [address, embedded]


def is_public_address(address: IPAddress) -> bool:
    """False for loopback, private, link-local, shared, reserved and multicast addresses,
    also when they hide inside an IPv6 address."""
    return all(view.is_global and not view.is_multicast for view in _views(address))


def is_link_local(address: IPAddress) -> bool:
    """True for link-local and cloud metadata addresses (169.254.169.254 and friends)."""
    return any(view in network for view in _views(address) for network in LINK_LOCAL_NETWORKS
               if view.version == network.version)


@dataclass(frozen=True)
class HostAddresses:
    """What one host name or literal stands for."""

    host: str
    addresses: tuple[IPAddress, ...]
    """Empty when the name does not resolve."""
    spelled_oddly: bool = False
    """An IPv4 literal in octal, hex, decimal or short form rather than dotted decimal."""

    def link_local(self) -> IPAddress | None:
        """The first link-local or metadata address, if any."""
        return next((a for a in self.addresses if is_link_local(a)), None)

    def non_public(self) -> IPAddress | None:
        """The first address that is not public, if any."""
        return next((a for a in self.addresses if not is_public_address(a)), None)

    @property
    def public(self) -> bool:
        """Resolved, and to public addresses only: a name that does not resolve is not public."""
        return bool(self.addresses) and self.non_public() is None


def literal_addresses(host: str) -> HostAddresses | None:
    """The addresses of an IP-literal host, or None when ``host`` is a name to resolve."""
    literal = ip_literal(host)
    if literal is None:
        return None
    odd = isinstance(literal, ipaddress.IPv4Address) and host.rstrip(".") != str(literal)
    return HostAddresses(host, (literal,), spelled_oddly=odd)


def _parsed(host: str, texts: list[str]) -> HostAddresses:
    found = []
    for text in texts:
        try:
            found.append(ipaddress.ip_address(text.split("%", 1)[0]))
        except ValueError:
            continue
    return HostAddresses(host, tuple(found))


async def lookup(host: str, resolver: Resolver) -> HostAddresses:
    """The addresses ``host`` is or resolves to (none when it does not resolve)."""
    literal = literal_addresses(host)
    if literal is not None:
        return literal
    try:
        return _parsed(host, await resolver(host))
    except (OSError, UnicodeError):
        return HostAddresses(host, ())


def lookup_now(host: str, resolve: Callable[[str], list[str]] = resolve_now) -> HostAddresses:
    """``lookup`` for synchronous callers."""
    literal = literal_addresses(host)
    if literal is not None:
        return literal
    try:
        return _parsed(host, resolve(host))
    except (OSError, UnicodeError):
        return HostAddresses(host, ())
