"""Faults of the fixture servers found by upstream `st run` and by ours, and the time each takes.

For each fixture server (items, recognitions, tasks: see `tests/contract_tests/fixtures/`), the
correct version and each faulty one, the script starts a fresh server on loopback and runs, one
after the other and both as subprocesses (start-up included):

- upstream: `st run SPEC --url ... --checks all --seed N --max-examples N` (every phase);
- ours: `contractkit test SPEC --base-url ... --seed N --max-examples N` (every phase, every
  check), with the results written by `--results-json`.

Both get the same credentials, except on the tasks API, where ours also gets bob as a second
identity (`--identity`; `st run` has no such notion) and the default identity is alice, the
user `st run` acts as. A fault counts as found when a check of its `found_by` failed; any
failure on a correct server is a false alarm. The table is printed and written to
`bench/contract/RESULTS.md` unless `--no-write` is given.

    .venv/bin/python bench/contract/run_bench.py [--seed 1] [--max-examples 10] [--servers tasks]

`--servers` and `--faults` (fault names, `correct` for the correct server) pick rows, e.g. to
split a long bench over several invocations.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).with_name("RESULTS.md")
sys.path.insert(0, str(REPO))

from tests.contract_tests.fixtures import recognitions, servers, tasks  # noqa: E402
from tests.contract_tests.fixtures.common import serve_on_loopback  # noqa: E402


@dataclass(frozen=True)
class Fixture:
    """One fixture server and the credentials each runner gets."""

    name: str
    module: ModuleType
    upstream_options: list[str]
    our_options: list[str]


def _bearer(token: str) -> list[str]:
    return ["-H", f"Authorization: Bearer {token}"]


FIXTURES = [
    Fixture("items", servers, _bearer(servers.TOKEN), _bearer(servers.TOKEN)),
    Fixture("recognitions", recognitions, _bearer(recognitions.TOKEN), _bearer(recognitions.TOKEN)),
    Fixture(
        "tasks",
        tasks,
        _bearer(tasks.TOKEN),
        [option for text in tasks.identity_options() for option in ("--identity", text)],
    ),
]


@dataclass
class Outcome:
    checks: set[str]
    seconds: float


def _timed(command: list[str], workdir: str) -> float:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    started = time.perf_counter()
    subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False, env=env)
    return time.perf_counter() - started


def upstream_run(fixture: Fixture, origin: str, seed: int, max_examples: int) -> Outcome:
    """`st run` with every check; the failed check names come from its NDJSON event report."""
    st = Path(sys.executable).with_name("st")
    module = fixture.module
    with tempfile.TemporaryDirectory() as workdir:
        events = Path(workdir) / "events.ndjson"
        command = [
            str(st), "run", str(module.SPEC_PATH), "--url", f"{origin}{module.BASE_PATH}",
            *fixture.upstream_options, "--checks", "all",
            "--seed", str(seed), "--max-examples", str(max_examples),
            "--report", "ndjson", "--report-ndjson-path", str(events), "--no-color",
        ]  # fmt: skip
        seconds = _timed(command, workdir)
        return Outcome(_failed_checks(events), seconds)


def _failed_checks(events: Path) -> set[str]:
    failed: set[str] = set()
    if not events.exists():
        return {"(no report)"}
    for line in events.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        recorder = event.get("ScenarioFinished", {}).get("recorder", {})
        for checks in recorder.get("checks", {}).values():
            failed.update(check["name"] for check in checks if check.get("status") == "failure")
    return failed


def our_run(fixture: Fixture, origin: str, seed: int, max_examples: int) -> Outcome:
    """`contractkit test` with every phase and check; the failed checks from its results file."""
    module = fixture.module
    with tempfile.TemporaryDirectory() as workdir:
        results = Path(workdir) / "results.json"
        command = [
            sys.executable, "-m", "contractkit.cli", "test", str(module.SPEC_PATH),
            "--base-url", f"{origin}{module.BASE_PATH}", *fixture.our_options,
            "--seed", str(seed), "--max-examples", str(max_examples),
            "--results-json", str(results), "-q",
        ]  # fmt: skip
        seconds = _timed(command, workdir)
        if not results.exists():
            return Outcome({"(no results)"}, seconds)
        data = json.loads(results.read_text(encoding="utf-8"))
        checks = {finding["check"] for finding in data["findings"]}
        return Outcome(checks | ({"(error)"} if data["errors"] else set()), seconds)


def verdict(module: ModuleType, fault: object, checks: set[str]) -> str:
    if fault is None:
        return "clean" if not checks else f"FALSE ALARM ({', '.join(sorted(checks))})"
    return "found" if checks & module.FAULTS[fault].found_by else "missed"


def bench_fixture(
    fixture: Fixture, seed: int, max_examples: int, only: set[str] | None = None
) -> tuple[list[str], dict]:
    """The table rows of one fixture server and its totals (`only`: those faults, `correct`)."""
    rows = []
    totals = {"upstream": 0, "ours": 0, "upstream_s": 0.0, "ours_s": 0.0}
    for fault in [None, *fixture.module.Fault]:
        if only is not None and str(fault or "correct") not in only:
            continue
        outcomes = {}
        for name, runner in (("upstream", upstream_run), ("ours", our_run)):
            with serve_on_loopback(fixture.module.build_app(fault)) as origin:
                outcomes[name] = runner(fixture, origin, seed, max_examples)
            totals[f"{name}_s"] += outcomes[name].seconds
        label = f"{fixture.name}: {fault if fault is not None else '(correct server)'}"
        cells = []
        for name in ("upstream", "ours"):
            found = verdict(fixture.module, fault, outcomes[name].checks)
            totals[name] += found == "found"
            cells.append(f"{found} | {outcomes[name].seconds:.1f}")
        ratio = outcomes["ours"].seconds / max(outcomes["upstream"].seconds, 1e-9)
        rows.append(f"| {label} | {' | '.join(cells)} | {ratio:.2f} |")
        print(rows[-1], flush=True)
    return rows, totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument(
        "--servers", default=",".join(f.name for f in FIXTURES), help="comma-separated subset"
    )
    parser.add_argument(
        "--faults",
        help="comma-separated fault names (`correct`: the correct server); all by default",
    )
    parser.add_argument("--no-write", action="store_true", help="only print the table")
    options = parser.parse_args()
    chosen = [f for f in FIXTURES if f.name in options.servers.split(",")]

    rows: list[str] = []
    summary: list[str] = []
    grand = {"upstream": 0, "ours": 0, "upstream_s": 0.0, "ours_s": 0.0, "faults": 0}
    for fixture in chosen:
        only = set(options.faults.split(",")) if options.faults else None
        fixture_rows, totals = bench_fixture(fixture, options.seed, options.max_examples, only)
        rows += fixture_rows
        faults = sum(1 for fault in fixture.module.Fault if only is None or str(fault) in only)
        grand["faults"] += faults
        for key in ("upstream", "ours", "upstream_s", "ours_s"):
            grand[key] += totals[key]
        summary.append(_summary_row(fixture.name, totals, faults))
    summary.append(_summary_row("**all**", grand, grand["faults"]))
    text = "\n".join(
        [
            f"Seed {options.seed}, max examples {options.max_examples}, every phase, every check; "
            "servers over loopback HTTP (uvicorn); both runners as subprocesses.",
            "",
            "| server | faults found by `st run` | faults found by `contractkit test` | "
            "`st run` s | ours s | time ratio ours/st |",
            "|---|---|---|---|---|---|",
            *summary,
            "",
            "| fixture | `st run` | s | `contractkit test` | s | time ratio ours/st |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print()
    print(text)
    if not options.no_write:
        RESULTS.write_text(
            "# Contract runner vs upstream `st run` on the fixture servers\n\n"
            "Generated by `bench/contract/run_bench.py`; timings are from one machine and one "
            "run, for comparison within the run only (each row's two runs happen one after the "
            "other, against equally fresh servers). Our runs add our checks (CRUD families, "
            "pagination, filters, sort, ETag/If-Match, authorization across identities) to "
            "every Schemathesis phase and check.\n\n" + text + "\n",
            encoding="utf-8",
        )
    return 0


def _summary_row(name: str, totals: dict, faults: int) -> str:
    ratio = totals["ours_s"] / max(totals["upstream_s"], 1e-9)
    return (
        f"| {name} | {totals['upstream']}/{faults} | {totals['ours']}/{faults} | "
        f"{totals['upstream_s']:.1f} | {totals['ours_s']:.1f} | {ratio:.2f} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())
