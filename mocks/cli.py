"""``contractkit mock``: serve a mock of any OpenAPI 2.0/3.0/3.1 document."""

from __future__ import annotations

import argparse
import hashlib
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
  present (and Basic must be base64 user:password), else 401; their values are not checked and
  any bearer token passes (--strict-auth: a bearerFormat JWT token must be a JWT).
  Declaring valid ones with --auth SCHEME=VALUE (SCHEME is a name
  from components.securitySchemes, or * for every scheme) makes the mock authenticate: any other
  value is answered with 401, also next to an accepted credential, and values declared with
  --forbidden-auth get 403. VALUE is the API key, the bearer token, or user:password for Basic.
  A security scheme may declare its own: x-mock: {credentials: [...], forbidden: [...]}.
  Credentials are checked before anything else: 401/403 come before 400, 404 and 422.

clients steer answers like Prism's:  Prefer: code=404 | example=<name> | dynamic=true
  (or ?__code=404 | __example=<name> | __dynamic=true); an x-mock: {rules: [...]} extension on an
  operation picks status and example by the request's values (see mocks/README.md)
refusals use statuses the operation documents; one that documents no client error answers what
  it documents, violations in x-contractkit-violations (--refuse-undocumented: Prism's way)
mock endpoints:  GET /__mock/coverage, /__mock/requests, /__mock/operations, /__mock/settings;
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


_PRISM_LEVELS = {"trace": "debug", "warn": "warning", "fatal": "critical", "silent": "critical"}
_LEVELS = ("critical", "error", "warning", "info", "debug")


def _log_level(text: str) -> str:
    level = _PRISM_LEVELS.get(text.lower(), text.lower())
    if level not in _LEVELS:
        raise argparse.ArgumentTypeError(
            f"expected one of {', '.join(_LEVELS + tuple(_PRISM_LEVELS))}, got {text!r}"
        )
    return level


def _seed(text: str) -> int:
    """A number as is; any other text (Prism takes strings) as a stable number."""
    try:
        return int(text)
    except ValueError:
        return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "big")


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
        "-p", "--port", type=int, default=4010, help="port to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="seed of generated data, a number or any text (default: %(default)s)",
    )
    parser.add_argument(
        "-d", "--dynamic", action="store_true", help="generate varied data instead of examples"
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
        "-v",
        "--verboseLevel",
        dest="log_level",
        type=_log_level,
        default="warning",
        metavar="LEVEL",
        help="server log level: critical, error, warning, info, debug (Prism's trace, warn, "
        "fatal and silent are read as the nearest)",
    )
    add_prism_arguments(parser)


def add_prism_arguments(parser: argparse.ArgumentParser) -> None:
    """Prism's own options, with Prism's names and defaults (see mocks/README.md)."""
    parser.add_argument(
        "--strict-auth",
        action="store_true",
        help="also check the form of credentials: a bearerFormat: JWT token must be a JWT "
        "(by default, as in Prism, any bearer token is accepted)",
    )
    parser.add_argument(
        "--errors",
        action="store_true",
        help="answer 500 rather than a body that breaks its schema (when neither an example "
        "nor generated data conforms)",
    )
    parser.add_argument(
        "--ignore-examples",
        "--ignoreExamples",
        dest="ignore_examples",
        action="store_true",
        help="generate bodies from schemas even where the document has examples",
    )
    parser.add_argument(
        "--refuse-undocumented",
        action="store_true",
        help="refuse invalid requests with 400/401/415/422 even where the operation does not "
        "document that status (as Prism does); by default the refusal is a documented status, "
        "and an operation that documents no client error answers what it documents",
    )
    parser.add_argument(
        "-m",
        "--multiprocess",
        action="store_true",
        help="serve from one process per CPU (as --workers N, the CPU count)",
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
        strict_auth=args.strict_auth,
        ignore_examples=args.ignore_examples,
        errors=args.errors,
        refuse_undocumented=args.refuse_undocumented,
    )
    if args.multiprocess:
        args.workers = max(args.workers, os.cpu_count() or 1)
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
    report_example_defects(app.engine)
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


def report_example_defects(engine: MockEngine) -> None:
    """List, once, the document's examples that are not served and why."""
    found = engine.example_defects()
    if found:
        print(
            f"{len(found)} example(s) of the document are not served "
            "(the next usable example or generated data is):",
            file=sys.stderr,
        )
        for defect in found:
            print(f"  {defect.line()}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the verb on its own (``python -m mocks``)."""
    parser = argparse.ArgumentParser(prog="contractkit mock")
    configure_parser(parser)
    return run(parser.parse_args(argv))
