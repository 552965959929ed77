"""The message catalogue: every word the skill says, by key, per language."""

from __future__ import annotations

import functools
import json
import random
import string
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from importlib import resources
from typing import TYPE_CHECKING, Any

from .ssml import Ssml, escape

if TYPE_CHECKING:
    from ..periods import Period

DEFAULT_LANGUAGE = "en"
# Placeholders one locale may say in place of another's: "on the {day_ordinal} of {month}" (en-GB)
# where en-US says "on {month} {day}", "{hour24} Uhr" (de) where en-US says "{hour12} {meridiem}".
# Every date message gets both days, every clock message both hours.
INTERCHANGEABLE = {"day_ordinal": "day", "hour24": "hour12"}
# Placeholders a locale may leave out: a 24-hour clock ("20 Uhr", de) says no AM or PM.
OPTIONAL_PLACEHOLDERS = frozenset({"meridiem"})


class MissingMessage(KeyError):
    """A handler asked for a message key the catalogue does not have."""


@dataclass(frozen=True)
class Suggestion:
    id: str
    category: str
    text: str


@dataclass(frozen=True)
class Catalogue:
    """Messages (each a list of phrasings, or phrasings per plural form), names and suggestions."""

    language: str
    messages: dict[str, Any]
    names: dict[str, Any]
    categories: dict[str, str]
    suggestions: tuple[Suggestion, ...]

    def phrasings(self, key: str, count: int | None = None) -> list[str]:
        try:
            entry = self.messages[key]
        except KeyError:
            raise MissingMessage(key) from None
        if isinstance(entry, dict):
            entry = entry["one" if count == 1 else "other"]
        return [entry] if isinstance(entry, str) else list(entry)

    def placeholders(self, key: str) -> set[str]:
        """The ``{names}`` a message's phrasings use."""
        entry = self.messages[key]
        variants = entry.values() if isinstance(entry, dict) else [entry]
        found = set()
        for variant in variants:
            for phrasing in [variant] if isinstance(variant, str) else variant:
                found |= {name for _, name, _, _ in string.Formatter().parse(phrasing) if name}
        return found


def language_of(locale: str | None) -> str:
    return (locale or DEFAULT_LANGUAGE).split("-")[0].lower() or DEFAULT_LANGUAGE


def _read_json(name: str) -> dict[str, Any] | None:
    resource = resources.files("skill.speech").joinpath("catalogue", name)
    if not resource.is_file():
        return None
    return json.loads(resource.read_text(encoding="utf-8"))


def load_catalogue(locale: str | None) -> Catalogue:
    """The catalogue for a locale: its language's file, then any ``<locale>.json`` overrides."""
    language = language_of(locale)
    if not _has_file(f"{language}.json"):
        language = DEFAULT_LANGUAGE
    # Only locales with an overrides file get their own entry, so the cache stays
    # bounded whatever locale strings requests carry.
    override = locale if locale and _has_file(f"{locale}.json") else None
    return _load(language, override)


@functools.lru_cache(maxsize=32)
def _has_file(name: str) -> bool:
    if "/" in name or "\\" in name:
        return False
    try:
        return resources.files("skill.speech").joinpath("catalogue", name).is_file()
    except (OSError, ValueError):  # a name too long or otherwise impossible for the file system
        return False


def regional_overrides(locale: str) -> dict[str, Any]:
    """A locale's ``<locale>.json``: the messages, names and suggestion texts it says its own way."""
    return (_read_json(f"{locale}.json") if _has_file(f"{locale}.json") else None) or {}


@functools.lru_cache(maxsize=None)
def _load(language: str, override: str | None) -> Catalogue:
    base = _read_json(f"{language}.json")
    messages = dict(base["messages"])
    names = dict(base["names"])
    overrides = regional_overrides(override) if override else {}
    messages.update(overrides.get("messages", {}))
    names.update(overrides.get("names", {}))
    texts = overrides.get("suggestions", {})
    raw = _read_json(f"suggestions-{language}.json") or {"categories": {}}
    categories = {cid: c["name"] for cid, c in raw["categories"].items()}
    suggestions = tuple(
        Suggestion(id=s["id"], category=cid, text=texts.get(s["id"], s["text"]))
        for cid, c in raw["categories"].items()
        for s in c["suggestions"]
    )
    return Catalogue(language, messages, names, categories, suggestions)


