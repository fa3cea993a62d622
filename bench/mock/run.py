"""Mock server benchmark: contractkit's mock against Stoplight Prism, side by side, one run.

Both servers run on loopback on the same documents: one process each, then each using the
machine's cores (ours ``--workers N``, N the CPU count unless ``--workers`` says otherwise;
Prism with ``--multiprocess``, its only multi-process option). The load comes
from ``wrk`` when installed (``apt-get install -y wrk``), else from an asyncio/httpx load
generator. Printed per case: requests/second, p99 latency and the ratio ours/Prism (GET from
an example, GET generated from a schema, POST with a valid body, POST with an invalid body);
then a stateful CRUD mix (create, read, update, list, delete; ``crud.lua`` for wrk, ids read
from the create answers) against the SQLite, memory and Redis stores (``redis-server`` started
on a free loopback port) and Prism on the same requests (Prism keeps no state), with the ratio
to Prism and the goal (SQLite >= 3x); then start-up time (spawn -> first answer) and peak memory on
GitHub's multi-megabyte public description and the largest documents of the field corpus.
Run ``bench/mock/setup.sh`` first.

    .venv/bin/python bench/mock/run.py [--duration 10] [--connections 32] [--only crud]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DOCUMENT = HERE / "bench.yaml"
PRISM = HERE / "node_modules" / ".bin" / "prism"
GITHUB_CANDIDATES = [
    HERE / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json",
    HERE / "node_modules" / "@octokit" / "openapi" / "openapi" / "api.github.com.json",
]
CORPUS = Path("/work/shared/field-corpus")
LARGEST_CORPUS_DOCUMENTS = (
    ("box.json", "/2.0/files/12345"),
    ("spotify.yml", "/albums/4aawyAB9vmqN3uQ7FjRGTy"),
    ("netlify-swagger2.yml", "/api/v1/sites"),
)
CRUD_SCRIPT = HERE / "crud.lua"
CRUD_ROUNDS = 3
CRUD_GOAL = 3.0
"""Stateful CRUD on the SQLite store against Prism's stateless rate on the same requests."""
PRISM_LABEL = "prism (keeps no state)"
INVALID_PET = {"name": "", "tag": "fish", "owner": {"email": "not an address"}}
PET = {
    "name": "Rex",
    "tag": "dog",
    "weight": 12.5,
    "owner": {"name": "Ann", "email": "ann@example.com"},
}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: bytes = b""
    refused: bool = False
    """The answer is expected to be a client error (not counted as a failure)."""
    numbered: bool = False
    """Each request appends the next number (1 to 100000) to ``path``: no two requests in a
    row are the same, so none is answered from memory."""


CASES = (
    Case("GET served from an example", "GET", "/pets/7"),
    Case("GET from an example, new id each", "GET", "/pets/", numbered=True),
    Case("GET generated from a schema", "GET", "/orders?limit=3"),
    Case("POST with a validated JSON body", "POST", "/pets", json.dumps(PET).encode()),
    Case(
        "POST with an invalid JSON body",
        "POST",
        "/pets",
        json.dumps(INVALID_PET).encode(),
        refused=True,
    ),
)


@dataclass
class Result:
    rps: float
    p99_ms: float
    non_2xx: int
    requests: int = 0

    @property
    def accepted(self) -> int:
        """Answers that were not client or server errors (for cases that expect a refusal)."""
        return max(0, self.requests - self.non_2xx) if self.requests else 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def our_command(document: Path, port: int, extra: Sequence[str] = ()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "contractkit.mock",
        str(document),
        "--port",
        str(port),
        "--log-level",
        "error",
        *extra,
    ]


def prism_command(document: Path, port: int, extra: Sequence[str] = ()) -> list[str]:
    return [
        str(PRISM),
        "mock",
        str(document),
        "-p",
        str(port),
        "-h",
        "127.0.0.1",
        "-v",
        "silent",
        *extra,
    ]


def lineups(workers: int) -> list[tuple[str, list[str], list[str]]]:
    """(title, our extra flags, Prism's extra flags) of each side-by-side comparison: one
    process each, then each server using the machine's cores as its documentation says
    (ours ``--workers N``; Prism serves from one Node.js process, ``--multiprocess`` moves
    its logging to a second one)."""
    single = ("one process each", [], [])
    if workers <= 1:
        return [single]
    return [
        single,
        (
            f"using the machine's {workers} cores: ours --workers {workers}, Prism --multiprocess",
            ["--workers", str(workers)],
            ["--multiprocess"],
        ),
    ]


