"""Is this JSON an Alexa request envelope? Checked before ask-sdk-core sees it."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

# Locales as Alexa sends them ("en-US"), with room for the longer BCP 47 forms.
LOCALE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")
# Alexa's IDs are a few hundred characters at most.
MAX_ID_LENGTH = 1024


class NotAnEnvelope(ValueError):
    """The JSON is not shaped like an Alexa request; the message says what is off."""


def dig(mapping: Any, *path: str) -> Any:
    """mapping[k1][k2]..., or None where any step is missing or not an object."""
    for name in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(name)
    return mapping


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise NotAnEnvelope(problem)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def parse_json(body: bytes | str) -> Any:
    """Strict JSON in UTF-8: NaN and Infinity, which Python's json accepts, are refused, and so
    are bodies in UTF-16 or UTF-32, which it would read too (Alexa sends UTF-8)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return json.loads(body, parse_constant=_not_json)


def _utf8(text: str) -> bool:
    """Whether text can be stored and hashed: JSON allows lone surrogates, UTF-8 does not."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _an_id(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != "" and len(value) <= MAX_ID_LENGTH and _utf8(value)


def user_id_of(envelope: dict[str, Any]) -> Any:
    """The user ID the skill keys journals on: the context's user, else the session's (as the Turn reads it)."""
    user = dig(envelope, "context", "System", "user")
    if user is None:
        user = dig(envelope, "session", "user")
    return dig(user, "userId")


def check_envelope(envelope: Any) -> None:
    """Raise NotAnEnvelope unless the parts the skill relies on are there, with the right types."""
    _require(isinstance(envelope, dict), "the body must be a JSON object (an Alexa request envelope)")
    _require(isinstance(envelope.get("version"), str), "'version' must be a string such as \"1.0\"")
    request = envelope.get("request")
    _require(isinstance(request, dict), "'request' must be an object")
    _require(isinstance(request.get("type"), str) and request["type"] != "", "'request.type' must be a non-empty string")
    _require(isinstance(request.get("requestId"), str), "'request.requestId' must be a string")
    _require(isinstance(request.get("timestamp"), str), "'request.timestamp' must be an ISO 8601 string")
    locale = request.get("locale")
    _require(locale is None or (isinstance(locale, str) and LOCALE.fullmatch(locale) is not None), "'request.locale' must be a locale such as en-US")
    system = dig(envelope, "context", "System")
    _require(isinstance(system, dict), "'context.System' must be an object")
    session = envelope.get("session")
    if session is not None:
        _require(isinstance(session, dict), "'session' must be an object")
        _require(isinstance(session.get("new", False), bool), "'session.new' must be true or false")
        attributes = session.get("attributes")
        _require(attributes is None or isinstance(attributes, dict), "'session.attributes' must be an object")
    _require(_an_id(user_id_of(envelope)), "'context.System.user.userId' must be a non-empty string")
    person = dig(system, "person")
    _require(person is None or isinstance(person, dict), "'context.System.person' must be an object")
    person_id = dig(person, "personId")
    _require(person_id is None or _an_id(person_id), "'context.System.person.personId' must be a non-empty string")
    if request["type"] == "IntentRequest":
        intent = request.get("intent")
        _require(isinstance(intent, dict) and isinstance(intent.get("name"), str), "'request.intent.name' must be a string")
        slots = intent.get("slots")
        _require(slots is None or isinstance(slots, dict), "'request.intent.slots' must be an object")
        for name, slot in (slots or {}).items():
            _require(isinstance(slot, dict), f"slot {name!r} must be an object")
            value = slot.get("value")
            _require(value is None or isinstance(value, str), f"slot {name!r} value must be a string")


# How Alexa writes a request's timestamp: "2026-11-30T09:05:00Z", sometimes with a fraction.
ALEXA_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")


class RequestSerializer(DefaultSerializer):
    """ask-sdk-core's ``DefaultSerializer``, used through its public ``deserialize`` and ``serialize`` only.

    (An earlier version sped it up by overriding its name-mangled private
    methods; a minor release of ask-sdk-core could have broken that silently.)
    """

    def from_body(self, body: str | bytes) -> RequestEnvelope:
        """The request model of a request body (JSON text), as the SDK builds it."""
        return self.deserialize(body.decode("utf-8") if isinstance(body, bytes) else body, RequestEnvelope)

    def from_parsed(self, envelope: dict[str, Any]) -> RequestEnvelope:
        """The same model, built from JSON already parsed, with Alexa's timestamp read by ``fromisoformat``.

        The SDK reads every timestamp with dateutil's general parser, two
        thirds of what building a request's model costs. Alexa writes one
        form, so the envelope goes to the SDK without it and the model gets
        the same instant from ``datetime.fromisoformat``; any other form is
        left to the SDK.
        """
        request = envelope["request"]
        stamp = request.get("timestamp")
        if not (isinstance(stamp, str) and ALEXA_TIMESTAMP.fullmatch(stamp)):
            return self.from_body(json.dumps(envelope))
        model = self.from_body(json.dumps({**envelope, "request": {k: v for k, v in request.items() if k != "timestamp"}}))
        if model is not None and model.request is not None:
            model.request.timestamp = datetime.fromisoformat(stamp[:-1]).replace(tzinfo=timezone.utc)
        return model


def to_request_envelope(envelope: Any, serializer: RequestSerializer) -> RequestEnvelope:
    """Check the parsed JSON, then let ask-sdk-core build its model."""
    check_envelope(envelope)
    try:
        model = serializer.from_parsed(envelope)
    except Exception as exc:  # the SDK raises several kinds for payloads it cannot map
        raise NotAnEnvelope(f"not a request ask-sdk-core can read ({type(exc).__name__})") from None
    if model is None or model.request is None or model.context is None or model.context.system is None:
        raise NotAnEnvelope("not a complete Alexa request envelope")
    return model
