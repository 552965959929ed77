"""Fixing a misheard glimmer: "change my last glimmer to ...", "that's not what I said", "no, I said ..."."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Intent, IntentConfirmationStatus, Response, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective

from ..storage import Glimmer, JournalStore, StorageUnavailable
from ..turn import Turn
from .record import GLIMMER_SLOT, MAX_GLIMMER_CHARS, NOT_A_GLIMMER, SAVED_ID, spoken_back, shorten

log = logging.getLogger(__name__)

CHANGE_INTENT = "ChangeLastGlimmerIntent"
ASKED_FOR_CHANGE = "asked_for_change"
# After asking twice for the new text, leave the glimmer as it was.
MAX_ASKS = 2


class ChangeLastGlimmerHandler(AbstractRequestHandler):
    """Replaces the text of the newest glimmer (the one just saved, in a session), keeping its id and time."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(CHANGE_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        try:
            target = self._target(turn)
        except StorageUnavailable as exc:
            log.warning("could not read a journal to change a glimmer: %s", exc)
            return self._done(turn, say("READ_FAILED"))
        if target is None:
            return self._done(turn, say("CHANGE_NOTHING"))
        text = turn.slot_text(GLIMMER_SLOT)
        if not text or text.lower().rstrip(".!?") in NOT_A_GLIMMER:
            return self._ask(turn, target)
        text, truncated = shorten(text, MAX_GLIMMER_CHARS)
        try:
            changed = self.store.replace(turn.key, target.id, text)
        except StorageUnavailable as exc:
            log.warning("could not change a glimmer: %s", exc)
            return self._done(turn, say("CHANGE_FAILED"))
        if changed is None:  # deleted a moment ago, by another device
            return self._done(turn, say("CHANGE_NOTHING"))
        log.info("changed the text of one glimmer at its owner's request")
        note = say("TRUNCATED") if truncated else ""
        said_back = spoken_back(
            text, lambda g: say("CHANGED", glimmer=g), lambda g: say("CHANGED_BEGINNING", glimmer=g)
        )
        speech = turn.speech.join(said_back, note)
        card = (turn.speech.text("CARD_CHANGED_TITLE"), turn.speech.text("CARD_SAVED", glimmer=text))
        if turn.one_shot:
            return turn.reply(speech, end=True, card=card)
        return turn.reply(
            turn.speech.join(speech, say("WHAT_NEXT")),
            reprompt=say("WHAT_NEXT_REPROMPT"),
            card=card,
            state={SAVED_ID: changed.id},
        )

    def _target(self, turn: Turn) -> Glimmer | None:
        """The glimmer saved earlier in this session if it is still there, else the newest one."""
        saved = turn.previous.get(SAVED_ID)
        newest = self.store.page(turn.key, 1).glimmers
        if isinstance(saved, str) and newest and newest[0].id != saved:
            for glimmer in self.store.page(turn.key, 5).glimmers:
                if glimmer.id == saved:
                    return glimmer
        return newest[0] if newest else None

    def _ask(self, turn: Turn, target: Glimmer) -> Response:
        say = turn.speech.say
        asked = turn.previous.get(ASKED_FOR_CHANGE, 0)
        if not isinstance(asked, int) or asked >= MAX_ASKS:
            return self._done(turn, say("CHANGE_LET_GO"))
        elicit = ElicitSlotDirective(
            slot_to_elicit=GLIMMER_SLOT,
            updated_intent=Intent(
                name=CHANGE_INTENT,
                confirmation_status=IntentConfirmationStatus.NONE,
                slots={GLIMMER_SLOT: Slot(name=GLIMMER_SLOT, confirmation_status=SlotConfirmationStatus.NONE)},
            ),
        )
        return turn.reply(
            say("CHANGE_ASK"),
            reprompt=say("CHANGE_ASK_REPROMPT"),
            directive=elicit,
            state={SAVED_ID: target.id, ASKED_FOR_CHANGE: asked + 1},
        )

    @staticmethod
    def _done(turn: Turn, speech: str) -> Response:
        if turn.one_shot:
            return turn.reply(speech, end=True)
        say = turn.speech.say
        return turn.reply(turn.speech.join(speech, say("WHAT_NEXT")), reprompt=say("WHAT_NEXT_REPROMPT"))
