"""``glimmers chat`` end to end for correcting, searching and memories (scripts in tests/scripts/)."""

from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from skill.handlers.memories import day_that_long_ago
from skill.simulator.envelopes import SAMPLE_USER_ID
from skill.storage import JournalKey, TinyDBStore
from test_chat import SCRIPTS, journal, run_chat, said, sent_requests, turns

LA = ZoneInfo("America/Los_Angeles")  # run_chat's --timezone


def test_a_misheard_glimmer_is_put_right_three_ways(data_dir):
    result = run_chat(data_dir, "--json", script=SCRIPTS / "correct_a_misheard_glimmer.txt")
    assert result.exit_code == 0, result.output
    _, recorded, no_i_said, asked, answered, changed, read, stop = turns(result.stdout)
    assert "a rainbow over the parking lot" in said(recorded)
    assert "a rainbow over the car park" in said(no_i_said)
    assert said(asked).endswith("?") and not asked["ended"]
    assert "a double rainbow over the car park" in said(answered)
    assert "the smell of fresh rain" in said(changed)
    assert "the smell of fresh rain" in said(read) and "rainbow" not in said(read)
    assert stop["ended"]
    assert journal(data_dir) == ["the smell of fresh rain"]  # one glimmer, changed three times
    requests = sent_requests(result.stdout)
    names = [r["request"].get("intent", {}).get("name") for r in requests]
    assert names[1:6] == ["RecordGlimmerIntent"] + ["ChangeLastGlimmerIntent"] * 4
    elicited, answer = requests[3]["request"], requests[4]["request"]
    assert "value" not in elicited["intent"]["slots"]["glimmer"] and elicited["dialogState"] == "STARTED"
    assert answer["intent"]["slots"]["glimmer"]["value"] == "a double rainbow over the car park"
    assert answer["dialogState"] == "IN_PROGRESS"


def test_search_pages_with_more_and_offers_a_suggestion_when_nothing_is_found(data_dir):
    result = run_chat(data_dir, "--json", script=SCRIPTS / "search_glimmers.txt")
    assert result.exit_code == 0, result.output
    *_, found, more, none, suggestion, asked, rain, stop = turns(result.stdout)
    page = said(found)
    assert page.index("the birds at the feeder") < page.index("a bird bathing") < page.index("a bird on the fence")
    assert "two birds singing" in said(more) and "birdsong" not in page + said(more)
    assert "the sea" in said(none) and said(none).endswith("?")
    assert suggestion["card"].startswith("A glimmer to notice")
    assert said(asked).endswith("?") and "rain on the pavement" in said(rain)
    assert stop["ended"]
    topics = [r["request"]["intent"]["slots"].get("topic", {}).get("value") for r in sent_requests(result.stdout)
              if r["request"].get("intent", {}).get("name") == "SearchGlimmersIntent"]
    assert topics == ["birds", "the sea", None, "rain"]


def test_memories_from_a_year_a_month_and_a_week_ago(data_dir):
    store = TinyDBStore(data_dir)
    today = datetime.now(LA).date()
    for unit, text in (("year", "the first snow last winter"), ("month", "a red leaf"), ("week", "warm soup")):
        day = day_that_long_ago(today, unit).start
        store.add(JournalKey(SAMPLE_USER_ID), text, "en-US", datetime.combine(day, time(12), LA).astimezone(timezone.utc))
    result = run_chat(data_dir, script=SCRIPTS / "memories.txt")
    assert result.exit_code == 0, result.output
    opened, year, last_year, month, week, stop = turns(result.stdout)
    assert "the first snow last winter" in said(opened)  # the greeting mentions a year ago, once today
    assert "the first snow last winter" in said(year) and "a red leaf" not in said(year)
    assert "the first snow last winter" in said(last_year)
    assert "a red leaf" in said(month) and "warm soup" not in said(month)
    assert "warm soup" in said(week) and "a red leaf" not in said(week)
    again = run_chat(data_dir, script="open glimmer journal\n")
    assert "the first snow last winter" not in said(turns(again.stdout)[0])
