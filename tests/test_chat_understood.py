"""``glimmers chat`` end to end for correcting, searching and memories (scripts in tests/scripts/)."""

from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from skill.handlers.memories import day_that_long_ago
from skill.simulator.envelopes import SAMPLE_USER_ID
from skill.storage import JournalKey, TinyDBStore
from skill.speech import load_catalogue
from test_chat import journal, locale, run_chat, said, scripts_for, sent_requests, texts, turns  # noqa: F401 (locale: a fixture)

LA = ZoneInfo("America/Los_Angeles")  # run_chat's --timezone


def test_a_misheard_glimmer_is_put_right_three_ways(data_dir, locale):
    t = texts(locale)
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "correct_a_misheard_glimmer.txt", locale=locale)
    assert result.exit_code == 0, result.output
    _, recorded, no_i_said, asked, answered, changed, read, stop = turns(result.stdout)
    assert t["rainbow"] in said(recorded)
    assert t["rainbow_fixed"] in said(no_i_said)
    assert said(asked).endswith("?") and not asked["ended"]
    assert t["rainbow_double"] in said(answered)
    assert t["fresh_rain"] in said(changed)
    assert t["fresh_rain"] in said(read) and t["rainbow_word"] not in said(read)
    assert stop["ended"]
    assert journal(data_dir) == [t["fresh_rain"]]  # one glimmer, changed three times
    requests = sent_requests(result.stdout)
    names = [r["request"].get("intent", {}).get("name") for r in requests]
    assert names[1:6] == ["RecordGlimmerIntent"] + ["ChangeLastGlimmerIntent"] * 4
    elicited, answer = requests[3]["request"], requests[4]["request"]
    assert "value" not in elicited["intent"]["slots"]["glimmer"] and elicited["dialogState"] == "STARTED"
    assert answer["intent"]["slots"]["glimmer"]["value"] == t["rainbow_double"]
    assert answer["dialogState"] == "IN_PROGRESS"


def test_search_pages_with_more_and_offers_a_suggestion_when_nothing_is_found(data_dir, locale):
    t = texts(locale)
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "search_glimmers.txt", locale=locale)
    assert result.exit_code == 0, result.output
    *_, found, more, none, suggestion, asked, rain, stop = turns(result.stdout)
    page = said(found)
    assert page.index(t["found_newest"]) < page.index(t["found_middle"]) < page.index(t["found_oldest"])
    assert t["found_more"] in said(more) and t["not_found"] not in page + said(more)
    assert t["sea"] in said(none) and said(none).endswith("?")
    assert suggestion["card"].startswith(load_catalogue(locale).phrasings("CARD_SUGGEST_TITLE")[0])
    assert said(asked).endswith("?") and t["rain_found"] in said(rain)
    assert stop["ended"]
    topics = [r["request"]["intent"]["slots"].get("topic", {}).get("value") for r in sent_requests(result.stdout)
              if r["request"].get("intent", {}).get("name") == "SearchGlimmersIntent"]
    assert topics == t["topics"]


def test_memories_from_a_year_a_month_and_a_week_ago(data_dir, locale):
    t = texts(locale)
    store = TinyDBStore(data_dir)
    today = datetime.now(LA).date()
    for unit, text in (("year", t["memory_year"]), ("month", t["memory_month"]), ("week", t["memory_week"])):
        day = day_that_long_ago(today, unit).start
        store.add(JournalKey(SAMPLE_USER_ID), text, locale, datetime.combine(day, time(12), LA).astimezone(timezone.utc))
    result = run_chat(data_dir, script=scripts_for(locale) / "memories.txt", locale=locale)
    assert result.exit_code == 0, result.output
    opened, year, last_year, month, week, stop = turns(result.stdout)
    assert t["memory_year"] in said(opened)  # the greeting mentions a year ago, once today
    assert t["memory_year"] in said(year) and t["memory_month"] not in said(year)
    assert t["memory_year"] in said(last_year)
    assert t["memory_month"] in said(month) and t["memory_week"] not in said(month)
    assert t["memory_week"] in said(week) and t["memory_month"] not in said(week)
    again = run_chat(data_dir, script=f"{t['open']}\n", locale=locale)
    assert t["memory_year"] not in said(turns(again.stdout)[0])
