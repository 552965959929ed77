"""When someone speaks of suicide, self-harm or not being safe: care, and where to find real help.

This handler is tried before every other, so it is the one place where what
people say is checked: ``CrisisIntent`` (its samples are in the interaction
model), and any free text another intent carries (a glimmer, a search topic,
a correction) that ``skill.safety.mentions_crisis`` recognises. Nothing is
saved, nothing said is logged, and the session ends gently, with a card
carrying the numbers.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from ..safety import crisis_line, mentions_crisis
from ..speech import pause
from ..turn import Turn

log = logging.getLogger(__name__)

CRISIS_INTENT = "CrisisIntent"


def said_in_crisis(turn: Turn) -> bool:
    """Whether any slot of the intent holds words about suicide, self-harm or not being safe."""
    intent = getattr(turn.handler_input.request_envelope.request, "intent", None)
    slots = getattr(intent, "slots", None)
    if not isinstance(slots, dict):
        return False
    return any(mentions_crisis(turn.slot_text(name), turn.locale) for name in slots)


class CrisisHandler(AbstractRequestHandler):
    """Answers with care, says the skill can't help with this itself, and points to people who can."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        return is_intent_name(CRISIS_INTENT)(handler_input) or said_in_crisis(Turn.of(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say, text = turn.speech.say, turn.speech.text
        line = crisis_line(turn.locale)
        # Not even that it happened is logged above DEBUG: the request log already names the request.
        log.debug("request %s: answered with where to find help", turn.request_id)
        if line is None:
            speech = turn.speech.join(say("CRISIS_CARE"), pause(300), say("CRISIS_EMERGENCY_GENERAL"),
                                      say("CRISIS_CLOSE_GENERAL"))
            card = (text("CARD_CRISIS_TITLE"), text("CARD_CRISIS_GENERAL"))
            return turn.reply(speech, end=True, card=card)
        if line.text:
            reach = say("CRISIS_LINE_CALL_OR_TEXT", name=line.said_name, number=line.spoken_number)
            card_line = text("CARD_CRISIS_LINE_CALL_OR_TEXT", name=line.name, number=line.number)
        else:
            reach = say("CRISIS_LINE_CALL", name=line.said_name, number=line.spoken_number)
            card_line = text("CARD_CRISIS_LINE_CALL", name=line.name, number=line.number)
        speech = turn.speech.join(
            say("CRISIS_CARE"),
            pause(300),
            reach,
            say("CRISIS_EMERGENCY", emergency=line.spoken_emergency),
            say("CRISIS_CLOSE"),
        )
        emergency = text("CARD_CRISIS_EMERGENCY", emergency=line.emergency)
        card = (text("CARD_CRISIS_TITLE"), f"{card_line}\n{emergency}")
        return turn.reply(speech, end=True, card=card)
