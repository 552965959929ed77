"""Parts 2 and 3: the production server over loopback against the floor app, and its memory.

The skill runs as ``python -m skill serve --dev --workers 2 --threads 4``
(``glimmers serve --dev`` as the README suggests for a 2-core server: two
waitress processes on one socket, the request log on stderr, verification
off); the floor (``floor_app.py``) runs on the same ``skill.server.serve`` call
with the same settings, in the same run. wrk (or, without it, a Python load generator)
keeps a fixed number of keep-alive connections busy with varied bodies:
different users of a generated store, different glimmer texts, a mix of
RecordGlimmerIntent and ReadGlimmersIntent.

Memory: a fresh one-process server (``--workers 1``, so that one process's
caches see every request) answers the mix until it has served 100,000
requests; its peak resident size (VmHWM in /proc/PID/status) is read along
the way.
"""

from __future__ import annotations

import http.client
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common import REPO, TEXTS, free_port, load_request, median, ms, request_for, table  # noqa: E402

WORKERS = 2  # one per core, as the README suggests for a busy server
THREADS = 4
CONNECTIONS = 16
USERS = 10_000
GLIMMERS = 100_000
SEED = 20261201
LUA = HERE / "alexa.lua"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- the servers ---------------------------------------------------------------


class Server:
    """A server subprocess on a loopback port, stopped on exit."""

    def __init__(self, name: str, command: list[str], port: int, log_path: Path):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}/alexa"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self.log, env=env, cwd=REPO)
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
        """VmRSS and VmHWM (peak) in bytes."""
        found = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) * 1024
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


def skill_server(data_dir: Path, log_path: Path, workers: int = WORKERS, threads: int = THREADS) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "skill", "serve", "--dev", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--threads", str(threads), "--data-dir", str(data_dir)]
    return Server("skill", command, port, log_path)


def floor_server(log_path: Path, workers: int = WORKERS, threads: int = THREADS, durable: Path | None = None) -> Server:
    port = free_port()
    command = [sys.executable, str(HERE / "floor_app.py"), "--port", str(port), "--workers", str(workers),
               "--threads", str(threads)]
    if durable is not None:
        command += ["--durable", str(durable)]
    return Server("durable" if durable else "floor", command, port, log_path)


# -- request bodies -------------------------------------------------------------


