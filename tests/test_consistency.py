"""Registries agree: every intent has a handler and a fixture, every message key and placeholder exists."""

from __future__ import annotations

import json
import random
import re
import string
from importlib import resources
from pathlib import Path

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

import skill
from conftest import REQUESTS, load_request
from skill.builder import build_skill
from skill.handlers.builtin import FallbackHandler, OtherRequestHandler
from skill.speech import load_catalogue
from skill.storage import TinyDBStore
from skill.turn import TurnInterceptor, utc_now

PACKAGE = Path(skill.__file__).parent
# Upper-case strings in handlers that are Alexa's words, not message keys.
ALEXA_CONSTANTS = {"NONE", "CONFIRMED", "DENIED", "NOT_PERSISTED", "PERSISTED", "ER_SUCCESS_MATCH"}
MODELS = resources.files("skill.interaction_models")
LOCALES = sorted(p.name[: -len(".json")] for p in MODELS.iterdir() if p.name.endswith(".json"))


def model_intents(locale: str) -> list[str]:
    model = json.loads(MODELS.joinpath(f"{locale}.json").read_text())
    return [intent["name"] for intent in model["interactionModel"]["languageModel"]["intents"]]


def first_handler(skill_, envelope: dict):
    """The handler the dispatcher would pick, found the way ask-sdk-core looks."""
    model = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    handler_input = HandlerInput(request_envelope=model, attributes_manager=AttributesManager(model))
    TurnInterceptor(random.Random(1), utc_now).process(handler_input)
    for mapper in skill_.request_dispatcher.request_mappers:
        for chain in mapper.request_handler_chains:
            if chain.request_handler.can_handle(handler_input):
                return chain.request_handler
    return None


def test_models_ship_inside_the_package():
    assert "en-US" in LOCALES


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_in_every_model_has_its_own_handler(tmp_path, locale):
    skill_ = build_skill(TinyDBStore(tmp_path))
    for intent in model_intents(locale):
        envelope = load_request("help")
        envelope["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
        handler = first_handler(skill_, envelope)
        assert handler is not None, intent
        if intent != "AMAZON.FallbackIntent":
            assert not isinstance(handler, (FallbackHandler, OtherRequestHandler)), f"{intent} falls through"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_in_every_model_has_a_request_fixture(locale):
    named = set()
    for path in REQUESTS.glob("*.json"):
        request = json.loads(path.read_text())["request"]
        if request["type"] == "IntentRequest":
            named.add(request["intent"]["name"])
    missing = set(model_intents(locale)) - named
    assert not missing


def test_every_request_type_the_skill_handles_has_a_fixture():
    types = {json.loads(p.read_text())["request"]["type"] for p in REQUESTS.glob("*.json")}
    assert {"LaunchRequest", "IntentRequest", "SessionEndedRequest"} <= types


def _keys_used_in_code() -> dict[str, set[str]]:
    """Message keys the handlers ask for, with the parameters they pass."""
    pattern = re.compile(r"""(?<!\w)(?:say|text)\(\s*"([A-Z_]+)"((?:[^()]|\([^()]*\))*)\)""")
    used: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for key, args in pattern.findall(path.read_text()):
            used.setdefault(key, set()).update(re.findall(r"\b([a-z_]+)=", args))
    conditional = re.compile(r'"([A-Z_]{4,})"')
    for path in (PACKAGE / "handlers").rglob("*.py"):
        for key in conditional.findall(path.read_text()):
            used.setdefault(key, set())
    return used


def test_code_asks_the_catalogue_for_many_keys():
    assert len(_keys_used_in_code()) > 20  # the scan itself works


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_key_used_exists_in_the_catalogue(locale):
    catalogue = load_catalogue(locale)
    intents = set(model_intents(locale))
    for key in _keys_used_in_code():
        if key.endswith("_INTENT") or key in intents or key in catalogue.categories or key in ALEXA_CONSTANTS:
            continue
        assert key in catalogue.messages, key


@pytest.mark.parametrize("locale", LOCALES)
def test_every_placeholder_in_the_catalogue_is_given_by_the_code(locale):
    catalogue = load_catalogue(locale)
    used = _keys_used_in_code()
    for key, params in used.items():
        if key not in catalogue.messages:
            continue
        needed = catalogue.placeholders(key) - {"count"}
        assert needed <= params, f"{key} needs {needed - params}"


def test_every_catalogue_phrasing_formats_and_is_valid_ssml():
    catalogue = load_catalogue("en-US")
    for key in catalogue.messages:
        for count in (1, 2):
            for phrasing in catalogue.phrasings(key, count):
                fields = {name: "x" for _, name, _, _ in string.Formatter().parse(phrasing) if name}
                text = phrasing.format(**fields)
                assert "<" not in text and "&" not in text, key
