"""Searching: "when did I notice rain", "find my glimmers about the sea", "have I noticed birds before"."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone

from conftest import load_request
from skill.storage import JournalKey

USER = load_request("launch")["context"]["System"]["user"]["userId"]
ME = JournalKey(USER)


def test_matches_are_read_newest_first_with_when_forgiving_case_punctuation_and_plurals(alexa, store, clock):
    store.add(ME, "Two BIRDS on the feeder!", "en-US", clock.now - timedelta(days=3))
    store.add(ME, "rain on the window", "en-US", clock.now - timedelta(days=2))
    store.add(ME, "a bird's song at dawn", "en-US", clock.now - timedelta(hours=2))
    reply = alexa.say("search_glimmers", new=False, topic="birds")
    assert re.search(r"Earlier today, a bird's song at dawn.*On Friday, Two BIRDS on the feeder", reply.speech)
    assert "rain" not in reply.speech
    assert "birds" in reply.speech and not reply.ends_session
    assert reply.card["title"] == "Your glimmers about birds"


def test_when_did_i_notice_rain_finds_rainy_and_raining_and_pages_with_more(alexa, store):
    for hour in range(5):
        store.add(ME, f"rainy moment {hour}", "en-US", datetime(2026, 11, 29, 10 + hour, tzinfo=timezone.utc))
    store.add(ME, "it was raining softly", "en-US", datetime(2026, 11, 20, 10, tzinfo=timezone.utc))
    store.add(ME, "a rainbow", "en-US", datetime(2026, 11, 21, 10, tzinfo=timezone.utc))
    first = alexa.say("search_glimmers", new=False)  # "when did I notice rain"
    assert [int(n) for n in re.findall(r"rainy moment (\d)", first.speech)] == [4, 3, 2]
    assert first.attributes["question"] == "more_glimmers" and first.attributes["topic"] == "rain"
    second = alexa.say("more")
    assert [int(n) for n in re.findall(r"rainy moment (\d)", second.speech)] == [1, 0]
    assert "raining softly" in second.speech and "rainbow" not in second.speech
    assert "found" in second.speech  # the end of a search, not "all your glimmers"


def test_nothing_found_is_answered_kindly_with_an_offer_and_yes_gives_a_suggestion(alexa, store, clock):
    store.add(ME, "a cup of tea", "en-US", clock.now)
    reply = alexa.say("search_glimmers", new=False, topic="the sea")
    assert "the sea" in reply.speech and "?" in reply.speech
    assert reply.attributes["question"] == "offer_suggestion" and not reply.ends_session
    suggestion = alexa.say("yes")
    assert suggestion.card["title"] == "A glimmer to notice"


def test_no_to_the_offer_ends_gently(alexa, store):
    alexa.say("search_glimmers", new=False, topic="whales")
    reply = alexa.say("no")
    assert reply.ends_session and reply.speech


def test_without_a_topic_the_skill_asks_what_to_look_for(alexa, store, clock):
    store.add(ME, "the sea at sunset", "en-US", clock.now)
    asked = alexa.say("search_glimmers_no_topic", new=False)  # "search my glimmers"
    [directive] = asked.directives
    assert (directive["type"], directive["slotToElicit"]) == ("Dialog.ElicitSlot", "topic")
    assert directive["updatedIntent"]["name"] == "SearchGlimmersIntent"
    found = alexa.say("search_glimmers_no_topic", topic="sea")
    assert "the sea at sunset" in found.speech


def test_a_topic_of_only_little_words_is_asked_again_not_searched(alexa):
    reply = alexa.say("search_glimmers", new=False, topic="the")
    assert reply.directives and reply.directives[0]["slotToElicit"] == "topic"
    assert "catch" in reply.speech or "what should i look for" in reply.speech.lower()


def test_a_one_shot_search_answers_and_ends(alexa, store, clock):
    store.add(ME, "birdsong", "en-US", clock.now)
    store.add(ME, "a bird at the window", "en-US", clock.now)
    reply = alexa.send(load_request("search_glimmers", new=True, topic="bird"))
    assert reply.ends_session and "a bird at the window" in reply.speech


def test_another_persons_glimmers_are_never_found(alexa, store, clock):
    store.add(JournalKey("amzn1.ask.account.SOMEONE-ELSE"), "rain on the roof", "en-US", clock.now)
    reply = alexa.say("search_glimmers", new=False)
    assert "rain on the roof" not in reply.speech and reply.attributes["question"] == "offer_suggestion"


def test_the_topic_is_escaped_and_never_logged(alexa, store, clock, caplog):
    store.add(ME, "fish & chips <by the sea>", "en-US", clock.now)
    with caplog.at_level(logging.INFO):
        reply = alexa.say("search_glimmers", new=False, topic="chips <sea>")
    assert "fish &amp; chips &lt;by the sea&gt;" in reply.ssml
    assert all("chips" not in record.getMessage() for record in caplog.records)
