"""The floor: a minimal Flask endpoint served exactly as ``glimmers serve`` serves the skill.

``POST /alexa`` parses the JSON body and returns a constant Alexa response;
nothing else. Whatever rate it reaches is what gunicorn (its threaded
workers, through ``skill.server.serve``) and Flask cost on their own, the
ceiling for any Flask skill on the same server settings.

With ``--durable DATA_DIR`` it is the *durable floor*: a request that records
a glimmer also does the one thing no durable record can skip, replacing a
journal-sized file (about 3 KB) in the sender's account folder of
``DATA_DIR/journals`` with ``skill.storage.atomic.write_atomically``
(temporary file, write, fsync, rename, fsync of the folder). No lock, no
journal read, no TinyDB: the least a record that survives a crash costs on
this disk. It writes ``durable-floor.json`` beside the journals and never
touches them.

    python benchmarks/floor_app.py --port 8090 [--threads 8] [--workers 1] [--durable DATA_DIR]

Stop it with Ctrl-C or SIGTERM (it drains, as ``glimmers serve`` does).
"""

from __future__ import annotations

import argparse
import functools
import json
from pathlib import Path

from flask import Flask, Response, request

RESPONSE = json.dumps(
    {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>Saved: the warm sun on my face.</speak>"},
            "shouldEndSession": True,
        },
    }
)


def create_floor_app(durable: Path | None = None) -> Flask:
    """A Flask app whose only work is parsing the body (and, with ``durable``, one durable file per record)."""
    from skill.storage import hash_id
    from skill.storage.atomic import write_atomically

    app = Flask(__name__)

    @app.post("/alexa")
    def alexa() -> Response:
        body = request.get_data(cache=False)
        envelope = json.loads(body)
        if durable is not None and envelope["request"].get("intent", {}).get("name") == "RecordGlimmerIntent":
            folder = durable / "journals" / hash_id(envelope["context"]["System"]["user"]["userId"])
            write_atomically(folder / "durable-floor.json", body * 2)
        return Response(RESPONSE, mimetype="application/json")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response('{"status": "ok"}', mimetype="application/json")

    return app


def main() -> None:
    from skill.server import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8, help="as glimmers serve (default 8)")
    parser.add_argument("--workers", type=int, default=1, help="as glimmers serve (default 1)")
    parser.add_argument("--durable", type=Path, metavar="DATA_DIR", help="the durable floor, on this data folder")
    args = parser.parse_args()
    # The same call, with the same settings, as ``glimmers serve``.
    serve(functools.partial(create_floor_app, args.durable), args.host, args.port, threads=args.threads,
          workers=args.workers)


if __name__ == "__main__":
    main()
