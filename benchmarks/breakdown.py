"""Where the time goes: one request's parts, each timed on its own, in-process, on both engines.

For a RecordGlimmerIntent and a ReadGlimmersIntent (users of a store of
20,000 glimmers, 10 per journal), the whole ``POST /alexa`` through the
Flask app (no HTTP server), then each part of it run alone: what the floor
app does (Flask routing and a JSON parse), the same on ask-sdk-core (the
floor app with ``sdk=True``: the SDK's own request model, dispatch to one
constant handler and response, for scale), the envelope check and the
ask-sdk-core model, the skill (dispatch, handler, speech, store), the store
calls alone, the response envelope to JSON, and the request log line.

On TinyDB the store's file system work is timed alone too (the same atomic
write with both fsyncs). On PostgreSQL the store calls are taken apart with
the same statement on a connection of our own: the INSERT as the store sends
it, the same INSERT with ``synchronous_commit = off`` (the difference is the
wait for the WAL's fsync at commit), and a bare round trip (``SELECT 1``);
what the store call costs beyond the statement is its pool, timeouts and
watchdog. Medians of wall time and of this process's CPU time
(``time.thread_time``: user and system); for PostgreSQL also the cluster's
own CPU per call (its processes' CPU over the loop ÷ calls). The parts
overlap where the table says "of which".

    python benchmarks/breakdown.py [--quick]    # starts a throwaway PostgreSQL (see pg.py)
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common import TEXTS, load_request, median, request_for, table  # noqa: E402

USERS = 2_000
PER_JOURNAL = 10
SEED = 20261202
WARMUP = 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # as glimmers serve logs


def _environ(body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/alexa", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
    }


def call_wsgi(app, body: bytes) -> bytes:
    status = []
    answer = b"".join(app(_environ(body), lambda s, h, e=None: status.append(s)))
    if not status or not status[0].startswith("200"):
        raise RuntimeError(f"the app answered {status}: {answer[:200]!r}")
    return answer


class Timing:
    """Median wall and CPU seconds of one part; the cluster's CPU per call when PostgreSQL is in it."""

    def __init__(self, wall: float, cpu: float, db: float | None = None):
        self.wall, self.cpu, self.db = wall, cpu, db


def timed(operation: Callable[[int], object], runs: int, postgres: Any = None) -> Timing:
    """``operation(n)`` for n in range(runs), after WARMUP calls with n from ``runs`` on (each n is used once)."""
    for n in range(runs, runs + WARMUP):
        operation(n)
    walls, cpus = [], []
    db_before = postgres.cpu_seconds() if postgres is not None else None
    for n in range(runs):
        cpu_started = time.thread_time()
        started = time.perf_counter()
        operation(n)
        walls.append(time.perf_counter() - started)
        cpus.append(time.thread_time() - cpu_started)
    db = None
    if db_before is not None:
        db_after = postgres.cpu_seconds()
        db = (db_after - db_before) / runs if db_after is not None else None
    return Timing(median(walls), median(cpus), db)


class Bodies:
    """Request bodies with request IDs never sent before: the skill saves a request delivered twice only once."""

    def __init__(self, kind: str, template: dict, users: list[str], rng: random.Random, count: int):
        self.kind, self.template, self.users, self.rng, self.count = kind, template, users, rng, count
        self.tags = 0

    def fresh(self) -> list[bytes]:
        self.tags += 1
        out = []
        for n in range(self.count):
            text = f"{self.rng.choice(TEXTS)} ({n})" if self.kind == "record" else None
            envelope = request_for(self.template, self.rng.choice(self.users),
                                   f"amzn1.echo-api.request.p{self.tags}-{n}", text=text)
            out.append(json.dumps(envelope).encode())
        return out


