"""Part 1: in-process latency of a record and its read-back, by store size, against a one-file TinyDB.

Every size's store is generated straight into the on-disk format
(``skill.operator.generate_store``: N glimmers spread evenly over 10,000
users) and flushed to disk; then, taking the stores in turn (so that the
disk's slow moments fall on every size alike), for users drawn at random a
RecordGlimmerIntent and a ReadGlimmersIntent envelope go through
``LocalSkill.invoke``: envelope check, the ask-sdk-core model, the handlers,
the store (lock, read, atomic write with both fsyncs) and the response
envelope, everything ``POST /alexa`` does but HTTP and the request log line.

The baseline keeps every journal in one TinyDB file with TinyDB's default
``JSONStorage``: one ``glimmers`` table whose documents carry a ``user``
field (the hashed user ID), the TinyDB instance kept open between
operations as a server would. A record is ``table.insert``; a read-back is
``table.search(user == ...)`` sorted newest first. The baseline stops
growing after the first size at which its median write passes one second.
"""

from __future__ import annotations

import gc
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import TEXTS, load_request, median, ms, percentile, request_for, table  # noqa: E402

USERS = 10_000
SIZES = (0, 10_000, 100_000, 1_000_000)
SEED = 20261130
BASELINE_LIMIT_S = 1.0
WARMUP = 20


@dataclass
class SizeResult:
    glimmers: int
    generate_s: float
    record: list[float] = field(default_factory=list)
    read: list[float] = field(default_factory=list)
    baseline_record: list[float] = field(default_factory=list)
    baseline_read: list[float] = field(default_factory=list)
    baseline_note: str = ""
    baseline_file_mb: float | None = None

    @property
    def speedup(self) -> float | None:
        if not self.baseline_record or not self.record:
            return None
        return median(self.baseline_record) / median(self.record)


@dataclass
class StorageResults:
    sizes: list[SizeResult]
    samples: int

    def by_size(self, glimmers: int) -> SizeResult | None:
        return next((s for s in self.sizes if s.glimmers == glimmers), None)

    def markdown(self) -> str:
        rows = []
        for s in self.sizes:
            base_rec = median(s.baseline_record) if s.baseline_record else None
            base_read = median(s.baseline_read) if s.baseline_read else None
            rows.append(
                [
                    f"{s.glimmers:,}",
                    f"{s.glimmers // USERS:,}",
                    ms(median(s.record)),
                    ms(percentile(s.record, 99)),
                    ms(median(s.read)),
                    ms(percentile(s.read, 99)),
                    ms(base_rec, 1) if base_rec is not None else s.baseline_note or "–",
                    ms(base_read, 1) if base_read is not None else "–",
                    (f"{s.speedup:,.0f}×" if s.speedup >= 10 else f"{s.speedup:.2f}×") if s.speedup else "–",
                    f"{len(s.record)} / {len(s.baseline_record) or '–'}",
                    f"{s.generate_s:.1f} s",
                ]
            )
        header = [
            "glimmers in store",
            "per journal",
            "record median (ms)",
            "record p99 (ms)",
            "read-back median (ms)",
            "read-back p99 (ms)",
            "one-file baseline record median (ms)",
            "baseline read-back median (ms)",
            "record vs baseline",
            "samples (ours / baseline)",
            "store generated in",
        ]
        return table(header, rows)


