"""Where requests go: a server by URL, or an ASGI application in-process.

Base URL rule: `--base-url` is the full URL of the API root, as `st run --url` takes it. When it
has no path at all (`http://127.0.0.1:8000`), the path of the document's `servers[0].url` (e.g.
`/peerly`) is appended, so one origin serving several APIs can be tested in one run. Any explicit
path, `/` included, is used as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests

from contractkit.contract.inprocess import ServerErrorsAsResponses
from contractkit.openapi import Document

ASGI_ORIGIN = "http://testserver"


class AppUnderTest(NamedTuple):
    """An application to test in-process: where it is mounted, and the documents it serves."""

    app: Any
    base_path: str | None
    documents: tuple[Path, ...] = ()


AppLoader = Callable[[str], AppUnderTest | tuple[Any, str]]
"""Given an API name, the ASGI application serving it and the path it is mounted at (and,
optionally, the documents it serves, tested when no SPEC is given)."""


@dataclass(frozen=True)
class Target:
    """The root URL of one API, and the application answering it when in-process."""

    base_url: str
    app: Any | None = None

    def session(self) -> requests.Session:
        """A `requests` session that reaches this target (in-process for an ASGI app)."""
        if self.app is None:
            return requests.Session()
        from schemathesis.python import asgi

        return asgi.get_client(self.app).__enter__()

    def url_for(self, path: str) -> str:
        """An absolute URL for `path` (relative to the API root) or `path` itself if absolute."""
        if urlsplit(path).scheme:
            return path
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


def resolve(
    document: Document,
    *,
    base_url: str | None = None,
    app: Any | None = None,
    app_base_path: str | None = None,
) -> Target:
    """The target for one document, following the base URL rule above."""
    if app is not None:
        path = document.base_path if app_base_path is None else app_base_path.rstrip("/")
        return Target(base_url=ASGI_ORIGIN + path, app=ServerErrorsAsResponses(app))
    if base_url is None:
        raise ValueError("a base URL or an ASGI application is required")
    if urlsplit(base_url).path == "":
        return Target(base_url=base_url + document.base_path)
    return Target(base_url=base_url.rstrip("/"))