def ordinal(day: int, language: str) -> str:
    """A day of the month as an ordinal the locale's voice reads aloud: "3rd" ("third"), German "3." ("dritte")."""
    if language != "en":
        return f"{day}."
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


class Speech:
    """Builds what the skill says from the catalogue, picking phrasings at random."""

    def __init__(self, catalogue: Catalogue, rng: random.Random):
        self.catalogue = catalogue
        self.rng = rng

    def say(self, key: str, count: int | None = None, **params: Any) -> Ssml:
        """A phrasing of ``key`` as SSML; every parameter is escaped unless it is Ssml already."""
        phrasing = self.rng.choice(self.catalogue.phrasings(key, count))
        values = {name: escape(value if isinstance(value, str) else str(value)) for name, value in params.items()}
        if count is not None:
            values.setdefault("count", escape(str(count)))
        return Ssml(phrasing.format(**values))

    def text(self, key: str, count: int | None = None, **params: Any) -> str:
        """A phrasing of ``key`` as plain text (for cards): nothing escaped."""
        phrasing = self.rng.choice(self.catalogue.phrasings(key, count))
        if count is not None:
            params.setdefault("count", count)
        return phrasing.format(**params)

    @staticmethod
    def join(*parts: str) -> Ssml:
        """Sentences one after another; every part must already be SSML."""
        return Ssml(" ".join(p for p in parts if p))

    def when(self, moment: datetime, now: datetime, zone: tzinfo, known: bool = True) -> str:
        """When something happened, in words: "earlier today", "on Tuesday", "on November 3".

        With the person's zone not ``known``, day words could contradict them
        (a glimmer from their yesterday evening can be "today" in UTC), so the
        time that has passed is said instead: "about nine hours ago".
        """
        if not known:
            return self.elapsed(now - moment)
        day = moment.astimezone(zone).date()
        today = now.astimezone(zone).date()
        days_ago = (today - day).days
        names = self.catalogue.names
        if days_ago <= 0:
            key, params = "WHEN_TODAY", {}
        elif days_ago == 1:
            key, params = "WHEN_YESTERDAY", {}
        elif days_ago < 7:
            key, params = "WHEN_WEEKDAY", {"weekday": names["weekdays"][day.weekday()]}
        else:
            params = self._date_params(day)
            key = "WHEN_DATE" if day.year == today.year or days_ago < 180 else "WHEN_DATE_YEAR"
        return self.catalogue.phrasings(key)[0].format(**params)

    def clock(self, at: time) -> str:
        """A time of day as it is said: "8 PM", "7:30 AM", "noon" (the catalogue's CLOCK_* formats)."""
        if at.minute == 0 and at.hour in (0, 12):
            return self.catalogue.phrasings("CLOCK_MIDNIGHT" if at.hour == 0 else "CLOCK_NOON")[0]
        meridiem = self.catalogue.phrasings("CLOCK_AM" if at.hour < 12 else "CLOCK_PM")[0]
        params = {"hour12": at.hour % 12 or 12, "hour24": at.hour, "minute": f"{at.minute:02d}", "meridiem": meridiem}
        return self.catalogue.phrasings("CLOCK_HOUR" if at.minute == 0 else "CLOCK_MINUTES")[0].format(**params)

    def _date_params(self, day: date) -> dict[str, Any]:
        """What a date message may say: the month's name, the day (also as an ordinal) and the year."""
        return {
            "month": self.catalogue.names["months"][day.month - 1],
            "day": day.day,
            "day_ordinal": ordinal(day.day, self.catalogue.language),
            "year": day.year,
        }

    def elapsed(self, gone: timedelta) -> str:
        """How long ago, in words that are true in every time zone: "about three hours ago", "about a week ago"."""
        hours = max(gone.total_seconds(), 0) / 3600
        days = hours / 24
        if hours < 1:
            key, count = "AGO_WITHIN_HOUR", None
        elif hours < 24:
            key, count = "AGO_HOURS", int(hours)
        elif days < 7:
            key, count = "AGO_DAYS", int(days)
        elif days < 56:
            key, count = "AGO_WEEKS", int(days // 7)
        elif days < 365:
            key, count = "AGO_MONTHS", max(2, int(days // 30))
        else:
            key, count = "AGO_YEARS", int(days // 365)
        phrasing = self.catalogue.phrasings(key, count)[0]
        return phrasing.format(count=self.number(count)) if count is not None else phrasing

    def number(self, count: int) -> str:
        """A small number as a word ("three"), larger ones in digits."""
        words = self.catalogue.names.get("numbers") or []
        return words[count] if 0 <= count < len(words) else str(count)

    def period(self, period: Period, today: date, latest_today: date | None = None) -> str:
        """A period in words, as it follows a verb: "yesterday", "last week", "in October".

        When today is not known exactly (it is some day from ``today`` to
        ``latest_today``), relative words are used only if they are right for
        every such day; otherwise the period is named by its date.
        """
        if latest_today is not None and latest_today != today:
            words = {self.period(period, day) for day in (today, latest_today)}
            if len(words) == 1:
                return words.pop()
            return self._absolute_period(period)
        names = self.catalogue.names
        start = period.start
        params: dict[str, Any] = {**self._date_params(start), "weekday": names["weekdays"][start.weekday()]}
        this_monday = today - timedelta(days=today.weekday())
        if period.kind == "day":
            days_ago = (today - start).days
            if days_ago == 0:
                key = "PERIOD_TODAY"
            elif days_ago == 1:
                key = "PERIOD_YESTERDAY"
            elif 1 < days_ago < 7:
                key = "PERIOD_WEEKDAY"
            else:
                key = "PERIOD_DATE" if start.year == today.year else "PERIOD_DATE_YEAR"
        elif period.kind == "week":
            key = {this_monday: "PERIOD_THIS_WEEK", this_monday - timedelta(days=7): "PERIOD_LAST_WEEK"}.get(
                start, "PERIOD_WEEK_OF"
            )
        elif period.kind == "weekend":
            this_saturday = this_monday + timedelta(days=5)
            if start == this_saturday or (start == this_saturday - timedelta(days=7) and today.weekday() < 5):
                key = "PERIOD_THIS_WEEKEND" if start == this_saturday else "PERIOD_LAST_WEEKEND"
            else:
                key = "PERIOD_WEEKEND_OF"
        elif period.kind == "month":
            if (start.year, start.month) == (today.year, today.month):
                key = "PERIOD_THIS_MONTH"
            else:
                recent = (today.year * 12 + today.month) - (start.year * 12 + start.month) < 12
                key = "PERIOD_MONTH" if recent else "PERIOD_MONTH_YEAR"
        elif period.kind == "year":
            key = "PERIOD_THIS_YEAR" if start.year == today.year else "PERIOD_YEAR"
        elif period.kind == "season":
            season = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}[start.month]
            key, params["season"] = "PERIOD_SEASON", names["seasons"][season]
        else:
            key, params["decade"] = "PERIOD_DECADE", start.year
        return self.catalogue.phrasings(key)[0].format(**params)

    def _absolute_period(self, period: Period) -> str:
        """A period named by its dates alone: "around November 30, 2026", "in the week of November 23"."""
        start = period.start
        params = self._date_params(start)
        key = {
            # Its bounds are a guess too (UTC's day): "around November 30, 2026".
            "day": "PERIOD_AROUND_DATE",
            "week": "PERIOD_WEEK_OF",
            "weekend": "PERIOD_WEEKEND_OF",
            "month": "PERIOD_MONTH_YEAR",
            "year": "PERIOD_YEAR",
        }.get(period.kind)
        if key is None:
            return self.period(period, start)
        return self.catalogue.phrasings(key)[0].format(**params)