def generate(data_dir: Path, glimmers: int) -> list[str]:
    """Fill ``data_dir`` with ``glimmers`` glimmers over USERS users; the raw user IDs."""
    from skill.operator import generate_store, generated_user_id

    if glimmers == 0:
        return [generated_user_id(SEED, n) for n in range(USERS)]
    return generate_store(data_dir, USERS, glimmers // USERS, seed=SEED)


class StoreUnderTest:
    """One generated store, with the requests to send it prepared in advance."""

    def __init__(self, data_dir: Path, users: list[str], samples: int, rng: random.Random):
        from skill.session import LocalSkill
        from skill.storage import TinyDBStore

        record_template, read_template = load_request("record_glimmer"), load_request("read_glimmers")
        self.local = LocalSkill(TinyDBStore(data_dir), rng=random.Random(1))
        self.plan = []
        for n in range(samples + WARMUP):
            user = rng.choice(users)
            text = f"{rng.choice(TEXTS)} ({n})"
            self.plan.append((
                text,
                request_for(record_template, user, f"amzn1.echo-api.request.bench-r{n}", text=text),
                request_for(read_template, user, f"amzn1.echo-api.request.bench-q{n}"),
            ))
        self.records: list[float] = []
        self.reads: list[float] = []

    def step(self, n: int) -> None:
        """Record the n-th glimmer and read it back, timing both (after the warm-up)."""
        text, record, read = self.plan[n]
        started = time.perf_counter()
        saved = self.local.invoke(record)
        recorded = time.perf_counter()
        heard = self.local.invoke(read)
        done = time.perf_counter()
        if text not in self.local.spoken(heard):
            raise RuntimeError(f"the skill did not read back {text!r}: {self.local.spoken(saved)!r} / {self.local.spoken(heard)!r}")
        if n >= WARMUP:  # the first few warm the caches and the catalogue
            self.records.append(recorded - started)
            self.reads.append(done - recorded)


def write_baseline(path: Path, users: list[str], glimmers: int, rng: random.Random) -> None:
    """One TinyDB JSON file holding every journal: one table, a ``user`` field on every glimmer."""
    from skill.storage import hash_id

    per_user = glimmers // USERS
    documents: dict[str, Any] = {}
    doc_id = 0
    stamp = "2025-%02d-%02dT%02d:%02d:%02d.000000Z"
    for user in users[:USERS] if per_user else []:
        owner = hash_id(user)
        for _ in range(per_user):
            doc_id += 1
            documents[str(doc_id)] = {
                "user": owner,
                "id": f"{rng.getrandbits(128):032x}",
                "text": rng.choice(TEXTS),
                "created_at": stamp % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
                "locale": "en-US",
            }
    if documents:
        path.write_text(json.dumps({"glimmers": documents}), encoding="utf-8")


def measure_baseline(
    path: Path, users: list[str], samples: int, budget_s: float, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Seconds per insert and per search-and-sort on the one-file TinyDB, within ``budget_s`` (at least 3 samples)."""
    from tinydb import Query, TinyDB

    from skill.storage import hash_id
    from skill.storage.contract import format_timestamp, new_glimmer_id
    from skill.turn import utc_now

    owner_field = Query().user
    db = TinyDB(path)  # the default JSONStorage
    try:
        glimmers = db.table("glimmers")
        records, reads = [], []
        deadline = time.perf_counter() + budget_s
        for n in range(samples):
            owner = hash_id(rng.choice(users))
            document = {
                "user": owner,
                "id": new_glimmer_id(),
                "text": f"{rng.choice(TEXTS)} ({n})",
                "created_at": format_timestamp(utc_now()),
                "locale": "en-US",
            }
            started = time.perf_counter()
            glimmers.insert(document)
            recorded = time.perf_counter()
            newest = sorted(glimmers.search(owner_field == owner), key=lambda d: (d["created_at"], d["id"]), reverse=True)[:3]
            done = time.perf_counter()
            if not newest or newest[0]["id"] != document["id"]:
                raise RuntimeError("the baseline did not read back what it wrote")
            records.append(recorded - started)
            reads.append(done - recorded)
            if n >= 2 and done > deadline:
                break
        return records, reads
    finally:
        db.close()


def run(quick: bool = False, tmp: Path | None = None, log=print) -> StorageResults:
    samples = 200 if quick else 1000
    baseline_samples = 200 if quick else 1000
    baseline_budget = 10.0 if quick else 30.0
    results, stores = [], []
    with tempfile.TemporaryDirectory(prefix="glimmers-bench-", dir=tmp) as folder:
        for glimmers in SIZES:
            data_dir = Path(folder) / f"store-{glimmers}"
            data_dir.mkdir()
            started = time.perf_counter()
            users = generate(data_dir, glimmers)
            results.append(SizeResult(glimmers, time.perf_counter() - started))
            stores.append((users, StoreUnderTest(data_dir, users, samples, random.Random(SEED + glimmers))))
            log(f"  {glimmers:>9,} glimmers: store generated in {results[-1].generate_s:.1f} s")
        os.sync()  # write-back of the new files must not land inside the measurements
        log(f"  measuring {samples:,} records and read-backs per store, interleaved ...")
        gc.collect()
        for n in range(samples + WARMUP):
            for _, store in stores:
                store.step(n)
        baseline_stopped_at = None
        for result, (users, store) in zip(results, stores):
            result.record, result.read = store.records, store.reads
            log(f"  {result.glimmers:>9,} glimmers: record {ms(median(result.record))} ms, "
                f"read-back {ms(median(result.read))} ms")
            if baseline_stopped_at is not None:
                result.baseline_note = f"not run (a write passed {BASELINE_LIMIT_S:.0f} s at {baseline_stopped_at:,})"
                continue
            rng = random.Random(SEED + result.glimmers + 1)
            path = Path(folder) / "everyone.json"
            write_baseline(path, users, result.glimmers, rng)
            result.baseline_file_mb = path.stat().st_size / 1e6 if path.exists() else 0.0
            os.sync()
            gc.collect()
            result.baseline_record, result.baseline_read = measure_baseline(path, users, baseline_samples, baseline_budget, rng)
            path.unlink(missing_ok=True)
            log(f"  {result.glimmers:>9,} glimmers: one-file baseline ({result.baseline_file_mb:.1f} MB) record "
                f"{ms(median(result.baseline_record), 1)} ms, read-back {ms(median(result.baseline_read), 1)} ms")
            if median(result.baseline_record) > BASELINE_LIMIT_S:
                baseline_stopped_at = result.glimmers
    return StorageResults(results, samples)


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv).markdown())
