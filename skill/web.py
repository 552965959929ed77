"""HTTP: ``POST /alexa`` for Alexa, ``GET /healthz`` for whoever runs the skill."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from ask_sdk_core.skill import CustomSkill
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from .envelope import NotAnEnvelope, RequestSerializer, parse_json, to_request_envelope
from .storage import JournalStore, StorageUnavailable
from .verify import RequestVerifier, VerificationError, check_application_id

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 128 * 1024
DEV_MODE_HEADER = "X-Glimmers-Unverified"
UNSIGNED_HINT = (
    "only Alexa can sign requests; to try the skill by hand, run a local development server "
    "with `glimmers serve --dev`, or use `glimmers invoke` / `glimmers chat`"
)

bp = Blueprint("glimmers", __name__)


@dataclass
class Glimmers:
    """What the routes need, built once by ``create_app``."""

    skill: CustomSkill
    store: JournalStore
    serializer: RequestSerializer
    verifier: RequestVerifier | None
    skill_id: str | None = None


def glimmers() -> Glimmers:
    return current_app.extensions["glimmers"]


def error(code: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": message, **extra}), code


def _label(envelope: Any) -> tuple[str, str]:
    """The request type (the intent name for an intent) and request ID: safe to log."""
    req = envelope.get("request") if isinstance(envelope, dict) else None
    if not isinstance(req, dict):
        return "-", "-"
    request_id = str(req.get("requestId") or "-")[:100]
    intent = req.get("intent")
    if req.get("type") == "IntentRequest" and isinstance(intent, dict) and isinstance(intent.get("name"), str):
        return intent["name"][:80], request_id
    return str(req.get("type"))[:80], request_id


@bp.post("/alexa")
def alexa() -> Any:
    """Answer one Alexa request envelope with a response envelope."""
    app = glimmers()
    mimetype = request.mimetype
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        return error(415, "send the Alexa request as JSON with the header Content-Type: application/json")
    body = request.get_data(cache=False)  # raises 413 past MAX_CONTENT_LENGTH
    try:
        envelope = parse_json(body)
    except (ValueError, RecursionError):
        return error(400, "the body is not valid JSON")
    g.label, g.request_id = _label(envelope)

    try:
        if app.verifier is not None:
            app.verifier.verify(request.headers, body, envelope)
        elif app.skill_id is not None:
            # Even unverified (--dev), a configured skill ID still decides whose requests count.
            check_application_id(envelope, app.skill_id)
    except VerificationError as exc:
        log.warning("rejected a request: %s check failed (%s)", exc.check, exc.reason)
        extra = {"hint": UNSIGNED_HINT} if exc.check == "headers" else {}
        return error(400, f"request verification failed: {exc.reason}", check=exc.check, **extra)

    try:
        request_envelope = to_request_envelope(envelope, app.serializer)
    except NotAnEnvelope as exc:
        return error(400, f"not an Alexa request envelope: {exc}")
    response_envelope = app.skill.invoke(request_envelope=request_envelope, context=None)
    return jsonify(app.serializer.serialize(response_envelope))


@bp.get("/healthz")
def healthz() -> Any:
    """200 when the journals can be written and read back, 503 otherwise."""
    try:
        glimmers().store.check_available()
    except StorageUnavailable as exc:
        log.error("health check failed: %s", exc)
        return error(503, "the journals cannot be written right now; the log says why", status="unavailable")
    return jsonify({"status": "ok"})


@bp.before_app_request
def _start_clock() -> None:
    g.started = time.perf_counter()


@bp.after_app_request
def _log_request(response: Response) -> Response:
    if glimmers().verifier is None:
        response.headers[DEV_MODE_HEADER] = "true"
    if request.path == "/alexa":
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info(
            "%s %s %.1fms %d%s",
            g.get("request_id") or "-",
            g.get("label", "-"),
            elapsed,
            response.status_code,
            "" if glimmers().verifier is not None else " UNVERIFIED",
        )
    return response


@bp.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Any:
    messages = {
        404: "not found: the skill answers POST /alexa and GET /healthz",
        405: f"{request.method} is not allowed here: Alexa requests are POSTed to /alexa",
        413: f"the body is larger than {MAX_BODY_BYTES // 1024} KiB",
    }
    return error(exc.code or 500, messages.get(exc.code, exc.description or exc.name))


@bp.app_errorhandler(Exception)
def _unexpected(exc: Exception) -> Any:
    log.error("unexpected %s while answering %s %s", type(exc).__name__, request.method, request.path)
    log.debug("unexpected error", exc_info=exc)
    return error(500, "something went wrong inside the skill; the log has the details")


def register(app: Flask, state: Glimmers) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["glimmers"] = state
    app.register_blueprint(bp)
