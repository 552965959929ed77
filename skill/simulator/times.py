"""AMAZON.TIME: what a person says for a time of day, and the value Alexa sends for it.

Alexa sends a clock time as ``HH:MM`` (24-hour: "8 pm" is ``20:00``; a bare
"eight" is ``08:00``), and a part of the day as ``MO`` (morning), ``AF``
(afternoon), ``EV`` (evening) or ``NI`` (night). Phrases arrive normalised
(lower case, no punctuation: "8:30 p.m." is "8 30 p m").
"""

from __future__ import annotations

import re

from .numbers import parse_number

PARTS_OF_DAY = {
    "morning": "MO", "the morning": "MO", "in the morning": "MO", "mornings": "MO", "this morning": "MO",
    "afternoon": "AF", "the afternoon": "AF", "in the afternoon": "AF", "afternoons": "AF", "this afternoon": "AF",
    "evening": "EV", "the evening": "EV", "in the evening": "EV", "evenings": "EV", "this evening": "EV",
    "tonight": "EV",
    "night": "NI", "at night": "NI", "nights": "NI", "the night": "NI",
}
NAMED = {"noon": "12:00", "midday": "12:00", "twelve noon": "12:00", "12 noon": "12:00", "midnight": "00:00"}
# Words after a time that say which half of the day it is in: True for after noon.
AFTER_NOON = {
    "pm": True, "p m": True, "in the afternoon": True, "in the evening": True, "at night": True, "tonight": True,
    "this evening": True, "this afternoon": True,
    "am": False, "a m": False, "in the morning": False, "this morning": False,
}
_HALF = re.compile(r"^(?P<kind>half|quarter|a quarter) (?P<way>past|after|to) (?P<hour>.+)$")


def resolve_time(phrase: str, language: str = "en") -> str | None:
    """The AMAZON.TIME value for a normalised phrase; None if it is not a time of day."""
    if language == "de":
        return _resolve_german(phrase)
    text = " ".join(phrase.lower().split())
    for lead in ("at ", "around ", "about ", "for "):
        text = text.removeprefix(lead)
    if text in PARTS_OF_DAY:
        return PARTS_OF_DAY[text]
    if text in NAMED:
        return NAMED[text]
    text = re.sub(r"^(\d{1,2})(am|pm)$", r"\1 \2", text)
    half = None
    for words, after in sorted(AFTER_NOON.items(), key=lambda item: -len(item[0])):
        if text.endswith(" " + words):
            half = after
            text = text[: -len(words) - 1].strip()
            break
    text = text.removesuffix(" o'clock").removesuffix(" oclock").strip()
    clock = _clock(text)
    if clock is None:
        return None
    hour, minute = clock
    if half is not None:
        if hour == 0 or hour > 12:
            return None  # "fifteen pm" is no time
        hour = hour % 12 + (12 if half else 0)
    return f"{hour:02d}:{minute:02d}"


def _clock(text: str) -> tuple[int, int] | None:
    """(hour, minute) for "8", "eight", "8 30", "eight thirty", "seven oh five", "half past eight"."""
    if not text:
        return None
    match = _HALF.match(text)
    if match:
        hour = _hour(match.group("hour"))
        if hour is None:
            return None
        minutes = 30 if match.group("kind") == "half" else 15
        if match.group("way") == "to":
            if minutes == 30:
                return None
            return (hour - 1) % 24, 45
        return hour, minutes
    words = text.split()
    for cut in range(1, len(words) + 1):
        hour = _hour(" ".join(words[:cut]))
        if hour is None:
            continue
        rest = " ".join(words[cut:])
        if not rest:
            return hour, 0
        minute = _minute(rest)
        if minute is not None:
            return hour, minute
    return None


def _hour(text: str) -> int | None:
    if not re.fullmatch(r"\d{1,2}|[a-z]+(?: [a-z]+)?", text):
        return None
    number = parse_number(text)
    return number if number is not None and 0 <= number <= 23 else None


def _minute(text: str) -> int | None:
    text = text.removeprefix("oh ").removeprefix("o ")
    if re.fullmatch(r"\d{2}", text):
        number = int(text)
    elif re.fullmatch(r"[a-z]+(?: [a-z]+)?", text):
        number = parse_number(text)
    else:
        return None
    return number if number is not None and 0 <= number <= 59 else None


