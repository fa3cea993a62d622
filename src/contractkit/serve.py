"""``contractkit serve``: the spec-routed reference implementation over HTTP."""

from __future__ import annotations

import argparse
import copy
import os
import sys
from typing import TYPE_CHECKING, Any

from contractkit.heap import keep_out_of_collections

if TYPE_CHECKING:
    from contractkit.contract.target import AppUnderTest

DESCRIPTION = "Serve the reference implementation of one API, or of all of them, over HTTP."
EPILOG = """\
Each API is mounted under /<api> with its Swagger UI at /<api>/ui, e.g.
  contractkit serve all                 # every API on http://127.0.0.1:8000
  contractkit serve peerly --port 9000  # http://127.0.0.1:9000/peerly/ui

  contractkit serve all --workers 2      # one worker process per core

Storage defaults to a SQLite file in ./var (CONTRACTKIT_DATA_DIR); set DATABASE_URL
(e.g. postgresql://user:pass@localhost/contractkit) to use PostgreSQL. GET /healthz answers
while the process runs; GET /readyz answers 503 unless the database is reachable and its
schema is at the newest migration. Each request is logged as one JSON line on stdout.
"""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    from contractkit.impl.apis import api_names

    parser.add_argument(
        "api", choices=[*api_names(), "all"], help="which API to serve ('all' for every one)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the port (default 1); use about one per core",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="'info' (default) logs one JSON line per request; 'warning' and above do not",
    )


def _apis(name: str) -> list[str]:
    from contractkit.impl.apis import api_names

    return api_names() if name == "all" else [name]


SERVED_APIS = "CONTRACTKIT_SERVED_APIS"
"""How ``serve`` tells its worker processes which APIs to build (comma-separated names)."""


def served_app() -> Any:
    """The app a worker process serves (uvicorn's factory for ``--workers`` above 1)."""
    from contractkit.impl.app import create_app

    app = create_app(os.environ[SERVED_APIS].split(","))
    keep_out_of_collections()
    return app


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, with its access log replaced by our request log (JSON lines)."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["plain"] = {"format": "%(message)s"}
    config["handlers"]["requests"] = {
        "formatter": "plain",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["contractkit.requests"] = {
        "handlers": ["requests"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from contractkit.impl.app import create_app
    from contractkit.impl.config import ConfigurationError, load_settings
    from contractkit.impl.db import Database

    if args.workers < 1:
        print("contractkit serve: --workers must be at least 1", file=sys.stderr)
        return 2
    names = _apis(args.api)
    try:
        # Settings are checked and the database set up once here, before any worker starts.
        settings = load_settings()
        drain = settings.integer("CONTRACTKIT_SHUTDOWN_TIMEOUT_SECONDS", 10, minimum=1)
        database = Database(settings.database_url, pool_size=settings.db_pool_size)
        app = create_app(names, settings=settings, database=database)
    except ConfigurationError as exc:
        print(f"contractkit serve: {exc}", file=sys.stderr)
        return 2
    from contractkit.impl.apis import definition

    for api in names:
        base = definition(api).base_path
        print(f"{api}: http://{args.host}:{args.port}{base}/ui", file=sys.stderr)
    # On SIGTERM requests in flight may finish for ``drain`` seconds; then they are cancelled.
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "log_config": log_config(args.log_level),
        "access_log": False,
        "timeout_graceful_shutdown": drain,
    }
    if args.workers == 1:
        keep_out_of_collections()
        uvicorn.run(app, **options)
        return 0
    database.dispose()  # each worker builds its own app and pool
    os.environ[SERVED_APIS] = ",".join(names)
    uvicorn.run(f"{__name__}:served_app", factory=True, workers=args.workers, **options)
    return 0


def load_app_for_tests(name: str) -> AppUnderTest:
    """The in-process app for ``contractkit test --app NAME``: app, base path, served documents."""
    from contractkit.contract.target import AppUnderTest
    from contractkit.impl.apis import definition
    from contractkit.impl.app import create_app, served_documents

    documents = tuple(served_documents(name))
    return AppUnderTest(create_app([name]), definition(name).base_path, documents)
