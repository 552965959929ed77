"""Parts 2 and 3: the production server over loopback against the floor app, on both engines, and its memory.

The skill runs as ``python -m skill serve --dev --workers 2 --threads 4``
(``glimmers serve --dev`` as the README suggests for a 2-core server: gunicorn
with two threaded worker processes on one socket, the request log on stderr,
verification off); the floor (``floor_app.py``) runs on the same
``skill.server.serve`` call with the same settings, in the same run. On
PostgreSQL (a database of the server in ``pg.py``, filled with the same
generated journals) the skill runs as one instance with the same settings,
and as two instances (two ``serve --database-url URL`` processes on two ports
sharing the database), driven at once with half the connections each. wrk
(or, without it, a Python load generator) keeps a fixed number of keep-alive
connections busy with varied bodies: different users of a generated store,
different glimmer texts, a mix of RecordGlimmerIntent and ReadGlimmersIntent.

Around every run the CPU time of the server's processes, of the PostgreSQL
cluster's processes, of the load generator and of the whole machine
(/proc/stat) is read, and ``pg_stat_wal``'s counters of WAL fsyncs, so that
each request's cost can be split between them.

Memory: a fresh one-process server (``--workers 1``, so that one process's
caches see every request) answers the mix until it has served 100,000
requests; its peak resident size (VmHWM in /proc/PID/status) is read along
the way.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common import REPO, TEXTS, free_port, load_request, median, ms, request_for, table  # noqa: E402

WORKERS = 2  # one per core, as the README suggests for a busy server
THREADS = 4
# Each of the two PostgreSQL instances (chosen by measurement on 2 cores; see docs/PERFORMANCE.md).
INSTANCE_WORKERS = 2
INSTANCE_THREADS = 4
STATS_SETTLE_S = 1.5  # PostgreSQL backends report their statistics within a second of going idle
CONNECTIONS = 16
LOAD_THREADS = 2  # wrk threads in all, however many instances they are spread over
USERS = 10_000
GLIMMERS = 100_000
SEED = 20261201
LUA = HERE / "alexa.lua"
RUN_MARK = "@run@"  # in every pooled request ID; see alexa.lua
_runs = itertools.count(1)
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- the servers ---------------------------------------------------------------


class Server:
    """A server subprocess on a loopback port, stopped on exit."""

    def __init__(self, name: str, command: list[str], port: int, log_path: Path, env: dict[str, str] | None = None,
                 source: Path = REPO):
        """``source``: the checkout whose ``skill`` package the server runs (another commit's, for changes.py)."""
        self.name = name
        self.log_path = log_path
        self.port = port
        self.url = f"http://127.0.0.1:{port}/alexa"
        env = dict(os.environ, **(env or {}),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")])))
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self.log, env=env, cwd=source)
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the {self.name} server exited at start; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the {self.name} server did not answer within 30 s")

    def processes(self) -> list[int]:
        """The server's process and its workers."""
        found = [self.process.pid]
        for pid in found:
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                found.extend(int(child) for child in task.read_text().split())
        return found

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server and its workers so far (a worker that exited is not counted)."""
        total = 0
        for pid in self.processes():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / CLK_TCK

    def memory(self) -> dict[str, int]:
        """VmRSS and VmHWM (peak) in bytes of the worker that serves the requests (the largest, if several).

        gunicorn's master only supervises; the requests, the app and its
        caches live in the worker processes, its children.
        """
        workers = self.processes()[1:] or [self.process.pid]
        found: dict[str, int] = {}
        for pid in workers:
            sizes = {}
            try:
                lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            except OSError:
                continue
            for line in lines:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    sizes[name] = int(value.split()[0]) * 1024
            if sizes.get("VmHWM", 0) > found.get("VmHWM", -1):
                found = sizes
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Instances:
    """Several servers of one skill, driven at once as one target."""

    def __init__(self, name: str, servers: list[Server]):
        self.name = name
        self.servers = servers

    def cpu_seconds(self) -> float:
        return sum(server.cpu_seconds() for server in self.servers)


def servers_of(target: Server | Instances) -> list[Server]:
    return target.servers if isinstance(target, Instances) else [target]


def skill_server(data_dir: Path | None, log_path: Path, workers: int = WORKERS, threads: int = THREADS,
                 database_url: str | None = None, name: str = "skill", source: Path = REPO) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "skill", "serve", "--dev", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--threads", str(threads)]
    if database_url:
        # GLIMMERS_DATABASE_URL is --database-url, kept off the command line (and out of ps) for its password.
        return Server(name, command, port, log_path, env={"GLIMMERS_DATABASE_URL": database_url}, source=source)
    return Server(name, command + ["--data-dir", str(data_dir)], port, log_path,
                  env={"GLIMMERS_DATABASE_URL": ""}, source=source)


def floor_server(log_path: Path, workers: int = WORKERS, threads: int = THREADS, durable: Path | None = None,
                 sdk: bool = False) -> Server:
    port = free_port()
    command = [sys.executable, str(HERE / "floor_app.py"), "--port", str(port), "--workers", str(workers),
               "--threads", str(threads)]
    if durable is not None:
        command += ["--durable", str(durable)]
    if sdk:
        command += ["--sdk"]
    name = ("durable" if durable else "floor") + ("-sdk" if sdk else "")
    return Server(name, command, port, log_path)


# -- request bodies -------------------------------------------------------------


def write_pool(path: Path, users: list[str], count: int, record_share: float, seed: int,
               api_endpoint: str | None = None) -> None:
    """``count`` request bodies, one per line: random users, texts, record or read.

    Every request ID ends in ``RUN_MARK``, which the load generator replaces
    with a token unique to the request: the skill saves a request delivered
    twice only once, and a pool is sent many times over.
    """
    rng = random.Random(seed)
    record, read = load_request("record_glimmer"), load_request("read_glimmers")
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            user_number = rng.randrange(len(users))
            device = f"amzn1.ask.device.BENCH{user_number:08d}" if api_endpoint else None
            request_id = f"amzn1.echo-api.request.b{n}.{RUN_MARK}"  # made unique per request as it is sent
            if rng.random() < record_share:
                envelope = request_for(record, users[user_number], request_id,
                                       text=rng.choice(TEXTS), api_endpoint=api_endpoint, device_id=device)
            else:
                envelope = request_for(read, users[user_number], request_id,
                                       api_endpoint=api_endpoint, device_id=device)
            out.write(json.dumps(envelope, ensure_ascii=False) + "\n")


# -- load -------------------------------------------------------------------------


@dataclass
class Load:
    """One load run against one server."""

    target: str
    mix: str
    requests: int
    seconds: float
    p50: float
    p90: float
    p99: float
    errors: int
    record_share: float = 0.5
    rate: float | None = None  # requests per second, summed over the load generators (several at once)
    cpu_per_request: float | None = None  # the skill's (or floor's) processes
    db_cpu_per_request: float | None = None  # the PostgreSQL cluster's processes
    loadgen_cpu_per_request: float | None = None  # wrk
    kernel_cpu_per_request: float | None = None  # the kernel's own threads (block I/O completion, softirqs, ...)
    machine_cpu_per_request: float | None = None  # every process on the machine (/proc/stat), kernel included
    machine_busy: float | None = None  # share of all cores busy during the run (for this machine)
    stolen: float | None = None  # share of all cores' time the hypervisor gave to other machines
    wal: Any = None  # pg_stat_wal over the run (pg.WalStats)

    @property
    def rps(self) -> float:
        if self.rate is not None:
            return self.rate
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def records(self) -> float:
        """How many of the requests were records (an estimate from the mix)."""
        share = {"record": 1.0, "read": 0.0}.get(self.mix)
        return self.requests * (share if share is not None else self.record_share)

    def wal_syncs_per_record(self) -> float | None:
        if self.wal is None or not self.records:
            return None
        return self.wal.syncs / self.records

    def wal_ms_per_sync(self) -> float | None:
        if self.wal is None or not self.wal.syncs or not self.wal.sync_ms:
            return None
        return self.wal.sync_ms / self.wal.syncs


def _wrk_command(wrk: str, url: str, seconds: float, connections: int, threads: int) -> list[str]:
    return [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(LUA), url]


def _wrk_summary(stdout: str, stderr: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("WRKJSON "):
            summary = json.loads(line[len("WRKJSON "):])
            errors = sum(summary[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
            return {"requests": summary["requests"], "seconds": summary["duration_us"] / 1e6,
                    "p50": summary["p50_us"] / 1e6, "p90": summary["p90_us"] / 1e6,
                    "p99": summary["p99_us"] / 1e6, "errors": errors,
                    "quantiles": [q / 1e6 for q in summary.get("quantiles_us", [])]}
    raise RuntimeError(f"wrk printed no summary:\n{stdout}\n{stderr}")


def merge(summaries: list[dict]) -> dict:
    """One summary for load generators that ran at once: rates add up; percentiles of the mixed latencies.

    Each wrk reports its latency at every 0.1% (``quantiles``); the mixture of
    those, weighted by each one's request count, gives the percentiles of all
    requests together (to within the 0.1% grid).
    """
    if len(summaries) == 1:
        only = dict(summaries[0])
        only["rate"] = only["requests"] / only["seconds"] if only["seconds"] else 0.0
        return only
    points = []
    for summary in summaries:
        quantiles = summary["quantiles"] or [summary["p50"], summary["p90"], summary["p99"]]
        weight = summary["requests"] / len(quantiles)
        points.extend((value, weight) for value in quantiles)
    points.sort()
    total = sum(weight for _, weight in points)

    def at(pct: float) -> float:
        running = 0.0
        for value, weight in points:
            running += weight
            if running >= pct / 100 * total - 1e-9:
                return value
        return points[-1][0]

    return {
        "requests": sum(s["requests"] for s in summaries),
        "seconds": max(s["seconds"] for s in summaries),
        "rate": sum(s["requests"] / s["seconds"] for s in summaries if s["seconds"]),
        "p50": at(50), "p90": at(90), "p99": at(99),
        "errors": sum(s["errors"] for s in summaries),
    }


def split(connections: int, parts: int) -> list[int]:
    """``connections`` shared out over ``parts`` load generators as evenly as can be."""
    return [connections // parts + (1 if n < connections % parts else 0) for n in range(parts)]


def run_token() -> str:
    """A token no other load run of this benchmark (or an earlier one) uses."""
    return f"{os.getpid():x}x{time.time_ns() // 1_000_000:x}x{next(_runs)}"


def run_wrk(wrk: str, urls: list[str], pool: Path, seconds: float, connections: int) -> dict:
    """wrk against every URL at once, the connections and the 2 load threads shared out between them."""
    urls = urls[:connections]
    shares = split(connections, len(urls))
    threads = split(max(LOAD_THREADS, len(urls)), len(urls))  # 2 load threads in all (one per wrk for two)
    processes = [
        subprocess.Popen(_wrk_command(wrk, url, seconds, share, min(share, t)), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, GLIMMERS_BENCH_POOL=str(pool), GLIMMERS_BENCH_RUN=run_token()))
        for url, share, t in zip(urls, shares, threads)
    ]
    summaries = []
    try:
        for process in processes:
            stdout, stderr = process.communicate(timeout=seconds + 60)
            summaries.append(_wrk_summary(stdout, stderr))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return merge(summaries)


def run_python(urls: list[str], pool: Path, seconds: float, connections: int) -> dict:
    """The fallback load generator: one thread per keep-alive connection (slower than wrk), spread over the URLs."""
    from common import percentile

    bodies = [line.encode("utf-8") for line in pool.read_text(encoding="utf-8").splitlines() if line]
    token, mark = run_token().encode(), RUN_MARK.encode()
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        host, port = urls[number % len(urls)].split("//", 1)[1].split("/", 1)[0].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        index = number * (len(bodies) // connections)
        while time.perf_counter() < deadline:
            body = bodies[index % len(bodies)].replace(mark, b"%sc%dn%d" % (token, number, index))
            index += 1
            started = time.perf_counter()
            try:
                connection.request("POST", "/alexa", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[number] += 1
            except OSError:
                errors[number] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
                continue
            latencies[number].append(time.perf_counter() - started)
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    everything = [value for values in latencies for value in values]
    requests = len(everything) + sum(errors)
    return {"requests": requests, "seconds": elapsed, "rate": requests / elapsed if elapsed else 0.0,
            "p50": percentile(everything, 50), "p90": percentile(everything, 90), "p99": percentile(everything, 99),
            "errors": sum(errors)}


def machine_cpu() -> tuple[float, float, float]:
    """Busy, total and stolen CPU seconds of the whole machine so far, over all cores (/proc/stat).

    Stolen: time the hypervisor gave this virtual machine's CPUs to someone else.
    """
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]] + [0] * 8
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    return (total - idle - fields[7]) / CLK_TCK, total / CLK_TCK, fields[7] / CLK_TCK


def kernel_threads_cpu() -> float:
    """CPU seconds of the kernel's own threads so far (kworkers doing block I/O, ksoftirqd, ...): children of kthreadd."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == "2" or entry.name == "2":
            total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def children_cpu() -> float:
    """CPU seconds of this process's children that have been waited for (the load generators)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load(target: Server | Instances, pool: Path, seconds: float, mix: str, connections: int,
         postgres: Any = None, record_share: float = 0.5) -> Load:
    """One run of ``connections`` clients against the target (its instances at once), with what it cost."""
    wrk = shutil.which("wrk")
    urls = [server.url for server in servers_of(target)]
    wal_before = postgres.wal() if postgres is not None else None
    db_before = postgres.cpu_seconds() if postgres is not None else None
    cpu_before, loadgen_before, kernel_before = target.cpu_seconds(), children_cpu(), kernel_threads_cpu()
    busy_before, total_before, stolen_before = machine_cpu()
    result = run_wrk(wrk, urls, pool, seconds, connections) if wrk else run_python(urls, pool, seconds, connections)
    busy_after, total_after, stolen_after = machine_cpu()
    cpu, loadgen = target.cpu_seconds() - cpu_before, children_cpu() - loadgen_before
    kernel = max(0.0, kernel_threads_cpu() - kernel_before)  # a kernel worker that exited takes its time along
    db = None
    wal = None
    if postgres is not None:
        db_after = postgres.cpu_seconds()
        db = db_after - db_before if db_after is not None and db_before is not None else None
        time.sleep(STATS_SETTLE_S)  # the backends' WAL counters reach pg_stat_wal when they go idle
        wal_after = postgres.wal()
        wal = wal_after - wal_before if wal_after is not None and wal_before is not None else None
    requests = result["requests"]

    def per(value: float | None) -> float | None:
        return value / requests if requests and value is not None else None

    return Load(target.name, mix, requests, result["seconds"], result["p50"], result["p90"], result["p99"],
                result["errors"], record_share=record_share, rate=result.get("rate"),
                cpu_per_request=per(cpu), db_cpu_per_request=per(db),
                loadgen_cpu_per_request=per(loadgen) if wrk else None, kernel_cpu_per_request=per(kernel),
                machine_cpu_per_request=per(busy_after - busy_before),
                machine_busy=(busy_after - busy_before) / (total_after - total_before) if total_after > total_before else None,
                stolen=(stolen_after - stolen_before) / (total_after - total_before) if total_after > total_before else None,
                wal=wal)



# -- the runs ---------------------------------------------------------------------------

ROUNDS = 5  # of every server in turn, so that the machine's slow moments fall on each alike
CLIENT_STEPS = (1, 4, 8)  # the mix is also run with this many clients, for the latency each load sees
ROUND_TARGETS = ("floor", "durable", "skill", "pg1", "pg2")


def median_load(loads: list[Load]) -> Load:
    """The round whose rate is the median."""
    return sorted(loads, key=lambda l: l.rps)[len(loads) // 2]


@dataclass
class HttpResults:
    loads: list[Load]
    rounds: int
    connections: int
    record_share: float
    generator: str
    memory: list[tuple[int, int, int]] = field(default_factory=list)  # requests, VmRSS, VmHWM
    by_clients: list[tuple[int, Load]] = field(default_factory=list)  # the mix at fewer clients
    instance_workers: int = INSTANCE_WORKERS
    instance_threads: int = INSTANCE_THREADS
    postgres: str | None = None  # the server, when the PostgreSQL rows ran

    def name(self, target: str) -> str:
        return {
            "floor": "floor (Flask, parse JSON, constant answer)",
            "durable": "durable floor (the floor + one durable 3 KB file replace per record)",
            "skill": "Glimmer Journal on TinyDB, one instance",
            "pg1": "Glimmer Journal on PostgreSQL, one instance",
            "pg2": f"Glimmer Journal on PostgreSQL, two instances ({self.instance_workers} × {self.instance_threads} each)",
        }[target]

    def of(self, target: str, mix: str = "mix") -> list[Load]:
        """The rounds' runs of one target (in round order)."""
        return [l for l in self.loads if l.target == target and l.mix == mix]

    def floor_rps(self, target: str = "floor") -> float:
        return median([l.rps for l in self.of(target)])

    def durable_summary(self) -> tuple[float, float, float] | None:
        """Median over the rounds of the durable floor: its rate ÷ the floor's, its p99, the skill's rate ÷ its rate."""
        durables = self.of("durable")
        if not durables:
            return None
        floors = self.of("floor")
        return (median([d.rps / f.rps for d, f in zip(durables, floors)]), median([d.p99 for d in durables]),
                median([s.rps / d.rps for s, d in zip(self.skill_mix(), durables)]))

    def skill_mix(self) -> list[Load]:
        return self.of("skill")

    def summary(self) -> tuple[float, float, float]:
        """Median over the rounds of the skill's mix: rate, p99, and rate ÷ the floor's rate in the same round."""
        floors = self.of("floor")
        skills = self.skill_mix()
        ratios = [s.rps / f.rps for s, f in zip(skills, floors)]
        return median([s.rps for s in skills]), median([s.p99 for s in skills]), median(ratios)

    def engine_summary(self, target: str) -> tuple[float, float, float, list[float]] | None:
        """Median over the rounds of a PostgreSQL target's mix: rate, p99, rate ÷ TinyDB's median rate, per-round ratios."""
        runs, skills = self.of(target), self.skill_mix()
        if not runs or not skills:
            return None
        per_round = [r.rps / s.rps for r, s in zip(runs, skills)]
        rate = median([r.rps for r in runs])
        return rate, median([r.p99 for r in runs]), rate / median([s.rps for s in skills]), per_round

    def markdown(self) -> str:
        floor = self.floor_rps()
        tinydb = median([l.rps for l in self.skill_mix()]) if self.skill_mix() else None
        rows = []
        for l in self.loads:
            rows.append([
                self.name(l.target),
                {"mix": f"{self.record_share:.0%} record / {1 - self.record_share:.0%} read",
                 "read": "read only", "record": "record only"}[l.mix] if l.target not in ("floor", "durable") else "same bodies",
                f"{l.requests:,}", f"{l.rps:,.0f}", ms(l.p50, 1), ms(l.p90, 1), ms(l.p99, 1),
                f"{l.rps / floor:.2f}" if l.target != "floor" else "1",
                f"{l.rps / tinydb:.2f}" if tinydb and l.target not in ("floor", "durable") else "–",
                f"{l.errors}",
            ])
        header = ["server", "request bodies", "requests", "req/s", "p50 (ms)", "p90 (ms)", "p99 (ms)",
                  "÷ floor median", "÷ TinyDB skill median", "errors"]
        return table(header, rows, "llrrrrrrrr")

    def cpu_markdown(self) -> str:
        """Where each request's CPU goes: the median round of each target, and the single-kind runs."""
        rows = []
        chosen = [(t, "mix", median_load(self.of(t))) for t in ROUND_TARGETS if self.of(t)]
        chosen += [(l.target, l.mix, l) for l in self.loads if l.mix != "mix"]
        for target, mix, l in chosen:
            accounted = sum(v or 0.0 for v in (l.cpu_per_request, l.db_cpu_per_request, l.loadgen_cpu_per_request,
                                               l.kernel_cpu_per_request))
            # The counters are read a few milliseconds apart: a small negative remainder is nothing.
            rest = max(0.0, l.machine_cpu_per_request - accounted) if l.machine_cpu_per_request is not None else None
            syncs, sync_ms = l.wal_syncs_per_record(), l.wal_ms_per_sync()
            rows.append([
                self.name(target),
                {"mix": "mix", "read": "read only", "record": "record only"}[mix],
                f"{l.rps:,.0f}",
                ms(l.cpu_per_request, 2),
                ms(l.db_cpu_per_request, 2) if l.db_cpu_per_request is not None else "–",
                ms(l.loadgen_cpu_per_request, 2),
                ms(l.kernel_cpu_per_request, 2),
                ms(rest, 2) if rest is not None else "–",
                ms(l.machine_cpu_per_request, 2),
                f"{l.machine_busy:.0%}" if l.machine_busy is not None else "–",
                f"{l.stolen:.0%}" if l.stolen is not None else "–",
                f"{syncs:.2f}" if syncs is not None and l.mix != "read" else "–",
                f"{sync_ms:.2f}" if sync_ms is not None and l.mix != "read" else "–",
            ])
        header = ["server", "bodies", "req/s", "skill or floor processes", "PostgreSQL processes", "load generator (wrk)",
                  "kernel threads", "everything else", "whole machine", "cores busy", "cores stolen",
                  "WAL fsyncs per record", "ms per WAL fsync"]
        return table(header, rows, "llrrrrrrrrrrr")

    def clients_markdown(self) -> str:
        rows = [[f"{n}", f"{l.rps:,.0f}", ms(l.p50, 1), ms(l.p90, 1), ms(l.p99, 1), f"{l.errors}"] for n, l in self.by_clients]
        return table(["concurrent clients", "req/s", "p50 (ms)", "p90 (ms)", "p99 (ms)", "errors"], rows)

    def memory_markdown(self) -> str:
        rows = [[f"{n:,}", f"{rss / 2**20:.1f}", f"{hwm / 2**20:.1f}"] for n, rss, hwm in self.memory]
        return table(["requests served", "VmRSS (MiB)", "VmHWM, peak (MiB)"], rows)


def run(quick: bool = False, tmp: Path | None = None, connections: int = CONNECTIONS, record_share: float = 0.5,
        parts: tuple[str, ...] = ("http", "memory"), log=print, postgres: Any = None,
        instance_workers: int = INSTANCE_WORKERS, instance_threads: int = INSTANCE_THREADS) -> HttpResults:
    """``postgres``: a started ``pg.Postgres`` for the PostgreSQL rows (None: TinyDB and the floors only)."""
    import contextlib

    from skill.operator import generate_store

    seconds = 8 if quick else 20
    rounds = 1 if quick else ROUNDS
    warmup = 3
    checkpoints = (2_000, 10_000, 20_000) if quick else (2_000, 10_000, 50_000, 100_000)
    generator = "wrk" if shutil.which("wrk") else "Python threads"
    results = HttpResults([], rounds, connections, record_share, generator, instance_workers=instance_workers,
                          instance_threads=instance_threads)
    with tempfile.TemporaryDirectory(prefix="glimmers-http-", dir=tmp) as folder:
        work = Path(folder)
        data_dir = work / "data"
        started = time.perf_counter()
        users = generate_store(data_dir, USERS, GLIMMERS // USERS, seed=SEED)
        os.sync()
        log(f"  TinyDB store of {GLIMMERS:,} glimmers over {USERS:,} users generated in {time.perf_counter() - started:.1f} s")
        pools = {"mix": work / "mix.txt", "read": work / "read.txt", "record": work / "record.txt"}
        write_pool(pools["mix"], users, 20_000, record_share, SEED)
        write_pool(pools["read"], users, 10_000, 0.0, SEED + 1)
        write_pool(pools["record"], users, 10_000, 1.0, SEED + 2)

        if "http" in parts:
            with contextlib.ExitStack() as stack:
                database_url = None
                if postgres is not None:
                    from skill.storage.postgres import PostgresStore

                    database_url = postgres.database("http")
                    stack.callback(postgres.drop_database, database_url)  # after every server has stopped
                    started = time.perf_counter()
                    store = PostgresStore(database_url)
                    try:
                        store.open()
                        generate_store(store, USERS, GLIMMERS // USERS, seed=SEED)  # the same journals
                    finally:
                        store.close()
                    postgres.settle(database_url)
                    results.postgres = postgres.describe()
                    log(f"  PostgreSQL store of {GLIMMERS:,} glimmers generated in {time.perf_counter() - started:.1f} s")
                floor = stack.enter_context(floor_server(work / "floor.log"))
                durable = stack.enter_context(floor_server(work / "durable.log", durable=data_dir))
                skill = stack.enter_context(skill_server(data_dir, work / "skill.log"))
                targets: list[tuple[Server | Instances, Any]] = [(floor, None), (durable, None), (skill, None)]
                pg1 = None
                if database_url is not None:
                    pg1 = stack.enter_context(skill_server(None, work / "pg1.log", database_url=database_url, name="pg1"))
                    pg2 = Instances("pg2", [
                        stack.enter_context(skill_server(None, work / f"pg2{n}.log", workers=instance_workers,
                                                         threads=instance_threads, database_url=database_url,
                                                         name=f"pg2{n}"))
                        for n in "ab"
                    ])
                    targets += [(pg1, postgres), (pg2, postgres)]
                for server, _ in targets:
                    load(server, pools["mix"], warmup, "mix", connections)
                for n in range(rounds):
                    for server, db in targets:
                        result = load(server, pools["mix"], seconds, "mix", connections, postgres=db,
                                      record_share=record_share)
                        results.loads.append(result)
                        log(f"  round {n + 1}/{rounds} {server.name:7s}: {result.rps:,.0f} req/s, "
                            f"p50 {ms(result.p50, 1)} ms, p99 {ms(result.p99, 1)} ms, {result.errors} errors")
                for server, db in [(skill, None)] + ([(pg1, postgres)] if pg1 is not None else []):
                    for mix in ("read", "record"):
                        result = load(server, pools[mix], seconds, mix, connections, postgres=db)
                        results.loads.append(result)
                        log(f"  {server.name} {mix} only: {result.rps:,.0f} req/s, p50 {ms(result.p50, 1)} ms, "
                            f"p99 {ms(result.p99, 1)} ms")
                for clients in CLIENT_STEPS:
                    if clients < connections:
                        result = load(skill, pools["mix"], seconds, "mix", clients, record_share=record_share)
                        results.by_clients.append((clients, result))
                        log(f"  skill mix, {clients} clients: {result.rps:,.0f} req/s, p99 {ms(result.p99, 1)} ms")
                results.by_clients.append((connections, median_load(results.skill_mix())))
                for server, _ in targets[2:]:
                    for one in servers_of(server):
                        errors = one.log_path.read_text(errors="replace").count(" ERROR ")
                        if errors:
                            log(f"  {one.name} logged {errors} ERROR lines; see its log")

        if "memory" in parts:
            # Requests that name a device and an apiEndpoint on a closed port: every device's
            # time-zone lookup fails at once and is remembered, so the lookup cache fills too.
            closed = f"http://127.0.0.1:{free_port()}"
            pool = work / "memory.txt"
            write_pool(pool, users, 20_000, record_share, SEED + 3, api_endpoint=closed)
            with skill_server(data_dir, work / "memory.log", workers=1, threads=8) as skill:
                served = 0
                rate = None
                for target in checkpoints:
                    while served < target:
                        chunk = 5.0 if rate is None else max(2.0, (target - served) / rate)
                        result = load(skill, pool, chunk, "mix", connections)
                        served += result.requests
                        rate = result.rps or 1.0
                    memory = skill.memory()
                    results.memory.append((served, memory["VmRSS"], memory["VmHWM"]))
                    log(f"  after {served:,} requests: VmRSS {memory['VmRSS'] / 2**20:.1f} MiB, "
                        f"VmHWM {memory['VmHWM'] / 2**20:.1f} MiB")
    return results


if __name__ == "__main__":
    import pg

    quick = "--quick" in sys.argv
    with pg.Postgres() as server:
        outcome = run(quick=quick, postgres=server, parts=("http",))
    print(outcome.markdown())
    print()
    print(outcome.cpu_markdown())
