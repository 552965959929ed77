"""Where the time goes: one request's parts, each timed on its own, in-process.

For a RecordGlimmerIntent and a ReadGlimmersIntent (users of a store of
100,000 glimmers, 10 per journal), the whole ``POST /alexa`` through the
Flask app (no HTTP server), then each part of it run alone: what the floor
app does (Flask routing and a JSON parse), the envelope check and the
ask-sdk-core model, the skill (dispatch, handler, speech, store), the store
call alone, the file system alone (the same atomic write with both fsyncs),
the response envelope to JSON, and the request log line. Medians of wall
time; the parts overlap where the table says "of which".
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from common import TEXTS, load_request, median, request_for, table  # noqa: E402

USERS = 2_000
PER_JOURNAL = 10
SEED = 20261202
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


def timed(operation: Callable[[int], object], runs: int) -> float:
    """Median wall seconds of ``operation(n)`` for n in range(runs), after a few warm-up calls."""
    for n in range(5):
        operation(n)
    samples = []
    for n in range(runs):
        started = time.perf_counter()
        operation(n)
        samples.append(time.perf_counter() - started)
    return median(samples)


def run(quick: bool = False, tmp: Path | None = None, log=print) -> str:
    from floor_app import create_floor_app
    from skill import create_app
    from skill.envelope import to_request_envelope
    from skill.operator import generate_store
    from skill.storage import JournalKey
    from skill.storage.atomic import write_atomically

    runs = 200 if quick else 600
    rng = random.Random(SEED)
    record_template, read_template = load_request("record_glimmer"), load_request("read_glimmers")
    rows = []
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
        try:
            app = create_app({"DATA_DIR": data_dir, "VERIFY_REQUESTS": False})
            state = app.extensions["glimmers"]
            floor = create_floor_app()
            request_log = logging.getLogger("skill.web")

            for kind, template in (("record", record_template), ("read", read_template)):
                def body(n: int) -> bytes:
                    text = f"{rng.choice(TEXTS)} ({n})" if kind == "record" else None
                    envelope = request_for(template, rng.choice(users), f"amzn1.echo-api.request.p{n}", text=text)
                    return json.dumps(envelope).encode()

                bodies = [body(n) for n in range(runs + 5)]
                models = [to_request_envelope(json.loads(b), state.serializer) for b in bodies]
                responses = [state.skill.invoke(request_envelope=m, context=None) for m in models[:50]]
                sample_journal = (data_dir / "journals" / JournalKey(users[0]).ref.account / "account.json").read_bytes()
                payload = sample_journal if kind == "record" else b""

                whole = timed(lambda n: call_wsgi(app, bodies[n]), runs)
                parts = [
                    ("the floor's work: Flask routing, JSON parse, constant answer", timed(lambda n: call_wsgi(floor, bodies[n]), runs)),
                    ("envelope check + ask-sdk-core request model",
                     timed(lambda n: to_request_envelope(json.loads(bodies[n]), state.serializer), runs)),
                    ("skill.invoke: dispatch, handler, speech, store", timed(lambda n: state.skill.invoke(request_envelope=models[n], context=None), runs)),
                ]
                if kind == "record":
                    from datetime import datetime, timezone

                    moment = datetime.now(timezone.utc)
                    parts.append(("  of which store.add (lock, read, TinyDB insert, atomic write)",
                                  timed(lambda n: state.store.add(JournalKey(rng.choice(users)), "a glimmer", "en-US", moment), runs)))
                    folders = [data_dir / "journals" / JournalKey(u).ref.account for u in users]
                    parts.append((f"    of which the file system: the same atomic write ({len(payload):,} B: create, write, "
                                  "fsync, rename, fsync folder) into a random journal's folder",
                                  timed(lambda n: write_atomically(rng.choice(folders) / "scratch.json", payload), runs)))
                else:
                    parts.append(("  of which store.page (read and parse the journal, newest 3)",
                                  timed(lambda n: state.store.page(JournalKey(rng.choice(users)), 3), runs)))
                parts.append(("response envelope to JSON (ask-sdk-core serialize + Flask jsonify)",
                              timed(lambda n: app.json.dumps(state.serializer.serialize(responses[n % len(responses)])), runs)))
                parts.append(("the request log line (logging to a file)",
                              timed(lambda n: request_log.info("%s %s %.1fms %d%s", "amzn1.echo-api.request.x", "ReadGlimmersIntent", 1.0, 200, " UNVERIFIED"), runs)))
                rows.append((kind, whole, parts))
                log(f"  {kind}: {whole * 1000:.2f} ms in-process")
        finally:
            root.handlers[:] = saved_handlers
            root.setLevel(saved_level)
            log_file.close()
    out = []
    for kind, whole, parts in rows:
        label = "RecordGlimmerIntent" if kind == "record" else "ReadGlimmersIntent"
        lines = [[f"**{label}: whole POST /alexa through the Flask app, in-process**", f"**{whole * 1e6:,.0f}**", "100%"]]
        lines += [[name, f"{seconds * 1e6:,.0f}", f"{seconds / whole:.0%}"] for name, seconds in parts]
        out.append(table(["part", "median (µs)", "share"], lines))
    return "\n\n".join(out)


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
