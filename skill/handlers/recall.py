"""Reading glimmers back: "read my glimmers", then "more"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from ..periods import PERIOD_KINDS, Period
from ..speech import Ssml, pause
from ..storage import JournalStore, StorageUnavailable
from ..storage.contract import encode_cursor, search_words
from ..turn import Turn
from .record import spoken_form

log = logging.getLogger(__name__)

READ_INTENT = "ReadGlimmersIntent"
MORE_GLIMMERS = "more_glimmers"
PAGE_SIZE = 3
# Escaped glimmer text per page; with the surrounding words it stays well
# under Alexa's 8,000 characters even for three 1,000-character glimmers.
PAGE_SPEECH_BUDGET = 6500
CONTINUE_INTENTS = ("AMAZON.YesIntent", "AMAZON.MoreIntent", "AMAZON.NextIntent")


def _capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Framing:
    """What a first page says around the glimmers, when it is not the plain read-back or a period's.

    ``intro`` says it for a number of glimmers; ``none`` is said when there are
    none, and then, with an ``offer``, the skill asks that yes/no question
    (``offer`` names it in the session) instead of what to do next.
    """

    intro: Callable[[int], Ssml]
    none: Ssml
    offer: str | None = None
    offer_speech: Ssml | None = None
    offer_reprompt: Ssml | None = None


def read_page(
    turn: Turn,
    store: JournalStore,
    before: str | None,
    period: Period | None = None,
    topic: str | None = None,
    framing: Framing | None = None,
) -> Response:
    """Read the next few glimmers older than ``before`` (newest first), within ``period`` or about ``topic``.

    Offers more while there is more: "yes", "more" or "next" continue from the
    cursor the session carries, with the same period or topic.
    """
    say = turn.speech.say
    try:
        if topic is not None:
            page = store.search(turn.key, search_words(topic, turn.language), PAGE_SIZE, before)
        else:
            between = period.bounds(turn.zone) if period is not None else None
            page = store.page(turn.key, PAGE_SIZE, before, between)
    except StorageUnavailable as exc:
        log.warning("could not read a journal: %s", exc)
        return turn.reply(say("READ_FAILED"), end=True)

    damaged = say("READ_DAMAGED") if page.damaged and before is None else ""
    period_words = turn.period_words(period) if period is not None and framing is None else None
    if not page.glimmers:
        if before is None:
            if framing is not None:
                none = framing.none
            else:
                none = say("READ_PERIOD_NONE", period=period_words) if period_words else say("READ_NONE")
            empty = turn.speech.join(damaged, none)
            if framing is not None and framing.offer and framing.offer_speech and not turn.one_shot:
                return turn.reply(
                    turn.speech.join(empty, framing.offer_speech),
                    reprompt=framing.offer_reprompt or framing.offer_speech,
                    question=framing.offer,
                )
            if turn.one_shot:
                return turn.reply(empty, end=True)
            return turn.reply(turn.speech.join(empty, say("WHAT_NEXT")), reprompt=say("WHAT_NEXT_REPROMPT"))
        return _finish(turn, say("SEARCH_DONE") if topic is not None else say("READ_DONE"), card=None)

    items, lines, used = [], [], 0
    cursor = page.next_cursor
    for index, glimmer in enumerate(page.glimmers):
        when = _capitalised(turn.when(glimmer.created_at))
        item = say("READ_ITEM", when=when, glimmer=spoken_form(glimmer.text))
        if items and used + len(item) > PAGE_SPEECH_BUDGET:
            cursor = encode_cursor(last)
            break
        items.append(item)
        lines.append(turn.speech.text("CARD_READ_ITEM", when=when, glimmer=glimmer.text))
        used += len(item)
        last = glimmer

    if before is not None:
        intro = say("READ_INTRO_MORE", count=len(items))
    elif framing is not None:
        intro = framing.intro(len(items))
    elif period_words:
        intro = say("READ_PERIOD_INTRO", count=len(items), period=period_words, period_start=_capitalised(period_words))
    else:
        intro = say("READ_INTRO", count=len(items))
    body = f" {pause(400)} ".join(items)
    if topic is not None:
        card = (turn.speech.text("CARD_SEARCH_TITLE", topic=topic), "\n".join(lines))
    else:
        card = (turn.speech.text("CARD_READ_TITLE"), "\n".join(lines))
    if cursor is not None:
        return turn.reply(
            turn.speech.join(damaged, intro, body, pause(300), say("READ_MORE_QUESTION")),
            reprompt=say("READ_MORE_REPROMPT"),
            card=card,
            question=MORE_GLIMMERS,
            cursor=cursor,
            period=period_state(period),
            topic=topic,
        )
    done = say("SEARCH_DONE") if topic is not None else say("READ_DONE")
    return _finish(turn, turn.speech.join(damaged, intro, body, pause(300), done), card)


def period_state(period: Period | None) -> list[str] | None:
    """A period as session attributes can carry it."""
    if period is None:
        return None
    return [period.start.isoformat(), period.end.isoformat(), period.kind]


def period_from_state(state: object) -> Period | None:
    if not (isinstance(state, list) and len(state) == 3 and all(isinstance(s, str) for s in state)):
        return None
    try:
        period = Period(date.fromisoformat(state[0]), date.fromisoformat(state[1]), state[2])
    except ValueError:
        return None
    return period if period.kind in PERIOD_KINDS else None


def _finish(turn: Turn, speech: str, card: tuple[str, str] | None) -> Response:
    say = turn.speech.say
    if turn.one_shot:
        return turn.reply(speech, end=True, card=card)
    return turn.reply(turn.speech.join(speech, say("WHAT_NEXT")), reprompt=say("WHAT_NEXT_REPROMPT"), card=card)


class ReadGlimmersHandler(AbstractRequestHandler):
    """Reads the newest glimmers, three at a time."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(READ_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return read_page(Turn.of(handler_input), self.store, before=None)


class ReadMoreHandler(AbstractRequestHandler):
    """"Yes", "more" or "next" after "Want to hear more?" reads the next few."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            any(is_intent_name(name)(handler_input) for name in CONTINUE_INTENTS)
            and Turn.of(handler_input).question == MORE_GLIMMERS
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        cursor = turn.previous.get("cursor")
        period = period_from_state(turn.previous.get("period"))
        topic = turn.previous.get("topic")
        topic = topic if isinstance(topic, str) and topic.strip() else None
        try:
            return read_page(turn, self.store, cursor if isinstance(cursor, str) else None, period, topic)
        except ValueError:  # a cursor this skill did not make: start again
            return read_page(turn, self.store, None, period, topic)
