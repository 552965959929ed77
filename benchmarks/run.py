"""Run Glimmer Journal's benchmarks, print the tables, and write them into docs/PERFORMANCE.md.

    python benchmarks/run.py                  # everything (about 20 minutes on 2 cores)
    python benchmarks/run.py --quick          # smaller samples and shorter runs (about 6 minutes)
    python benchmarks/run.py --only storage,verify --no-write
    python benchmarks/run.py --database-url postgresql://user:pw@host/db   # that PostgreSQL, not a throwaway one

Parts: storage (in-process latency by store size on TinyDB and PostgreSQL,
against a one-file TinyDB), http (the production server on both engines,
PostgreSQL with one and two instances, against a floor Flask app, over
loopback), memory (peak resident size of the server over 100,000 requests),
breakdown (where one request's time goes, on both engines) and verify
(request verification). The PostgreSQL rows run on a throwaway cluster the
run starts itself (pg_virtualenv, see pg.py) unless --database-url names a
server, or not at all with --no-postgres. Each part's section of
docs/PERFORMANCE.md is replaced between its markers; the text around the
markers (the analysis) is kept.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import shutil
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

from common import REPO, machine, median, table  # noqa: E402
import http_bench  # noqa: E402

PARTS = ("storage", "http", "memory", "breakdown", "verify")
DOC = REPO / "docs" / "PERFORMANCE.md"

# The targets, on the 2-core development machine.
RECORD_GROWTH_LIMIT = 1.5  # on each engine
BASELINE_FACTOR = 100
INSTANCES_SHARE = 1.0  # two PostgreSQL instances at least the TinyDB instance's rate
FLOOR_SHARE = 0.5
P99_LIMIT_S = 0.050
MEMORY_GROWTH_LIMIT = 0.10


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def storage_section(results, stamp: str) -> str:
    from storage_bench import SIZES, USERS

    empty, largest, mid = results.by_size(0), results.by_size(SIZES[-1]), results.by_size(100_000)
    rows = []
    if empty and largest:
        growth = median(largest.record) / median(empty.record)
        rows.append([f"TinyDB: record median at {SIZES[-1]:,} glimmers within {RECORD_GROWTH_LIMIT}× the median at an empty store",
                     f"{median(largest.record) * 1e3:.2f} ms ÷ {median(empty.record) * 1e3:.2f} ms = {growth:.2f}×",
                     verdict(growth <= RECORD_GROWTH_LIMIT)])
    if empty and largest and empty.pg_record and largest.pg_record:
        growth = median(largest.pg_record) / median(empty.pg_record)
        rows.append([f"PostgreSQL: record median at {SIZES[-1]:,} glimmers within {RECORD_GROWTH_LIMIT}× the median at an "
                     "empty store",
                     f"{median(largest.pg_record) * 1e3:.2f} ms ÷ {median(empty.pg_record) * 1e3:.2f} ms = {growth:.2f}×",
                     verdict(growth <= RECORD_GROWTH_LIMIT)])
    if mid and mid.speedup:
        rows.append([f"TinyDB: record at 100,000 glimmers at least {BASELINE_FACTOR}× faster than the one-file baseline",
                     f"{median(mid.baseline_record) * 1e3:,.0f} ms ÷ {median(mid.record) * 1e3:.2f} ms = {mid.speedup:,.0f}×",
                     verdict(mid.speedup >= BASELINE_FACTOR)])
    engines = ("TinyDB: one data folder per size, generated straight into the on-disk format and flushed with `sync`. "
               f"PostgreSQL: one database per size on {results.postgres}, filled with COPY, then `VACUUM ANALYZE` and "
               "`CHECKPOINT`. " if results.postgres else "TinyDB only (PostgreSQL was left out). ")
    wal = results.wal_summary()
    return "\n\n".join(part for part in [
        f"Measured {stamp}. {USERS:,} users. {engines}The stores"
        + (" of both engines" if results.postgres else "") + " are measured interleaved (one record and read-back "
        "per store in turn), so that the disk's slow moments fall on every size" + (" and engine" if results.postgres else "")
        + " alike. "
        "Requests carry no `apiEndpoint`, so the read-back speaks of days in UTC without asking the Settings API.",
        results.markdown(),
        f"PostgreSQL's WAL over the measurement (`pg_stat_wal`): {wal}." if wal else "",
        "The stores on disk, as generated (before the measurement's records):",
        results.disk_markdown(),
        "Against the baseline: one TinyDB file, default `JSONStorage`, one `glimmers` table with a `user` field; "
        "record = `insert`, read-back = `search` + sort; the same TinyDB instance stays open.",
        results.baseline_markdown(),
        table(["target", "measured", ""], rows, "llr"),
    ] if part)


def http_section(results, stamp: str) -> str:
    rps, p99, ratio = results.summary()
    rows = [
        [f"TinyDB: request rate at least {FLOOR_SHARE:.0%} of the floor's (median of {results.rounds} "
         f"round{'s' if results.rounds != 1 else ''}, "
         f"{results.record_share:.0%} record / {1 - results.record_share:.0%} read)",
         f"{rps:,.0f} ÷ {results.floor_rps():,.0f} req/s = {ratio:.2f}", verdict(ratio >= FLOOR_SHARE)],
        ["TinyDB: p99 latency under 50 ms (same runs)", f"{p99 * 1e3:.1f} ms", verdict(p99 < P99_LIMIT_S)],
    ]
    for target, label in (("pg2", "two instances"), ("pg1", "one instance")):
        engine = results.engine_summary(target)
        if engine is None:
            continue
        pg_rate, pg_p99, share, per_round = engine
        rounds = ", ".join(f"{r:.2f}" for r in per_round)
        row = [f"PostgreSQL, {label}: mix rate (median of the rounds) at least the TinyDB instance's (same run)",
               f"{pg_rate:,.0f} ÷ {rps:,.0f} req/s = {share:.2f} (by round: {rounds})"]
        if target == "pg2":
            rows.append(row + [verdict(share >= INSTANCES_SHARE)])
        else:
            rows.append(["for comparison: " + row[0].replace("at least", "against"), row[1], ""])
    durable = results.durable_summary()
    context = []
    if durable is not None:
        durable_share, durable_p99, skill_share = durable
        context = [
            ["the durable floor's rate ÷ the floor's: the most any record that survives a crash allows", f"{durable_share:.2f}"],
            ["the durable floor's p99", f"{durable_p99 * 1e3:.1f} ms"],
            ["the skill's rate on TinyDB ÷ the durable floor's", f"{skill_share:.2f}"],
        ]
    pg = ""
    if results.postgres:
        pg = (f" On PostgreSQL ({results.postgres}; a database filled with the same journals): one instance with the "
              f"same settings, and two instances (`serve --dev --workers {results.instance_workers} --threads "
              f"{results.instance_threads}` each, on two ports, one database: the URL in `GLIMMERS_DATABASE_URL`, "
              "which is `--database-url` kept off the command line) driven at once by two "
              f"wrk processes with half the connections and one load thread each; their rates are added and their "
              "latencies merged.")
    return "\n\n".join(part for part in [
        f"Measured {stamp} with {results.generator}, {results.connections} keep-alive connections and "
        f"{http_bench.LOAD_THREADS} load threads in all, {results.rounds} round(s) of floor, durable floor, then the "
        "skill on each engine. The skill: `python -m skill serve --dev --workers "
        f"{http_bench.WORKERS} --threads {http_bench.THREADS}` (gunicorn: a master and {http_bench.WORKERS} "
        f"worker processes of {http_bench.THREADS} threads on one socket; request verification off, the request log "
        "line on, to a file), on a store of 100,000 glimmers over 10,000 users; every request names one of those "
        "users, a different glimmer text and a request ID never sent before, and no `apiEndpoint` (no time-zone "
        "lookups). The floor: `benchmarks/floor_app.py` on the same `skill.server.serve` call with the same workers "
        "and threads. The durable floor: the same app, which also replaces one journal-sized file durably (temporary "
        f"file, fsync, rename, fsync of the folder) in the sender's account folder for every record.{pg}",
        results.markdown(),
        table(["target", "measured", ""], rows, "llr"),
        "Where each request's CPU goes (ms per request; the median round of each server, and the read-only and "
        "record-only runs): the server's processes (master and workers), the PostgreSQL cluster's processes "
        "(postmaster, backends, WAL writer, checkpointer, autovacuum), the load generator, the kernel's own threads "
        "(block I/O completion, ksoftirqd), and everything else the machine did in the meantime (/proc/stat: "
        "interrupts not charged to a process, this benchmark's driver, other work on the machine); then the share of "
        "both cores busy, and the share the hypervisor gave to other virtual machines (steal). WAL fsyncs and "
        "their mean time are `pg_stat_wal`'s for the cluster during the run.",
        results.cpu_markdown(),
        table(["in context (same rounds, medians)", "measured"], context, "lr") if context else "",
        "The skill's mix on TinyDB with fewer clients waiting at once (one run each; the last row is the median "
        "round above):" if results.by_clients else "",
        results.clients_markdown() if results.by_clients else "",
    ] if part)


def memory_section(results, stamp: str) -> str:
    rows = []
    if len(results.memory) >= 3:
        (n0, _, hwm0), (n1, _, hwm1) = results.memory[1], results.memory[-1]
        growth = hwm1 / hwm0 - 1
        rows.append([f"memory flat: peak resident size grows less than {MEMORY_GROWTH_LIMIT:.0%} from {n0:,} to {n1:,} requests",
                     f"{hwm0 / 2**20:.1f} → {hwm1 / 2**20:.1f} MiB ({growth:+.1%})",
                     verdict(growth < MEMORY_GROWTH_LIMIT)])
    return "\n\n".join([
        f"Measured {stamp}: a fresh `serve --dev --workers 1 --threads 8` on TinyDB, and the sizes of its one worker "
        "process (which serves every request, so that its caches see them all; gunicorn's master only supervises), "
        "the same mix, but every request names a device "
        "(one per user, 10,000 in all) and an `apiEndpoint` on a closed loopback port, so each device's "
        "time-zone lookup fails at once and is remembered: the lookup cache (4,096 devices) fills and stays "
        "bounded. VmHWM is the peak resident set size the kernel has seen for the process.",
        results.memory_markdown(),
        table(["target", "measured", ""], rows, "llr") if rows else "",
    ])


def verify_section(stamp: str) -> str:
    import verify_bench

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        verify_bench.main()
    return f"Measured {stamp} (the table of `benchmarks/verify_bench.py`).\n\n{captured.getvalue().strip()}"


def redact(argument: str) -> str:
    """A command-line argument as it may be printed: a database URL's password replaced by ***."""
    argument = re.sub(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", r"\1***@", argument)
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", argument)


def replace_section(text: str, name: str, body: str, by: str = "benchmarks/run.py") -> str:
    begin, end = f"<!-- BEGIN {name} (generated by {by}) -->", f"<!-- END {name} -->"
    block = f"{begin}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: block, text)
    return text.rstrip() + f"\n\n{block}\n"


TEMPLATE = """# Performance

What Glimmer Journal costs per request, how that grows with the store, and where the time goes.
Regenerate the measurements with `python benchmarks/run.py` (see `benchmarks/README.md`);
the sections between the markers are rewritten, the rest of this file is kept.

## The machine

<!-- BEGIN machine (generated by benchmarks/run.py) -->
<!-- END machine -->

## 1. In-process latency by store size, TinyDB and PostgreSQL

<!-- BEGIN storage (generated by benchmarks/run.py) -->
<!-- END storage -->

## 2. Over HTTP: the floor, TinyDB, PostgreSQL with one and two instances

<!-- BEGIN http (generated by benchmarks/run.py) -->
<!-- END http -->

## 3. Memory

<!-- BEGIN memory (generated by benchmarks/run.py) -->
<!-- END memory -->

## Where the time goes

<!-- BEGIN breakdown (generated by benchmarks/run.py) -->
<!-- END breakdown -->

## Request verification

<!-- BEGIN verify (generated by benchmarks/run.py) -->
<!-- END verify -->
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples and shorter runs")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts (default all: {','.join(PARTS)})")
    parser.add_argument("--output", type=Path, default=DOC, help="the Markdown file to update (default docs/PERFORMANCE.md)")
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    parser.add_argument("--tmp", type=Path, help="where to build the stores (default: the system temp folder)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent HTTP clients (default 16)")
    parser.add_argument("--record-share", type=float, default=0.5, help="share of record requests over HTTP (default 0.5)")
    parser.add_argument("--database-url", metavar="URL",
                        help="measure PostgreSQL on this server (the user must be allowed to create databases; the "
                             "benchmark's own glimmers_bench_* databases are dropped after) instead of a throwaway "
                             "cluster started with pg_virtualenv")
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out (TinyDB only)")
    parser.add_argument("--instance-workers", type=int, default=http_bench.INSTANCE_WORKERS,
                        help=f"--workers of each of the two PostgreSQL instances (default {http_bench.INSTANCE_WORKERS})")
    parser.add_argument("--instance-threads", type=int, default=http_bench.INSTANCE_THREADS,
                        help=f"--threads of each of the two PostgreSQL instances (default {http_bench.INSTANCE_THREADS})")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    if ("http" in parts or "memory" in parts) and not shutil.which("wrk"):
        print("wrk not found: using the Python load generator, which on a small machine measures itself as much "
              "as the server. Install wrk for real numbers: sudo apt-get install wrk (Debian/Ubuntu), "
              "brew install wrk (macOS).", file=sys.stderr)

    arguments = [redact(a) for a in (argv if argv is not None else sys.argv[1:])]
    command = "python benchmarks/run.py" + "".join(f" {shlex.quote(a)}" for a in arguments)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    started = time.perf_counter()
    sections: dict[str, str] = {}
    tmp = args.tmp or Path(tempfile.gettempdir())

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    # SIGTERM and SIGHUP end the run the way Ctrl-C does: servers, clusters and folders are removed on the way out.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, lambda number, frame: sys.exit(128 + number))
    postgres = None
    try:
        if not args.no_postgres and any(p in parts for p in ("storage", "http", "breakdown")):
            import pg

            say("postgres: " + ("connecting to --database-url ..." if args.database_url else
                                "starting a throwaway cluster (pg_virtualenv) ..."))
            postgres = pg.Postgres(args.database_url, log=say)
            try:
                postgres.start()
            except RuntimeError as exc:
                parser.exit(2, f"{exc}\n")
        sections["machine"] = table(["", ""], machine(tmp, postgres), "ll")
        stamp = f"{stamp} by `{command}`"
        if "storage" in parts:
            import storage_bench

            say("storage: in-process latency by store size ...")
            sections["storage"] = storage_section(
                storage_bench.run(quick=args.quick, tmp=args.tmp, log=say, postgres=postgres), stamp)
        if "http" in parts or "memory" in parts:
            say("http: the server against the floor ...")
            results = http_bench.run(quick=args.quick, tmp=args.tmp, connections=args.connections,
                                     record_share=args.record_share,
                                     parts=tuple(p for p in ("http", "memory") if p in parts), log=say,
                                     postgres=postgres, instance_workers=args.instance_workers,
                                     instance_threads=args.instance_threads)
            if "http" in parts:
                sections["http"] = http_section(results, stamp)
            if "memory" in parts:
                sections["memory"] = memory_section(results, stamp)
        if "breakdown" in parts:
            import breakdown

            say("breakdown: one request's parts ...")
            sections["breakdown"] = f"Measured {stamp}.\n\n" + breakdown.run(quick=args.quick, tmp=args.tmp, log=say,
                                                                              postgres=postgres)
        if "verify" in parts:
            say("verify: request verification ...")
            sections["verify"] = verify_section(stamp)
    finally:
        if postgres is not None:
            say("postgres: dropping " + ("the benchmark's databases" if args.database_url else "the throwaway cluster"))
            postgres.stop()

    for name, body in sections.items():
        print(f"\n## {name}\n\n{body}")
    if not args.no_write:
        text = args.output.read_text(encoding="utf-8") if args.output.exists() else TEMPLATE
        for name, body in sections.items():
            text = replace_section(text, name, body)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        say(f"wrote {args.output}")
    say(f"done in {(time.perf_counter() - started) / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: the servers, the throwaway PostgreSQL and the temporary folders were removed",
              file=sys.stderr)
        sys.exit(130)
