"""The implementation against the bare stack (``bare_app.py``), side by side, in one run.

For each database (SQLite file; PostgreSQL started here from the Debian binaries, or
``DATABASE_URL``), each worker count and each round, both servers are started in turn (the
order alternates between rounds, so a busy neighbour on a shared machine hurts both alike) and
loaded with wrk: GET one item, GET a page of 20, a valid write, and a mixed
create/read/update/list load at 64 connections, for Peerly core values and Blaize products.
Prints requests per second, p50 and p99 of each, and the ratios ours/bare.

    python bench/impl/run.py                      # everything (about 10 minutes)
    python bench/impl/run.py --databases sqlite --workers 1 --rounds 1 --duration 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
SECRET = "bench-peerly-signing-secret-0123456789abcdef"
PG_BIN = Path("/usr/lib/postgresql")
PAGE = 20
SETTLE_TIMEOUT = 10.0
"""Longest wait, after a load, for the server to finish the requests wrk left in flight."""
WARMUP_SECONDS = 1
"""Each scenario runs this long, unmeasured, once each server has started: both stacks are
measured warm (every worker has served each route, opened its connections, compiled its
validators)."""

MAPPING = {"braintree_one_off": {"price_points": [{"id": "ten", "label": "Ten", "price": 10}]}}


@dataclass(frozen=True)
class Scenario:
    name: str
    connections: int
    lua: str


@dataclass
class Family:
    """One API's endpoints under load, and the credentials they are called with."""

    api: str
    reader: str = ""
    writer: str = ""
    scenarios: list[Scenario] = field(default_factory=list)


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def call(method: str, url: str, headers: dict[str, str], body: object = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{method} {url}: {exc.code} {exc.read()[:300]!r}") from exc


# --- PostgreSQL -------------------------------------------------------------------------------


class Postgres:
    """A throwaway cluster from the Debian binaries, owned by the postgres user."""

    def __init__(self) -> None:
        versions = sorted(PG_BIN.iterdir(), key=lambda p: [int(x) for x in p.name.split(".")])
        self.bin = versions[-1] / "bin"
        self.dir = Path(tempfile.mkdtemp(prefix="bench-impl-pg-"))
        self.port = free_port()
        shutil.chown(self.dir, "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-A", "trust")
        conf = (
            f"port={self.port} listen_addresses='127.0.0.1' unix_socket_directories='{self.dir}' "
            "max_connections=300 fsync=off synchronous_commit=off"
        )
        (self.dir / "data" / "postgresql.auto.conf").write_text(conf.replace(" ", "\n") + "\n")
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "log"),
            "-w", "start",
        )  # fmt: skip
        self._as_postgres(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "b")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/b"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, cwd="/tmp")

    def stop(self) -> None:
        pg_ctl = str(self.bin / "pg_ctl")
        self._as_postgres(pg_ctl, "-D", str(self.dir / "data"), "-m", "fast", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


# --- servers ----------------------------------------------------------------------------------


def supports_workers() -> bool:
    help_text = subprocess.run(
        [PYTHON, "-m", "contractkit.cli", "serve", "--help"], capture_output=True, text=True
    ).stdout
    return "--workers" in help_text


def start(stack: str, api: str, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    if stack == "ours":
        command = [PYTHON, "-m", "contractkit.cli", "serve", api, "--port", str(port)]
        if workers > 1:
            command += ["--workers", str(workers)]
        command += ["--log-level", "warning"]
    else:
        command = [
            PYTHON, "-m", "uvicorn", "--app-dir", str(HERE), "bare_app:app", "--port", str(port),
            "--workers", str(workers), "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    wait_http(f"http://127.0.0.1:{port}/{api}/nothing-here")
    return process


def cpu_ticks(process: subprocess.Popen) -> int:
    """CPU time (clock ticks) used so far by the server's processes (its workers included)."""
    group = subprocess.run(
        ["pgrep", "-g", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    total = 0
    for pid in {process.pid, *map(int, group)}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def wait_idle(process: subprocess.Popen, timeout: float = SETTLE_TIMEOUT) -> float:
    """Wait until the server has finished what the last load left in flight; seconds waited.

    wrk stops with up to one request per connection still being served. Without this pause
    the next scenario's first requests would queue behind them, and their wait (which says
    more about how the bench switches scenarios than about either stack) would land in the
    next measurement's p99. Idle: at most one clock tick of CPU in each of two 100 ms spans.
    """
    started = time.monotonic()
    quiet = 0
    before = cpu_ticks(process)
    while quiet < 2 and time.monotonic() - started < timeout:
        time.sleep(0.1)
        now = cpu_ticks(process)
        quiet = quiet + 1 if now - before <= 1 else 0
        before = now
    return time.monotonic() - started


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()


# --- data and credentials ---------------------------------------------------------------------


def token(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [PYTHON, "-m", "contractkit.cli", "token", *args],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1]


def seed(env: dict[str, str]) -> dict[str, Family]:
    """Twenty core values and twenty products to read; writes go to a second org/tenant."""
    port = free_port()
    process = start("ours", "all", env, port, 1)
    base = f"http://127.0.0.1:{port}"
    try:
        reader = token(env, "peerly", "--email", "admin@example.com", "--role", "admin")
        writer = token(env, "peerly", "--email", "admin@other.org", "--role", "admin")
        auth = {"Authorization": f"Bearer {reader}"}
        for n in range(PAGE):
            body = {"text": f"Value {n}", "description": f"What value {n} means."}
            call("POST", f"{base}/peerly/core_values", auth, body)
        peerly = Family(
            "peerly", f"Authorization: Bearer {reader}", f"Authorization: Bearer {writer}"
        )

        b_reader = token(env, "blaize", "--email", "admin@example.com")
        b_writer = token(env, "blaize", "--email", "writer@example.com", "--tenant", "writes")
        for session_id in (b_reader, b_writer):
            headers = {"blaize-admin-session": session_id}
            call("POST", f"{base}/blaize/v3/bundles/gold", headers, {"label": "Gold"})
        headers = {"blaize-admin-session": b_reader}
        for n in range(PAGE):
            body = product_body(n)
            call("PUT", f"{base}/blaize/v3/products/p{n}", headers, body)
        blaize = Family(
            "blaize", f"blaize-admin-session: {b_reader}", f"blaize-admin-session: {b_writer}"
        )
    finally:
        stop(process)
    for family in (peerly, blaize):
        family.scenarios = scenarios(family)
    return {"peerly": peerly, "blaize": blaize}


def product_body(n: int) -> dict:
    return {
        "label": f"Product {n}",
        "description": "Monthly access",
        "entitlement": {"id": "gold", "type": "bundle"},
        "mapping": MAPPING,
    }


# --- wrk scripts ------------------------------------------------------------------------------

LUA_HEAD = """
local counter = 0
local function header(line)
  local name, value = line:match("^([^:]+):%s*(.*)$")
  return name, value
end
local rn, rv = header([[{reader}]])
local wn, wv = header([[{writer}]])
local prefix = tostring(math.random(1, 1000000000))
"""


def scenarios(family: Family) -> list[Scenario]:
    head = LUA_HEAD.format(reader=family.reader, writer=family.writer)
    if family.api == "peerly":
        one, page = "/peerly/core_values/7", "/peerly/core_values"
        create = """function create()
  local h = {["Content-Type"]="application/json"}; h[wn]=wv
  local body = '{"text":"Bench","description":"A value from the bench."}'
  return wrk.format("POST", "/peerly/core_values", h, body)
end
function update()
  local h = {["Content-Type"]="application/json"}; h[rn]=rv
  local id = (counter % 20) + 1
  local body = '{"text":"Value ' .. id .. '","description":"Updated by the bench."}'
  return wrk.format("PUT", "/peerly/core_values/" .. id, h, body)
end
"""
    else:
        one, page = "/blaize/v3/products/p7", "/blaize/v3/products"
        body = json.dumps(product_body(0)).replace("Product 0", "Bench")
        create = f"""function create()
  local h = {{["Content-Type"]="application/json"}}; h[wn]=wv
  return wrk.format("PUT", "/blaize/v3/products/b" .. prefix .. "-" .. counter, h, [[{body}]])
end
function update()
  local h = {{["Content-Type"]="application/json"}}; h[rn]=rv
  local id = counter % 20
  return wrk.format("PUT", "/blaize/v3/products/p" .. id, h, [[{body}]])
end
"""
    read = """function read(path)
  local h = {}; h[rn]=rv
  return wrk.format("GET", path, h)
end
"""
    single = head + create + read
    return [
        Scenario("GET one", 32, single + f'request = function() return read("{one}") end\n'),
        Scenario("GET page", 32, single + f'request = function() return read("{page}") end\n'),
        Scenario(
            "write",
            32,
            single + "request = function() counter = counter + 1; return create() end\n",
        ),
        Scenario(
            "mixed c64",
            64,
            single
            + f"""request = function()
  counter = counter + 1
  local k = counter % 4
  if k == 0 then return create() end
  if k == 1 then return update() end
  if k == 2 then return read("{page}") end
  return read("{one}")
end
""",
        ),
    ]


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def load(port: int, scenario: Scenario, duration: int, scripts: Path) -> Result:
    script = scripts / f"{abs(hash(scenario.lua))}.lua"
    script.write_text(scenario.lua)
    out = subprocess.run(
        [
            "wrk", "-t1", f"-c{scenario.connections}", f"-d{duration}s", "--latency",
            "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}",
        ],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    failures = re.search(r"Socket errors:.*timeout (\d+)", out)
    count = (int(errors.group(1)) if errors else 0) + (int(failures.group(1)) if failures else 0)
    return Result(rps, p50, p99, count)


# --- the run ----------------------------------------------------------------------------------


def run_database(label: str, url: str, args: argparse.Namespace, results: dict) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-impl-{label}-"))
    env = {
        **os.environ,
        "CONTRACTKIT_DATA_DIR": str(data_dir),
        "DATABASE_URL": url or f"sqlite:///{data_dir / 'contractkit.db'}",
        "PEERLY_JWT_SECRET": SECRET,
        "PEERLY_ORGANISATIONS": "Example Corp=example.com,Other Org=other.org",
        "PEERLY_TOKEN_TTL_SECONDS": "86400",
        "BLAIZE_ARGON2_TIME_COST": "1",
        "BLAIZE_ARGON2_MEMORY_KIB": "8192",
    }
    families = seed(env)
    scripts = data_dir / "lua"
    scripts.mkdir()
    for workers in args.workers:
        if workers > 1 and not supports_workers():
            print(f"[{label}] {workers} workers: skipped, 'contractkit serve' has no --workers")
            continue
        for round_number in range(args.rounds):
            order = ("ours", "bare") if round_number % 2 == 0 else ("bare", "ours")
            for stack in order:
                for name in args.apis:
                    family = families[name]
                    port = free_port()
                    process = start(stack, name, env, port, workers)
                    try:
                        for scenario in family.scenarios:  # warm-up, not measured
                            load(port, scenario, WARMUP_SECONDS, scripts)
                            wait_idle(process)
                        for scenario in family.scenarios:
                            result = load(port, scenario, args.duration, scripts)
                            wait_idle(process)
                            key = (label, workers, name, scenario.name)
                            results.setdefault(key, {"ours": [], "bare": []})[stack].append(result)
                            print(
                                f"[{label} w{workers} r{round_number + 1}] {stack:4} {name:6} "
                                f"{scenario.name:9} {result.rps:8.0f} rps"
                                f"  p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms"
                                f"  errors {result.errors}",
                                flush=True,
                            )
                    finally:
                        stop(process)
    shutil.rmtree(data_dir, ignore_errors=True)


def report(results: dict) -> None:
    print("\nmedians over rounds; ratio = ours / bare (rps), p99 ratio = ours / bare (latency)")
    header = (
        f"{'db':8} {'w':>1} {'api':6} {'scenario':9} {'ours rps':>9} {'bare rps':>9} "
        f"{'ratio':>6} {'ours p99':>10} {'bare p99':>10} {'p99 x':>6} rounds"
    )
    print(header)
    print("-" * len(header))
    for (label, workers, api, scenario), stacks in results.items():
        ours, bare = stacks["ours"], stacks["bare"]
        if not ours or not bare:
            continue
        ours_rps = statistics.median(r.rps for r in ours)
        bare_rps = statistics.median(r.rps for r in bare)
        ours_p99 = statistics.median(r.p99_ms for r in ours)
        bare_p99 = statistics.median(r.p99_ms for r in bare)
        per_round = " ".join(f"{o.rps / b.rps:.2f}" for o, b in zip(ours, bare, strict=False))
        print(
            f"{label:8} {workers:>1} {api:6} {scenario:9} {ours_rps:9.0f} {bare_rps:9.0f} "
            f"{ours_rps / bare_rps:6.2f} {ours_p99:8.1f}ms {bare_p99:8.1f}ms "
            f"{ours_p99 / bare_p99:6.2f} {per_round}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--apis", default="peerly,blaize")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=6, help="seconds per measurement")
    args = parser.parse_args()
    args.apis = args.apis.split(",")
    args.workers = [int(n) for n in args.workers.split(",")]
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    results: dict = {}
    for label in args.databases.split(","):
        if label == "sqlite":
            run_database("sqlite", "", args, results)
        elif os.environ.get("DATABASE_URL"):
            run_database("postgres", os.environ["DATABASE_URL"], args, results)
        elif PG_BIN.is_dir():
            cluster = Postgres()
            try:
                run_database("postgres", cluster.url, args, results)
            finally:
                cluster.stop()
        else:
            print("postgres: skipped, no DATABASE_URL and no PostgreSQL in /usr/lib/postgresql")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
