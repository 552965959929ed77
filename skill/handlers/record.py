"""Recording a glimmer: "I noticed the warm sun on my face"."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Intent, IntentConfirmationStatus, Response, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective

from ..storage import JournalStore, StorageUnavailable
from ..turn import Turn

log = logging.getLogger(__name__)

RECORD_INTENT = "RecordGlimmerIntent"
GLIMMER_SLOT = "glimmer"
MAX_GLIMMER_CHARS = 1000
# Longer glimmers are confirmed by their beginning only: the reply stays brief.
SPOKEN_BACK_CHARS = 150
SPOKEN_BEGINNING_CHARS = 80
# After asking twice for the text, stop asking and let the person go on.
MAX_ASKS = 2
# What "record a glimmer" can leave in the slot when Alexa maps it onto
# "record {glimmer}": no glimmer was actually said.
NOT_A_GLIMMER = {"a glimmer", "glimmer", "my glimmer", "another glimmer", "a new glimmer", "another", "another one", "one", "something", "it"}


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` to at most ``limit`` characters at a word boundary; say whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text.rfind(" ", 0, limit + 1)
    head = text[: cut if cut > 0 else limit].rstrip(" ,;:-")
    return head, True


def spoken_form(text: str) -> str:
    """A glimmer as it sits inside a sentence: no closing punctuation of its own."""
    return text.rstrip(" .!?;,")


class RecordGlimmerHandler(AbstractRequestHandler):
    """Saves the glimmer, or asks what it was when no text came through."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(RECORD_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        text = turn.slot_text(GLIMMER_SLOT)
        if not text or text.lower().rstrip(".!?") in NOT_A_GLIMMER:
            return self._ask_for_text(turn)
        text, truncated = shorten(text, MAX_GLIMMER_CHARS)
        try:
            self.store.add(turn.key, text, turn.locale, turn.now, request_id=turn.request_id)
        except StorageUnavailable as exc:
            log.warning("could not save a glimmer: %s", exc)
            if turn.one_shot:
                return turn.reply(say("SAVE_FAILED"), end=True)
            return turn.reply(say("SAVE_FAILED"), reprompt=say("WHAT_NEXT_REPROMPT"))

        spoken = spoken_form(text)
        if len(spoken) <= SPOKEN_BACK_CHARS:
            saved = say("SAVED", glimmer=spoken)
        else:
            beginning = spoken_form(shorten(spoken, SPOKEN_BEGINNING_CHARS)[0])
            saved = say("SAVED_BEGINNING", glimmer=beginning)
        note = say("TRUNCATED") if truncated else ""
        card = (turn.speech.text("CARD_SAVED_TITLE"), turn.speech.text("CARD_SAVED", glimmer=text))
        if turn.one_shot:
            return turn.reply(turn.speech.join(saved, note, say("SAVED_ONE_SHOT_CLOSE")), end=True, card=card)
        return turn.reply(
            turn.speech.join(saved, note, say("INVITE_ANOTHER")),
            reprompt=say("INVITE_ANOTHER_REPROMPT"),
            card=card,
        )

    def _ask_for_text(self, turn: Turn) -> Response:
        say = turn.speech.say
        asked = turn.previous.get("asked_for_glimmer", 0)
        if not isinstance(asked, int) or asked >= MAX_ASKS:
            return turn.reply(
                turn.speech.join(say("ASK_GLIMMER_LET_GO"), say("WHAT_NEXT")),
                reprompt=say("WHAT_NEXT_REPROMPT"),
            )
        elicit = ElicitSlotDirective(
            slot_to_elicit=GLIMMER_SLOT,
            updated_intent=Intent(
                name=RECORD_INTENT,
                confirmation_status=IntentConfirmationStatus.NONE,
                slots={GLIMMER_SLOT: Slot(name=GLIMMER_SLOT, confirmation_status=SlotConfirmationStatus.NONE)},
            ),
        )
        return turn.reply(
            say("ASK_GLIMMER"),
            reprompt=say("ASK_GLIMMER_REPROMPT"),
            directive=elicit,
            asked_for_glimmer=asked + 1,
        )
