"""``contractkit serve``: the spec-routed reference implementation over HTTP."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contractkit.contract.target import AppUnderTest

DESCRIPTION = "Serve the reference implementation of one API, or of all of them, over HTTP."
EPILOG = """\
Each API is mounted under /<api> with its Swagger UI at /<api>/ui, e.g.
  contractkit serve all                 # every API on http://127.0.0.1:8000
  contractkit serve peerly --port 9000  # http://127.0.0.1:9000/peerly/ui

Storage defaults to a SQLite file in ./var (CONTRACTKIT_DATA_DIR); set DATABASE_URL
(e.g. postgresql://user:pass@localhost/contractkit) to use PostgreSQL.
"""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    from contractkit.impl.apis import api_names

    parser.add_argument(
        "api", choices=[*api_names(), "all"], help="which API to serve ('all' for every one)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )


def _apis(name: str) -> list[str]:
    from contractkit.impl.apis import api_names

    return api_names() if name == "all" else [name]


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from contractkit.impl.app import create_app
    from contractkit.impl.config import ConfigurationError, load_settings

    try:
        app = create_app(_apis(args.api))
        drain = load_settings().integer("CONTRACTKIT_SHUTDOWN_TIMEOUT_SECONDS", 10, minimum=1)
    except ConfigurationError as exc:
        print(f"contractkit serve: {exc}", file=sys.stderr)
        return 2
    from contractkit.impl.apis import definition

    for api in _apis(args.api):
        base = definition(api).base_path
        print(f"{api}: http://{args.host}:{args.port}{base}/ui", file=sys.stderr)
    # On SIGTERM requests in flight may finish for ``drain`` seconds; then they are cancelled.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        timeout_graceful_shutdown=drain,
    )
    return 0


def load_app_for_tests(name: str) -> AppUnderTest:
    """The in-process app for ``contractkit test --app NAME``: app, base path, served documents."""
    from contractkit.contract.target import AppUnderTest
    from contractkit.impl.apis import definition
    from contractkit.impl.app import create_app, served_documents

    documents = tuple(served_documents(name))
    return AppUnderTest(create_app([name]), definition(name).base_path, documents)