def start(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes], timeout: float
) -> float | None:
    """Seconds until ``url`` answers with any HTTP status, or ``None`` on timeout/exit."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        if process.poll() is not None:
            return None
        try:
            httpx.get(url, timeout=5)
            return time.perf_counter() - began
        except httpx.TransportError:
            time.sleep(0.05)
    return None


def tree_peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except (OSError, IndexError):
                continue
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        pending.extend(children.get(current, []))
        try:
            status = (Path("/proc") / str(current) / "status").read_text()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        total += int(found.group(1)) / 1024 if found else 0.0
    return total


# -- load generators ----------------------------------------------------------------


def _wrk_latency_ms(text: str) -> float:
    value = float(re.sub(r"[a-z]+", "", text))
    unit = re.sub(r"[0-9.]+", "", text)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}.get(unit, 1.0)


def run_wrk(base: str, case: Case, duration: int, connections: int) -> Result:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    lines = [f'wrk.method = "{case.method}"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    if case.body:
        lines.append("wrk.body = " + json.dumps(case.body.decode()))
    if case.numbered:
        lines.append(
            "local n = 0\nrequest = function()\n  n = n + 1\n"
            f'  return wrk.format(nil, "{case.path}" .. (n % 100000 + 1))\nend'
        )
    lines.append(
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format("NON2XX %d\\n", summary.errors.status))\nend'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                script.name,
                base + case.path,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = _wrk_latency_ms(re.search(r"99%\s+([0-9.]+[a-z]+)", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    return Result(
        rps, p99, int(non_2xx.group(1)) if non_2xx else 0, int(total.group(1)) if total else 0
    )


async def _python_load(base: str, case: Case, duration: int, connections: int) -> Result:
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal failures
            while time.perf_counter() < deadline and len(latencies) < 2_000_000:
                began = time.perf_counter()
                number = len(latencies) % 100000 + 1
                response = await client.request(
                    case.method,
                    f"{case.path}{number}" if case.numbered else case.path,
                    content=case.body or None,
                    headers={"content-type": "application/json"},
                )
                latencies.append(time.perf_counter() - began)
                failures += response.status_code >= 300

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    return Result(len(latencies) / elapsed, p99, failures, len(latencies))


def measure(base: str, case: Case, duration: int, connections: int) -> Result:
    if shutil.which("wrk"):
        run_wrk(base, case, max(1, duration // 5), connections)
        return run_wrk(base, case, duration, connections)
    asyncio.run(_python_load(base, case, max(1, duration // 5), connections))
    return asyncio.run(_python_load(base, case, duration, connections))


# -- the run ------------------------------------------------------------------------


def throughput(duration: int, connections: int, workers: int) -> None:
    """Each case against each server; the servers of a comparison take turns case by case,
    so a change of the machine's load falls on both."""
    loader = "wrk -t1" if shutil.which("wrk") else "python asyncio/httpx"
    for title, ours_extra, prism_extra in lineups(workers):
        commands = {
            "ours": functools.partial(our_command, DOCUMENT, extra=ours_extra),
            "prism": functools.partial(prism_command, DOCUMENT, extra=prism_extra),
        }
        results: dict[str, dict[str, Result]] = {label: {} for label in commands}
        with running(commands) as bases:
            for case in CASES:
                for label, base in bases.items():
                    results[label][case.name] = measure(base, case, duration, connections)
        print(f"\nThroughput, {title}: {duration}s per case, {connections} connections, {loader}")
        print("(both on 127.0.0.1; the invalid POST is answered 422 by both, as expected)")
        widths = (34, 11, 12, 7, 10, 10)
        header = ("case", "ours req/s", "prism req/s", "ratio", "ours p99", "prism p99")
        print(
            " ".join(f"{text:{'<' if i == 0 else '>'}{widths[i]}}" for i, text in enumerate(header))
        )
        for case in CASES:
            ours, prism = results["ours"][case.name], results["prism"][case.name]
            print(
                f"{case.name:34} {ours.rps:11.0f} {prism.rps:12.0f} {ours.rps / prism.rps:6.1f}x"
                f" {ours.p99_ms:8.2f}ms {prism.p99_ms:8.2f}ms"
                + (
                    f"  (non-2xx ours={ours.non_2xx} prism={prism.non_2xx})"
                    if (ours.non_2xx or prism.non_2xx) and not case.refused
                    else ""
                )
                + (
                    f"  (2xx, not refused: ours={ours.accepted} prism={prism.accepted})"
                    if case.refused and (ours.accepted or prism.accepted)
                    else ""
                )
            )


