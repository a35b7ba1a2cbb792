"""Where the fetcher may go: the source URL and every redirect hop are checked first.

Link-local and cloud metadata addresses (169.254.169.254 and friends) are refused
always, as sources and as redirect targets, unless ``allow_link_local``. A hop is
refused when it leaves http(s), loops, exceeds the hop budget, or goes somewhere
not public (loopback, private, shared, reserved, or a name that does not resolve):
from a public source never, from a non-public source only to the *same* host.
Numeric IPv4 spellings (``0177.0.0.1``, ``0x7f.1``) of such addresses are refused too.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from tracker.errors import BlockedError, TransportError
from tracker.redact import redact_url

from .addresses import HostAddresses, Resolver, literal_addresses, lookup

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def _shown(url: object) -> str:
    return redact_url(str(url))


def _same_host(a: httpx.URL, b: httpx.URL) -> bool:
    return a.host.rstrip(".").lower() == b.host.rstrip(".").lower()


class RedirectPolicy:
    """Decides whether a source URL may be fetched and whether one more redirect hop may be followed.

    Lookups are cached for the policy's lifetime (one crawl), so a host is resolved once.
    """

    def __init__(
        self, *, max_redirects: int, allow_private: bool, allow_link_local: bool, resolver: Resolver
    ) -> None:
        self.max_redirects = max_redirects
        self.allow_private = allow_private
        self.allow_link_local = allow_link_local
        self.resolver = resolver
        self._known: dict[str, HostAddresses] = {}

    async def _lookup(self, host: str) -> HostAddresses:
        if host not in self._known:
            self._known[host] = await lookup(host, self.resolver)
        return self._known[host]

    def _refuse_link_local(self, found: HostAddresses, what: str, url: str) -> None:
        address = found.link_local()
        if address is not None and not self.allow_link_local:
            raise BlockedError(
                f"{what} {address}, a link-local or cloud metadata address; refusing it "
                "(set allow_link_local = true in [fetch] only if you really crawl such a host)",
                url=url,
            )

    async def check_source(self, url: httpx.URL) -> None:
        """Raise BlockedError when the source ``url`` is or resolves to a link-local or metadata address."""
        try:
            found = await self._lookup(url.host)
        except ValueError:
            raise BlockedError(f"{_shown(url)} has an invalid host; fix the url in config.toml", url=str(url)) from None
        self._refuse_link_local(found, f"{_shown(url)} points at", str(url))

    async def next_hop(self, chain: Sequence[httpx.URL], location: str) -> httpx.URL:
        """The URL a Location header sends ``chain`` (the original URL first) to, once checked.

        Raises BlockedError or TransportError (a loop, too many hops) when it may not be followed.
        """
        original, current = chain[0], chain[-1]
        target = self._resolve_location(original, current, location)
        if any(str(seen) == str(target) for seen in chain):
            raise TransportError(
                f"{_shown(original)} is a redirect loop ({_shown(current)} -> {_shown(target)}); "
                "point config.toml at a url that answers directly",
                url=str(original),
            )
        if len(chain) > self.max_redirects:
            raise TransportError(
                f"{_shown(original)} redirected more than {self.max_redirects} times (a redirect loop?); "
                "point config.toml at the final url",
                url=str(original),
            )
        found = await self._lookup(target.host)
        self._refuse_link_local(found, f"{_shown(original)} redirects to {_shown(target)}, whose address is",
                                str(original))
        if not self.allow_private:
            await self._refuse_private(original, target, found)
        return target

    def _resolve_location(self, original: httpx.URL, current: httpx.URL, location: str) -> httpx.URL:
        """The absolute, fragment-less URL of ``location``; odd numeric IPv4 hosts are judged here,
        before httpx (which refuses octal) or the resolver (which accepts it) sees them."""
        shown = redact_url(location.strip())
        joined = urljoin(str(current), location.strip())
        try:
            parts = urlsplit(joined)
            host = parts.hostname or ""
        except ValueError:
            raise BlockedError(
                f"{_shown(original)} redirects to the invalid url {shown!r}; refusing to follow it", url=str(original)
            ) from None
        if parts.scheme.lower() not in ("http", "https"):
            raise BlockedError(
                f"{_shown(original)} redirects to {shown}, which is not http(s); refusing to follow it",
                url=str(original),
            )
        try:
            literal = literal_addresses(host)
        except ValueError:
            raise BlockedError(
                f"{_shown(original)} redirects to {shown}, whose host is no valid address; refusing to follow it",
                url=str(original),
            ) from None
        if literal is not None and literal.spelled_oddly:
            (address,) = literal.addresses
            self._refuse_link_local(literal, f"{_shown(original)} redirects to {shown}, which spells", str(original))
            if not literal.public and not self.allow_private:
                raise BlockedError(
                    f"{_shown(original)} redirects to {shown}, which spells the non-public address {address} "
                    "in octal, hex or decimal; refusing it",
                    url=str(original),
                )
            userinfo, at, hostport = parts.netloc.rpartition("@")
            _, colon, port = hostport.partition(":")
            joined = urlunsplit(parts._replace(netloc=f"{userinfo}{at}{address}{colon}{port}"))
        try:
            return httpx.URL(joined).copy_with(fragment=None)
        except httpx.InvalidURL:
            raise BlockedError(
                f"{_shown(original)} redirects to the invalid url {shown!r}; refusing to follow it", url=str(original)
            ) from None

    async def _refuse_private(self, original: httpx.URL, target: httpx.URL, found: HostAddresses) -> None:
        if found.public:
            return
        origin = await self._lookup(original.host)
        if not origin.public and _same_host(original, target):
            return  # a source configured on a private host may redirect within that host
        address = found.non_public()
        why = f"whose address {address} is not public" if address is not None else "whose name does not resolve"
        hop = f"{_shown(original)} redirects to {_shown(target)}"
        if not origin.public:
            hop = f"{_shown(original)}, on the private host {original.host}, redirects to another host {target.host}"
        raise BlockedError(
            f"{hop}, {why}; refusing it (set allow_private_redirects = true to allow)", url=str(original)
        )
