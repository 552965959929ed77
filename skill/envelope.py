"""Is this JSON an Alexa request envelope? Checked before ask-sdk-core sees it."""

from __future__ import annotations

import functools
import importlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from dateutil.parser import parse as dateutil_parse

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
REQUEST_ENVELOPE = "ask_sdk_model.request_envelope.RequestEnvelope"
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")
_PRIMITIVES = {"int": int, "long": int, "float": float, "str": str, "bool": bool}


def _read_time(payload: Any, as_date: bool = False) -> Any:
    """A timestamp as the SDK reads it (dateutil), Alexa's own form read by ``fromisoformat`` (the same instant)."""
    if not as_date and isinstance(payload, str) and ALEXA_TIMESTAMP.fullmatch(payload):
        return datetime.fromisoformat(payload[:-1]).replace(tzinfo=timezone.utc)
    moment = dateutil_parse(payload)
    return moment.date() if as_date else moment


def _primitive(cast: type) -> Callable[[Any], Any]:
    def read(payload: Any) -> Any:
        try:
            return cast(payload)
        except TypeError:
            return payload
    return read


class ModelBuilder:
    """Builds ask-sdk-model objects from parsed JSON by the rules of the SDK's ``DefaultSerializer.deserialize``.

    The SDK's serializer works out every field's type from its name each time
    (an import and a regular expression per field), and takes only JSON text,
    so a parsed body would be dumped and parsed again: together about two
    thirds of a request's model. This follows the same public description
    of each model class (``deserialized_types``, ``attribute_map``,
    ``get_real_child_model``, constructors with defaults) and the same rules
    (lists, dicts, enums, primitives cast by their type, unknown payload keys
    kept as attributes, timestamps read as dateutil reads them), and keeps
    what it worked out per type. ``tests/test_envelope.py`` holds it to the
    SDK's own answer for every sample request and for mutated envelopes.
    """

    def __init__(self) -> None:
        self._readers: dict[str, Callable[[Any], Any]] = {}
        self._fields: dict[type, tuple[tuple[tuple[str, str, str], ...], frozenset[str]]] = {}

    def build(self, payload: Any, type_name: str) -> Any:
        return None if payload is None else self._reader(type_name)(payload)

    def _reader(self, type_name: str) -> Callable[[Any], Any]:
        reader = self._readers.get(type_name)
        if reader is None:
            reader = self._readers[type_name] = self._make_reader(type_name)
        return reader

    def _make_reader(self, type_name: str) -> Callable[[Any], Any]:
        build = self.build
        if type_name.startswith("list["):
            inner = _LIST.match(type_name)
            if inner is None:
                return lambda payload: []
            names = [name.strip() for name in inner.group(1).split(",")]
            if len(names) > 1:
                return lambda payload: [build(item, name) for item, name in zip(payload, names)]
            return lambda payload: [build(item, names[0]) for item in payload]
        if type_name.startswith("dict("):
            inner = _DICT.match(type_name)
            if inner is None:
                return lambda payload: {}
            value_type = inner.group(2)
            return lambda payload: {key: build(value, value_type) for key, value in payload.items()}
        if type_name in _PRIMITIVES:
            return _primitive(_PRIMITIVES[type_name])
        if type_name in ("datetime", "date"):
            as_date = type_name == "date"
            return lambda payload: _read_time(payload, as_date)
        if type_name == "object":
            return lambda payload: payload
        model = _load_class(type_name)
        if isinstance(model, type) and issubclass(model, Enum):
            return model
        if not hasattr(model, "deserialized_types"):
            return lambda payload: payload
        return lambda payload: self._build_model(payload, model)

    def _build_model(self, payload: Any, model: Any) -> Any:
        if hasattr(model, "get_real_child_model"):
            child = model.get_real_child_model(payload)
            if not child:
                raise ValueError(f"no {model.__name__} for this payload's discriminator")
            model = _load_class(child)
        plan = self._fields.get(model)
        if plan is None:
            names = dict(getattr(model, "attribute_map", {}))
            fields = tuple(
                (attribute, names.get(attribute, attribute), type_name)
                for attribute, type_name in model.deserialized_types.items()
            )
            plan = self._fields[model] = (fields, frozenset(key for _, key, _ in fields))
        fields, keys = plan
        built = model()
        build = self.build
        for attribute, key, type_name in fields:
            if key in payload:
                setattr(built, attribute, build(payload[key], type_name))
        for key in payload:
            if key not in keys:
                setattr(built, key, payload[key])
        return built


@functools.lru_cache(maxsize=None)
def _load_class(qualified_name: str) -> Any:
    module_name, _, class_name = qualified_name.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)


class RequestSerializer(DefaultSerializer):
    """ask-sdk-core's ``DefaultSerializer`` (its public methods only), reading requests with a ``ModelBuilder``.

    (An earlier version sped it up by overriding the SDK serializer's
    name-mangled private methods; a minor release of ask-sdk-core could have
    broken that silently. The builder relies on the models' public
    description instead.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.builder = ModelBuilder()

    def from_parsed(self, envelope: dict[str, Any]) -> RequestEnvelope:
        """The model ``deserialize(json.dumps(envelope), RequestEnvelope)`` gives, from JSON already parsed."""
        return self.builder.build(envelope, REQUEST_ENVELOPE)


def to_request_envelope(envelope: Any, serializer: RequestSerializer) -> RequestEnvelope:
    """Check the parsed JSON, then build the model ask-sdk-core would."""
    check_envelope(envelope)
    try:
        model = serializer.from_parsed(envelope)
    except Exception as exc:  # payloads the models cannot take raise several kinds, as in the SDK
        raise NotAnEnvelope(f"not a request ask-sdk-core can read ({type(exc).__name__})") from None
    if model is None or model.request is None or model.context is None or model.context.system is None:
        raise NotAnEnvelope("not a complete Alexa request envelope")
    return model