def write_pool(path: Path, users: list[str], count: int, record_share: float, seed: int,
               api_endpoint: str | None = None) -> None:
    """``count`` request bodies, one per line: random users, texts, record or read."""
    rng = random.Random(seed)
    record, read = load_request("record_glimmer"), load_request("read_glimmers")
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            user_number = rng.randrange(len(users))
            device = f"amzn1.ask.device.BENCH{user_number:08d}" if api_endpoint else None
            if rng.random() < record_share:
                envelope = request_for(record, users[user_number], f"amzn1.echo-api.request.b{n}",
                                       text=rng.choice(TEXTS), api_endpoint=api_endpoint, device_id=device)
            else:
                envelope = request_for(read, users[user_number], f"amzn1.echo-api.request.b{n}",
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
    cpu_per_request: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(wrk: str, url: str, pool: Path, seconds: float, connections: int) -> dict:
    command = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(LUA), url]
    out = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, GLIMMERS_BENCH_POOL=str(pool)),
                         timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            summary = json.loads(line[len("WRKJSON "):])
            errors = sum(summary[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
            return {"requests": summary["requests"], "seconds": summary["duration_us"] / 1e6,
                    "p50": summary["p50_us"] / 1e6, "p90": summary["p90_us"] / 1e6,
                    "p99": summary["p99_us"] / 1e6, "errors": errors}
    raise RuntimeError(f"wrk printed no summary:\n{out.stdout}\n{out.stderr}")


def run_python(url: str, pool: Path, seconds: float, connections: int) -> dict:
    """The fallback load generator: one thread per keep-alive connection (slower than wrk)."""
    from common import percentile

    bodies = [line.encode("utf-8") for line in pool.read_text(encoding="utf-8").splitlines() if line]
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        index = number * (len(bodies) // connections)
        while time.perf_counter() < deadline:
            body = bodies[index % len(bodies)]
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
    return {"requests": len(everything) + sum(errors), "seconds": elapsed, "p50": percentile(everything, 50),
            "p90": percentile(everything, 90), "p99": percentile(everything, 99), "errors": sum(errors)}


def load(server: Server, pool: Path, seconds: float, mix: str, connections: int) -> Load:
    wrk = shutil.which("wrk")
    cpu_before = server.cpu_seconds()
    result = run_wrk(wrk, server.url, pool, seconds, connections) if wrk else run_python(server.url, pool, seconds, connections)
    cpu = server.cpu_seconds() - cpu_before
    return Load(server.name, mix, cpu_per_request=cpu / result["requests"] if result["requests"] else None, **result)


# -- the runs ---------------------------------------------------------------------------

CLIENT_STEPS = (1, 4, 8)  # the mix is also run with this many clients, for the latency each load sees


def median_load(loads: list[Load]) -> Load:
    """The round whose rate is the median."""
    return sorted(loads, key=lambda l: l.rps)[len(loads) // 2]


SERVER_NAMES = {
    "floor": "floor (Flask, parse JSON, constant answer)",
    "durable": "durable floor (the floor + one durable 3 KB file replace per record)",
    "skill": "Glimmer Journal `serve --dev`",
}


@dataclass
class HttpResults:
    loads: list[Load]
    rounds: int
    connections: int
    record_share: float
    generator: str
    memory: list[tuple[int, int, int]] = field(default_factory=list)  # requests, VmRSS, VmHWM
    by_clients: list[tuple[int, Load]] = field(default_factory=list)  # the mix at fewer clients

    def floor_rps(self, target: str = "floor") -> float:
        return median([l.rps for l in self.loads if l.target == target])

    def durable_summary(self) -> tuple[float, float, float] | None:
        """Median over the rounds of the durable floor: its rate ÷ the floor's, its p99, the skill's rate ÷ its rate."""
        durables = [l for l in self.loads if l.target == "durable"]
        if not durables:
            return None
        floors = [l for l in self.loads if l.target == "floor"]
        return (median([d.rps / f.rps for d, f in zip(durables, floors)]), median([d.p99 for d in durables]),
                median([s.rps / d.rps for s, d in zip(self.skill_mix(), durables)]))

    def skill_mix(self) -> list[Load]:
        return [l for l in self.loads if l.target == "skill" and l.mix == "mix"]

    def summary(self) -> tuple[float, float, float]:
        """Median over the rounds of the skill's mix: rate, p99, and rate ÷ the floor's rate in the same round."""
        floors = [l for l in self.loads if l.target == "floor"]
        skills = self.skill_mix()
        ratios = [s.rps / f.rps for s, f in zip(skills, floors)]
        return median([s.rps for s in skills]), median([s.p99 for s in skills]), median(ratios)

    def markdown(self) -> str:
        floor = self.floor_rps()
        rows = []
        for l in self.loads:
            rows.append([
                SERVER_NAMES[l.target],
                {"mix": f"{self.record_share:.0%} record / {1 - self.record_share:.0%} read",
                 "read": "read only", "record": "record only"}[l.mix] if l.target == "skill" else "same bodies",
                f"{l.requests:,}", f"{l.rps:,.0f}", ms(l.p50, 1), ms(l.p90, 1), ms(l.p99, 1),
                f"{l.rps / floor:.2f}" if l.target != "floor" else "1",
                ms(l.cpu_per_request, 2) if l.cpu_per_request else "–", f"{l.errors}",
            ])
        header = ["server", "request bodies", "requests", "req/s", "p50 (ms)", "p90 (ms)", "p99 (ms)", "÷ floor median",
                  "server CPU per request (ms)", "errors"]
        return table(header, rows, "llrrrrrrrr")

    def clients_markdown(self) -> str:
        rows = [[f"{n}", f"{l.rps:,.0f}", ms(l.p50, 1), ms(l.p90, 1), ms(l.p99, 1), f"{l.errors}"] for n, l in self.by_clients]
        return table(["concurrent clients", "req/s", "p50 (ms)", "p90 (ms)", "p99 (ms)", "errors"], rows)

    def memory_markdown(self) -> str:
        rows = [[f"{n:,}", f"{rss / 2**20:.1f}", f"{hwm / 2**20:.1f}"] for n, rss, hwm in self.memory]
        return table(["requests served", "VmRSS (MiB)", "VmHWM, peak (MiB)"], rows)


def run(quick: bool = False, tmp: Path | None = None, connections: int = CONNECTIONS, record_share: float = 0.5,
        parts: tuple[str, ...] = ("http", "memory"), log=print) -> HttpResults:
    from skill.operator import generate_store

    seconds = 8 if quick else 20
    rounds = 1 if quick else 3
    warmup = 3
    checkpoints = (2_000, 10_000, 20_000) if quick else (2_000, 10_000, 50_000, 100_000)
    generator = "wrk" if shutil.which("wrk") else "Python threads"
    results = HttpResults([], rounds, connections, record_share, generator)
    with tempfile.TemporaryDirectory(prefix="glimmers-http-", dir=tmp) as folder:
        work = Path(folder)
        data_dir = work / "data"
        started = time.perf_counter()
        users = generate_store(data_dir, USERS, GLIMMERS // USERS, seed=SEED)
        os.sync()
        log(f"  store of {GLIMMERS:,} glimmers over {USERS:,} users generated in {time.perf_counter() - started:.1f} s")
        pools = {"mix": work / "mix.txt", "read": work / "read.txt", "record": work / "record.txt"}
        write_pool(pools["mix"], users, 20_000, record_share, SEED)
        write_pool(pools["read"], users, 10_000, 0.0, SEED + 1)
        write_pool(pools["record"], users, 10_000, 1.0, SEED + 2)

        if "http" in parts:
            with floor_server(work / "floor.log") as floor, \
                    floor_server(work / "durable.log", durable=data_dir) as durable, \
                    skill_server(data_dir, work / "skill.log") as skill:
                for server in (floor, durable, skill):
                    load(server, pools["mix"], warmup, "mix", connections)
                for n in range(rounds):
                    for server in (floor, durable, skill):
                        result = load(server, pools["mix"], seconds, "mix", connections)
                        results.loads.append(result)
                        log(f"  round {n + 1}/{rounds} {server.name:5s}: {result.rps:,.0f} req/s, "
                            f"p50 {ms(result.p50, 1)} ms, p99 {ms(result.p99, 1)} ms, {result.errors} errors")
                for mix in ("read", "record"):
                    result = load(skill, pools[mix], seconds, mix, connections)
                    results.loads.append(result)
                    log(f"  {mix} only: {result.rps:,.0f} req/s, p50 {ms(result.p50, 1)} ms, p99 {ms(result.p99, 1)} ms")
                for clients in CLIENT_STEPS:
                    if clients < connections:
                        result = load(skill, pools["mix"], seconds, "mix", clients)
                        results.by_clients.append((clients, result))
                        log(f"  mix, {clients} clients: {result.rps:,.0f} req/s, p99 {ms(result.p99, 1)} ms")
                results.by_clients.append((connections, median_load(results.skill_mix())))
                errors = (work / "skill.log").read_text(errors="replace").count(" ERROR ")
                if errors:
                    log(f"  the skill logged {errors} ERROR lines; see the log")

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
    quick = "--quick" in sys.argv
    outcome = run(quick=quick)
    print(outcome.markdown())
    print()
    print(outcome.memory_markdown())
