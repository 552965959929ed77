"""Expectations by catalogue key: what a locale's skill says, whichever phrasing it picked.

The conversation tests run once per locale; instead of literal English they
ask whether a reply says one of the phrasings of a message key in that
locale's catalogue, with the given values filled in (any other placeholder
matches any words).
"""

from __future__ import annotations

import random
import re
import string
from datetime import date, datetime, timedelta, timezone

from skill.speech import Speech, load_catalogue, to_plain_text
from skill.speech.ssml import escape


def _pattern(phrasing: str, params: dict) -> str:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(phrasing):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(re.escape(str(params[name])) if name in params else ".+?")
    return "".join(parts)


def phrasings(locale: str, key: str, count: int | None = None) -> list[str]:
    # What Alexa says is SSML made plain: the catalogue's own entities read as their characters.
    return [to_plain_text(p) for p in load_catalogue(locale).phrasings(key, count)]


def says(text: str, locale: str, key: str, count: int | None = None, **params) -> bool:
    """Whether ``text`` contains one of the phrasings of ``key`` (for ``count``) with ``params`` filled in."""
    if count is not None:
        params.setdefault("count", count)
    return any(re.search(_pattern(p, params), text) for p in phrasings(locale, key, count))


def words(locale: str, key: str, count: int | None = None, **params) -> str:
    """The first phrasing of a key that has one (dates, "earlier today"), filled in."""
    if count is not None:
        params.setdefault("count", count)
    return load_catalogue(locale).phrasings(key, count)[0].format(**params)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def when(locale: str, day: date, today: date) -> str:
    """How the locale says when something was noted on ``day``, seen from ``today`` (zone known, UTC)."""
    speech = Speech(load_catalogue(locale), random.Random(0))
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)
    now = datetime(today.year, today.month, today.day, 18, tzinfo=timezone.utc)
    return speech.when(noon, now, timezone.utc)


def read_item(locale: str, when_words: str, glimmer: str) -> str:
    return words(locale, "READ_ITEM", when=capitalised(when_words), glimmer=glimmer)


def card_item(locale: str, when_words: str, glimmer: str) -> str:
    return words(locale, "CARD_READ_ITEM", when=capitalised(when_words), glimmer=glimmer)


__all__ = ["says", "words", "when", "read_item", "card_item", "capitalised", "escape", "timedelta", "phrasings"]
