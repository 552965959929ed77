"""Searching: "when did I notice rain", "find my glimmers about the sea", "have I noticed birds before"."""

from __future__ import annotations

import random

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Intent, IntentConfirmationStatus, Response, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective

from ..storage import JournalStore
from ..storage.contract import search_terms, search_words
from ..turn import Turn
from .recall import CONTINUE_INTENTS, Framing, read_page
from .record import spoken_form
from .suggest import give_suggestion

SEARCH_INTENT = "SearchGlimmersIntent"
TOPIC_SLOT = "topic"
ASKED_FOR_TOPIC = "asked_for_topic"
OFFER_SUGGESTION = "offer_suggestion"
MAX_ASKS = 2
# Longer topics are cut (at a word) before they are searched for and said back.
MAX_TOPIC_CHARS = 100


def _topic(turn: Turn) -> str | None:
    text = turn.slot_text(TOPIC_SLOT)
    if not text:
        return None
    text = spoken_form(text)
    if len(text) > MAX_TOPIC_CHARS:
        cut = text.rfind(" ", 0, MAX_TOPIC_CHARS + 1)
        text = text[: cut if cut > 0 else MAX_TOPIC_CHARS]
    return text or None


class SearchGlimmersHandler(AbstractRequestHandler):
    """Reads the glimmers that mention a topic, newest first, a few at a time; kindly, when there are none."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(SEARCH_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        topic = _topic(turn)
        if topic is None or not search_terms(search_words(topic, turn.language)):
            return self._ask(turn, not_understood=topic is not None)
        say = turn.speech.say
        framing = Framing(
            intro=lambda count: say("SEARCH_INTRO", count=count, topic=topic),
            none=say("SEARCH_NONE", topic=topic),
            offer=OFFER_SUGGESTION,
            offer_speech=say("OFFER_SUGGESTION"),
            offer_reprompt=say("OFFER_SUGGESTION_REPROMPT"),
        )
        return read_page(turn, self.store, before=None, topic=topic, framing=framing)

    def _ask(self, turn: Turn, not_understood: bool) -> Response:
        say = turn.speech.say
        asked = turn.previous.get(ASKED_FOR_TOPIC, 0)
        if not isinstance(asked, int) or asked >= MAX_ASKS:
            if turn.one_shot:
                return turn.reply(say("SEARCH_LET_GO"), end=True)
            return turn.reply(turn.speech.join(say("SEARCH_LET_GO"), say("WHAT_NEXT")), reprompt=say("WHAT_NEXT_REPROMPT"))
        elicit = ElicitSlotDirective(
            slot_to_elicit=TOPIC_SLOT,
            updated_intent=Intent(
                name=SEARCH_INTENT,
                confirmation_status=IntentConfirmationStatus.NONE,
                slots={TOPIC_SLOT: Slot(name=TOPIC_SLOT, confirmation_status=SlotConfirmationStatus.NONE)},
            ),
        )
        speech = say("SEARCH_NOT_UNDERSTOOD") if not_understood else say("SEARCH_ASK")
        return turn.reply(speech, reprompt=say("SEARCH_ASK_REPROMPT"), directive=elicit, state={ASKED_FOR_TOPIC: asked + 1})


class SuggestionOfferedHandler(AbstractRequestHandler):
    """"Yes" after "I couldn't find that. Would you like something to look for?" gives a suggestion."""

    def __init__(self, store: JournalStore, rng: random.Random):
        self.store = store
        self.rng = rng

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            any(is_intent_name(name)(handler_input) for name in CONTINUE_INTENTS)
            and Turn.of(handler_input).question == OFFER_SUGGESTION
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return give_suggestion(Turn.of(handler_input), self.store, self.rng, None)
