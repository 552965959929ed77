"""Grounding: "I'm feeling overwhelmed" brings back the person's own glimmers, slowly."""

from __future__ import annotations

import logging
import random

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from ..speech import Ssml, pause
from ..storage import JournalStore, StorageUnavailable
from ..turn import Turn
from .recall import CONTINUE_INTENTS
from .record import OFFER_GROUNDING, spoken_form

log = logging.getLogger(__name__)

GROUNDING_INTENT = "GroundingIntent"
MAX_REMEMBERED = 3
# Calm categories for a guided moment when there are no glimmers of one's own yet.
GUIDED_CATEGORIES = ("REST_COMFORT", "NATURE", "MOVEMENT_BODY", "WARMTH_LIGHT")


def slowly(speech: str) -> Ssml:
    return Ssml(f'<prosody rate="slow">{speech}</prosody>')


class GroundingHandler(AbstractRequestHandler):
    """Reads one to three of the person's own glimmers at random, slowly, then invites noticing now."""

    def __init__(self, store: JournalStore, rng: random.Random):
        self.store = store
        self.rng = rng

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(GROUNDING_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return ground(Turn.of(handler_input), self.store, self.rng)


class GroundingOfferedHandler(AbstractRequestHandler):
    """"Yes" after "That sounds hard. Would you like to slow down together?"."""

    def __init__(self, store: JournalStore, rng: random.Random):
        self.store = store
        self.rng = rng

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            any(is_intent_name(name)(handler_input) for name in CONTINUE_INTENTS)
            and Turn.of(handler_input).question == OFFER_GROUNDING
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return ground(Turn.of(handler_input), self.store, self.rng)


def ground(turn: Turn, store: JournalStore, rng: random.Random) -> Response:
    """One to three of the person's own glimmers, slowly, then an invitation to notice one thing now."""
    say, speech = turn.speech.say, turn.speech
    try:
        total = store.count(turn.key)
        chosen = store.sample(turn.key, rng.randint(1, min(MAX_REMEMBERED, total)), rng) if total else []
    except StorageUnavailable as exc:
        log.warning("could not read a journal for grounding: %s", exc)
        chosen = []
    if chosen:
        items, lines = [], []
        for glimmer in chosen:
            when = turn.when(glimmer.created_at)
            when = when[:1].upper() + when[1:]
            items.append(say("GROUNDING_ITEM", when=when, glimmer=spoken_form(glimmer.text)))
            lines.append(speech.text("CARD_READ_ITEM", when=when, glimmer=glimmer.text))
        body = speech.join(
            say("GROUNDING_INTRO", count=len(chosen)),
            pause(1000),
            f" {pause(1500)} ".join(items),
            pause(1500),
            say("GROUNDING_NOTICE_NOW"),
        )
        card = (speech.text("CARD_GROUNDING_TITLE"), "\n".join(lines))
    else:
        calm = [s for s in speech.catalogue.suggestions if s.category in GUIDED_CATEGORIES]
        suggestion = rng.choice(calm or list(speech.catalogue.suggestions))
        body = speech.join(say("GROUNDING_GUIDED"), pause(2000), say("GROUNDING_GUIDED_THEN", suggestion=suggestion.text))
        card = (speech.text("CARD_SUGGEST_TITLE"), suggestion.text)
    # A grounding moment ends quietly: no question, no open microphone.
    return turn.reply(slowly(body), end=True, card=card)
