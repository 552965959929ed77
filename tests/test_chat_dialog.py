"""Alexa's side of the conversation: sessions and dialog directives, with the skill's answers given by the test.

The end-to-end conversations with the real skill are in test_chat.py; here each
response is written out so that every directive Alexa honours (including
Dialog.Delegate and Dialog.ConfirmSlot, which the skill does not use yet) is
covered, and each request the simulator sends is checked field by field.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.simulator.conversation import Conversation
from skill.simulator.envelopes import Identity
from skill.simulator.model import InteractionModel, load_model
from skill.simulator.resolver import Resolver

NOW = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)


class ScriptedAnswers:
    """Stands where the skill would: records each request and answers with the next scripted response."""

    def __init__(self, *responses: dict[str, Any]):
        self.responses = list(responses)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, envelope: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(envelope)
        if envelope["request"]["type"] == "SessionEndedRequest":
            return {"version": "1.0", "response": {}}
        return self.responses.pop(0)

    def request(self, index: int = -1) -> dict[str, Any]:
        return self.requests[index]["request"]


def reply(speech: str = "Okay.", end: bool = False, directive: dict | None = None, reprompt: str | None = None,
          **attributes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"outputSpeech": {"type": "SSML", "ssml": f"<speak>{speech}</speak>"}, "shouldEndSession": end}
    if reprompt:
        body["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": f"<speak>{reprompt}</speak>"}}
    if directive:
        body["directives"] = [directive]
    return {"version": "1.0", "sessionAttributes": attributes, "response": body}


def conversation(answers: ScriptedAnswers, model: InteractionModel | None = None) -> Conversation:
    resolver = Resolver(model or load_model("en-US"))
    identity = Identity(timezone="America/Los_Angeles")
    return Conversation(resolver, identity, answers, clock=lambda: NOW, rng=random.Random(3))


def trip_model(strategy: str = "SKILL_RESPONSE") -> InteractionModel:
    """A small travel skill whose dialog model elicits a city, confirms it, then confirms the whole trip."""
    return InteractionModel.from_json({
        "interactionModel": {
            "languageModel": {
                "invocationName": "trip planner",
                "intents": [
                    {"name": "PlanTripIntent", "slots": [{"name": "city", "type": "City", "samples": ["to {city}"]}],
                     "samples": ["plan a trip", "plan a trip to {city}"]},
                    {"name": "AMAZON.StopIntent", "samples": []},
                    {"name": "AMAZON.FallbackIntent", "samples": []},
                ],
                "types": [{"name": "City", "values": [{"id": "PAR", "name": {"value": "paris", "synonyms": ["the city of light"]}}]}],
            },
            "dialog": {
                "delegationStrategy": strategy,
                "intents": [{
                    "name": "PlanTripIntent", "confirmationRequired": True,
                    "prompts": {"confirmation": "Confirm.Trip"},
                    "slots": [{"name": "city", "type": "City", "elicitationRequired": True, "confirmationRequired": True,
                               "prompts": {"elicitation": "Elicit.City", "confirmation": "Confirm.City"}}],
                }],
            },
            "prompts": [
                {"id": "Elicit.City", "variations": [{"type": "PlainText", "value": "Where would you like to go?"}]},
                {"id": "Confirm.City", "variations": [{"type": "PlainText", "value": "{city}, is that right?"}]},
                {"id": "Confirm.Trip", "variations": [{"type": "SSML", "value": "<speak>Shall I plan a trip to {city}?</speak>"}]},
            ],
        }
    }, "trip model")


DELEGATE = {"type": "Dialog.Delegate"}


# ------------------------------------------------------------------ sessions


def test_first_request_opens_a_new_session_and_the_next_continues_it():
    answers = ScriptedAnswers(reply(reprompt="Anything else?", question="more"), reply(end=True))
    chat = conversation(answers)
    chat.say("open glimmer journal")
    chat.say("more")
    first, second = answers.requests
    assert first["session"]["new"] is True and second["session"]["new"] is False
    assert first["session"]["sessionId"] == second["session"]["sessionId"]
    assert first["session"]["sessionId"].startswith("amzn1.echo-api.session.")
    assert second["session"]["attributes"] == {"question": "more"}
    assert not chat.in_session


def test_after_the_skill_ends_the_session_the_next_line_starts_a_new_one():
    answers = ScriptedAnswers(reply(end=True), reply(end=True))
    chat = conversation(answers)
    chat.say("open glimmer journal")
    exchanges = chat.say("i noticed rain")
    first, second = answers.requests
    assert second["session"]["new"] is True
    assert second["session"]["sessionId"] != first["session"]["sessionId"]
    assert "one-shot" in exchanges[0].notes[0]


def test_every_request_deserialises_into_an_ask_sdk_request_envelope():
    answers = ScriptedAnswers(reply(), reply(), reply(), reply())
    chat = conversation(answers)
    for line in ("open glimmer journal", "give me a glimmer about music", "what did i notice last week", "help"):
        chat.say(line)
    chat.end()
    for sent in answers.requests:
        model = DefaultSerializer().deserialize(json.dumps(sent), RequestEnvelope)
        assert isinstance(model, RequestEnvelope)
        assert model.request.request_id.startswith("amzn1.echo-api.request.")
        assert model.context.system.api_endpoint and model.context.system.api_access_token
    assert answers.request()["type"] == "SessionEndedRequest"
    assert answers.request()["reason"] == "USER_INITIATED"


def test_silence_gets_the_reprompt_then_ends_the_session():
    answers = ScriptedAnswers(reply(reprompt="What did you notice?"))
    chat = conversation(answers)
    chat.say("open glimmer journal")
    first = chat.say("")
    assert first[0].alexa_ssml == "<speak>What did you notice?</speak>" and chat.in_session
    second = chat.say("(silence)")
    assert second[0].session_ended and not chat.in_session
    assert answers.request()["reason"] == "EXCEEDED_MAX_REPROMPTS"


def test_exit_sends_session_ended_request():
    answers = ScriptedAnswers(reply())
    chat = conversation(answers)
    chat.say("open glimmer journal")
    chat.say("exit")
    assert answers.request()["type"] == "SessionEndedRequest" and not chat.in_session


def test_unset_should_end_session_ends_it_on_a_device_without_a_screen():
    response = reply()
    del response["response"]["shouldEndSession"]
    chat = conversation(ScriptedAnswers(response))
    exchange = chat.say("open glimmer journal")[0]
    assert exchange.session_ended and "shouldEndSession" in exchange.notes[0]


# ------------------------------------------------------------- skill-run dialogs


def test_elicit_slot_the_next_line_fills_the_slot_in_progress():
    elicit = {
        "type": "Dialog.ElicitSlot", "slotToElicit": "glimmer",
        "updatedIntent": {"name": "RecordGlimmerIntent", "confirmationStatus": "NONE",
                          "slots": {"glimmer": {"name": "glimmer", "confirmationStatus": "NONE"}}},
    }
    answers = ScriptedAnswers(reply("What did you notice?", directive=elicit, asked=1), reply())
    chat = conversation(answers)
    chat.say("record a glimmer")
    chat.say("the first sip of tea")
    sent = answers.request()
    assert sent["dialogState"] == "IN_PROGRESS"
    assert sent["intent"]["name"] == "RecordGlimmerIntent"
    assert sent["intent"]["slots"]["glimmer"]["value"] == "the first sip of tea"
    assert answers.requests[-1]["session"]["attributes"] == {"asked": 1}


def test_elicit_slot_stop_is_still_stop():
    elicit = {"type": "Dialog.ElicitSlot", "slotToElicit": "glimmer",
              "updatedIntent": {"name": "RecordGlimmerIntent", "confirmationStatus": "NONE", "slots": {}}}
    answers = ScriptedAnswers(reply(directive=elicit), reply(end=True))
    chat = conversation(answers)
    chat.say("record a glimmer")
    chat.say("stop")
    assert answers.request()["intent"]["name"] == "AMAZON.StopIntent"


def test_confirm_intent_yes_is_confirmed_and_no_is_denied():
    confirm = {"type": "Dialog.ConfirmIntent",
               "updatedIntent": {"name": "DeleteLastGlimmerIntent", "confirmationStatus": "NONE", "slots": {}}}
    answers = ScriptedAnswers(reply("Delete it?", directive=confirm), reply(), reply("Delete it?", directive=confirm), reply())
    chat = conversation(answers)
    chat.say("delete my last glimmer")
    chat.say("yes")
    assert answers.request()["intent"] == {"name": "DeleteLastGlimmerIntent", "confirmationStatus": "CONFIRMED", "slots": {}}
    assert answers.request()["dialogState"] == "IN_PROGRESS"
    chat.say("delete my last glimmer")
    chat.say("no thanks")
    assert answers.request()["intent"]["confirmationStatus"] == "DENIED"


def test_confirm_intent_answered_with_something_else_is_that_something_else():
    confirm = {"type": "Dialog.ConfirmIntent", "updatedIntent": {"name": "DeleteLastGlimmerIntent", "slots": {}}}
    answers = ScriptedAnswers(reply(directive=confirm), reply())
    chat = conversation(answers)
    chat.say("delete my last glimmer")
    chat.say("read my glimmers")
    assert answers.request()["intent"]["name"] == "ReadGlimmersIntent"
    assert "dialogState" not in answers.request()


def test_confirm_slot_sets_the_slots_confirmation():
    confirm = {"type": "Dialog.ConfirmSlot", "slotToConfirm": "city",
               "updatedIntent": {"name": "PlanTripIntent", "confirmationStatus": "NONE",
                                 "slots": {"city": {"name": "city", "value": "paris", "confirmationStatus": "NONE"}}}}
    answers = ScriptedAnswers(reply(directive=confirm), reply())
    chat = conversation(answers, trip_model())
    chat.say("plan a trip to paris")
    chat.say("yes")
    assert answers.request()["intent"]["slots"]["city"]["confirmationStatus"] == "CONFIRMED"


# ------------------------------------------------------------- Alexa-run dialogs


def test_delegate_follows_the_dialog_model_to_completion():
    answers = ScriptedAnswers(reply(directive=DELEGATE), reply(directive=DELEGATE), reply(directive=DELEGATE),
                              reply("Your trip to Paris is planned.", end=True))
    chat = conversation(answers, trip_model())
    asked_city = chat.say("plan a trip")
    assert answers.request(0)["dialogState"] == "STARTED"
    assert asked_city[-1].alexa_ssml == "<speak>Where would you like to go?</speak>"
    confirm_city = chat.say("the city of light")
    sent = answers.request()
    assert sent["dialogState"] == "IN_PROGRESS"
    assert sent["intent"]["slots"]["city"]["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "PAR"
    assert confirm_city[-1].alexa_ssml == "<speak>the city of light, is that right?</speak>"
    confirm_trip = chat.say("yes")
    assert answers.request()["intent"]["slots"]["city"]["confirmationStatus"] == "CONFIRMED"
    assert confirm_trip[-1].alexa_ssml == "<speak>Shall I plan a trip to the city of light?</speak>"
    done = chat.say("yes")
    final = answers.request()
    assert (final["dialogState"], final["intent"]["confirmationStatus"]) == ("COMPLETED", "CONFIRMED")
    assert done[-1].session_ended


def test_a_denied_slot_is_asked_for_again():
    answers = ScriptedAnswers(reply(directive=DELEGATE), reply(directive=DELEGATE), reply(directive=DELEGATE))
    chat = conversation(answers, trip_model())
    chat.say("plan a trip to paris")
    again = chat.say("no")
    assert answers.request()["intent"]["slots"]["city"]["confirmationStatus"] == "DENIED"
    assert again[-1].alexa_ssml == "<speak>Where would you like to go?</speak>"


def test_automatic_delegation_asks_without_calling_the_skill_until_complete():
    answers = ScriptedAnswers(reply("Planned.", end=True))
    chat = conversation(answers, trip_model(strategy="ALWAYS"))
    chat.say("plan a trip")
    chat.say("paris")
    chat.say("yes")
    assert answers.requests == []
    chat.say("yes")
    assert len(answers.requests) == 1
    sent = answers.request()
    assert (sent["dialogState"], sent["intent"]["confirmationStatus"]) == ("COMPLETED", "CONFIRMED")
    assert sent["intent"]["slots"]["city"]["value"] == "paris"


def test_delegate_for_an_intent_without_a_dialog_model_is_an_error():
    answers = ScriptedAnswers(reply(directive=DELEGATE))
    chat = conversation(answers)
    exchanges = chat.say("read my glimmers")
    assert answers.request()["type"] == "SessionEndedRequest"
    assert answers.request()["reason"] == "ERROR"
    assert exchanges[-1].session_ended


def test_request_for_builds_without_sending():
    chat = conversation(ScriptedAnswers())
    envelope, understood = chat.request_for("i noticed rain")
    assert envelope["session"]["new"] is False
    assert envelope["request"]["dialogState"] == "STARTED"
    one_shot, _ = chat.request_for("tell glimmer journal i noticed rain")
    assert one_shot["session"]["new"] is True
