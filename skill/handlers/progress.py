"""Counts and gentle progress: "how many glimmers have I noticed?", "what's my streak?"."""

from __future__ import annotations

import logging
from datetime import date, timedelta, timezone

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from ..storage import JournalStore, StorageUnavailable
from ..turn import EASTMOST, WESTMOST, Turn
from .dates import period_asked_for

log = logging.getLogger(__name__)

COUNT_INTENT = "CountGlimmersIntent"
STREAK_INTENT = "StreakIntent"


def streak(days: set[date], today: date) -> tuple[int, bool]:
    """Consecutive local days with a glimmer, ending today or yesterday; and whether today counts.

    A streak that reached yesterday is still alive: today is not over yet.
    """
    noticed_today = today in days
    day = today if noticed_today else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count, noticed_today


def _answer(turn: Turn, speech: str, card: tuple[str, str]) -> Response:
    if turn.one_shot:
        return turn.reply(speech, end=True, card=card)
    return turn.reply(
        turn.speech.join(speech, turn.speech.say("WHAT_NEXT")),
        reprompt=turn.speech.say("WHAT_NEXT_REPROMPT"),
        card=card,
    )


class CountGlimmersHandler(AbstractRequestHandler):
    """How many glimmers, in all or in a period."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(COUNT_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say, text = turn.speech.say, turn.speech.text
        period, _ = period_asked_for(turn)
        title = text("CARD_COUNT_TITLE")
        try:
            total = self.store.count(turn.key)
            count = self.store.count(turn.key, period.bounds(turn.zone)) if period is not None and total else 0
        except StorageUnavailable as exc:
            log.warning("could not count a journal: %s", exc)
            return turn.reply(say("READ_FAILED"), end=True)
        if period is None:
            speech = say("COUNT_TOTAL", count=total) if total else say("COUNT_NONE")
            return _answer(turn, speech, (title, text("CARD_COUNT_ALL", count=total)))
        words = turn.period_words(period)
        speech = say("COUNT_PERIOD", count=count, period=words) if count else say("COUNT_PERIOD_NONE", period=words)
        lines = [text("CARD_COUNT_PERIOD", count=count, period=words), text("CARD_COUNT_ALL", count=total)]
        return _answer(turn, speech, (title, "\n".join(lines)))


class StreakHandler(AbstractRequestHandler):
    """Consecutive days with a glimmer, told encouragingly, never as a failure."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(STREAK_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        try:
            if turn.zone_known:
                days, today = streak(self.store.days_noted(turn.key, turn.zone), turn.today)
                sure = True
            else:
                # Where the person is, it may be any day from UTC-12's to UTC+14's: speak of what holds at both.
                west = streak(self.store.days_noted(turn.key, timezone(WESTMOST)), turn.earliest_today)
                east = streak(self.store.days_noted(turn.key, timezone(EASTMOST)), turn.latest_today)
                sure = west == east
                days, today = west if sure else (min(west[0], east[0]), False)
        except StorageUnavailable as exc:
            log.warning("could not read a journal for a streak: %s", exc)
            return turn.reply(say("READ_FAILED"), end=True)
        if days == 0:
            speech = say("STREAK_NONE")
        elif not sure:
            speech = say("STREAK_ABOUT", count=days)
        elif today:
            speech = say("STREAK_RUNNING", count=days) if days > 1 else say("STREAK_TODAY_ONE")
        else:
            speech = say("STREAK_UP_TO_YESTERDAY", count=days, next=days + 1)
        card = (turn.speech.text("CARD_COUNT_TITLE"), turn.speech.text("CARD_STREAK", count=days))
        return _answer(turn, speech, card)
