"""When the device's time zone cannot be fetched: the zone it last reported, else words that cannot contradict.

The stand-in Alexa API (tests/alexa_api.py) answers each device's zone, or
fails on purpose ("error", "slow", "hang", "garbage").
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import load_request
from skill.storage import JournalKey, StorageUnavailable
from skill.turn import ZONE_META

LA = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")
DEVICE = load_request("launch")["context"]["System"]["device"]["deviceId"]
USER = load_request("launch")["context"]["System"]["user"]["userId"]
ME = JournalKey(USER)


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(timezone.utc)


def fresh_app_lookup(app) -> None:
    """Forget the zones this app's skill has cached, as a new server process would have."""
    for interceptor in app.extensions["glimmers"].skill.request_dispatcher.request_interceptors:
        zones = getattr(interceptor, "zones", None)
        if zones is not None:
            zones._cache.clear()
            zones._stored.clear()


class CountingWrites:
    def __init__(self, store, monkeypatch):
        self.calls = []
        original = store.update_meta

        def update_meta(key, changes):
            self.calls.append(dict(changes))
            return original(key, changes)

        monkeypatch.setattr(store, "update_meta", update_meta)


@pytest.mark.parametrize("failure", ["error", "slow", "hang", "garbage"])
def test_a_passing_settings_api_failure_changes_nothing(app, alexa, alexa_api, clock, store, failure):
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    store.add(ME, "the porch light at dusk", "en-US", at(LA, 2026, 11, 29, 23, 30))
    clock.now = at(LA, 2026, 11, 30, 8, 0)  # the same UTC day as the glimmer
    assert "Yesterday, the porch light at dusk" in alexa.send(load_request("read_glimmers")).speech
    assert store.meta(ME)[ZONE_META] == "America/Los_Angeles"
    alexa_api.behaviour[DEVICE] = failure
    fresh_app_lookup(app)  # a new process, or the hour of caching is over
    reply = alexa.send(load_request("read_glimmers"))
    assert "Yesterday, the porch light at dusk" in reply.speech  # still the person's own day


def test_the_zone_is_written_only_when_it_changes(app, alexa, alexa_api, clock, store, monkeypatch):
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    store.add(ME, "a moment", "en-US", clock.now)
    writes = CountingWrites(store, monkeypatch)
    alexa.send(load_request("read_glimmers"))
    assert writes.calls == [{ZONE_META: "America/Los_Angeles"}]
    for _ in range(3):
        alexa.send(load_request("read_glimmers"))
    fresh_app_lookup(app)  # even a process that has never seen this journal reads the zone and writes nothing
    alexa.send(load_request("streak"))
    assert len(writes.calls) == 1
    alexa_api.zones[DEVICE] = "Europe/Berlin"  # the device moved
    fresh_app_lookup(app)
    alexa.send(load_request("read_glimmers"))
    assert writes.calls[1:] == [{ZONE_META: "Europe/Berlin"}]


def test_each_journal_keeps_its_own_zone(alexa, alexa_api, clock, store):
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    store.add(ME, "a moment", "en-US", clock.now)
    store.add(JournalKey(USER, "amzn1.ask.person.SOMEONE"), "their moment", "en-US", clock.now)
    alexa.send(load_request("read_glimmers"))
    alexa.send(load_request("read_glimmers", person="amzn1.ask.person.SOMEONE"))
    assert store.meta(ME)[ZONE_META] == "America/Los_Angeles"
    assert store.meta(JournalKey(USER, "amzn1.ask.person.SOMEONE"))[ZONE_META] == "America/Los_Angeles"


def test_a_stored_zone_that_is_not_a_zone_is_ignored(alexa, alexa_api, clock, store):
    alexa_api.behaviour[DEVICE] = "error"
    store.update_meta(ME, {ZONE_META: "../../etc/passwd"})
    store.add(ME, "a moment", "en-US", clock.now - timedelta(hours=3))
    reply = alexa.send(load_request("read_glimmers"))
    assert "About three hours ago, a moment" in reply.speech


# -- no zone ever known: UTC, in words that cannot contradict ------------------------------


@pytest.fixture
def unknown_zone(alexa_api):
    alexa_api.behaviour[DEVICE] = "error"
    return alexa_api


def test_asked_about_today_in_the_evening_west_of_utc_the_answer_is_not_yesterday(alexa, unknown_zone, clock, store):
    store.add(ME, "the bus driver's wave", "en-US", at(LA, 2026, 11, 30, 10, 0))
    clock.now = at(LA, 2026, 11, 30, 17, 0)  # already 1 December in UTC
    # "what did I notice today": Alexa resolves "today" on the device, in its own zone.
    reply = alexa.say("glimmers_by_date", new=False, date="2026-11-30")
    speech = reply.speech.lower()
    assert "the bus driver's wave" in speech
    assert "yesterday" not in speech and "hasn't happened" not in speech
    assert "november 30" in speech and "about seven hours ago" in speech


