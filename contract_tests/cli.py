"""`contractkit test`: arguments and the command's entry point."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contractkit.contract import baseline as baseline_file
from contractkit.contract import sharded_run
from contractkit.contract.auth import AuthError, headers_from_env, parse_header
from contractkit.contract.baseline import BaselineError
from contractkit.contract.breaking import find_breaking_changes
from contractkit.contract.checks.registry import all_checks
from contractkit.contract.identities import IdentityError, identities_from_options
from contractkit.contract.progress import Progress
from contractkit.contract.report import write_report
from contractkit.contract.report.console import render_console
from contractkit.contract.report.junit import render_junit
from contractkit.contract.runner import ALL_PHASES, OtherServer, run_contract
from contractkit.contract.settings import Settings, SettingsError, load_settings
from contractkit.contract.target import AppLoader, AppUnderTest
from contractkit.openapi import Document, SpecError

USAGE_ERROR = 2

EPILOG = """\
base URL rule:
  --base-url is the full URL of the API root, as `st run --url` takes it
  (http://127.0.0.1:8000/peerly). When it has no path at all (http://127.0.0.1:8000),
  the path of each document's servers[0].url is appended, so one origin serving several
  APIs can be tested in one run. An explicit path, "/" included, is used as it is.

credentials (later ones win):
  a config file's `headers` and `login` flow; CONTRACTKIT_HEADERS (a JSON object or one
  'Name: value' per line); CONTRACTKIT_AUTH_HEADER (one 'Name: value'); -H options.

identities:
  --identity alice='Authorization: Bearer A' --identity bob='Authorization: Bearer B'
  (or `identities:` in the config file, with `shared:` groups and `sees_all: true`).
  Requests are sent as the first; the authorization checks create items as it and try to
  read, list, update, delete and add sub-resources to them as each other isolated identity.

phases:
  examples, coverage, fuzzing, stateful (Schemathesis, with every built-in check) and crud
  (our checks: create/read/update/delete, pagination, filters, sorting, ETags, authorization,
  derived from the document). All run by default.

exit status:
  0 when nothing new was found, 1 on any failure or error (or warning, with --strict),
  2 on a usage error.

examples:
  contractkit test specs/peerly --app peerly
  contractkit test specs/peerly --base-url http://127.0.0.1:8000 -H "Authorization: Bearer $TOKEN"
  contractkit test specs/peerly --base-url http://127.0.0.1:8000 --config contractkit-test.yaml \\
      --junit-xml reports/contract.xml --report reports/contract.html
  contractkit test api.yaml --base-url http://127.0.0.1:8000 --write-baseline known.yaml
  contractkit test api.yaml --base-url http://127.0.0.1:8000 --baseline known.yaml
  contractkit test specs/peerly --app peerly --compare-base-url http://127.0.0.1:4010
  contractkit test tasks.yaml --base-url http://127.0.0.1:8000 --strict \\
      --identity alice='Authorization: Bearer A' --identity bob='Authorization: Bearer B'
  contractkit test --list-checks
  contractkit test --breaking old/openapi.yaml specs/peerly
