"""Is this JSON an Alexa request envelope? Checked before ask-sdk-core sees it."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope


class NotAnEnvelope(ValueError):
    """The JSON is not shaped like an Alexa request; the message says what is off."""


def _get(mapping: Any, *path: str) -> Any:
    for name in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(name)
    return mapping


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise NotAnEnvelope(problem)


def user_id_of(envelope: dict[str, Any]) -> Any:
    return _get(envelope, "context", "System", "user", "userId") or _get(envelope, "session", "user", "userId")


def check_envelope(envelope: Any) -> None:
    """Raise NotAnEnvelope unless the parts the skill relies on are there, with the right types."""
    _require(isinstance(envelope, dict), "the body must be a JSON object (an Alexa request envelope)")
    _require(isinstance(envelope.get("version"), str), "'version' must be a string such as \"1.0\"")
    request = envelope.get("request")
    _require(isinstance(request, dict), "'request' must be an object")
    _require(isinstance(request.get("type"), str) and request["type"] != "", "'request.type' must be a non-empty string")
    _require(isinstance(request.get("requestId"), str), "'request.requestId' must be a string")
    _require(isinstance(request.get("timestamp"), str), "'request.timestamp' must be an ISO 8601 string")
    _require(request.get("locale") is None or isinstance(request["locale"], str), "'request.locale' must be a string")
    system = _get(envelope, "context", "System")
    _require(isinstance(system, dict), "'context.System' must be an object")
    session = envelope.get("session")
    if session is not None:
        _require(isinstance(session, dict), "'session' must be an object")
        _require(isinstance(session.get("new", False), bool), "'session.new' must be true or false")
        attributes = session.get("attributes")
        _require(attributes is None or isinstance(attributes, dict), "'session.attributes' must be an object")
    user_id = user_id_of(envelope)
    _require(isinstance(user_id, str) and user_id.strip() != "", "'context.System.user.userId' must be a non-empty string")
    person = _get(system, "person")
    _require(person is None or isinstance(person, dict), "'context.System.person' must be an object")
    person_id = _get(person, "personId")
    _require(person_id is None or (isinstance(person_id, str) and person_id.strip() != ""), "'context.System.person.personId' must be a non-empty string")
    if request["type"] == "IntentRequest":
        intent = request.get("intent")
        _require(isinstance(intent, dict) and isinstance(intent.get("name"), str), "'request.intent.name' must be a string")
        slots = intent.get("slots")
        _require(slots is None or isinstance(slots, dict), "'request.intent.slots' must be an object")
        for name, slot in (slots or {}).items():
            _require(isinstance(slot, dict), f"slot {name!r} must be an object")
            value = slot.get("value")
            _require(value is None or isinstance(value, str), f"slot {name!r} value must be a string")


def to_request_envelope(raw: bytes | str, envelope: Any, serializer: DefaultSerializer) -> RequestEnvelope:
    """Check the parsed JSON, then let ask-sdk-core build its model from the raw text."""
    check_envelope(envelope)
    try:
        model = serializer.deserialize(raw if isinstance(raw, str) else raw.decode("utf-8"), RequestEnvelope)
    except Exception as exc:  # the SDK raises several kinds for payloads it cannot map
        raise NotAnEnvelope(f"not a request ask-sdk-core can read ({type(exc).__name__})") from None
    if model is None or model.request is None or model.context is None or model.context.system is None:
        raise NotAnEnvelope("not a complete Alexa request envelope")
    return model