def test_asked_about_today_in_the_morning_east_of_utc_the_answer_is_not_the_future(alexa, unknown_zone, clock, store):
    store.add(ME, "a week ago in Tokyo", "en-US", at(TOKYO, 2026, 11, 24, 12, 0))
    clock.now = at(TOKYO, 2026, 12, 1, 8, 0)  # still 30 November in UTC
    reply = alexa.say("glimmers_by_date", new=False, date="2026-12-01")
    speech = reply.speech.lower()
    assert "hasn't happened" not in speech and "still ahead" not in speech
    assert "a week ago in tokyo" not in speech  # not read as last week's day
    assert "tomorrow" not in speech and "december 1" in speech


def test_counting_today_with_no_zone_names_the_day_rather_than_guessing_today_or_yesterday(
    alexa, unknown_zone, clock, store
):
    store.add(ME, "a moment", "en-US", at(LA, 2026, 11, 30, 10, 0))
    clock.now = at(LA, 2026, 11, 30, 17, 0)
    reply = alexa.say("count_glimmers", new=False, date="2026-11-30")
    assert "yesterday" not in reply.speech.lower() and "November 30" in reply.speech


def test_the_launch_greeting_says_nothing_about_today(alexa, unknown_zone, clock, store):
    store.add(ME, "a moment", "en-US", at(LA, 2026, 11, 29, 23, 30))
    clock.now = at(LA, 2026, 11, 30, 8, 0)  # the glimmer is "today" in UTC, yesterday for the person
    reply = alexa.send(load_request("launch"))
    assert "today" not in reply.speech.lower() and "in a row" not in reply.speech
    assert not reply.ends_session


def test_a_streak_with_no_zone_speaks_of_days_only_as_every_zone_would(alexa, unknown_zone, clock, store):
    for day in (27, 28, 29):
        store.add(ME, f"day {day}", "en-US", at(LA, 2026, 11, day, 23, 30))  # late evenings in Los Angeles
    clock.now = at(LA, 2026, 11, 30, 8, 0)
    # Up to yesterday both at UTC-12 and at UTC+14, so in Los Angeles too: that may be said.
    assert "3 days in a row so far" in alexa.say("streak", new=False).speech


def test_a_streak_with_no_zone_never_claims_today_or_yesterday_when_zones_disagree(alexa, unknown_zone, clock, store):
    store.add(ME, "one moment", "en-US", datetime(2026, 11, 30, 11, 0, tzinfo=timezone.utc))
    clock.now = datetime(2026, 11, 30, 13, 0, tzinfo=timezone.utc)  # yesterday at UTC-12, today at UTC+14
    speech = alexa.say("streak", new=False).speech.lower()
    assert "today" not in speech and "yesterday" not in speech
    assert "last day or so" in speech


def test_memories_with_no_zone_are_from_around_that_day(alexa, unknown_zone, clock, store):
    store.add(ME, "a year ago this evening", "en-US", at(LA, 2025, 11, 29, 23, 30))
    clock.now = at(LA, 2026, 11, 30, 8, 0)
    reply = alexa.say("on_this_day", new=False)
    assert "Around this day a year ago" in reply.speech or "around this time a year ago" in reply.speech
    assert "a year ago this evening" in reply.speech and "today" not in reply.speech.split(",")[0].lower()


def test_the_settings_api_is_asked_again_after_a_failure(app, alexa, alexa_api, clock, store):
    alexa_api.behaviour[DEVICE] = "error"
    store.add(ME, "a moment", "en-US", clock.now)
    alexa.send(load_request("read_glimmers"))
    alexa_api.behaviour.pop(DEVICE)
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    clock.advance(minutes=2)
    fresh_app_lookup(app)  # (the lookup waits a minute of real time before asking that device again)
    alexa.send(load_request("read_glimmers"))
    assert store.meta(ME)[ZONE_META] == "America/Los_Angeles"


def test_opening_the_skill_with_no_glimmers_stores_nothing(alexa, alexa_api, store):
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    alexa.send(load_request("launch"))
    assert list(store.journals()) == []


def test_when_storage_fails_the_zone_waits_for_a_later_request(alexa, alexa_api, clock, store, monkeypatch):
    """An outage costs a request no extra storage call: the zone is kept only after a request that worked."""
    alexa_api.zones[DEVICE] = "America/Los_Angeles"
    store.add(ME, "a moment", "en-US", clock.now)
    calls = []

    def down(*args, **kwargs):
        calls.append(args)
        raise StorageUnavailable("the disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(store, "count", down)
        patched.setattr(store, "update_meta", down)
        reply = alexa.say("count_glimmers", new=False, date="2026-11-30")
    assert "just now" in reply.speech and len(calls) == 1
    assert ZONE_META not in store.meta(ME)
    alexa.say("count_glimmers", new=False, date="2026-11-30")
    assert store.meta(ME)[ZONE_META] == "America/Los_Angeles"
