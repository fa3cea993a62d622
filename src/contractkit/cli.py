"""The ``contractkit`` command: one verb per job.

Only the module of the verb being run is imported, so ``contractkit token`` does not pay for
the mock server or the contract-test runner.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NamedTuple

from contractkit import __version__


class Verb(NamedTuple):
    module: str
    summary: str


VERBS: dict[str, Verb] = {
    "serve": Verb("contractkit.serve", "run the spec-routed reference implementation"),
    "mock": Verb("contractkit.mock.cli", "serve a mock of any OpenAPI document"),
    "proxy": Verb(
        "contractkit.mock.proxy.cli", "forward to a real server, validating both directions"
    ),
    "test": Verb("contractkit.contract.cli", "contract-test any server (or ours) against its spec"),
    "report": Verb("contractkit.contract.report.cli", "merge the results of sharded test runs"),
    "lint": Verb("contractkit.lint", "validate OpenAPI documents and check our own rules"),
    "token": Verb("contractkit.token", "print a development credential for one of our APIs"),
}

DESCRIPTION = "contractkit: OpenAPI documents drive everything.\n\n" + "\n".join(
    f"  {name:<6}  {verb.summary}" for name, verb in VERBS.items()
)
EPILOG = "Run 'contractkit VERB --help' for a verb's options and examples."


def _selected_verb(argv: Sequence[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in VERBS else None
    return None


def _run_test(args: argparse.Namespace) -> int:
    from contractkit.contract import cli as test_cli
    from contractkit.serve import load_app_for_tests

    return test_cli.run(args, app_loader=load_app_for_tests)


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contractkit",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"contractkit {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    selected = _selected_verb(argv)
    for name, verb in VERBS.items():
        if name != selected:
            sub.add_parser(name, help=verb.summary, add_help=False)
            continue
        module = importlib.import_module(verb.module)
        verb_parser = sub.add_parser(
            name,
            help=verb.summary,
            description=getattr(module, "DESCRIPTION", None) or (module.__doc__ or verb.summary),
            epilog=getattr(module, "EPILOG", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure_parser(verb_parser)
        verb_parser.set_defaults(handler=_run_test if name == "test" else module.run)
    return parser


def _reproducible_hashing(argv: list[str]) -> None:
    """Re-run ``contractkit test`` with a fixed hash seed so that ``--seed`` reproduces a run.

    Some generated values depend on the iteration order of sets of strings, which Python
    randomises per process unless ``PYTHONHASHSEED`` is set.
    """
    if _selected_verb(argv) == "test" and "PYTHONHASHSEED" not in os.environ:
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, "-m", "contractkit.cli", *argv], env)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _reproducible_hashing(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return int(handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
