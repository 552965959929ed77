"""Run Glimmer Journal's benchmarks, print the tables, and write them into docs/PERFORMANCE.md.

    python benchmarks/run.py                  # everything (about 15 minutes on 2 cores)
    python benchmarks/run.py --quick          # smaller samples and shorter runs (about 5 minutes)
    python benchmarks/run.py --only storage,verify --no-write

Parts: storage (in-process latency by store size, against a one-file TinyDB),
http (the production server against a floor Flask app, over loopback),
memory (peak resident size of the server over 100,000 requests),
breakdown (where one request's time goes) and verify (request verification).
Each part's section of docs/PERFORMANCE.md is replaced between its markers;
the text around the markers (the analysis) is kept.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import shutil
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
RECORD_GROWTH_LIMIT = 1.5
BASELINE_FACTOR = 100
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
        rows.append([f"record median at {SIZES[-1]:,} glimmers within {RECORD_GROWTH_LIMIT}× the median at an empty store",
                     f"{median(largest.record) * 1e3:.2f} ms ÷ {median(empty.record) * 1e3:.2f} ms = {growth:.2f}×",
                     verdict(growth <= RECORD_GROWTH_LIMIT)])
    if mid and mid.speedup:
        rows.append([f"record at 100,000 glimmers at least {BASELINE_FACTOR}× faster than the one-file baseline",
                     f"{median(mid.baseline_record) * 1e3:,.0f} ms ÷ {median(mid.record) * 1e3:.2f} ms = {mid.speedup:,.0f}×",
                     verdict(mid.speedup >= BASELINE_FACTOR)])
    return "\n\n".join([
        f"Measured {stamp}. {USERS:,} users; the stores are measured interleaved (one record and read-back per store "
        "in turn), so that the disk's slow moments fall on every size alike. Requests carry no `apiEndpoint`, so the "
        "read-back speaks of days in UTC without asking the Settings API. Baseline: one TinyDB file, default "
        "`JSONStorage`, one `glimmers` table with a `user` field; record = `insert`, read-back = `search` + sort; "
        "the same TinyDB instance stays open.",
        results.markdown(),
        table(["target", "measured", ""], rows, "llr"),
    ])


def http_section(results, stamp: str) -> str:
    rps, p99, ratio = results.summary()
    rows = [
        [f"request rate at least {FLOOR_SHARE:.0%} of the floor's (median of {results.rounds} "
         f"round{'s' if results.rounds != 1 else ''}, "
         f"{results.record_share:.0%} record / {1 - results.record_share:.0%} read)",
         f"{rps:,.0f} ÷ {results.floor_rps():,.0f} req/s = {ratio:.2f}", verdict(ratio >= FLOOR_SHARE)],
        ["p99 latency under 50 ms (same runs)", f"{p99 * 1e3:.1f} ms", verdict(p99 < P99_LIMIT_S)],
    ]
    durable = results.durable_summary()
    context = []
    if durable is not None:
        durable_share, durable_p99, skill_share = durable
        context = [
            ["the durable floor's rate ÷ the floor's: the most any record that survives a crash allows", f"{durable_share:.2f}"],
            ["the durable floor's p99", f"{durable_p99 * 1e3:.1f} ms"],
            ["the skill's rate ÷ the durable floor's", f"{skill_share:.2f}"],
        ]
    return "\n\n".join(part for part in [
        f"Measured {stamp} with {results.generator}, {results.connections} keep-alive connections, 2 load threads, "
        f"{results.rounds} round(s) of floor, durable floor, then skill. The skill: `python -m skill serve --dev --workers "
        f"{http_bench.WORKERS} --threads {http_bench.THREADS}` (waitress in {http_bench.WORKERS} processes on one "
        "socket; request verification off, the request log line on, to a file), on a store of 100,000 glimmers over "
        "10,000 users; every request names one of those users, a different glimmer text and request ID, and no "
        "`apiEndpoint` (no time-zone lookups). The floor: `benchmarks/floor_app.py` on the same `skill.server.serve` "
        "call with the same workers and threads. The durable floor: the same app, which also replaces one "
        "journal-sized file durably (temporary file, fsync, rename, fsync of the folder) in the sender's account "
        "folder for every record. Server CPU counts the supervisor and its workers.",
        results.markdown(),
        table(["target", "measured", ""], rows, "llr"),
        table(["in context (same rounds, medians)", "measured"], context, "lr") if context else "",
        "The skill's mix with fewer clients waiting at once (one run each; the last row is the median round "
        "above):" if results.by_clients else "",
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
        f"Measured {stamp}: a fresh `serve --dev --workers 1` process (one process, so that its caches see every "
        "request), the same mix, but every request names a device "
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


def replace_section(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- BEGIN {name} (generated by benchmarks/run.py) -->", f"<!-- END {name} -->"
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

## 1. In-process latency by store size

<!-- BEGIN storage (generated by benchmarks/run.py) -->
<!-- END storage -->

## 2. Over HTTP, against the floor

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
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    if ("http" in parts or "memory" in parts) and not shutil.which("wrk"):
        print("wrk not found: using the Python load generator, which on a small machine measures itself as much "
              "as the server. Install wrk for real numbers: sudo apt-get install wrk (Debian/Ubuntu), "
              "brew install wrk (macOS).", file=sys.stderr)

    command = "python benchmarks/run.py" + ("".join(f" {shlex.quote(a)}" for a in (argv if argv is not None else sys.argv[1:])))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    started = time.perf_counter()
    sections: dict[str, str] = {}
    tmp = args.tmp or Path(tempfile.gettempdir())

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    sections["machine"] = table(["", ""], machine(tmp), "ll")
    stamp = f"{stamp} by `{command}`"
    if "storage" in parts:
        import storage_bench

        say("storage: in-process latency by store size ...")
        sections["storage"] = storage_section(storage_bench.run(quick=args.quick, tmp=args.tmp, log=say), stamp)
    if "http" in parts or "memory" in parts:
        say("http: the server against the floor ...")
        results = http_bench.run(quick=args.quick, tmp=args.tmp, connections=args.connections,
                                 record_share=args.record_share,
                                 parts=tuple(p for p in ("http", "memory") if p in parts), log=say)
        if "http" in parts:
            sections["http"] = http_section(results, stamp)
        if "memory" in parts:
            sections["memory"] = memory_section(results, stamp)
    if "breakdown" in parts:
        import breakdown

        say("breakdown: one request's parts ...")
        sections["breakdown"] = f"Measured {stamp}.\n\n" + breakdown.run(quick=args.quick, tmp=args.tmp, log=say)
    if "verify" in parts:
        say("verify: request verification ...")
        sections["verify"] = verify_section(stamp)

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
    sys.exit(main())