def measure_engine(engine: str, app, users: list[str], runs: int, rng: random.Random, log, postgres: Any = None,
                   data_dir: Path | None = None, database_url: str | None = None) -> list[tuple[str, Timing, list]]:
    """The parts of a record and of a read-back on one engine's app."""
    from floor_app import create_floor_app
    from skill.envelope import to_request_envelope
    from skill.storage import JournalKey
    from skill.storage.atomic import write_atomically

    state = app.extensions["glimmers"]
    floor = create_floor_app()
    sdk_floor = create_floor_app(sdk=True)
    request_log = logging.getLogger("skill.web")
    record_template, read_template = load_request("record_glimmer"), load_request("read_glimmers")
    db = postgres if engine == "postgres" else None
    rows = []
    for kind, template in (("record", record_template), ("read", read_template)):
        bodies = Bodies(kind, template, users, rng, runs + WARMUP)
        whole_bodies = bodies.fresh()
        whole = timed(lambda n: call_wsgi(app, whole_bodies[n]), runs, db)
        floor_bodies = bodies.fresh()
        sdk_bodies = bodies.fresh()
        model_bodies = bodies.fresh()
        models = [to_request_envelope(json.loads(b), state.serializer) for b in bodies.fresh()]
        responses = [state.skill.invoke(request_envelope=m, context=None) for m in
                     [to_request_envelope(json.loads(b), state.serializer) for b in bodies.fresh()[:50]]]
        parts: list[tuple[str, Timing]] = [
            ("the floor's work: Flask routing, JSON parse, constant answer",
             timed(lambda n: call_wsgi(floor, floor_bodies[n]), runs)),
            ("for scale: the floor on ask-sdk-core (the floor + the SDK's own request model, dispatch to one "
             "constant handler, response)", timed(lambda n: call_wsgi(sdk_floor, sdk_bodies[n]), runs)),
            ("envelope check + ask-sdk-core request model",
             timed(lambda n: to_request_envelope(json.loads(model_bodies[n]), state.serializer), runs)),
            ("skill.invoke: dispatch, handler, speech, store",
             timed(lambda n: state.skill.invoke(request_envelope=models[n], context=None), runs, db)),
        ]
        keys = [JournalKey(rng.choice(users)) for _ in range(runs + WARMUP)]
        if kind == "record":
            moment = datetime.now(timezone.utc)
            if engine == "tinydb":
                parts.append(("  of which store.add (lock, read, TinyDB insert, atomic write)",
                              timed(lambda n: state.store.add(keys[n], "a glimmer", "en-US", moment,
                                                              request_id=f"add-{n}"), runs)))
                sample_journal = (data_dir / "journals" / JournalKey(users[0]).ref.account / "account.json").read_bytes()
                folders = [data_dir / "journals" / JournalKey(u).ref.account for u in users]
                parts.append((f"    of which the file system: the same atomic write ({len(sample_journal):,} B: create, "
                              "write, fsync, rename, fsync folder) into a random journal's folder",
                              timed(lambda n: write_atomically(rng.choice(folders) / "scratch.json", sample_journal), runs)))
            else:
                parts.append(("  of which store.add (pool checkout, one INSERT, commit when the WAL is on disk)",
                              timed(lambda n: state.store.add(keys[n], "a glimmer", "en-US", moment,
                                                              request_id=f"add-{n}"), runs, db)))
                parts += postgres_statements(database_url, keys, runs, moment, db)
        else:
            parts.append(("  of which store.page (the newest 3)" if engine == "postgres" else
                          "  of which store.page (read and parse the journal, newest 3)",
                          timed(lambda n: state.store.page(keys[n], 3), runs, db)))
            parts.append(("  of which store.meta (the journal's remembered settings)",
                          timed(lambda n: state.store.meta(keys[n]), runs, db)))
            if engine == "postgres":
                parts += postgres_round_trip(database_url, runs, db)
        parts.append(("response envelope to JSON (ask-sdk-core serialize + Flask jsonify)",
                      timed(lambda n: app.json.dumps(state.serializer.serialize(responses[n % len(responses)])), runs)))
        parts.append(("the request log line (logging to a file)",
                      timed(lambda n: request_log.info("%s %s %.1fms %d%s", "amzn1.echo-api.request.x",
                                                       "ReadGlimmersIntent", 1.0, 200, " UNVERIFIED"), runs)))
        rows.append((kind, whole, parts))
        log(f"  {engine} {kind}: {whole.wall * 1000:.2f} ms in-process")
    return rows


def _connect(database_url: str):
    import psycopg

    conn = psycopg.connect(database_url, autocommit=True)
    conn.execute("SET TimeZone = 'UTC'")
    return conn


