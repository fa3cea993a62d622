"""Running `contractkit test` against a fixture server on loopback, for the fault tests."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contractkit.contract import cli
from tests.contract_tests.fixtures.common import FaultInfo, serve_on_loopback

SEED = 7
SCHEMATHESIS_PHASES = ("examples", "coverage", "fuzzing", "stateful")
# Our checks, as opposed to Schemathesis' built-in ones.
OUR_CHECK_PREFIXES = ("crud_", "authz_", "pagination_", "filter_", "sort_", "etag_", "if_match_")


def ours(info: FaultInfo) -> bool:
    """Whether one of our checks (rather than a Schemathesis one) is expected to find it."""
    return any(check.startswith(OUR_CHECK_PREFIXES) for check in info.found_by)


@dataclass
class Outcome:
    """The exit status of a run and what its results file holds."""

    exit_code: int
    findings: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    notes: list[str]

    @property
    def checks(self) -> set[str]:
        return {finding["check"] for finding in self.findings}

    def describe(self) -> list[tuple[str, str, str]]:
        """What failed, for assertion messages."""
        return [(f["operation"], f["check"], f["message"][:200]) for f in self.findings] + [
            ("error", e["title"], e["message"][:200]) for e in self.errors
        ]


def run_cli(
    spec: Path,
    app: Any,
    tmp_path: Path,
    *,
    phases: Sequence[str],
    options: Sequence[str] = (),
    max_examples: int = 5,
) -> Outcome:
    """`contractkit test SPEC --base-url <loopback> ...` against `app`, results read back."""
    results = tmp_path / "results.json"
    argv = [
        str(spec),
        "--phases", ",".join(phases),
        "--seed", str(SEED),
        "--max-examples", str(max_examples),
        "--results-json", str(results),
        "-q",
        *options,
    ]  # fmt: skip
    parser = argparse.ArgumentParser(prog="contractkit test")
    cli.configure_parser(parser)
    with serve_on_loopback(app) as origin:
        exit_code = cli.run(parser.parse_args([*argv, "--base-url", origin]))
    data = json.loads(results.read_text(encoding="utf-8"))
    return Outcome(exit_code, data["findings"], data["errors"], data["notes"])
