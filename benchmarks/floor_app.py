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

With ``--sdk`` it also does what any skill built on ask-sdk-core does, and
nothing of this skill's: the SDK's ``DefaultSerializer`` builds the request
model from the body, a ``CustomSkillBuilder`` skill with one handler (which
answers every request with the same speech through the SDK's response
builder) dispatches it, and the serializer turns the response envelope back
into JSON. ``--durable DATA_DIR --sdk`` is the durable floor of a skill on
ask-sdk-core: what remains above it is this skill's own work.

    python benchmarks/floor_app.py --port 8090 [--threads 8] [--workers 1] [--durable DATA_DIR] [--sdk]

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


def create_floor_app(durable: Path | None = None, sdk: bool = False) -> Flask:
    """A Flask app whose only work is parsing the body (and, with ``durable``, one durable file per record;
    with ``sdk``, ask-sdk-core's request model, dispatch and response)."""
    from skill.storage import hash_id
    from skill.storage.atomic import write_atomically

    app = Flask(__name__)
    answer = sdk_pipeline() if sdk else None

    @app.post("/alexa")
    def alexa() -> Response:
        body = request.get_data(cache=False)
        envelope = json.loads(body)
        if durable is not None and envelope["request"].get("intent", {}).get("name") == "RecordGlimmerIntent":
            folder = durable / "journals" / hash_id(envelope["context"]["System"]["user"]["userId"])
            write_atomically(folder / "durable-floor.json", body * 2)
        return Response(answer(body) if answer else RESPONSE, mimetype="application/json")

    @app.get("/healthz")
    def healthz() -> Response:
        return Response('{"status": "ok"}', mimetype="application/json")

    return app


def sdk_pipeline():
    """Body in, JSON out, through ask-sdk-core's public API alone, with one handler answering a constant."""
    from ask_sdk_core.dispatch_components import AbstractRequestHandler
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_core.skill_builder import CustomSkillBuilder
    from ask_sdk_model import RequestEnvelope

    class Constant(AbstractRequestHandler):
        def can_handle(self, handler_input) -> bool:
            return True

        def handle(self, handler_input):
            return handler_input.response_builder.speak("Saved: the warm sun on my face.").set_should_end_session(
                True).response

    builder = CustomSkillBuilder()
    builder.add_request_handler(Constant())
    skill = builder.create()
    serializer = DefaultSerializer()

    def answer(body: bytes) -> str:
        model = serializer.deserialize(body.decode("utf-8"), RequestEnvelope)
        return json.dumps(serializer.serialize(skill.invoke(request_envelope=model, context=None)))

    return answer


def main() -> None:
    from skill.server import serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8, help="as glimmers serve (default 8)")
    parser.add_argument("--workers", type=int, default=1, help="as glimmers serve (default 1)")
    parser.add_argument("--durable", type=Path, metavar="DATA_DIR", help="the durable floor, on this data folder")
    parser.add_argument("--sdk", action="store_true", help="also ask-sdk-core's request model, dispatch and response")
    args = parser.parse_args()
    # The same call, with the same settings, as ``glimmers serve``.
    serve(functools.partial(create_floor_app, args.durable, args.sdk), args.host, args.port, threads=args.threads,
          workers=args.workers)


if __name__ == "__main__":
    main()
