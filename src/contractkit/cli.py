"""The ``contractkit`` command: one verb per job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from contractkit import __version__

DESCRIPTION = """\
contractkit: OpenAPI documents drive everything.

  serve   run the spec-routed reference implementation of our APIs
  mock    serve a mock of any OpenAPI document
  test    run contract tests of any server (or our implementation) against its spec
  lint    validate OpenAPI documents and check contractkit's own rules
  token   print a development credential for one of our APIs
"""


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    from contractkit import serve

    parser = sub.add_parser(
        "serve",
        help="run the reference implementation",
        description=serve.DESCRIPTION,
        epilog=serve.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.configure_parser(parser)
    parser.set_defaults(handler=serve.run)


def _token_parser(sub: argparse._SubParsersAction) -> None:
    from contractkit import token

    parser = sub.add_parser(
        "token",
        help="print a development credential",
        description=token.DESCRIPTION,
        epilog=token.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    token.configure_parser(parser)
    parser.set_defaults(handler=token.run)


def _verb_parser(sub: argparse._SubParsersAction, name: str, module: str, help_text: str) -> None:
    import importlib

    verb = importlib.import_module(module)
    parser = sub.add_parser(
        name,
        help=help_text,
        description=(verb.__doc__ or help_text).strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verb.configure_parser(parser)
    parser.set_defaults(handler=verb.run)


def _test_handler(args: argparse.Namespace) -> int:
    from contract_tests import cli as test_cli
    from contractkit.serve import load_app_for_tests

    return test_cli.run(args, app_loader=load_app_for_tests)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contractkit",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"contractkit {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    _serve_parser(sub)
    _verb_parser(sub, "mock", "mocks.cli", "serve a mock of any OpenAPI document")
    _verb_parser(sub, "test", "contract_tests.cli", "contract-test a server against its spec")
    sub.choices["test"].set_defaults(handler=_test_handler)
    _verb_parser(sub, "lint", "contractkit.lint", "validate OpenAPI documents")
    _token_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
