"""Memories: "what did I notice a year ago", "on this day last year", "a week ago today"."""

from __future__ import annotations

import calendar
import logging
import re
from datetime import date, timedelta

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from ..periods import Period
from ..storage import JournalStore, StorageUnavailable
from ..turn import Turn
from .recall import Framing, read_page
from .record import spoken_back

log = logging.getLogger(__name__)

ON_THIS_DAY_INTENT = "OnThisDayIntent"
SPAN_SLOT = "span"
# The MemorySpan slot's values (by their ids, lower case here), and how far back "N ... ago" may reach.
MAX_COUNT = {"year": 20, "month": 36, "week": 104}
AGO = {"year": "MEMORY_AGO_YEAR", "month": "MEMORY_AGO_MONTH", "week": "MEMORY_AGO_WEEK"}
# Journal meta: the local day on which the launch greeting last mentioned a glimmer from a year before.
MEMORY_TOLD = "memory_told"

_COUNT_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "last": 1, "this": 1,
}
_SPOKEN_SPAN = re.compile(r"^(?:(?P<count>\w+)\s+)?(?P<unit>year|month|week)s?(?:\s+ago)?$")
# German: "zwei Jahren", "vor drei Monaten", "einer Woche".
_SPOKEN_SPAN_DE = re.compile(
    r"^(?:vor\s+)?(?:(?P<count>\w+)\s+)?(?P<unit>jahr|jahre|jahren|monat|monate|monaten|woche|wochen)$"
)
_UNITS_DE = {"jahr": "year", "monat": "month", "woche": "week"}
_COUNT_WORDS_DE = {
    "ein": 1, "eine": 1, "einem": 1, "einer": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "letztem": 1, "letzten": 1, "letztes": 1,
}


def day_that_long_ago(today: date, unit: str, count: int = 1) -> Period:
    """The local day ``count`` weeks, months or years before ``today``.

    A day a month has no more (29 February a year on, 31 March a month on)
    becomes that month's last day; and on the last day of a month, the rest
    of the month back then comes too (on 28 February 2029, a year ago is 28
    and 29 February 2028).
    """
    if unit == "week":
        day = today - timedelta(weeks=count)
        return Period(day, day + timedelta(days=1), "day")
    months = count * (12 if unit == "year" else 1)
    index = today.year * 12 + (today.month - 1) - months
    year, month = index // 12, index % 12 + 1
    if year < 1:
        raise ValueError("before the calendar begins")
    last = calendar.monthrange(year, month)[1]
    start = date(year, month, min(today.day, last))
    month_ends_today = today.day == calendar.monthrange(today.year, today.month)[1]
    end = date(year, month, last) if month_ends_today else start
    return Period(start, end + timedelta(days=1), "day")


def span_asked_for(turn: Turn) -> tuple[str, int] | None:
    """(unit, count) from the ``span`` slot; a year when nothing was said; None when it cannot be understood."""
    resolved = (turn.slot_resolution(SPAN_SLOT) or "").lower()
    if resolved in MAX_COUNT:
        return resolved, 1
    spoken = turn.slot_text(SPAN_SLOT)
    if spoken is None:
        return "year", 1
    said = spoken.lower().strip(" .?!")
    match = _SPOKEN_SPAN.match(said)
    words, unit = _COUNT_WORDS, None
    if match:
        unit = match.group("unit")
    else:
        match = _SPOKEN_SPAN_DE.match(said)
        if not match:
            return None
        words = _COUNT_WORDS_DE
        unit = next(english for german, english in _UNITS_DE.items() if match.group("unit").startswith(german))
    word = match.group("count")
    count = 1 if word is None else (int(word) if word.isdigit() else words.get(word))
    if count is None or not 1 <= count <= MAX_COUNT[unit]:
        return None
    return unit, count


def ago_words(turn: Turn, unit: str, count: int) -> str:
    """ "a year ago", "two months ago"."""
    phrasing = turn.speech.catalogue.phrasings(AGO[unit], count)[0]
    return phrasing.format(count=turn.speech.number(count))


def memory_period(turn: Turn, unit: str, count: int) -> Period:
    """That day in the person's zone; with no zone known, every day it may be there (so nothing is missed)."""
    earliest = day_that_long_ago(turn.earliest_today, unit, count)
    latest = day_that_long_ago(turn.latest_today, unit, count)
    return Period(min(earliest.start, latest.start), max(earliest.end, latest.end), "day")


class OnThisDayHandler(AbstractRequestHandler):
    """Reads what was noted on this day a week, a month or a year ago, in the person's own time zone."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(ON_THIS_DAY_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        span = span_asked_for(turn)
        try:
            period = memory_period(turn, *span) if span is not None else None
        except ValueError:
            period = None
        if span is None or period is None:
            if turn.one_shot:
                return turn.reply(say("MEMORY_ASK_SPAN"), end=True)
            return turn.reply(say("MEMORY_ASK_SPAN"), reprompt=say("MEMORY_ASK_SPAN_REPROMPT"))
        ago = ago_words(turn, *span)
        ago_start = ago[:1].upper() + ago[1:]
        if turn.zone_known:
            framing = Framing(
                intro=lambda count: say("MEMORY_INTRO", count=count, ago=ago, ago_start=ago_start),
                none=say("MEMORY_NONE", ago=ago),
            )
        else:  # "today" may not be their today: "around this day"
            framing = Framing(
                intro=lambda count: say("MEMORY_INTRO_UNSURE", count=count, ago=ago),
                none=say("MEMORY_NONE_UNSURE", ago=ago),
            )
        return read_page(turn, self.store, before=None, period=period, framing=framing)


def launch_memory(turn: Turn, store: JournalStore, days_noted: set[date]) -> str:
    """A glimmer from exactly a year ago, said briefly, at most once a (local) day; "" otherwise.

    Only when the person's zone is known: "a year ago today" must be their today.
    """
    if not turn.zone_known:
        return ""
    year_ago = day_that_long_ago(turn.today, "year")
    day, days = year_ago.start, set()
    while day < year_ago.end:
        days.add(day)
        day += timedelta(days=1)
    if not days & days_noted:
        return ""
    try:
        if store.meta(turn.key).get(MEMORY_TOLD) == turn.today.isoformat():
            return ""
        found = store.page(turn.key, 1, between=year_ago.bounds(turn.zone)).glimmers
        if not found:
            return ""
        store.update_meta(turn.key, {MEMORY_TOLD: turn.today.isoformat()})
    except StorageUnavailable as exc:
        log.warning("could not look for a glimmer from a year ago: %s", exc)
        return ""
    say = turn.speech.say
    return spoken_back(
        found[0].text, lambda g: say("LAUNCH_MEMORY", glimmer=g), lambda g: say("LAUNCH_MEMORY_BEGINNING", glimmer=g)
    )
