"""AMAZON.DATE: each way of saying a date becomes the value Alexa sends, seen from a fixed today."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from skill.simulator.dates import resolve_date
from skill.simulator.model import load_model
from skill.simulator.resolver import Resolver

# Monday 30 November 2026 (ISO week 49), the day the request fixtures were written.
TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    "said, value",
    [
        ("today", "2026-11-30"),
        ("tonight", "2026-11-30"),
        ("yesterday", "2026-11-29"),
        ("the day before yesterday", "2026-11-28"),
        ("tomorrow", "2026-12-01"),
        ("right now", "PRESENT_REF"),
        ("two days ago", "2026-11-28"),
        ("a week ago", "2026-11-23"),
    ],
)
def test_named_days_are_full_dates(said, value):
    assert resolve_date(said, TODAY) == value


@pytest.mark.parametrize(
    "said, value",
    [
        # Like Alexa, a weekday on its own is today or the next one to come.
        ("monday", "2026-11-30"),
        ("sunday", "2026-12-06"),
        ("this friday", "2026-12-04"),
        ("on tuesday", "2026-12-01"),
        ("next monday", "2026-12-07"),
        ("last monday", "2026-11-23"),
        ("last sunday", "2026-11-29"),
    ],
)
def test_weekdays(said, value):
    assert resolve_date(said, TODAY) == value


@pytest.mark.parametrize(
    "said, value",
    [
        ("this week", "2026-W49"),
        ("last week", "2026-W48"),
        ("next week", "2026-W50"),
        ("this weekend", "2026-W49-WE"),
        ("last weekend", "2026-W48-WE"),
    ],
)
def test_weeks_and_weekends_are_iso_weeks(said, value):
    assert resolve_date(said, TODAY) == value


@pytest.mark.parametrize(
    "said, value",
    [
        ("this month", "2026-11"),
        ("last month", "2026-10"),
        ("next month", "2026-12"),
        ("november", "2026-11"),
        ("in december", "2026-12"),
        # A month already past this year is next year's, as Alexa hears it...
        ("october", "2027-10"),
        ("in october", "2027-10"),
        # ...unless the person says "last".
        ("last october", "2026-10"),
        ("this october", "2026-10"),
    ],
)
def test_months_are_year_and_month(said, value):
    assert resolve_date(said, TODAY) == value


@pytest.mark.parametrize(
    "said, value",
    [
        ("this year", "2026"),
        ("last year", "2025"),
        ("this summer", "2026-SU"),
        ("this decade", "202X"),
    ],
)
def test_years_seasons_and_decades(said, value):
    assert resolve_date(said, TODAY) == value


@pytest.mark.parametrize(
    "said, value",
    [
        ("december twenty fifth", "2026-12-25"),
        ("december 25th", "2026-12-25"),
        ("the 3rd of december", "2026-12-03"),
        ("november thirtieth", "2026-11-30"),
        ("november twenty fifth", "2027-11-25"),  # already past: next year's
        ("the twenty fifth", "2026-12-25"),
        ("march 1 2026", "2026-03-01"),
    ],
)
def test_month_and_day(said, value):
    assert resolve_date(said, TODAY) == value


@pytest.mark.parametrize(
    "said, value",
    [("2026-11-03", "2026-11-03"), ("2026-11", "2026-11"), ("2026-w48", "2026-W48"), ("2026-w48-we", "2026-W48-WE")],
)
def test_iso_dates_pass_through(said, value):
    assert resolve_date(said, TODAY) == value


@pytest.mark.parametrize("said", ["banana", "february thirtieth", "2026-13-01", "2026-02-30", "week", "the sky"])
def test_words_that_are_not_dates_are_refused(said):
    assert resolve_date(said, TODAY) is None


def test_a_date_slot_is_resolved_in_the_devices_time_zone():
    resolver = Resolver(load_model("en-US"))
    # 06:00 UTC on 30 November is still 29 November in Los Angeles.
    now = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)
    from zoneinfo import ZoneInfo

    la_today = now.astimezone(ZoneInfo("America/Los_Angeles")).date()
    berlin_today = now.astimezone(ZoneInfo("Europe/Berlin")).date()
    in_la = resolver.understand("what did i notice yesterday", la_today)
    in_berlin = resolver.understand("what did i notice yesterday", berlin_today)
    assert in_la.slots["date"].value == "2026-11-28"
    assert in_berlin.slots["date"].value == "2026-11-29"
