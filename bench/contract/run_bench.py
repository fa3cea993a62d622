"""Which fixture faults upstream `st run` finds on its own, and how long it takes, next to ours.

For each fixture server (the correct one and each faulty one, see
`tests/contract_tests/fixtures/servers.py`) the script starts a fresh server on loopback and runs:

- upstream: `st run items.yaml --url ... --checks all --seed N --max-examples N` (all phases);
- ours: `contractkit test`'s engine (`run_contract`) with the same seed and example budget.

It prints a table (found / missed / false alarm, seconds, time ratio ours/upstream) and writes it
to `bench/contract/RESULTS.md` unless `--no-write` is given. Both runs of a row happen in the same
invocation, on the same machine, against equally fresh servers.

    .venv/bin/python bench/contract/run_bench.py [--seed 1] [--max-examples 10]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "contract_tests" / "fixtures"
RESULTS = Path(__file__).with_name("RESULTS.md")


def _servers_module() -> Any:
    spec = importlib.util.spec_from_file_location("contract_bench_servers", FIXTURES / "servers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


servers = _servers_module()


@dataclass
class Outcome:
    checks: set[str]
    seconds: float


def upstream_run(origin: str, seed: int, max_examples: int) -> Outcome:
    """`st run` with every check; the failed check names come from its NDJSON event report."""
    st = Path(sys.executable).with_name("st")
    with tempfile.TemporaryDirectory() as workdir:
        events = Path(workdir) / "events.ndjson"
        command = [
            str(st), "run", str(servers.SPEC_PATH), "--url", f"{origin}{servers.BASE_PATH}",
            "-H", f"Authorization: Bearer {servers.TOKEN}", "--checks", "all",
            "--seed", str(seed), "--max-examples", str(max_examples),
            "--report", "ndjson", "--report-ndjson-path", str(events), "--no-color",
        ]  # fmt: skip
        started = time.perf_counter()
        subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        return Outcome(_failed_checks(events), seconds)


def _failed_checks(events: Path) -> set[str]:
    failed: set[str] = set()
    if not events.exists():
        return failed
    for line in events.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        recorder = event.get("ScenarioFinished", {}).get("recorder", {})
        for checks in recorder.get("checks", {}).values():
            failed.update(check["name"] for check in checks if check.get("status") == "failure")
    return failed


def our_run(origin: str, seed: int, max_examples: int) -> Outcome:
    from contractkit.contract import run_contract

    started = time.perf_counter()
    result = run_contract(
        str(servers.SPEC_PATH),
        base_url=origin,
        headers={"Authorization": f"Bearer {servers.TOKEN}"},
        seed=seed,
        max_examples=max_examples,
    )
    seconds = time.perf_counter() - started
    return Outcome(
        result.checks_failed() | {"error"} if result.errors else result.checks_failed(), seconds
    )


def verdict(fault: Any, checks: set[str]) -> str:
    if fault is None:
        return "clean" if not checks else f"FALSE ALARM ({', '.join(sorted(checks))})"
    return "found" if checks & servers.FAULTS[fault].found_by else "missed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="only print the table")
    options = parser.parse_args()

    rows = []
    totals = {"upstream": 0, "ours": 0}
    time_totals = {"upstream": 0.0, "ours": 0.0}
    for fault in [None, *servers.Fault]:
        outcomes = {}
        for name, runner in (("upstream", upstream_run), ("ours", our_run)):
            with servers.serve_on_loopback(servers.build_app(fault)) as origin:
                outcomes[name] = runner(origin, options.seed, options.max_examples)
            time_totals[name] += outcomes[name].seconds
        label = str(fault) if fault is not None else "(correct server)"
        cells = []
        for name in ("upstream", "ours"):
            found = verdict(fault, outcomes[name].checks)
            totals[name] += found == "found"
            cells.append(f"{found} | {outcomes[name].seconds:.1f}")
        ratio = outcomes["ours"].seconds / max(outcomes["upstream"].seconds, 1e-9)
        rows.append(f"| {label} | {' | '.join(cells)} | {ratio:.2f} |")
        print(rows[-1], flush=True)

    faults = len(servers.Fault)
    table = "\n".join(
        [
            f"Seed {options.seed}, max examples {options.max_examples}, every phase, every check; "
            "servers over loopback HTTP (uvicorn).",
            "",
            "| fixture | `st run` | s | `contractkit test` | s | time ratio ours/st |",
            "|---|---|---|---|---|---|",
            *rows,
            f"| **faults found** | **{totals['upstream']}/{faults}** | "
            f"{time_totals['upstream']:.1f} | **{totals['ours']}/{faults}** | "
            f"{time_totals['ours']:.1f} | "
            f"{time_totals['ours'] / max(time_totals['upstream'], 1e-9):.2f} |",
        ]
    )
    print()
    print(table)
    if not options.no_write:
        RESULTS.write_text(
            "# Contract runner vs upstream `st run` on the fixture servers\n\n"
            "Generated by `bench/contract/run_bench.py`; timings are from one machine and one "
            "run, for comparison within the run only. `st run` is timed as a subprocess (its "
            "start-up included); ours runs in the benchmark's process. Our runs add the CRUD "
            "checks to every Schemathesis phase and check.\n\n" + table + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
