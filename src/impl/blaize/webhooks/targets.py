"""Where webhooks may point: never the server's own network, unless the operator allows it.

A target on loopback, link-local, private, shared (CGNAT), multicast or reserved addresses
would let a tenant make the server call services that only it can reach. Such targets are
refused when a webhook is saved (literal addresses and ``localhost`` names) and again at each
delivery, after the host name is resolved: the call then goes to the address that was checked
(the URL keeps its host name in ``Host`` and in TLS), so a name cannot resolve to one address
for the check and another for the call. ``BLAIZE_WEBHOOK_ALLOW_PRIVATE=1`` lifts both checks.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The target is, or resolves to, an address webhooks may not call."""


def is_internal(address: IPAddress) -> bool:
    """Whether ``address`` belongs to a loopback, link-local, private or otherwise special range."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_internal(mapped)
    return not address.is_global or address.is_multicast


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def saved_target_problem(target: str) -> str | None:
    """Why ``target`` may not be saved (a literal internal address or a local name), or None."""
    host = (urlsplit(target).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is this server itself; webhooks may not call it"
    address = _literal(host)
    if address is not None and is_internal(address):
        return f"{address} is an internal address; webhooks may not call it"
    return None


@dataclass(frozen=True)
class PinnedRequest:
    """The request to send: the URL with the checked address, and what keeps its host name."""

    url: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, str]


async def _addresses(host: str, port: int) -> list[IPAddress]:
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def pinned(target: str) -> PinnedRequest:
    """``target`` bound to a resolved address that is not internal; else TargetRefused."""
    url = httpx.URL(target)
    host = url.host
    literal = _literal(host)
    try:
        addresses = [literal] if literal else await _addresses(host, url.port or 0)
    except OSError as exc:
        raise TargetRefused(f"{host} could not be resolved: {exc}") from exc
    if not addresses:
        raise TargetRefused(f"{host} resolves to no address")
    internal = [address for address in addresses if is_internal(address)]
    if internal:
        raise TargetRefused(f"{host} resolves to the internal address {internal[0]}")
    if literal is not None:
        return PinnedRequest(url, {}, {})
    netloc = host if url.port is None else f"{host}:{url.port}"
    return PinnedRequest(
        url.copy_with(host=str(addresses[0])),
        {"Host": netloc},
        {"sni_hostname": host} if url.scheme == "https" else {},
    )
