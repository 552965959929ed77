"""A journal that knows time, people and progress: zones, dates, streaks, deletion, grounding, profiles."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import load_request
from skill.storage import JournalKey

LA = ZoneInfo("America/Los_Angeles")
DEVICE = load_request("launch")["context"]["System"]["device"]["deviceId"]
USER = load_request("launch")["context"]["System"]["user"]["userId"]
ME = JournalKey(USER)


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(timezone.utc)


# -- the user's own time --------------------------------------------------


def test_a_late_evening_glimmer_is_yesterday_the_next_morning_in_the_users_zone(alexa, alexa_api, clock, store):
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    store.add(ME, "the porch light at dusk", "en-US", at(LA, 2026, 11, 29, 23, 30))
    clock.now = at(LA, 2026, 11, 30, 8, 0)  # the same UTC day as the glimmer
    assert clock.now.date() == store.glimmers(ME)[0].created_at.date()
    reply = alexa.say("read_glimmers")
    assert "Yesterday, the porch light at dusk" in reply.speech
    assert alexa_api.requests and alexa_api.requests[0][1] == "Bearer sample.api.access.token"


@pytest.mark.parametrize("failure", ["slow", "error", "hang", "garbage", "refused"])
def test_when_the_settings_api_fails_and_no_zone_was_ever_known_the_answer_cannot_contradict(
    alexa, alexa_api, clock, store, failure
):
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    alexa_api.behaviour[DEVICE] = failure
    store.add(ME, "the porch light at dusk", "en-US", at(LA, 2026, 11, 29, 23, 30))
    clock.now = at(LA, 2026, 11, 30, 8, 0)
    envelope = load_request("read_glimmers")
    if failure == "refused":
        envelope["context"]["System"]["apiEndpoint"] = "http://127.0.0.1:9"  # nothing listens there
    reply = alexa.send(envelope)
    # In UTC this was "earlier today"; in Los Angeles it was yesterday. Only the time gone by is true in both.
    assert "About eight hours ago, the porch light at dusk" in reply.speech
    assert "today" not in reply.speech.lower() and "yesterday" not in reply.speech.lower()


def test_the_zone_is_cached_per_device(alexa, alexa_api, clock, store):
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    store.add(ME, "a moment", "en-US", clock.now)
    for _ in range(3):
        alexa.send(load_request("read_glimmers"))
    assert len(alexa_api.requests) == 1
    alexa.send(load_request("read_glimmers", device="amzn1.ask.device.ANOTHER"))
    assert len(alexa_api.requests) == 2


def test_handlers_that_do_not_speak_of_days_do_not_ask_for_the_zone(alexa, alexa_api):
    alexa.send(load_request("help"))
    alexa.send(load_request("record_glimmer"))
    assert alexa_api.requests == []


# -- asking by date -------------------------------------------------------


@pytest.fixture
def la_journal(alexa_api, clock, store):
    """Glimmers at local evening times in Los Angeles around the end of November 2026."""
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    for day, text in [(3, "early november"), (21, "weekend before"), (23, "monday walk"), (28, "saturday soup"),
                      (29, "sunday nap")]:
        store.add(ME, text, "en-US", at(LA, 2026, 11, day, 23, 30))
    store.add(ME, "october leaves", "en-US", at(LA, 2026, 10, 31, 23, 30))
    clock.now = at(LA, 2026, 11, 30, 9, 0)  # Monday morning
    return store


@pytest.mark.parametrize(
    "value, heard, not_heard",
    [
        ("2026-11-29", ["sunday nap"], ["saturday soup"]),
        ("2026-11-23", ["monday walk"], ["sunday nap"]),
        ("2026-W48", ["sunday nap", "saturday soup", "monday walk"], ["weekend before"]),
        ("2026-W48-WE", ["sunday nap", "saturday soup"], ["monday walk"]),
        ("2026-W47-WE", ["weekend before"], ["sunday nap"]),
        ("2026-11", ["sunday nap", "monday walk", "early november"], ["october leaves"]),
        ("2026-10", ["october leaves"], ["early november"]),
        ("2027-10", ["october leaves"], ["early november"]),  # "in October" said in November
        ("2026-12-06", ["sunday nap"], ["saturday soup"]),  # "on Sunday" resolved to the next one
    ],
)
def test_each_date_form_reads_what_falls_in_that_period_in_the_users_zone(alexa, la_journal, value, heard, not_heard):
    reply = alexa.say("glimmers_by_date", date=value)
    text = reply.speech + " " + (alexa.say("more").speech if reply.attributes.get("question") else "")
    for glimmer in heard:
        assert glimmer in text, (value, glimmer)
    for glimmer in not_heard:
        assert glimmer not in text, (value, glimmer)


def test_a_date_query_has_a_card_listing_the_glimmers_with_dates(alexa, la_journal):
    reply = alexa.say("glimmers_by_date", date="2026-11-29")
    assert "Yesterday: sunday nap" in reply.card["content"]


def test_year_and_present_ref_forms(alexa, la_journal):
    this_year = alexa.say("glimmers_by_date", date="2026")
    assert "this year" in this_year.speech
    today = alexa.say("glimmers_by_date", date="PRESENT_REF")
    assert "today" in today.speech and "sunday nap" not in today.speech


def test_a_period_with_no_glimmers_is_answered_kindly(alexa, la_journal):
    reply = alexa.say("glimmers_by_date", date="2026-11-25")
    assert "on Wednesday" in reply.speech
    assert re.search(r"don't see|aren't any|couldn't find", reply.speech)


def test_a_future_period_says_it_has_not_happened_yet(alexa, la_journal):
    reply = alexa.say("glimmers_by_date", date="2026-W50")
    assert "yet" in reply.speech


def test_without_a_date_the_skill_asks_which_day(alexa):
    reply = alexa.say("glimmers_by_date_no_date")
    assert reply.directives[0]["type"] == "Dialog.ElicitSlot" and reply.directives[0]["slotToElicit"] == "date"


def test_date_read_back_pages_with_more(alexa, alexa_api, clock, store):
    for hour in range(7):
        store.add(ME, f"moment number {hour}", "en-US", datetime(2026, 11, 29, 10 + hour, tzinfo=timezone.utc))
    first = alexa.say("glimmers_by_date", date="2026-11-29")
    assert [int(n) for n in re.findall(r"moment number (\d)", first.speech)] == [6, 5, 4]
    second = alexa.say("more")
    assert [int(n) for n in re.findall(r"moment number (\d)", second.speech)] == [3, 2, 1]


# -- counts and progress --------------------------------------------------


def test_count_in_total_and_this_week(alexa, la_journal):
    total = alexa.say("count_glimmers")
    assert "6 glimmers" in total.speech
    week = alexa.say("count_glimmers", date="2026-W48")
    assert "3 glimmers last week" in week.speech
    assert "3 glimmers last week" in week.card["content"]


def test_count_of_nothing_is_gentle(alexa):
    reply = alexa.say("count_glimmers")
    assert "okay" in reply.speech.lower() or "try" in reply.speech.lower()


def streak_days(store, zone, days):
    for day in days:
        store.add(ME, f"glimmer on {day}", "en-US", datetime.combine(day, datetime.min.time(), zone).replace(hour=21))


def test_streak_counts_consecutive_local_days_across_a_month_end_and_a_dst_change(alexa, alexa_api, clock, store):
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    from datetime import date

    # US clocks went back on Sunday 1 November 2026; 21:00 local is a different UTC day from 29 October on.
    streak_days(store, LA, [date(2026, 10, 29), date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)])
    clock.now = at(LA, 2026, 11, 2, 22, 0)
    reply = alexa.say("streak")
    assert "5 days in a row" in reply.speech


def test_a_streak_up_to_yesterday_is_still_alive_and_encouraged(alexa, alexa_api, clock, store):
    from datetime import date

    streak_days(store, timezone.utc, [date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)])
    clock.now = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)
    reply = alexa.say("streak")
    assert "3 days in a row" in reply.speech and "4" in reply.speech


def test_a_broken_streak_is_never_scolded(alexa, clock, store):
    from datetime import date

    streak_days(store, timezone.utc, [date(2026, 11, 20), date(2026, 11, 21)])
    clock.now = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)
    reply = alexa.say("streak")
    assert "fresh start" in reply.speech or "good day" in reply.speech or "okay" in reply.speech
    assert not re.search(r"broke|lost|missed|failed", reply.speech, re.I)
    launch = alexa.say("launch")
    assert not re.search(r"broke|lost|missed|failed|in a row", launch.speech, re.I)


def test_launch_mentions_a_streak_that_includes_today(alexa, clock, store):
    from datetime import date

    streak_days(store, timezone.utc, [date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)])
    clock.now = datetime(2026, 11, 30, 22, tzinfo=timezone.utc)
    reply = alexa.say("launch")
    assert "3 days in a row" in reply.speech


# -- grounding and being a glimmer ----------------------------------------


def test_grounding_reads_one_to_three_own_glimmers_slowly_then_invites_noticing(alexa, store):
    from skill.speech import load_catalogue

    catalogue = load_catalogue("en-US")
    for n in range(6):
        store.add(ME, f"safe moment {n}", "en-US", datetime(2026, 11, 20 + n, tzinfo=timezone.utc))
    for _ in range(5):
        reply = alexa.send(load_request("grounding"))
        said = re.findall(r"safe moment \d", reply.speech)
        assert 1 <= len(said) <= 3 and len(set(said)) == len(said)
        assert '<prosody rate="slow">' in reply.ssml and "<break" in reply.ssml
        closing = reply.speech.split(said[-1])[-1]
        assert any(p in closing for p in catalogue.phrasings("GROUNDING_NOTICE_NOW"))


def test_grounding_with_no_glimmers_guides_a_noticing_moment(alexa):
    from skill.speech import load_catalogue

    reply = alexa.send(load_request("grounding"))
    suggestions = {s.text for s in load_catalogue("en-US").suggestions}
    assert reply.card["content"] in suggestions and reply.card["content"] in reply.speech
    assert '<prosody rate="slow">' in reply.ssml


def test_be_a_glimmer_suggests_from_that_category(alexa):
    from skill.speech import load_catalogue

    kindness = {s.text for s in load_catalogue("en-US").suggestions if s.category == "BEING_A_GLIMMER"}
    for _ in range(3):
        assert alexa.send(load_request("be_a_glimmer")).card["content"] in kindness


# -- deleting -------------------------------------------------------------


def test_delete_last_reads_it_back_and_deletes_only_after_yes(alexa, store, data_dir):
    alexa.say("record_glimmer", glimmer="an old note")
    alexa.say("record_glimmer", glimmer="a secret worth deleting")
    ask = alexa.say("delete_last_glimmer")
    assert "a secret worth deleting" in ask.speech
    assert ask.directives[0]["type"] == "Dialog.ConfirmIntent"
    assert len(store.glimmers(ME)) == 2
    done = alexa.say("delete_last_glimmer_confirmed")
    assert "deleted" in done.speech.lower()
    assert [g.text for g in store.glimmers(ME)] == ["an old note"]
    stored = "".join(p.read_text() for p in (data_dir / "journals").rglob("*.json"))
    assert "a secret worth deleting" not in stored


def test_no_keeps_the_last_glimmer(alexa, store):
    alexa.say("record_glimmer", glimmer="keep me")
    alexa.say("delete_last_glimmer")
    kept = alexa.say("delete_last_glimmer_denied")
    assert "kept" in kept.speech.lower() or "safe" in kept.speech.lower() or "nothing was deleted" in kept.speech
    assert [g.text for g in store.glimmers(ME)] == ["keep me"]


def test_a_confirmed_status_without_the_question_deletes_nothing(alexa, store):
    alexa.say("record_glimmer", glimmer="keep me")
    reply = alexa.send(load_request("delete_last_glimmer_confirmed", attributes={}))
    assert reply.directives[0]["type"] == "Dialog.ConfirmIntent"
    forged = alexa.send(load_request("delete_all_glimmers_confirmed", attributes={}))
    assert forged.directives[0]["type"] == "Dialog.ConfirmIntent"
    assert [g.text for g in store.glimmers(ME)] == ["keep me"]


def test_delete_all_says_how_many_and_needs_an_explicit_yes(alexa, store):
    for n in range(4):
        alexa.say("record_glimmer", glimmer=f"moment {n}")
    ask = alexa.say("delete_all_glimmers")
    assert "4 glimmers" in ask.speech
    maybe = alexa.say("help")
    assert "yes to delete" in maybe.speech.lower()
    assert len(store.glimmers(ME)) == 4
    done = alexa.say("yes")
    assert "4" in done.speech
    assert store.glimmers(ME) == []


def test_no_to_delete_all_keeps_everything(alexa, store):
    for n in range(2):
        alexa.say("record_glimmer", glimmer=f"moment {n}")
    alexa.say("delete_all_glimmers")
    alexa.say("delete_all_glimmers_denied")
    assert len(store.glimmers(ME)) == 2


def test_help_during_a_read_back_explains_paging_and_keeps_the_place(alexa, clock):
    for n in range(5):
        alexa.say("record_glimmer", glimmer=f"moment number {n}")
        clock.advance(minutes=1)
    alexa.say("read_glimmers")
    helped = alexa.say("help")
    assert "more" in helped.speech and "Glimmer Journal helps" not in helped.speech
    more = alexa.say("yes")
    assert [int(n) for n in re.findall(r"moment number (\d)", more.speech)] == [1, 0]


# -- voice profiles -------------------------------------------------------


def test_two_people_on_one_account_never_hear_each_others_glimmers(alexa, store):
    alexa.send(load_request("record_glimmer", person="amzn1.ask.person.ANNA", glimmer="anna's tea"))
    alexa.send(load_request("record_glimmer", person="amzn1.ask.person.BEN", glimmer="ben's bike ride"))
    alexa.send(load_request("record_glimmer", glimmer="the account's own"))
    anna = alexa.send(load_request("read_glimmers", person="amzn1.ask.person.ANNA"))
    assert "anna's tea" in anna.speech and "ben's" not in anna.speech and "account's own" not in anna.speech
    ben = alexa.send(load_request("read_glimmers", person="amzn1.ask.person.BEN"))
    assert "ben's bike ride" in ben.speech and "anna" not in ben.speech
    shared = alexa.send(load_request("read_glimmers"))
    assert "account's own" in shared.speech and "anna" not in shared.speech and "ben" not in shared.speech


def test_a_recognised_person_is_greeted_by_name(alexa):
    envelope = load_request("launch_person")
    person = envelope["context"]["System"]["person"]["personId"]
    reply = alexa.send(envelope)
    assert f'<alexa:name type="first" personId="{person}"/>' in reply.ssml


# -- the skill being disabled ---------------------------------------------


def test_skill_disabled_without_persistence_deletes_the_accounts_journals(alexa, store, data_dir, caplog):
    alexa.send(load_request("record_glimmer", glimmer="private words"))
    alexa.send(load_request("record_glimmer", person="amzn1.ask.person.ANNA", glimmer="anna's words"))
    alexa.send(load_request("record_glimmer", user="amzn1.ask.account.SOMEONE_ELSE", glimmer="not theirs"))
    with caplog.at_level(logging.DEBUG):
        reply = alexa.send(load_request("skill_disabled"))
    assert "outputSpeech" not in reply.response
    assert store.glimmers(ME) == [] and store.glimmers(JournalKey(USER, "amzn1.ask.person.ANNA")) == []
    assert len(store.glimmers(JournalKey("amzn1.ask.account.SOMEONE_ELSE"))) == 1
    assert "deleted" in caplog.text
    assert "words" not in caplog.text


def test_skill_disabled_with_persistence_keeps_the_journals(alexa, store, caplog):
    alexa.send(load_request("record_glimmer", glimmer="private words"))
    with caplog.at_level(logging.INFO):
        alexa.send(load_request("skill_disabled_persisted"))
    assert [g.text for g in store.glimmers(ME)] == ["private words"]
    assert "kept" in caplog.text and "private words" not in caplog.text
