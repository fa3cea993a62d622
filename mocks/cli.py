"""``contractkit mock``: serve a mock of any OpenAPI 2.0/3.0/3.1 document."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from contractkit.openapi.errors import SpecError

if TYPE_CHECKING:
    from contractkit.mock.engine import MockEngine

DEFAULT_STATE = os.path.join(".contractkit", "mock-state.sqlite3")

EPILOG = """\
examples:
  contractkit mock specs/peerly                       # every module document of a folder
  contractkit mock openapi.yaml --port 8080 --dynamic --seed 7
  contractkit mock api.json --stateful                # POST/GET/PUT/PATCH/DELETE remember data
  contractkit mock api.json --stateful --workers 4    # one state file shared by the workers
  contractkit mock api.json --state redis://cache:6379/0   # one state for several instances
  contractkit mock api.yaml --delay 50-200 --error-rate 0.05 --watch
  contractkit mock specs/blaize --auth '*=s3cret'     # any scheme accepts s3cret, nothing else
  contractkit mock specs/peerly --auth bearerAuth=eyJhbGciOi.eyJzdWIiOi.c2ln --forbidden-auth \
      bearerAuth=eyJhbGciOi.eyJndWVzdCI6.c2ln          # 403 for this token

credentials: by default (as Prism does) the credentials an operation's security requires must be
  present and well-formed (Basic is base64 user:password, a JWT bearer has three parts), else 401;
  their values are not checked. Declaring valid ones with --auth SCHEME=VALUE (SCHEME is a name
  from components.securitySchemes, or * for every scheme) makes the mock authenticate: any other
  value is answered with 401, also next to an accepted credential, and values declared with
  --forbidden-auth get 403. VALUE is the API key, the bearer token, or user:password for Basic.
  A security scheme may declare its own: x-mock: {credentials: [...], forbidden: [...]}.
  Credentials are checked before anything else: 401/403 come before 400, 404 and 422.

clients steer answers like Prism's:  Prefer: code=404 | example=<name> | dynamic=true
mock endpoints:  GET /__mock/coverage, /__mock/requests, /__mock/operations;
                 POST /__mock/reset
"""


def _delay(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    try:
        values = (float(low), float(high or low))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected milliseconds such as 100 or 50-200, got {text!r}"
        ) from exc
    if values[0] < 0 or values[1] < values[0]:
        raise argparse.ArgumentTypeError(f"invalid delay range {text!r}")
    return values


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1, got {text!r}"
        ) from exc
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("the error rate must be between 0 and 1")
    return value


def _credential(text: str) -> tuple[str, str]:
    scheme, sep, value = text.partition("=")
    if not sep or not scheme.strip():
        raise argparse.ArgumentTypeError(
            f"expected SCHEME=VALUE (SCHEME a security scheme name or *), got {text!r}"
        )
    return scheme.strip(), value


def check_state(engine: MockEngine) -> str | None:
    """Why the state backend cannot be used (it is connected once, then released), or None."""
    from contractkit.mock.state.backend import StateBackendError

    if engine.backend is None:
        return None
    try:
        engine.backend.get("", "!probe", "")
    except StateBackendError as exc:
        return str(exc)
    finally:
        engine.backend.close()
    print(f"State: {engine.backend.url}", file=sys.stderr)
    return None


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the ``mock`` verb's arguments."""
    parser.description = (
        "Serve a mock of OpenAPI documents: requests are routed, validated against the "
        "document and answered from its examples or with data generated from its schemas."
    )
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "specs", nargs="+", metavar="SPEC", help="document files or folders of module documents"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=4010, help="port to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of generated data (default: %(default)s)"
    )
    parser.add_argument(
        "--dynamic", action="store_true", help="generate varied data instead of examples"
    )
    parser.add_argument(
        "--stateful", action="store_true", help="remember resources created, updated and deleted"
    )
    parser.add_argument(
        "--state",
        metavar="PATH|URL",
        help="where --stateful keeps resources (implies it): a SQLite file (default: "
        f"{DEFAULT_STATE}, shared by --workers, kept across restarts), sqlite:///PATH, "
        "redis://HOST:PORT/DB, postgresql://USER:PASSWORD@HOST/DB (shared by instances), or "
        "memory (per process)",
    )
    parser.add_argument(
        "--delay",
        type=_delay,
        default=(0.0, 0.0),
        metavar="MS[-MS]",
        help="latency to add, fixed or a random range in milliseconds",
    )
    parser.add_argument(
        "--error-rate",
        type=_rate,
        default=0.0,
        metavar="RATE",
        help="fraction of requests answered with a 5xx fault (0..1)",
    )
    parser.add_argument(
        "--auth",
        type=_credential,
        action="append",
        default=[],
        metavar="SCHEME=VALUE",
        help="a valid credential for a security scheme (* = every scheme; repeatable); once any "
        "is declared, other values get 401 (see 'credentials' below)",
    )
    parser.add_argument(
        "--forbidden-auth",
        type=_credential,
        action="append",
        default=[],
        metavar="SCHEME=VALUE",
        help="a known credential without access: answered with 403 (repeatable)",
    )
    parser.add_argument(
        "--cors",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="answer CORS preflights and allow any origin (default: on)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (they share the --state; default: %(default)s)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="reload when a document or a file it references changes",
    )
    parser.add_argument(
        "--server",
        choices=("builtin", "uvicorn"),
        default="builtin",
        help="HTTP server: the built-in one (fastest) or uvicorn (default: %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=("critical", "error", "warning", "info", "debug"),
        help="server log level",
    )


def run(args: argparse.Namespace) -> int:
    """Start the mock server; returns the exit status."""
    import uvicorn

    from contractkit.mock.engine import MockOptions
    from contractkit.mock.server import CONFIG_ENV, create_app, options_to_json
    from contractkit.mock.state.backend import StateBackendError

    options = MockOptions(
        seed=args.seed,
        dynamic=args.dynamic,
        stateful=args.stateful or args.state is not None,
        state=args.state or DEFAULT_STATE,
        delay_ms=args.delay,
        error_rate=args.error_rate,
        cors=args.cors,
        credentials=tuple(args.auth),
        forbidden_credentials=tuple(args.forbidden_auth),
    )
    specs = [str(s) for s in args.specs]
    try:
        app = create_app(specs, options, watch=args.watch)
    except (SpecError, ValueError, StateBackendError) as exc:
        print(f"contractkit mock: {exc}", file=sys.stderr)
        return 2
    problem = check_state(app.engine)
    if problem:
        print(f"contractkit mock: {problem}", file=sys.stderr)
        return 2
    count = len(app.engine.operations)
    print(
        f"Mocking {count} operations from {len(app.engine.workspace.roots)} document(s) on http://{args.host}:{args.port}",
        file=sys.stderr,
    )
    config = options_to_json(specs, options, args.watch)
    if args.server == "builtin":
        from contractkit.mock.serving.httpserver import run_server

        run_server(app, args.host, args.port, workers=args.workers, config=config)
        return 0
    common = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "access_log": False,
    }
    if args.workers > 1:
        os.environ[CONFIG_ENV] = config
        uvicorn.run(
            "contractkit.mock.server:app_from_environment",
            factory=True,
            workers=args.workers,
            **common,
        )
    else:
        uvicorn.run(app, **common)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the verb on its own (``python -m mocks``)."""
    parser = argparse.ArgumentParser(prog="contractkit mock")
    configure_parser(parser)
    return run(parser.parse_args(argv))
