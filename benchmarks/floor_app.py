"""The floor: a minimal Flask endpoint served exactly as ``glimmers serve`` serves the skill.

``POST /alexa`` parses the JSON body and returns a constant Alexa response;
nothing else. Whatever rate it reaches is what waitress and Flask cost on
their own, the ceiling for any Flask skill on the same server settings.

    python benchmarks/floor_app.py --port 8090 [--threads 8] [--workers 1]
"""

from __future__ import annotations

import argparse
import json

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


def create_floor_app() -> Flask:
    """A Flask app whose only work is parsing the body."""
    app = Flask(__name__)

    @app.post("/alexa")
    def alexa() -> Response:
        json.loads(request.get_data(cache=False))
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
    args = parser.parse_args()
    # The same call, with the same settings, as ``glimmers serve``.
    serve(create_floor_app, args.host, args.port, threads=args.threads, workers=args.workers)


if __name__ == "__main__":
    main()
