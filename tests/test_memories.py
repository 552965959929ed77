"""Memories: "what did I notice a year ago", "on this day last year", "a week ago today", and the launch greeting."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import load_request
from skill.handlers.memories import MEMORY_TOLD, day_that_long_ago
from skill.storage import JournalKey

LA = ZoneInfo("America/Los_Angeles")
DEVICE = load_request("launch")["context"]["System"]["device"]["deviceId"]
USER = load_request("launch")["context"]["System"]["user"]["userId"]
ME = JournalKey(USER)


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(timezone.utc)


@pytest.mark.parametrize(
    "today, unit, count, days",
    [
        (date(2026, 11, 30), "year", 1, [date(2025, 11, 30)]),
        (date(2026, 11, 30), "month", 1, [date(2026, 10, 30), date(2026, 10, 31)]),  # the last of November
        (date(2026, 11, 29), "month", 1, [date(2026, 10, 29)]),
        (date(2026, 11, 30), "week", 1, [date(2026, 11, 23)]),
        (date(2026, 11, 30), "week", 2, [date(2026, 11, 16)]),
        (date(2028, 2, 29), "year", 1, [date(2027, 2, 28)]),  # 29 February: the last day of February then
        (date(2029, 2, 28), "year", 1, [date(2028, 2, 28), date(2028, 2, 29)]),  # ... and back: both
        (date(2027, 3, 31), "month", 1, [date(2027, 2, 28)]),
        (date(2028, 3, 31), "month", 1, [date(2028, 2, 29)]),
        (date(2027, 1, 15), "month", 1, [date(2026, 12, 15)]),  # across a year
        (date(2026, 11, 30), "year", 3, [date(2023, 11, 30)]),
    ],
)
def test_the_day_that_long_ago(today, unit, count, days):
    period = day_that_long_ago(today, unit, count)
    assert [period.start + timedelta(days=n) for n in range((period.end - period.start).days)] == days


@pytest.fixture
def la_memories(alexa_api, clock, store):
    """Local late evenings in Los Angeles (the next day in UTC), and now a Monday morning there."""
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    for when, text in [
        ((2025, 11, 30, 23, 30), "a year ago tonight"),
        ((2025, 11, 29, 23, 30), "a year ago yesterday"),
        ((2026, 10, 30, 23, 30), "a month ago tonight"),
        ((2026, 11, 23, 23, 30), "a week ago tonight"),
        ((2026, 11, 24, 23, 30), "six days ago"),
    ]:
        store.add(ME, text, "en-US", at(LA, *when))
    clock.now = at(LA, 2026, 11, 30, 9, 0)
    return store


@pytest.mark.parametrize(
    "fixture, heard, not_heard, ago",
    [
        ("on_this_day", "a year ago tonight", ["a year ago yesterday", "a month ago"], "a year ago"),
        ("on_this_day_month", "a month ago tonight", ["a year ago", "a week ago"], "a month ago"),
        ("on_this_day_week", "a week ago tonight", ["six days ago", "a month ago"], "a week ago"),
        ("on_this_day_no_span", "a year ago tonight", ["a year ago yesterday"], "a year ago"),
    ],
)
def test_that_day_is_read_in_the_persons_own_zone(alexa, la_memories, fixture, heard, not_heard, ago):
    reply = alexa.say(fixture, new=False)
    assert heard in reply.speech, reply.speech
    for other in not_heard:
        assert other not in reply.speech
    assert ago in reply.speech.lower()
    assert not reply.ends_session


def test_nothing_that_day_is_answered_kindly(alexa, alexa_api, store, clock):
    store.add(ME, "something recent", "en-US", clock.now)
    reply = alexa.say("on_this_day", new=False)
    assert "nothing" in reply.speech.lower() or "don't see" in reply.speech
    assert "something recent" not in reply.speech and not reply.ends_session


def test_more_years_and_words_alexa_did_not_resolve(alexa, alexa_api, store, clock):
    store.add(ME, "two years back", "en-US", clock.now - timedelta(days=730))
    reply = alexa.say("on_this_day", new=False, span="two years")
    assert "two years back" in reply.speech and "two years ago" in reply.speech.lower()


def test_a_span_that_cannot_be_understood_is_asked_about(alexa):
    reply = alexa.say("on_this_day", new=False, span="ages")
    assert "a week, a month or a year" in reply.speech or "a week ago, a month ago, or a year ago" in reply.speech
    assert not reply.ends_session


def test_the_launch_greeting_mentions_a_glimmer_from_a_year_ago_once_a_day(alexa, la_memories, store, clock):
    first = alexa.send(load_request("launch"))
    assert "a year ago tonight" in first.speech
    assert store.meta(ME)[MEMORY_TOLD] == "2026-11-30"
    clock.advance(hours=3)
    again = alexa.send(load_request("launch"))
    assert "a year ago tonight" not in again.speech and "year" not in again.speech
    clock.now = at(LA, 2026, 12, 1, 9, 0)  # the next day: nothing from 1 December 2025
    assert "year" not in alexa.send(load_request("launch")).speech


def test_the_launch_greeting_says_nothing_of_a_year_ago_when_there_was_nothing(alexa, alexa_api, store, clock):
    store.add(ME, "last week", "en-US", clock.now - timedelta(days=7))
    reply = alexa.send(load_request("launch"))
    assert "year" not in reply.speech and MEMORY_TOLD not in store.meta(ME)
