"""Suggesting a glimmer to look for: "give me a glimmer about music"."""

from __future__ import annotations

import logging
import random

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from ..speech import Suggestion
from ..storage import JournalStore, StorageUnavailable
from ..turn import Turn
from .recall import CONTINUE_INTENTS

log = logging.getLogger(__name__)

SUGGEST_INTENT = "SuggestGlimmerIntent"
BE_A_GLIMMER_INTENT = "BeAGlimmerIntent"
BE_A_GLIMMER = "BEING_A_GLIMMER"
CATEGORY_SLOT = "category"
ANOTHER_SUGGESTION = "another_suggestion"


def choose_suggestion(
    candidates: list[Suggestion], recent: list[str], rng: random.Random
) -> Suggestion:
    """A suggestion not among the recently heard ones; failing that, the one heard longest ago."""
    fresh = [s for s in candidates if s.id not in recent]
    if fresh:
        return rng.choice(fresh)
    return min(candidates, key=lambda s: recent.index(s.id))


def give_suggestion(
    turn: Turn, store: JournalStore, rng: random.Random, category: str | None, unknown: bool = False
) -> Response:
    """Speak one suggestion from ``category`` (or any), remembering it so it is not repeated soon."""
    catalogue = turn.speech.catalogue
    say = turn.speech.say
    if unknown:
        category = rng.choice(sorted(catalogue.categories))
    candidates = [s for s in catalogue.suggestions if category is None or s.category == category]
    try:
        recent = store.meta(turn.key).get("recent_suggestions")
        recent = [s for s in recent if isinstance(s, str)] if isinstance(recent, list) else []
    except StorageUnavailable as exc:
        log.warning("could not read recent suggestions: %s", exc)
        recent = []
    suggestion = choose_suggestion(candidates, recent, rng)
    try:
        store.remember_suggestion(turn.key, suggestion.id)
    except StorageUnavailable as exc:
        log.warning("could not remember a suggestion: %s", exc)

    if unknown:
        spoken = say("SUGGEST_UNKNOWN_CATEGORY", category=catalogue.categories[category], suggestion=suggestion.text)
    else:
        spoken = say("SUGGEST", suggestion=suggestion.text)
    card = (turn.speech.text("CARD_SUGGEST_TITLE"), suggestion.text)
    if turn.one_shot:
        return turn.reply(spoken, end=True, card=card)
    return turn.reply(
        turn.speech.join(spoken, say("SUGGEST_ANOTHER_QUESTION")),
        reprompt=say("SUGGEST_ANOTHER_REPROMPT"),
        card=card,
        question=ANOTHER_SUGGESTION,
        category=category,
    )


class SuggestGlimmerHandler(AbstractRequestHandler):
    """Suggests a glimmer to notice, from a category when one was named."""

    def __init__(self, store: JournalStore, rng: random.Random):
        self.store = store
        self.rng = rng

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(SUGGEST_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        categories = turn.speech.catalogue.categories
        category = turn.slot_resolution(CATEGORY_SLOT)
        spoken = turn.slot_text(CATEGORY_SLOT)
        if category not in categories:
            # Without entity resolution (a hand-written request), match the spoken name.
            category = next(
                (cid for cid, name in categories.items() if spoken and spoken.lower() in (name.lower(), cid.lower())),
                None,
            )
        unknown = category is None and spoken is not None
        return give_suggestion(turn, self.store, self.rng, category, unknown=unknown)


class SuggestAnotherHandler(AbstractRequestHandler):
    """"Yes" or "more" after "Would you like another?" gives another suggestion."""

    def __init__(self, store: JournalStore, rng: random.Random):
        self.store = store
        self.rng = rng

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            any(is_intent_name(name)(handler_input) for name in CONTINUE_INTENTS)
            and Turn.of(handler_input).question == ANOTHER_SUGGESTION
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        category = turn.previous.get("category")
        if not isinstance(category, str) or category not in turn.speech.catalogue.categories:
            category = None
        return give_suggestion(turn, self.store, self.rng, category)


class BeAGlimmerHandler(AbstractRequestHandler):
    """"How can I be a glimmer for someone?": a suggestion from that category."""

    def __init__(self, store: JournalStore, rng: random.Random):
        self.store = store
        self.rng = rng

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(BE_A_GLIMMER_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return give_suggestion(Turn.of(handler_input), self.store, self.rng, BE_A_GLIMMER)