@contextlib.contextmanager
def running(commands: dict[str, Callable[[int], list[str]]]) -> Iterator[dict[str, str]]:
    """Every server started on a free port and answering; their base URLs by label."""
    processes: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
    try:
        for label, command in commands.items():
            port = free_port()
            process = start(command(port))
            processes[label] = (f"http://127.0.0.1:{port}", process)
            if wait_until_answering(f"http://127.0.0.1:{port}/pets/1", process, 120) is None:
                raise SystemExit(f"{label} did not start")
        yield {label: base for label, (base, _) in processes.items()}
    finally:
        for _, process in processes.values():
            stop(process)


def run_wrk_crud(base: str, duration: int, connections: int) -> CrudResult:
    """The CRUD mix of ``crud.lua`` for ``duration`` seconds."""
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(CRUD_SCRIPT),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "CRUD_KEEP": str(2 * connections)},
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = _wrk_latency_ms(re.search(r"99%\s+([0-9.]+[a-z]+)", output).group(1))  # type: ignore[union-attr]
    kinds = dict(re.findall(r"(\w+)=(\d+)", re.search(r"KINDS (.*)", output).group(1)))  # type: ignore[union-attr]
    unexpected = int(re.search(r"UNEXPECTED (\d+)", output).group(1))  # type: ignore[union-attr]
    return CrudResult(rps, p99, unexpected, {k: int(v) for k, v in kinds.items()})


@dataclass
class CrudResult:
    rps: float
    p99_ms: float
    unexpected: int
    kinds: dict[str, int]


