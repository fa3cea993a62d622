"""The `--shard` and `--results-json` options of `contractkit test`, and what they change.

A shard run tests its part of each document (see `sharding`), writes its results file and
leaves the judging to `contractkit report merge`: the coverage gate and the baseline are not
applied per shard (a status code one shard never produced may be another's), and the run exits
0 once its results are written, so that every job of a CI matrix finishes and the merge job,
which fails on findings, runs.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from contractkit.contract.model import RunResult
from contractkit.contract.results_json import write_results
from contractkit.contract.sharding import Shard, parse_shard


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`--shard I/N` and `--results-json PATH`."""
    parser.add_argument(
        "--shard",
        metavar="I/N",
        help="test only shard I of N of each document's operations (CRUD families stay "
        "together); needs --results-json; join the shards with `contractkit report merge`",
    )
    parser.add_argument(
        "--results-json", metavar="PATH", help="write the run's results (for `report merge`)"
    )


@dataclass(frozen=True)
class ShardPlan:
    """What the options ask for: the shard, and the gate and baseline the run itself applies."""

    shard: Shard | None
    fail_on_uncovered: bool
    baseline: str | None


def plan(args: argparse.Namespace, baseline: str | None) -> ShardPlan:
    """Read the options; a shard run defers the coverage gate and the baseline, and says so."""
    if not args.shard:
        return ShardPlan(None, args.fail_on_uncovered, baseline)
    shard = parse_shard(args.shard)
    if not args.results_json:
        raise ValueError("--shard needs --results-json PATH (`report merge` joins the shards)")
    if args.write_baseline:
        raise ValueError("--write-baseline records a whole run: give it to no shard")
    deferred = [
        name
        for name, given in (
            ("the coverage gate (--fail-on-uncovered)", args.fail_on_uncovered),
            ("the baseline", baseline),
        )
        if given
    ]
    if deferred:
        print(
            f"contractkit test: shard {shard}: {' and '.join(deferred)} not applied here; "
            "give it to `contractkit report merge`, which judges the joined result",
            file=sys.stderr,
        )
    return ShardPlan(shard, False, None)


def finish(args: argparse.Namespace, result: RunResult, shard_plan: ShardPlan) -> int | None:
    """Write the results file; for a shard, the exit status (0: results recorded)."""
    if args.results_json:
        write_results(args.results_json, result, shard_plan.shard)
    if shard_plan.shard is None:
        return None
    print(
        f"contractkit test: shard {shard_plan.shard}: {len(result.findings)} findings and "
        f"{len(result.errors)} errors recorded in {args.results_json}; "
        "`contractkit report merge` judges the joined result",
        file=sys.stderr,
    )
    return 0
