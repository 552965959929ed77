"""AMAZON.DATE values ("2026-11-29", "2026-W48", "2026-W48-WE", "2026-11", ...) as periods of days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
PERIOD_KINDS = ("day", "week", "weekend", "month", "season", "year", "decade")


@dataclass(frozen=True)
class Period:
    """Local calendar days from ``start`` up to, not including, ``end``."""

    start: date
    end: date
    kind: str  # day, week, weekend, month, season, year, decade

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The period as aware datetimes in the person's zone (midnight to midnight)."""
        return (
            datetime.combine(self.start, time(), zone),
            datetime.combine(self.end, time(), zone),
        )

    def shifted(self, **delta: int) -> Period:
        return Period(self.start + timedelta(**delta), self.end + timedelta(**delta), self.kind)

    def a_year_earlier(self) -> Period:
        return Period(_year_earlier(self.start), _year_earlier(self.end), self.kind)


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _month(year: int, month: int, count: int = 1) -> tuple[date, date]:
    start = date(year, month, 1)
    months = year * 12 + month - 1 + count
    return start, date(months // 12, months % 12 + 1, 1)


def parse_amazon_date(value: str | None, today: date) -> Period | None:
    """The period an AMAZON.DATE value names, as Alexa sends it; None if it is not one."""
    if not value:
        return None
    text = value.strip().upper()
    try:
        if text == "PRESENT_REF":
            return Period(today, today + timedelta(days=1), "day")
        if m := re.fullmatch(r"(\d{4}|XXXX)-(\d{2})-(\d{2})", text):
            year = today.year if m[1] == "XXXX" else int(m[1])
            day = date(year, int(m[2]), int(m[3]))
            return Period(day, day + timedelta(days=1), "day")
        if m := re.fullmatch(r"(\d{4})-W(\d{1,2})(-WE)?", text):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3]:
                return Period(monday + timedelta(days=5), monday + timedelta(days=7), "weekend")
            return Period(monday, monday + timedelta(days=7), "week")
        if m := re.fullmatch(r"(\d{4}|XXXX)-(\d{2})", text):
            year = today.year if m[1] == "XXXX" else int(m[1])
            return Period(*_month(year, int(m[2])), "month")
        if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", text):
            return Period(*_month(int(m[1]), SEASON_MONTHS[m[2]], 3), "season")
        if m := re.fullmatch(r"(\d{4})", text):
            return Period(date(int(m[1]), 1, 1), date(int(m[1]) + 1, 1, 1), "year")
        if m := re.fullmatch(r"(\d{3})X", text):
            decade = int(m[1]) * 10
            return Period(date(decade, 1, 1), date(decade + 10, 1, 1), "decade")
    except ValueError:  # impossible dates such as 2026-02-30 or week 60
        return None
    return None


def toward_the_past(period: Period, today: date) -> Period:
    """Read "on Monday" or "in October" as the last one, not the next.

    Alexa resolves a date without a year, or a bare weekday, to the next one
    ahead; someone asking a journal what they noticed means the one behind.
    """
    if period.start <= today:
        return period
    if period.kind == "day":
        return period.shifted(days=-7) if (period.start - today).days <= 7 else period.a_year_earlier()
    if period.kind in ("week", "weekend"):
        return period.shifted(days=-7) if period.kind == "weekend" else period
    if period.kind in ("month", "season"):
        return period.a_year_earlier()
    return period
