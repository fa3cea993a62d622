"""``contractkit proxy``: sit between a client and a real server and validate both directions."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

from contractkit.openapi.errors import SpecError

DESCRIPTION = (
    "Forward every request to the upstream server and check the request and the answer "
    "against the OpenAPI documents. Traffic passes through unchanged; what breaks the "
    "document is reported in response headers, at GET /__mock/violations and, on exit, in "
    "a Markdown or JUnit report."
)
EPILOG = """\
examples:
  contractkit proxy openapi.yaml --upstream http://127.0.0.1:8000
  contractkit proxy specs/peerly --upstream https://staging.example.com --port 4011 \\
      --report reports/proxy.md
  contractkit proxy api.yaml --upstream http://127.0.0.1:8000 --fallback mock   # half-built API

answers carry:  X-Contractkit-Source: upstream | mock | proxy (upstream unreachable, 502)
                X-Contractkit-Proxy-Violations: <count>, X-Contractkit-Proxy-Summary: <text>
--fallback mock answers from the mock for a documented operation when the upstream is
  unreachable, answers 501 or 405, or answers 404 without a documented 404 it conforms to.
proxy endpoints:  GET /__mock/violations (JSON: operation, direction, message, pointer);
                  POST /__mock/reset
"""


def _report_path(text: str) -> Path:
    from contractkit.mock.proxy.report import report_format

    path = Path(text)
    try:
        report_format(path)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return path


def _upstream(text: str) -> str:
    if not text.startswith(("http://", "https://")) or len(text.split("://", 1)[1]) == 0:
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL, got {text!r}")
    return text


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from exc
    if value <= 0:
        raise argparse.ArgumentTypeError("the timeout must be positive")
    return value


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the ``proxy`` verb's arguments."""
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "specs", nargs="+", metavar="SPEC", help="document files or folders of module documents"
    )
    parser.add_argument(
        "--upstream", required=True, type=_upstream, metavar="URL", help="the real server"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=4010, help="port to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--fallback",
        choices=("mock",),
        help="answer from the mock what the upstream does not implement yet",
    )
    parser.add_argument(
        "--report",
        type=_report_path,
        metavar="PATH.md|PATH.xml",
        help="write a Markdown or JUnit report of the violations on exit",
    )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=30.0,
        help="seconds to wait for the upstream (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the fallback mock's data")
    parser.add_argument(
        "--stateful",
        action="store_true",
        help="the fallback mock remembers what it creates (as contractkit mock --stateful)",
    )
    parser.add_argument(
        "--state",
        metavar="PATH|URL",
        help="where the stateful fallback mock keeps resources (implies --stateful; as for "
        "contractkit mock)",
    )
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=("critical", "error", "warning", "info", "debug"),
        help="server log level",
    )


def run(args: argparse.Namespace) -> int:
    """Serve the proxy until SIGINT/SIGTERM, then write the report; returns the exit status."""
    import uvicorn

    from contractkit.mock.cli import DEFAULT_STATE, check_state
    from contractkit.mock.engine import MockEngine, MockOptions
    from contractkit.mock.proxy.app import ProxyApp
    from contractkit.mock.proxy.report import write_report
    from contractkit.mock.state.backend import StateBackendError

    options = MockOptions(
        seed=args.seed,
        stateful=args.stateful or args.state is not None,
        state=args.state or DEFAULT_STATE,
    )
    try:
        engine = MockEngine.from_paths([str(s) for s in args.specs], options)
    except (SpecError, ValueError, StateBackendError) as exc:
        print(f"contractkit proxy: {exc}", file=sys.stderr)
        return 2
    problem = check_state(engine)
    if problem:
        print(f"contractkit proxy: {problem}", file=sys.stderr)
        return 2
    app = ProxyApp(engine, args.upstream, fallback=args.fallback == "mock", timeout=args.timeout)
    print(
        f"Proxying {len(engine.operations)} operations to {args.upstream} on "
        f"http://{args.host}:{args.port}" + (" (mock fallback)" if app.fallback else ""),
        file=sys.stderr,
    )
    # uvicorn stops gracefully on SIGINT/SIGTERM, then raises the signal again with the
    # handlers found at start restored: these end the run without killing the process.
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            access_log=False,
            server_header=False,  # the upstream's Server and Date pass through, not ours
            date_header=False,
        )
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if args.report is not None:
            write_report(args.report, app.log, args.upstream)
            print(f"Report written to {args.report}", file=sys.stderr)
    return 0


class _Stopped(Exception):
    """SIGTERM arrived: the server has shut down."""


def _stopped(signum: int, _frame: FrameType | None) -> None:
    raise _Stopped(signum)


def main(argv: list[str] | None = None) -> int:
    """Run the verb on its own."""
    parser = argparse.ArgumentParser(prog="contractkit proxy")
    configure_parser(parser)
    return run(parser.parse_args(argv))
