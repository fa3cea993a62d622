"""`contractkit report merge`: join the results files of a sharded run, then judge and report.

    contractkit test api.yaml --base-url URL --shard 1/3 --results-json out/1.json   # job 1
    ...                                                                               # jobs 2, 3
    contractkit report merge out/1.json out/2.json out/3.json --fail-on-uncovered \\
        --baseline known.yaml --junit-xml out/contract.xml --report out/contract.html
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contractkit.contract.baseline import BaselineError
from contractkit.contract.report import write_report
from contractkit.contract.report.console import render_console
from contractkit.contract.report.junit import render_junit
from contractkit.contract.report.merge import judge, merge_results
from contractkit.contract.results_json import ResultsError, read_results, write_results

USAGE_ERROR = 2
DESCRIPTION = "Work with the results files `contractkit test --results-json` writes."
EPILOG = """\
merge:
  joins the results of the shards of one run (`contractkit test --shard I/N --results-json`):
  every shard of the split must be given once. The baseline and the coverage gate
  (--fail-on-uncovered) apply to the joined result, which is reported like a whole run.

exit status:
  0 when nothing new was found, 1 on any failure or error, 2 on a usage error (a results
  file unreadable, a shard missing or given twice, shards of different splits).
"""


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """The arguments of `contractkit report`."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    merge = actions.add_parser(
        "merge",
        help="join the results files of a sharded run, then judge and report the whole",
        description="Join the results files of a sharded run, then judge and report the whole.",
    )
    merge.add_argument("results", nargs="+", metavar="RESULTS.json", help="results files")
    merge.add_argument("--junit-xml", metavar="PATH", help="write a JUnit XML report")
    merge.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="PATH",
        help="write a Markdown (.md) or HTML (.html) report (repeatable)",
    )
    merge.add_argument("--baseline", metavar="FILE", help="known failures to suppress")
    merge.add_argument(
        "--fail-on-uncovered",
        action="store_true",
        help="fail when a documented status code was produced by no shard",
    )
    merge.add_argument("--results-json", metavar="PATH", help="write the joined results file")


def run(args: argparse.Namespace) -> int:
    """Run `contractkit report ACTION`; returns the exit status."""
    try:
        parts = [read_results(path) for path in args.results]
        result = judge(
            merge_results(parts), baseline=args.baseline, fail_on_uncovered=args.fail_on_uncovered
        )
    except (ResultsError, BaselineError) as exc:
        print(f"contractkit report merge: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if args.junit_xml:
        Path(args.junit_xml).parent.mkdir(parents=True, exist_ok=True)
        Path(args.junit_xml).write_text(render_junit(result), encoding="utf-8")
    for path in args.report:
        try:
            write_report(result, path)
        except ValueError as exc:
            print(f"contractkit report merge: {exc}", file=sys.stderr)
            return USAGE_ERROR
    if args.results_json:
        write_results(args.results_json, result)
    print(f"merged {len(parts)} results file{'s' if len(parts) != 1 else ''}", file=sys.stderr)
    sys.stdout.write(render_console(result))
    return result.exit_code