"""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the `test` verb's arguments to `parser`."""
    parser.description = (
        "Prove that a server honours its OpenAPI documents: every Schemathesis phase and check, "
        "plus CRUD semantics, status-code coverage, a differential mode and a breaking-change "
        "check."
    )
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "specs",
        nargs="*",
        metavar="SPEC",
        help="an OpenAPI file, or a folder of one API's module documents; several give one "
        "report (with --app, defaults to the documents the app serves)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--base-url", metavar="URL", help="root URL of the API under test (see below)"
    )
    where.add_argument(
        "--app", metavar="NAME", help="test this API of the implementation in-process"
    )
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a header sent with every request, as in curl (repeatable)",
    )
    parser.add_argument(
        "--identity",
        action="append",
        default=[],
        metavar="NAME='NAME: VALUE'",
        help="a caller for the authorization checks (repeatable); the first is the default "
        "identity every request is sent as",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="YAML or TOML file: headers, a login flow, base_url, seed, max_examples, ...",
    )
    parser.add_argument("--seed", type=int, help="seed that reproduces a run (printed at the end)")
    parser.add_argument(
        "--max-examples", type=int, metavar="N", help="examples per operation and phase"
    )
    parser.add_argument("--workers", type=int, metavar="N", help="concurrent Schemathesis workers")
    parser.add_argument(
        "--phases",
        metavar="LIST",
        help=f"comma-separated subset of {','.join(ALL_PHASES)} (default: all)",
    )
    parser.add_argument(
        "--exclude-checks",
        metavar="LIST",
        default="",
        help="comma-separated checks to skip, ours or Schemathesis' (all run by default; "
        "see --list-checks)",
    )
    parser.add_argument(
        "--list-checks",
        action="store_true",
        help="print every check (ours and Schemathesis') with its description, then exit",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (e.g. a document with CRUD operations but no CRUD request)",
    )
    parser.add_argument(
        "--request-timeout", type=float, metavar="SECONDS", help="per-request timeout"
    )
    parser.add_argument("--junit-xml", metavar="PATH", help="write a JUnit XML report")
    parser.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="PATH",
        help="write a Markdown (.md) or HTML (.html) report (repeatable)",
    )
    parser.add_argument("--baseline", metavar="FILE", help="known failures to suppress")
    parser.add_argument(
        "--write-baseline", metavar="FILE", help="record the current failures as known"
    )
    parser.add_argument(
        "--fail-on-uncovered",
        action="store_true",
        help="fail when a documented status code was never produced",
    )
    other = parser.add_mutually_exclusive_group()
    other.add_argument(
        "--compare-base-url",
        metavar="URL",
        help="differential mode: send the same cases to this server too and compare",
    )
    other.add_argument(
        "--compare-app", metavar="NAME", help="differential mode against an API in-process"
    )
    parser.add_argument(
        "--breaking",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="only compare two versions of a document and list breaking changes",
    )
    sharded_run.add_arguments(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress display")


def run(args: argparse.Namespace, app_loader: AppLoader | None = None) -> int:
    """Run `contractkit test`; returns the exit status."""
    try:
        if args.list_checks:
            sys.stdout.write(render_check_list())
            return 0
        if args.breaking:
            return _run_breaking(*args.breaking)
        return _run_contract(args, app_loader)
    except (
        SettingsError,
        BaselineError,
        SpecError,
        AuthError,
        IdentityError,
        ValueError,
    ) as exc:
        print(f"contractkit test: {exc}", file=sys.stderr)
        return USAGE_ERROR


def _run_breaking(old: str, new: str) -> int:
    changes = find_breaking_changes(Document.bundled(old), Document.bundled(new))
    for change in changes:
        print(change)
    print(f"{len(changes)} breaking change{'s' if len(changes) != 1 else ''} from {old} to {new}")
    return 1 if changes else 0


def _run_contract(args: argparse.Namespace, app_loader: AppLoader | None) -> int:
    settings = load_settings(args.config) if args.config else Settings()
    base_url = args.base_url or (settings.base_url if not args.app else None)
    if not base_url and not args.app:
        raise ValueError("give --base-url URL or --app NAME (or `base_url` in the config file)")
    if not args.specs and not args.app:
        raise ValueError("give at least one spec file or folder")
    under_test = _load_app(args.app, app_loader)
    app, app_base_path = under_test.app, under_test.base_path
    specs = args.specs or [str(path) for path in under_test.documents]
    if not specs:
        raise ValueError("give at least one spec file or folder")
    compare_with = None
    if args.compare_base_url:
        compare_with = OtherServer(base_url=args.compare_base_url)
    elif args.compare_app:
        other = _load_app(args.compare_app, app_loader)
        compare_with = OtherServer(app=other.app, app_base_path=other.base_path)
    headers = {**settings.headers, **headers_from_env()}
    for text in args.header:
        name, value = parse_header(text)
        headers[name] = value
    phases = _split(args.phases) if args.phases else settings.phases or list(ALL_PHASES)
    identities = settings.identities.merged(identities_from_options(args.identity))
    excluded = _split(args.exclude_checks)
    known = {check.name for check in all_checks()}
    unknown = sorted(set(excluded) - known)
    if unknown:
        raise ValueError(f"unknown checks: {', '.join(unknown)} (see --list-checks)")
    shard_plan = sharded_run.plan(args, args.baseline or settings.baseline)
    result = run_contract(
        specs,
        app=app,
        app_base_path=app_base_path,
        base_url=None if app is not None else base_url,
        headers=headers,
        login=settings.login,
        identities=identities,
        seed=args.seed if args.seed is not None else settings.seed,
        max_examples=args.max_examples or settings.max_examples,
        workers=args.workers or settings.workers or 1,
        phases=phases,
        exclude_checks=excluded,
        baseline=shard_plan.baseline,
        fail_on_uncovered=shard_plan.fail_on_uncovered,
        compare_with=compare_with,
        request_timeout=args.request_timeout,
        progress=None if args.quiet else Progress(),
        strict=args.strict or settings.strict,
        shard=shard_plan.shard,
    )
    if args.write_baseline:
        baseline_file.write_baseline(args.write_baseline, [*result.findings, *result.suppressed])
        print(
            f"wrote {len(result.findings) + len(result.suppressed)} known failures to "
            f"{args.write_baseline}",
            file=sys.stderr,
        )
    if args.junit_xml:
        Path(args.junit_xml).parent.mkdir(parents=True, exist_ok=True)
        Path(args.junit_xml).write_text(render_junit(result), encoding="utf-8")
    for path in args.report:
        write_report(result, path)
    sys.stdout.write(render_console(result))
    shard_status = sharded_run.finish(args, result, shard_plan)
    return result.exit_code if shard_status is None else shard_status


def render_check_list() -> str:
    """Every check, ours then Schemathesis', with its origin and description."""
    checks = all_checks()
    width = max(len(check.name) for check in checks)
    lines = [f"{check.name:<{width}}  {check.origin:<12}  {check.description}" for check in checks]
    return "\n".join(lines) + "\n"


def _load_app(name: str | None, app_loader: AppLoader | None) -> AppUnderTest:
    if name is None:
        return AppUnderTest(None, None)
    if app_loader is None:
        raise ValueError("--app needs the implementation, which this entry point does not provide")
    loaded = app_loader(name)
    under_test = loaded if isinstance(loaded, AppUnderTest) else AppUnderTest(*loaded)
    return under_test._replace(base_path=under_test.base_path or None)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]
