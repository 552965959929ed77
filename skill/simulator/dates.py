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


def resolve_date(phrase: str, today: date, language: str = "en") -> str | None:
    """The AMAZON.DATE value for a normalised phrase, seen from ``today``; None if it is not a date."""
    if language == "de":
        return _resolve_german(phrase, today)
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


# -- German (de-DE): "heute", "gestern", "letzte Woche", "am Montag", "im Oktober", "am 3. Oktober" --------

DE_WEEKDAYS = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
DE_MONTHS = (
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
    "dezember",
)
_DE_MONTH_NUMBERS = {name: n for n, name in enumerate(DE_MONTHS, start=1)}
_DE_MONTH_NUMBERS.update({"jänner": 1, "maerz": 3, "jan": 1, "feb": 2, "aug": 8, "sept": 9, "okt": 10, "nov": 11,
                          "dez": 12})
_DE_SEASONS = {"winter": "WI", "frühling": "SP", "frühjahr": "SP", "sommer": "SU", "herbst": "FA"}
_DE_DAYS = {
    "heute": 0, "heute morgen": 0, "heute früh": 0, "heute mittag": 0, "heute nachmittag": 0, "heute abend": 0,
    "heute nacht": 0, "gestern": -1, "gestern morgen": -1, "gestern abend": -1, "gestern nachmittag": -1,
    "gestern nacht": -1, "vorgestern": -2, "morgen": 1, "übermorgen": 2,
}
_DE_STEP = {
    None: 0, "diese": 0, "dieser": 0, "diesen": 0, "dieses": 0, "diesem": 0, "kommende": 0, "kommenden": 0,
    "kommendes": 0,
    "letzte": -1, "letzten": -1, "letzter": -1, "letztes": -1, "letztem": -1, "vergangene": -1,
    "vergangenen": -1, "vergangener": -1, "vergangenes": -1, "vorige": -1, "vorigen": -1, "voriges": -1,
    "vorherige": -1, "vorherigen": -1,
    "nächste": 1, "nächsten": 1, "nächster": 1, "nächstes": 1,
}
_DE_LEADING = re.compile(r"^(?:(?:am|im|an|in|vom|von|seit|für|während|um|zum|zur|ab)\s+)?(?:(?:der|die|das|den|dem)\s+)?")
_DE_RELATIVE = re.compile(r"^(?:(\w+)\s+)?(\w+)$")
_DE_AGO = re.compile(r"^vor\s+(.+?)\s+(tag|tagen|woche|wochen)$")
_DE_DAY_MONTH = re.compile(r"^(?P<day>[\w.]+?)\.?\s+(?P<month>[a-zäöü]+)(?:\s+(?P<year>\d{4}))?$")


def _resolve_german(phrase: str, today: date) -> str | None:
    raw = " ".join(phrase.strip().lower().split())
    if raw in ("jetzt", "gerade", "gerade eben", "im moment"):
        return PRESENT_REF
    text = _DE_LEADING.sub("", raw, count=1)
    for resolve in (_iso, _german_named_day, _german_ago, _german_relative, _german_day_and_month):
        value = resolve(text, today)
        if value is not None:
            return value
    return None


def _german_named_day(text: str, today: date) -> str | None:
    if text in _DE_DAYS:
        return (today + timedelta(days=_DE_DAYS[text])).isoformat()
    if text in ("dieses jahrzehnt",):
        return f"{str(today.year)[:3]}X"
    return None


def _german_ago(text: str, today: date) -> str | None:
    match = _DE_AGO.match(text)
    if not match:
        return None
    from .numbers import parse_number as number

    count = number(match.group(1), "de")
    if count is None:
        return None
    unit = match.group(2)
    if unit.startswith("tag"):
        return (today - timedelta(days=count)).isoformat()
    return (today - timedelta(weeks=count)).isoformat()


def _german_relative(text: str, today: date) -> str | None:
    """Wochentage, Wochen, Wochenenden, Monate, Jahre und Jahreszeiten, mit diese / letzte / nächste oder allein."""
    match = _DE_RELATIVE.match(text)
    if not match or match.group(1) not in _DE_STEP:
        return None
    word, noun = match.group(1), match.group(2)
    step = _DE_STEP[word]
    english_word = {0: "this", -1: "last", 1: "next"}[step] if word is not None else None
    if noun in DE_WEEKDAYS:
        return _weekday(DE_WEEKDAYS.index(noun), english_word, today).isoformat()
    if noun == "wochenende":
        return iso_week(today + timedelta(weeks=step)) + "-WE"
    if noun == "woche" and word is not None:
        return iso_week(today + timedelta(weeks=step))
    if noun == "monat" and word is not None:
        month_index = today.year * 12 + today.month - 1 + step
        return f"{month_index // 12}-{month_index % 12 + 1:02d}"
    if noun == "jahr" and word is not None:
        return str(today.year + step)
    if noun in _DE_SEASONS:
        return f"{today.year + step}-{_DE_SEASONS[noun]}"
    if noun in _DE_MONTH_NUMBERS:
        return _month(_DE_MONTH_NUMBERS[noun], english_word, today)
    return None


def _german_day_and_month(text: str, today: date) -> str | None:
    """"3. oktober", "dritten oktober", "3 oktober 2026": a day, today or later when no year is said."""
    from .numbers import parse_ordinal as ordinal

    match = _DE_DAY_MONTH.match(text)
    if not match or match.group("month") not in _DE_MONTH_NUMBERS:
        return None
    day = ordinal(match.group("day"), "de")
    if day is None or not 1 <= day <= 31:
        return None
    month = _DE_MONTH_NUMBERS[match.group("month")]
    if match.group("year"):
        return _valid(int(match.group("year")), month, day)
    for year in range(today.year, today.year + 5):
        value = _valid(year, month, day)
        if value is not None and value >= today.isoformat():
            return value
    return None