@contextlib.contextmanager
def redis_server() -> Iterator[str | None]:
    """A throwaway ``redis-server`` on a free loopback port (``None`` when not installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        process = start(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                folder,
                "--appendonly",
                "no",
            ]
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
            else:
                raise SystemExit("redis-server did not start")
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop(process)


def crud(duration: int, connections: int, workers: int) -> None:
    """The CRUD mix against each state store and Prism (which keeps no state), from wrk."""
    if not shutil.which("wrk"):
        print("\nStateful CRUD not measured: wrk is not installed (apt-get install -y wrk)")
        return
    with tempfile.TemporaryDirectory() as folder, redis_server() as redis_url:
        sqlite = ["--state", str(Path(folder) / "state.sqlite3")]
        servers: dict[str, list[str]] = {
            "ours, SQLite store": sqlite,
            "ours, memory store": ["--state", "memory"],
        }
        if redis_url is None:
            print("\nredis-server is not installed: the Redis store is not measured")
        else:
            servers["ours, Redis store"] = ["--state", redis_url]
        commands: dict[str, Callable[[int], list[str]]] = {
            label: functools.partial(our_command, DOCUMENT, extra=extra)
            for label, extra in servers.items()
        }
        commands[PRISM_LABEL] = functools.partial(prism_command, DOCUMENT)
        for _title, ours_extra, prism_extra in lineups(workers)[1:]:
            shared = ["--state", str(Path(folder) / "shared.sqlite3"), *ours_extra]
            commands[f"ours, SQLite store, {' '.join(ours_extra)}"] = functools.partial(
                our_command, DOCUMENT, extra=shared
            )
            commands[f"prism {' '.join(prism_extra)}"] = functools.partial(
                prism_command, DOCUMENT, extra=prism_extra
            )
        with running(commands) as bases:
            for base in bases.values():
                run_wrk_crud(base, max(1, duration // 5), connections)
            # Servers take turns, CRUD_ROUNDS times: a change of the machine's load during
            # the run then falls on every server, and each keeps its median round.
            rounds: dict[str, list[CrudResult]] = {label: [] for label in bases}
            for _ in range(CRUD_ROUNDS):
                for label, base in bases.items():
                    rounds[label].append(
                        run_wrk_crud(base, max(1, duration // CRUD_ROUNDS), connections)
                    )
    results = {
        label: sorted(measured, key=lambda r: r.rps)[len(measured) // 2]
        for label, measured in rounds.items()
    }
    prism = results[PRISM_LABEL]
    print(
        f"\nStateful CRUD mix (create, read, update, list ?tag=dog&limit=20, delete), {duration}s,"
        f" {connections} connections, wrk -t1 with crud.lua;"
        f" servers in turn, median of {CRUD_ROUNDS} rounds; 'vs prism': against Prism's"
        " single process"
    )
    print(f"{'server':40} {'req/s':>8} {'vs prism':>9} {'p99':>10} {'unexpected':>11}  sent")
    for label, result in results.items():
        sent = " ".join(f"{kind}={count}" for kind, count in result.kinds.items())
        print(
            f"{label:40} {result.rps:8.0f} {result.rps / prism.rps:8.1f}x"
            f" {result.p99_ms:8.2f}ms {result.unexpected:11}  {sent}"
        )
    goal = f"SQLite store >= {CRUD_GOAL:.0f}x Prism's stateless rate"
    single = results["ours, SQLite store"].rps / prism.rps
    print(
        f"goal: {goal}, one process each: {'met' if single >= CRUD_GOAL else 'not met'}"
        f" ({single:.1f}x)"
    )
    for title, ours_extra, prism_extra in lineups(workers)[1:]:
        many = results[f"ours, SQLite store, {' '.join(ours_extra)}"].rps
        best_prism = max(prism.rps, results[f"prism {' '.join(prism_extra)}"].rps)
        ratio = many / best_prism
        print(
            f"goal: {goal}, {title} (against Prism's better configuration):"
            f" {'met' if ratio >= CRUD_GOAL else 'not met'} ({ratio:.1f}x)"
        )


def startup(document: Path, probe: str, timeout: float) -> None:
    size = document.stat().st_size / 1e6
    print(f"\nStart-up on {document.name} ({size:.1f} MB): spawn -> first answer to GET {probe}")
    print(f"{'server':8} {'answering after':>16} {'peak memory':>12} {'status':>7}")
    for label, command in (("ours", our_command), ("prism", prism_command)):
        port = free_port()
        process = start(command(document, port))
        try:
            seconds = wait_until_answering(f"http://127.0.0.1:{port}{probe}", process, timeout)
            status = "-"
            if seconds is not None:
                status = str(httpx.get(f"http://127.0.0.1:{port}{probe}", timeout=30).status_code)
            peak = tree_peak_rss_mb(process.pid)
            shown = f"{seconds:.2f}s" if seconds is not None else f">{timeout:.0f}s"
            print(f"{label:8} {shown:>16} {peak:10.0f}MB {status:>7}")
        finally:
            stop(process)


def conformance(document: Path) -> None:
    """Every documented success body our mock generates for the document, checked against
    its schema (static and dynamic generation)."""
    sys.path.insert(0, str(REPO))
    import random

    from contractkit.mock.engine import MockEngine
    from contractkit.mock.generation.generator import generate_valid
    from contractkit.mock.negotiation.negotiator import default_status

    began = time.perf_counter()
    engine = MockEngine.from_paths([document])
    checked = failed = 0
    for operation in engine.operations:
        _, response = default_status(operation)
        for media in response.content.values() if response is not None else ():
            if media.schema is None:
                continue
            for dynamic in (False, True):
                value, _ = generate_valid(media.schema, random.Random(checked), dynamic=dynamic)
                checked += 1
                failed += not media.schema.is_valid(value)
    seconds = time.perf_counter() - began
    print(f"\nGenerated bodies for {len(engine.operations)} operations of {document.name}:")
    print(f"{checked - failed}/{checked} validate against their response schemas ({seconds:.1f}s)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per case and server"
    )
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument(
        "--only", choices=("throughput", "crud"), help="run one part (default: every part)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="our worker processes in the comparison that uses the machine's cores"
        " (default: the CPU count; 1 measures one process each only)",
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=180.0, help="seconds to wait for a big document"
    )
    args = parser.parse_args(argv)
    if not PRISM.exists():
        print("Prism is not installed: run bench/mock/setup.sh", file=sys.stderr)
        return 2
    if args.only in (None, "throughput"):
        throughput(args.duration, args.connections, args.workers)
    if args.only in (None, "crud"):
        crud(args.duration, args.connections, args.workers)
    if args.only is not None:
        return 0
    github = next((p for p in GITHUB_CANDIDATES if p.exists()), None)
    if github is None:
        print("GitHub's description is not installed: run bench/mock/setup.sh", file=sys.stderr)
        return 2
    startup(github, "/repos/octocat/hello-world/issues", args.startup_timeout)
    for name, probe in LARGEST_CORPUS_DOCUMENTS:
        if (CORPUS / name).exists():
            startup(CORPUS / name, probe, args.startup_timeout)
        else:
            print(f"\n{CORPUS / name} is absent: start-up not measured on it")
    conformance(github)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