def postgres_statements(database_url: str, keys: list, runs: int, moment: datetime, db: Any) -> list[tuple[str, Timing]]:
    """The store's INSERT on a connection of our own, durable and not, and a bare round trip."""
    from skill.storage.contract import hash_id, new_glimmer_id
    from skill.storage.postgres import SQL_ADD, SQL_ADD_ON_CONFLICT

    query = SQL_ADD.format(on_conflict=SQL_ADD_ON_CONFLICT)
    conn = _connect(database_url)
    counter = iter(range(10**9))

    def insert(n: int) -> None:
        ref = keys[n].ref
        conn.execute(query, {"account": ref.account, "journal": ref.journal, "id": new_glimmer_id(),
                             "text": "a glimmer", "created_at": moment, "locale": "en-US",
                             "request_id": hash_id(f"raw-{next(counter)}")}, binary=True).fetchone()

    try:
        durable = timed(insert, runs, db)
        conn.execute("SET synchronous_commit = off")
        relaxed = timed(insert, runs, db)
        conn.execute("SET synchronous_commit = on")
        trip = timed(lambda n: conn.execute("SELECT 1").fetchone(), runs, db)
    finally:
        conn.close()
    return [
        ("    of which the same INSERT on a kept connection of our own (no pool, no watchdog)", durable),
        ("      of which the same INSERT with synchronous_commit off (no wait for the WAL fsync)", relaxed),
        ("      of which a round trip alone (SELECT 1)", trip),
    ]


def postgres_round_trip(database_url: str, runs: int, db: Any) -> list[tuple[str, Timing]]:
    conn = _connect(database_url)
    try:
        return [("    a round trip alone, for scale (SELECT 1 on a kept connection)",
                 timed(lambda n: conn.execute("SELECT 1").fetchone(), runs, db))]
    finally:
        conn.close()


def markdown(engine_name: str, rows: list) -> str:
    out = []
    with_db = any(t.db is not None for _, whole, parts in rows for t in [whole] + [p for _, p in parts])
    for kind, whole, parts in rows:
        label = "RecordGlimmerIntent" if kind == "record" else "ReadGlimmersIntent"

        def line(name: str, t: Timing, bold: bool = False) -> list[str]:
            cells = [name, f"{t.wall * 1e6:,.0f}", f"{t.cpu * 1e6:,.0f}"]
            if with_db:
                cells.append(f"{t.db * 1e6:,.0f}" if t.db is not None else "–")
            cells.append(f"{t.wall / whole.wall:.0%}")
            return [f"**{c}**" for c in cells[:-1]] + [cells[-1]] if bold else cells

        lines = [line(f"{label} on {engine_name}: whole POST /alexa through the Flask app, in-process", whole, bold=True)]
        lines += [line(name, t) for name, t in parts]
        header = ["part", "wall, median (µs)", "this process's CPU, median (µs)"]
        header += ["PostgreSQL's CPU per call (µs)"] if with_db else []
        header += ["share of the wall time"]
        out.append(table(header, lines))
    return "\n\n".join(out)


def run(quick: bool = False, tmp: Path | None = None, log=print, postgres: Any = None) -> str:
    """``postgres``: a started ``pg.Postgres`` to take PostgreSQL's requests apart too (None: TinyDB only)."""
    from skill import create_app
    from skill.operator import generate_store

    runs = 200 if quick else 600
    rng = random.Random(SEED)
    sections = []
    with tempfile.TemporaryDirectory(prefix="glimmers-parts-", dir=tmp) as folder:
        data_dir = Path(folder) / "data"
        users = generate_store(data_dir, USERS, PER_JOURNAL, seed=SEED)
        os.sync()
        # The request log line goes to a file, as glimmers serve's stderr usually does.
        log_file = open(Path(folder) / "requests.log", "w")
        handler = logging.StreamHandler(log_file)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root = logging.getLogger()
        saved_level, saved_handlers = root.level, root.handlers[:]
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
        database_url = None
        try:
            app = create_app({"DATA_DIR": data_dir, "VERIFY_REQUESTS": False})
            sections.append(markdown("TinyDB", measure_engine("tinydb", app, users, runs, rng, log, data_dir=data_dir)))
            if postgres is not None:
                from skill.storage.postgres import PostgresStore

                database_url = postgres.database("breakdown")
                store = PostgresStore(database_url)
                try:
                    store.open()
                    generate_store(store, USERS, PER_JOURNAL, seed=SEED)  # the same journals
                finally:
                    store.close()
                postgres.settle(database_url)
                app = create_app({"DATABASE_URL": database_url, "VERIFY_REQUESTS": False})
                try:
                    rows = measure_engine("postgres", app, users, runs, rng, log, postgres=postgres,
                                          database_url=database_url)
                finally:
                    app.extensions["glimmers"].store.close()
                sections.append(markdown("PostgreSQL", rows))
        finally:
            root.handlers[:] = saved_handlers
            root.setLevel(saved_level)
            log_file.close()
            if database_url is not None:
                postgres.drop_database(database_url)
    return "\n\n".join(sections)


if __name__ == "__main__":
    import pg

    with pg.Postgres() as server:
        print(run(quick="--quick" in sys.argv, postgres=server))
