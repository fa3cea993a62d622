"""Our own tools agree: ``contractkit test`` against ``contractkit mock`` of the same document.

For every document of the field corpus (``/work/shared/field-corpus`` by default), starts the
mock on a free port, runs the contract runner against it and prints one row per document:
operations, findings (by check) and the verdict. Nothing is configured per document: this is
what a user sees out of the box.

    .venv/bin/python bench/mock/agreement.py [--corpus DIR] [--max-examples 5]
        [--phases examples,coverage,fuzzing] [--stateful] [DOC ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = Path("/work/shared/field-corpus")
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Outcome:
    document: str
    operations: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    verdict: str = ""
    seconds: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def contractkit() -> list[str]:
    return [sys.executable, "-m", "contractkit.cli"]


def start_mock(
    document: Path, port: int, log: Path, state: Path | None = None
) -> subprocess.Popen[bytes]:
    stateful = ["--state", str(state)] if state is not None else []
    with log.open("wb") as sink:
        return subprocess.Popen(
            [*contractkit(), "mock", str(document), "--port", str(port), *stateful],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=sink,
            start_new_session=True,
        )


def wait_for(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if process.poll() is not None:
            return False
        try:
            httpx.get(base + "/__mock/operations", timeout=5)
            return True
        except httpx.TransportError:
            time.sleep(0.1)
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_one(document: Path, args: argparse.Namespace, folder: Path) -> Outcome:
    outcome = Outcome(document.name)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    state = folder / f"{document.stem}.state.sqlite3" if args.stateful else None
    process = start_mock(document, port, folder / f"{document.stem}.mock.log", state)
    began = time.monotonic()
    try:
        if not wait_for(base, process):
            outcome.verdict = "mock did not start"
            return outcome
        operations = httpx.get(base + "/__mock/operations", timeout=30).json()
        outcome.operations = len(operations)
        junit = folder / f"{document.stem}.xml"
        command = [
            *contractkit(),
            "test",
            str(document),
            "--base-url",
            base,
            "--max-examples",
            str(args.max_examples),
            *(["--phases", args.phases] if args.phases else []),
            "--seed",
            str(args.seed),
            "--junit-xml",
            str(junit),
            "-q",
        ]
        try:
            done = subprocess.run(
                command, cwd=REPO, capture_output=True, text=True, timeout=args.timeout
            )
        except subprocess.TimeoutExpired:
            outcome.verdict = f"runner timed out after {args.timeout:.0f}s"
            return outcome
        (folder / f"{document.stem}.out").write_text(done.stdout + done.stderr)
        outcome.findings = findings_by_check(done.stdout)
        if done.returncode == 0:
            outcome.verdict = "agree"
        elif done.returncode == 1:
            outcome.verdict = "disagree" if outcome.findings else "runner error"
        else:
            outcome.verdict = f"runner exit {done.returncode}"
    finally:
        outcome.seconds = time.monotonic() - began
        stop(process)
    return outcome


_FINDING = re.compile(r"^\s+\d+\. .*\(([a-z_]+)\)\s*$")


def findings_by_check(output: str) -> Counter[str]:
    """Findings of the runner's console report, counted by check name."""
    return Counter(m.group(1) for line in output.splitlines() if (m := _FINDING.match(line)))


def documents(args: argparse.Namespace) -> list[Path]:
    if args.documents:
        return [Path(d) for d in args.documents]
    return sorted(p for p in args.corpus.iterdir() if p.suffix in DOCUMENT_SUFFIXES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("documents", nargs="*", help="documents (default: the whole corpus)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument(
        "--phases", default="", help="the runner's --phases (default: its own, every phase)"
    )
    parser.add_argument(
        "--stateful", action="store_true", help="start each mock with --stateful (SQLite state)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per document")
    parser.add_argument("--keep", type=Path, help="folder for the runner's output per document")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="agreement-"))
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = []
    print(f"{'document':42} {'ops':>4} {'findings':>8}  {'verdict':10} by check")
    for document in documents(args):
        outcome = run_one(document, args, folder)
        outcomes.append(outcome)
        checks = ", ".join(f"{name} {count}" for name, count in outcome.findings.most_common())
        total = sum(outcome.findings.values())
        print(
            f"{outcome.document:42} {outcome.operations:4} {total:8}  {outcome.verdict:10} "
            f"{checks}",
            flush=True,
        )
    agreed = sum(o.verdict == "agree" for o in outcomes)
    print(f"\n{agreed}/{len(outcomes)} documents agree; runner output kept in {folder}")
    summary = {o.document: {"verdict": o.verdict, **o.findings} for o in outcomes}
    (folder / "summary.json").write_text(json.dumps(summary, indent=2))
    return 0 if agreed == len(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
