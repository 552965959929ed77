"""Fixing a misheard glimmer: "change my last glimmer to ...", "that's not what I said", "no, I said ..."."""

from __future__ import annotations

import logging
from datetime import timedelta

from conftest import load_request
from skill.storage import JournalKey

USER = load_request("launch")["context"]["System"]["user"]["userId"]
ME = JournalKey(USER)


def test_change_replaces_the_newest_glimmers_text_keeping_its_id_and_time(alexa, store, clock):
    older = store.add(ME, "the smell of fresh bread", "en-US", clock.now - timedelta(hours=2))
    newest = store.add(ME, "the smell of fresh red", "en-US", clock.now - timedelta(hours=1))
    reply = alexa.say("change_last_glimmer", new=False)  # "change my last glimmer to the smell of fresh rain"
    assert "the smell of fresh rain" in reply.speech
    assert not reply.ends_session and reply.reprompt
    assert reply.card["content"] == "the smell of fresh rain"
    changed = store.glimmers(ME)
    assert [(g.id, g.created_at, g.text) for g in changed] == [
        (older.id, older.created_at, "the smell of fresh bread"),
        (newest.id, newest.created_at, "the smell of fresh rain"),
    ]


def test_right_after_a_record_no_i_said_changes_the_glimmer_just_saved(alexa, store):
    saved = alexa.say("record_glimmer", new=False, glimmer="the smell of fresh red")
    assert "fresh red" in saved.speech
    reply = alexa.say("change_last_glimmer_no_i_said")  # "no, I said the smell of fresh rain"
    assert "the smell of fresh rain" in reply.speech
    [glimmer] = store.glimmers(ME)
    assert glimmer.text == "the smell of fresh rain"


def test_no_i_said_changes_the_one_this_session_saved_even_if_another_device_added_one(alexa, store, clock):
    alexa.say("record_glimmer", new=False, glimmer="a heron in the reeds")
    store.add(ME, "noted on the kitchen echo", "en-US", clock.now + timedelta(seconds=5))
    alexa.say("change_last_glimmer_no_i_said", glimmer="a heron in the creek")
    assert sorted(g.text for g in store.glimmers(ME)) == ["a heron in the creek", "noted on the kitchen echo"]


def test_thats_not_what_i_said_asks_what_it_should_say_then_changes_it(alexa, store):
    alexa.say("record_glimmer", new=False, glimmer="the sun on my fence")
    asked = alexa.say("change_last_glimmer_no_text")  # "that's not what I said"
    [directive] = asked.directives
    assert directive["type"] == "Dialog.ElicitSlot" and directive["slotToElicit"] == "glimmer"
    assert directive["updatedIntent"]["name"] == "ChangeLastGlimmerIntent"
    assert "?" in asked.speech and not asked.ends_session
    answered = alexa.say("change_last_glimmer_no_text", glimmer="the sun on my face")
    assert "the sun on my face" in answered.speech
    assert [g.text for g in store.glimmers(ME)] == ["the sun on my face"]


def test_asking_stops_after_twice_and_the_glimmer_stays_as_it_was(alexa, store):
    alexa.say("record_glimmer", new=False, glimmer="a warm mug")
    for _ in range(2):
        assert alexa.say("change_last_glimmer_no_text").directives
    let_go = alexa.say("change_last_glimmer_no_text")
    assert not let_go.directives and "as it was" in let_go.speech
    assert [g.text for g in store.glimmers(ME)] == ["a warm mug"]


def test_with_no_glimmers_it_says_so_kindly(alexa):
    for name in ("change_last_glimmer", "change_last_glimmer_no_text"):
        reply = alexa.say(name, new=False)
        assert "nothing to change" in reply.speech or "no glimmer to change" in reply.speech
        assert not reply.directives


def test_a_one_shot_change_answers_and_ends(alexa, store, clock):
    store.add(ME, "a cat on the windowsil", "en-US", clock.now)
    reply = alexa.send(load_request("change_last_glimmer", new=True, glimmer="a cat on the windowsill"))
    assert reply.ends_session and "a cat on the windowsill" in reply.speech


def test_the_new_text_is_escaped_when_spoken_kept_verbatim_and_never_logged(alexa, store, clock, caplog):
    store.add(ME, "old", "en-US", clock.now)
    hostile = 'a <b>bold</b> "quote" & more'
    with caplog.at_level(logging.INFO):
        reply = alexa.say("change_last_glimmer", new=False, glimmer=hostile)
    assert "&lt;b&gt;" in reply.ssml and "<b>" not in reply.ssml
    assert [g.text for g in store.glimmers(ME)] == [hostile]
    assert all("bold" not in record.getMessage() for record in caplog.records)


def test_saying_a_hard_moment_is_not_saved_and_a_calm_moment_is_offered(alexa, store):
    reply = alexa.say("record_glimmer", new=False, glimmer="a rough day")  # "I had a rough day"
    assert store.glimmers(ME) == []
    assert "hard" in reply.speech and reply.attributes["question"] == "offer_grounding"
    calm = alexa.say("yes")
    assert calm.ends_session and "<prosody" in calm.ssml
    # Also as the answer to "What did you notice?"; a glimmer that only mentions such a word is kept.
    alexa.say("record_glimmer_no_text", new=False)
    assert alexa.say("record_glimmer_no_text", glimmer="I'm really overwhelmed").attributes["question"] == "offer_grounding"
    alexa.say("record_glimmer", new=False, glimmer="a long day ended with a pink sky")
    assert [g.text for g in store.glimmers(ME)] == ["a long day ended with a pink sky"]
