"""Shared fixtures: a fresh app per test on its own data folder, and Alexa-shaped requests."""

from __future__ import annotations

import copy
import uuid
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from alexa_api import StandInAlexaAPI
from skill import create_app
from skill.speech import to_plain_text

REQUESTS = Path(__file__).parent / "requests"
# Every request a test sends points its apiEndpoint here: a real local server
# standing in for the Alexa API, so no test reaches for the internet.
_ALEXA_API: StandInAlexaAPI | None = None


def alexa_api_url() -> str:
    global _ALEXA_API
    if _ALEXA_API is None:
        _ALEXA_API = StandInAlexaAPI()
    return _ALEXA_API.url
NOW = datetime(2026, 11, 30, 17, 0, 0, tzinfo=timezone.utc)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def load_request(name: str, **changes: Any) -> dict[str, Any]:
    """A request fixture with only what the test needs changed.

    ``glimmer=`` / ``category=`` / ``topic=`` / ``span=`` set that slot's value (without a resolution), ``user=`` the user ID,
    ``person=`` a recognised person's ID, ``new=`` whether the session is new,
    ``attributes=`` the session attributes, ``device=`` the device ID,
    ``timestamp=`` the request time, ``request_id=`` the request ID (by
    default each loaded request gets its own, as every request from Alexa
    does: the skill saves a request delivered twice only once).
    """
    envelope = json.loads((REQUESTS / f"{name}.json").read_text())
    request_id = changes.pop("request_id", None)
    envelope["request"]["requestId"] = request_id or f"{envelope['request']['requestId']}.{uuid.uuid4().hex[:12]}"
    envelope["context"]["System"]["apiEndpoint"] = alexa_api_url()
    for slot_name in ("glimmer", "category", "topic", "span"):
        if slot_name in changes:
            value = changes.pop(slot_name)
            slot = envelope["request"]["intent"]["slots"][slot_name]
            slot.pop("resolutions", None)
            slot.pop("slotValue", None)
            if value is None:
                slot.pop("value", None)
            else:
                slot["value"] = value
    if "user" in changes:
        user = changes.pop("user")
        envelope["context"]["System"]["user"]["userId"] = user
        if "session" in envelope:
            envelope["session"]["user"]["userId"] = user
    if "person" in changes:
        envelope["context"]["System"]["person"] = {"personId": changes.pop("person")}
    if "new" in changes:
        envelope["session"]["new"] = changes.pop("new")
    if "device" in changes:
        envelope["context"]["System"]["device"]["deviceId"] = changes.pop("device")
    if "date" in changes:
        value = changes.pop("date")
        slot = envelope["request"]["intent"]["slots"]["date"]
        slot.pop("slotValue", None)
        if value is None:
            slot.pop("value", None)
        else:
            slot["value"] = value
    if "confirmation" in changes:
        envelope["request"]["intent"]["confirmationStatus"] = changes.pop("confirmation")
    if "attributes" in changes:
        envelope["session"]["attributes"] = changes.pop("attributes")
    if changes:
        raise TypeError(f"load_request does not know {sorted(changes)}")
    return envelope


class Reply:
    """A response envelope, read the way a test wants to read it."""

    def __init__(self, envelope: dict[str, Any]):
        self.envelope = envelope
        self.response = envelope["response"]

    @property
    def ssml(self) -> str:
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def speech(self) -> str:
        return to_plain_text(self.ssml)

    @property
    def reprompt(self) -> str:
        return to_plain_text(((self.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", ""))

    @property
    def ends_session(self) -> bool:
        return self.response.get("shouldEndSession") is True

    @property
    def attributes(self) -> dict[str, Any]:
        return self.envelope.get("sessionAttributes") or {}

    @property
    def card(self) -> dict[str, Any] | None:
        return self.response.get("card")

    @property
    def directives(self) -> list[dict[str, Any]]:
        return self.response.get("directives") or []


class Alexa:
    """Sends requests to the app like Alexa does, carrying the session between turns."""

    def __init__(self, client: Any, locale: str | None = None):
        self.client = client
        self.attributes: dict[str, Any] = {}
        self.in_session = False
        self.locale = locale  # when given, every request is sent in this locale

    def send(self, envelope: dict[str, Any]) -> Reply:
        if self.locale is not None and "locale" in envelope.get("request", {}):
            envelope["request"]["locale"] = self.locale
        response = self.client.post("/alexa", json=envelope)
        assert response.status_code == 200, response.get_data(as_text=True)
        return Reply(response.get_json())

    def say(self, name: str, **changes: Any) -> Reply:
        """One turn of a conversation: the session stays open while the skill keeps it open."""
        changes.setdefault("new", not self.in_session)
        changes.setdefault("attributes", copy.deepcopy(self.attributes) if self.in_session else {})
        reply = self.send(load_request(name, **changes))
        self.in_session = not reply.ends_session
        self.attributes = reply.attributes if self.in_session else {}
        return reply


@pytest.fixture
def alexa_api() -> StandInAlexaAPI:
    """The stand-in Alexa API every request points at, reset for each test."""
    alexa_api_url()
    assert _ALEXA_API is not None
    _ALEXA_API.reset()
    yield _ALEXA_API
    _ALEXA_API.reset()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir: Path, clock: FakeClock):
    return create_app({"DATA_DIR": data_dir, "VERIFY_REQUESTS": False, "RANDOM": random.Random(7), "CLOCK": clock})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def alexa(client) -> Alexa:
    return Alexa(client)


@pytest.fixture
def store(app):
    return app.extensions["glimmers"].store


# A real PostgreSQL for the tests of the PostgreSQL engine (started by the tests; skipped, saying how, without one).
from postgres import postgres_store, postgres_url  # noqa: E402,F401
