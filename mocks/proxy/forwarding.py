"""Forwarding one request to the upstream server with httpx, and reading its answer as is.

Headers go through unchanged except hop-by-hop ones and ``Host``; the answer's bytes are
passed back as the upstream sent them (still compressed, if so), and decoded separately for
validation when the encoding is one the standard library reads (gzip, deflate).
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
_NOT_FORWARDED = HOP_BY_HOP | {"host", "content-length", "expect"}


@dataclass(slots=True)
class UpstreamAnswer:
    """The upstream's answer: status, headers in order (repeats kept), raw body bytes."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header_map(self) -> dict[str, str]:
        """Lower-case names; repeated headers joined with ``, ``."""
        joined: dict[str, str] = {}
        for name, value in self.headers:
            key = name.lower()
            joined[key] = f"{joined[key]}, {value}" if key in joined else value
        return joined

    def decoded_body(self) -> bytes | None:
        """The body without its content encoding; ``None`` for an encoding not understood."""
        encoding = self.header_map().get("content-encoding", "identity").strip().lower()
        try:
            if encoding in ("", "identity"):
                return self.body
            if encoding in ("gzip", "x-gzip"):
                return gzip.decompress(self.body)
            if encoding == "deflate":
                try:
                    return zlib.decompress(self.body)
                except zlib.error:
                    return zlib.decompress(self.body, -zlib.MAX_WBITS)
        except (OSError, EOFError, zlib.error):
            return None
        return None


def new_client(timeout: float) -> httpx.AsyncClient:
    """A client that adds no headers of its own (the client's are forwarded as they are) and
    keeps no cookies (each client's own go through in its requests)."""
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    client = httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, trust_env=False, cookies=no_cookies
    )
    for name in list(client.headers):
        del client.headers[name]
    return client


async def forward(
    client: httpx.AsyncClient,
    upstream: str,
    method: str,
    raw_path: str,
    query_string: str,
    headers: list[tuple[str, str]],
    body: bytes,
) -> UpstreamAnswer:
    """Send the request to ``upstream`` (a base URL) and read the whole answer.

    Raises :class:`httpx.TransportError` when the upstream cannot be reached.
    """
    url = upstream.rstrip("/") + raw_path + (f"?{query_string}" if query_string else "")
    kept = [(name, value) for name, value in headers if name.lower() not in _NOT_FORWARDED]
    request = client.build_request(method, url, headers=kept, content=body or None)
    response = await client.send(request, stream=True)
    try:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    finally:
        await response.aclose()
    answer_headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"
    ]
    return UpstreamAnswer(response.status_code, answer_headers, raw)
