"""AMAZON.DATE: what a person says for a date, and the value Alexa sends for it.

The forms follow Alexa's slot type reference: a day is ``2026-11-29``, a week
``2026-W48``, a weekend ``2026-W48-WE``, a month ``2026-11``, a year ``2026``,
a season ``2026-SU``, a decade ``202X``, and "now" is ``PRESENT_REF``. Like
Alexa, a day or month said without a year is taken to be today or later.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .numbers import parse_number, parse_ordinal

PRESENT_REF = "PRESENT_REF"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
_MONTH_NUMBERS = {name: n for n, name in enumerate(MONTHS, start=1)}
_MONTH_NUMBERS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                       "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_SEASONS = {"winter": "WI", "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA"}
_DAYS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "yesterday": -1, "the day before yesterday": -2, "day before yesterday": -2, "tomorrow": 1, "the day after tomorrow": 2,
}
_LEADING = re.compile(r"^(?:(?:on|in|for|during|from|of|at|over)\s+)?(?:the\s+(?=weekend$))?")
_RELATIVE = re.compile(r"^(?:(this|next|last|past|previous|coming)\s+)?(\w+)$")
_AGO = re.compile(r"^(.+?)\s+(day|week)s?\s+ago$")
_MONTH_DAY = re.compile(r"^(?:the\s+)?(?P<month>[a-z]+)\s+(?:the\s+)?(?P<day>.+?)(?:\s+(?P<year>\d{4}))?$")
_DAY_MONTH = re.compile(r"^(?:the\s+)?(?P<day>.+?)\s+(?:of\s+)?(?P<month>[a-z]+)(?:\s+(?P<year>\d{4}))?$")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?|-w\d{2}(?:-we)?|-(?:wi|sp|su|fa))?$")
_STEP = {"this": 0, None: 0, "coming": 0, "next": 1, "last": -1, "past": -1, "previous": -1}


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def resolve_date(phrase: str, today: date) -> str | None:
    """The AMAZON.DATE value for a normalised phrase, seen from ``today``; None if it is not a date."""
    text = _LEADING.sub("", phrase.strip().lower())
    for resolve in (_iso, _named_day, _ago, _relative, _month_and_day, _day_of_month):
        value = resolve(text, today)
        if value is not None:
            return value
    return None


def _iso(text: str, today: date) -> str | None:
    if not _ISO.match(text):
        return None
    value = text.upper()
    if len(value) == 10:
        try:
            date.fromisoformat(value)
        except ValueError:
            return None
    elif len(value) == 7 and value[5:].isdigit() and not 1 <= int(value[5:]) <= 12:
        return None
    return value


def _named_day(text: str, today: date) -> str | None:
    if text in ("now", "right now"):
        return PRESENT_REF
    if text in _DAYS:
        return (today + timedelta(days=_DAYS[text])).isoformat()
    if text in ("this decade",):
        return f"{str(today.year)[:3]}X"
    return None


def _ago(text: str, today: date) -> str | None:
    match = _AGO.match(text)
    if not match:
        return None
    count = 1 if match.group(1) in ("a", "one") else parse_number(match.group(1))
    if count is None:
        return None
    days = count * (7 if match.group(2) == "week" else 1)
    return (today - timedelta(days=days)).isoformat()


def _relative(text: str, today: date) -> str | None:
    """Weekdays, weeks, weekends, months, years and seasons, with this / next / last or alone."""
    match = _RELATIVE.match(text)
    if not match:
        return None
    word, noun = match.group(1), match.group(2)
    step = _STEP[word]
    if noun in WEEKDAYS:
        return _weekday(WEEKDAYS.index(noun), word, today).isoformat()
    if noun == "weekend" and word is None:  # "the weekend", "at the weekend": this one
        return iso_week(today) + "-WE"
    if noun in ("week", "weekend") and word is not None:
        return iso_week(today + timedelta(weeks=step)) + ("-WE" if noun == "weekend" else "")
    if noun == "month" and word is not None:
        month_index = today.year * 12 + today.month - 1 + step
        return f"{month_index // 12}-{month_index % 12 + 1:02d}"
    if noun == "year" and word is not None:
        return str(today.year + step)
    if noun in _SEASONS:
        return f"{today.year + step}-{_SEASONS[noun]}"
    if noun in _MONTH_NUMBERS:
        return _month(_MONTH_NUMBERS[noun], word, today)
    return None


def _weekday(weekday: int, word: str | None, today: date) -> date:
    ahead = (weekday - today.weekday()) % 7
    if word in ("last", "past", "previous"):
        return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    if word == "next":
        return today + timedelta(days=ahead or 7)
    return today + timedelta(days=ahead)


def _month(month: int, word: str | None, today: date) -> str:
    if word in ("last", "past", "previous"):
        year = today.year if month < today.month else today.year - 1
    elif word == "next":
        year = today.year if month > today.month else today.year + 1
    elif word == "this":
        year = today.year
    else:
        year = today.year if month >= today.month else today.year + 1
    return f"{year}-{month:02d}"


def _month_and_day(text: str, today: date) -> str | None:
    """"november twenty fifth", "the 25th of november", "november 25 2026": a day, today or later."""
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        match = pattern.match(text)
        if not match or match.group("month") not in _MONTH_NUMBERS:
            continue
        day = parse_ordinal(match.group("day")) or parse_number(match.group("day"))
        if day is None or not 1 <= day <= 31:
            continue
        month = _MONTH_NUMBERS[match.group("month")]
        if match.group("year"):
            return _valid(int(match.group("year")), month, day)
        for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
            value = _valid(year, month, day)
            if value is not None and value >= today.isoformat():
                return value
    return None


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _day_of_month(text: str, today: date) -> str | None:
    """"the twenty fifth": that day of this month, or of the next month it falls in."""
    day = parse_ordinal(text[len("the "):] if text.startswith("the ") else text)
    if day is None or not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(3):
        value = _valid(year, month, day)
        if value is not None and value >= today.isoformat():
            return value
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None