# -- German (de-DE): "um acht", "um 20 Uhr", "um halb acht", "abends um acht", "morgens" ---------------

DE_PARTS_OF_DAY = {
    "morgens": "MO", "am morgen": "MO", "früh": "MO", "frühmorgens": "MO", "vormittags": "MO", "am vormittag": "MO",
    "jeden morgen": "MO", "nachmittags": "AF", "am nachmittag": "AF", "jeden nachmittag": "AF",
    "abends": "EV", "am abend": "EV", "heute abend": "EV", "jeden abend": "EV",
    "nachts": "NI", "in der nacht": "NI", "jede nacht": "NI",
}
DE_NAMED = {"mittag": "12:00", "mittags": "12:00", "zwölf uhr mittags": "12:00", "mitternacht": "00:00"}
# Words before or after a time that say which half of the day it is in: True for after noon.
DE_AFTER_NOON = {
    "abends": True, "am abend": True, "nachmittags": True, "am nachmittag": True, "nachts": True,
    "in der nacht": True, "heute abend": True,
    "morgens": False, "am morgen": False, "früh": False, "vormittags": False, "am vormittag": False,
}
_DE_QUARTER = re.compile(r"^(?:(?P<half>halb)|(?P<past>viertel nach)|(?P<to>viertel vor|dreiviertel)) (?P<hour>.+)$")


def _resolve_german(phrase: str) -> str | None:
    text = " ".join(phrase.lower().split())
    for lead in ("um ", "gegen ", "ab ", "für ", "so um ", "etwa um "):
        text = text.removeprefix(lead)
    if text in DE_PARTS_OF_DAY:
        return DE_PARTS_OF_DAY[text]
    if text in DE_NAMED:
        return DE_NAMED[text]
    half = None
    for words, after in sorted(DE_AFTER_NOON.items(), key=lambda item: -len(item[0])):
        if text.endswith(" " + words):
            half, text = after, text[: -len(words) - 1].strip()
            break
        if text.startswith(words + " um "):
            half, text = after, text[len(words) + 4:].strip()
            break
    clock = _german_clock(text)
    if clock is None:
        return None
    hour, minute = clock
    if half is not None and hour <= 12:
        if half and not (hour < 5 and text):  # "zwei Uhr nachts" is 2:00, "elf Uhr nachts" 23:00
            hour = hour % 12 + 12
        elif not half:
            hour = hour % 12
    return f"{hour:02d}:{minute:02d}"


def _german_clock(text: str) -> tuple[int, int] | None:
    """(hour, minute) for "acht", "8 uhr", "20 uhr 30", "acht uhr dreißig", "halb acht", "viertel nach sieben"."""
    if not text:
        return None
    match = _DE_QUARTER.match(text)
    if match:
        hour = _german_hour(match.group("hour").removesuffix(" uhr"))
        if hour is None:
            return None
        if match.group("past"):
            return hour, 15
        return (hour - 1) % 24, 30 if match.group("half") else 45
    words = text.replace(" uhr", "").split() if " uhr" in text or text.endswith("uhr") else text.split()
    words = [w for w in words if w != "uhr"]
    for cut in range(1, len(words) + 1):
        hour = _german_hour(" ".join(words[:cut]))
        if hour is None:
            continue
        rest = " ".join(words[cut:])
        if not rest:
            return hour, 0
        minute = _german_minute(rest)
        if minute is not None:
            return hour, minute
    return None


def _german_hour(text: str) -> int | None:
    if not re.fullmatch(r"\d{1,2}|[a-zäöüß]+", text):
        return None
    number = parse_number(text, "de")
    return number if number is not None and 0 <= number <= 24 and not (number == 24) else None


def _german_minute(text: str) -> int | None:
    if re.fullmatch(r"\d{1,2}", text):
        number = int(text)
    elif re.fullmatch(r"[a-zäöüß]+(?: [a-zäöüß]+)?", text):
        number = parse_number(text, "de")
    else:
        return None
    return number if number is not None and 0 <= number <= 59 else None
