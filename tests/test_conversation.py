"""The conversation, through the HTTP app: what each request hears and what it keeps, in every locale.

Every test that talks to the skill runs once per locale (the ``alexa``
fixture sends each request with that locale); what the skill says is checked
by message key in the locale's own catalogue (``speech_expect.py``).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from conftest import Alexa, load_request
from locales import LOCALES
from skill.handlers.record import MAX_GLIMMER_CHARS
from skill.speech import load_catalogue
from skill.storage import JournalKey
from speech_expect import card_item, read_item, says, when

SAMPLE_USER = load_request("launch")["context"]["System"]["user"]["userId"]


@pytest.fixture(params=LOCALES)
def locale(request) -> str:
    return request.param


@pytest.fixture
def alexa(client, locale) -> Alexa:
    return Alexa(client, locale=locale)


def test_first_launch_explains_glimmers_and_keeps_the_session_open(alexa, locale):
    reply = alexa.say("launch")
    assert "glimmer" in reply.speech.lower()
    assert says(reply.speech, locale, "WELCOME_NEW")
    assert not reply.ends_session
    assert reply.reprompt


def test_returning_launch_mentions_how_many_glimmers_today(alexa, clock, locale):
    alexa.say("record_glimmer", glimmer="the warm sun on my face")
    alexa.say("record_glimmer", glimmer="a friend's laugh")
    clock.advance(minutes=30)
    reply = alexa.say("launch", new=True, attributes={})
    assert says(reply.speech, locale, "WELCOME_BACK", count=2)
    assert not reply.ends_session


def test_returning_launch_on_a_new_day_does_not_count_yesterday(alexa, clock, locale):
    alexa.say("record_glimmer", glimmer="the warm sun on my face")
    clock.advance(days=1)
    reply = alexa.say("launch", new=True, attributes={})
    assert says(reply.speech, locale, "WELCOME_BACK_NONE_TODAY") and says(reply.speech, locale, "LAUNCH_ASK_NONE_TODAY")
    assert "1" not in reply.speech and not says(reply.speech, locale, "WELCOME_BACK", count=1)


def test_record_in_session_says_it_back_and_invites_another(alexa, store, locale):
    reply = alexa.say("record_glimmer", glimmer="the warm sun on my face", new=False)
    assert "the warm sun on my face" in reply.speech
    assert not reply.ends_session
    assert reply.reprompt
    saved = store.glimmers(JournalKey(SAMPLE_USER))
    assert [g.text for g in saved] == ["the warm sun on my face"]
    assert saved[0].locale == locale
    assert says(reply.speech, locale, "SAVED", glimmer="the warm sun on my face")
    # The first glimmer ever invites another, or offers a daily reminder (once).
    assert says(reply.speech, locale, "INVITE_ANOTHER") or says(reply.speech, locale, "OFFER_REMINDER")
    assert saved[0].created_at.tzinfo is not None


def test_one_shot_record_answers_and_ends_the_session(alexa, store):
    reply = alexa.send(load_request("record_glimmer_one_shot"))
    assert reply.ends_session
    assert "smell of fresh bread" in reply.speech
    assert len(store.glimmers(JournalKey(SAMPLE_USER))) == 1


def test_record_sends_a_card_with_the_glimmer(alexa):
    reply = alexa.say("record_glimmer", glimmer="birdsong at dawn")
    assert reply.card["type"] == "Simple"
    assert "birdsong at dawn" in reply.card["content"]


def test_record_without_text_asks_what_the_glimmer_was(alexa, store):
    reply = alexa.say("record_glimmer_no_text", new=False)
    assert reply.speech.endswith("?")
    assert [d["type"] for d in reply.directives] == ["Dialog.ElicitSlot"]
    assert reply.directives[0]["slotToElicit"] == "glimmer"
    assert not reply.ends_session
    assert store.glimmers(JournalKey(SAMPLE_USER)) == []
    # Alexa sends the answer back as the same intent with the slot filled.
    answer = alexa.say("record_glimmer", glimmer="a hug from my sister")
    assert "a hug from my sister" in answer.speech
    assert [g.text for g in store.glimmers(JournalKey(SAMPLE_USER))] == ["a hug from my sister"]


def test_record_a_glimmer_without_saying_it_is_not_saved_as_text(alexa, store):
    reply = alexa.say("record_glimmer", glimmer="a glimmer")
    assert reply.directives and reply.directives[0]["type"] == "Dialog.ElicitSlot"
    assert store.glimmers(JournalKey(SAMPLE_USER)) == []


def test_blank_text_is_never_saved_and_asking_stops_after_twice(alexa, store):
    first = alexa.say("record_glimmer", glimmer="   ")
    second = alexa.say("record_glimmer", glimmer="")
    third = alexa.say("record_glimmer", glimmer=" \t ")
    assert first.directives and second.directives
    assert not third.directives
    assert not third.ends_session
    assert store.glimmers(JournalKey(SAMPLE_USER)) == []


def test_text_is_trimmed_before_saving(alexa, store):
    alexa.say("record_glimmer", glimmer="   the first sip of tea   ")
    assert [g.text for g in store.glimmers(JournalKey(SAMPLE_USER))] == ["the first sip of tea"]


def test_overlong_text_is_cut_at_a_word_boundary_and_the_user_is_told(alexa, store, locale):
    words = ("quiet " * 300).strip()  # 1,799 characters
    reply = alexa.say("record_glimmer", glimmer=words)
    saved = store.glimmers(JournalKey(SAMPLE_USER))[0].text
    assert len(saved) <= MAX_GLIMMER_CHARS
    assert saved.endswith("quiet") and words.startswith(saved)
    assert says(reply.speech, locale, "TRUNCATED") and says(reply.speech, locale, "SAVED_BEGINNING")
    assert len(reply.speech) < 400  # said back briefly, not all 1,000 characters


def test_hostile_text_is_escaped_in_speech_and_kept_verbatim(alexa, store):
    hostile = 'tea & toast <break time="10s"/> "quoted" </speak><audio src="x"/>'
    reply = alexa.say("record_glimmer", glimmer=hostile)
    assert "<audio" not in reply.ssml and "<break time=\"10s\"" not in reply.ssml
    assert "&amp;" in reply.ssml and "&lt;" in reply.ssml
    assert store.glimmers(JournalKey(SAMPLE_USER))[0].text == hostile
    read = alexa.say("read_glimmers")
    assert "&lt;audio" in read.ssml and "<audio" not in read.ssml
    assert "tea & toast" in read.speech


def test_read_with_no_glimmers_gently_invites_recording(alexa, locale):
    reply = alexa.say("read_glimmers", new=False)
    assert says(reply.speech, locale, "READ_NONE")
    assert not reply.ends_session


def test_read_says_newest_first_with_when_in_words(alexa, clock, locale):
    for days_ago, text in [(9, "snow on the pines"), (3, "a purring cat"), (1, "warm bread"), (0, "sunlight")]:
        clock.now = clock.now.replace(day=30) - __import__("datetime").timedelta(days=days_ago)
        alexa.say("record_glimmer", glimmer=text)
    clock.now = clock.now.replace(day=30, hour=18)
    reply = alexa.say("read_glimmers")
    speech = reply.speech
    assert speech.index("sunlight") < speech.index("warm bread") < speech.index("a purring cat")
    today = date(2026, 11, 30)
    assert read_item(locale, when(locale, today, today), "sunlight") in speech  # "Earlier today, sunlight."
    assert read_item(locale, when(locale, date(2026, 11, 29), today), "warm bread") in speech  # "Yesterday, ..."
    friday = when(locale, date(2026, 11, 27), today)  # 2026-11-27 was a Friday
    assert load_catalogue(locale).names["weekdays"][4] in friday
    assert read_item(locale, friday, "a purring cat") in speech
    assert "snow on the pines" not in speech  # the fourth waits for "more"
    assert says(speech, locale, "READ_MORE_QUESTION")
    more = alexa.say("more")
    november_21 = when(locale, date(2026, 11, 21), today)  # "on November 21", "on the 21st of November", "am 21. November"
    assert "21" in november_21 and load_catalogue(locale).names["months"][10] in november_21
    assert read_item(locale, november_21, "snow on the pines") in more.speech


def test_read_back_pages_three_at_a_time_with_yes_more_and_next(alexa, clock):
    for n in range(1, 9):
        alexa.say("record_glimmer", glimmer=f"moment number {n}")
        clock.advance(minutes=1)
    first = alexa.say("read_glimmers")
    assert [int(n) for n in re.findall(r"moment number (\d)", first.speech)] == [8, 7, 6]
    second = alexa.say("yes")
    assert [int(n) for n in re.findall(r"moment number (\d)", second.speech)] == [5, 4, 3]
    third = alexa.say("next")
    assert [int(n) for n in re.findall(r"moment number (\d)", third.speech)] == [2, 1]
    assert "question" not in third.attributes  # nothing more to offer


def test_a_glimmer_recorded_between_pages_does_not_shift_the_pages(alexa, clock):
    for n in range(1, 7):
        alexa.say("record_glimmer", glimmer=f"moment number {n}")
        clock.advance(minutes=1)
    alexa.say("read_glimmers")
    # Another device of the same account records meanwhile.
    alexa.send(load_request("record_glimmer_one_shot"))
    second = alexa.say("more")
    assert [int(n) for n in re.findall(r"moment number (\d)", second.speech)] == [3, 2, 1]


def test_no_after_want_to_hear_more_ends_kindly(alexa, clock):
    for n in range(4):
        alexa.say("record_glimmer", glimmer=f"moment number {n}")
    alexa.say("read_glimmers")
    reply = alexa.say("no")
    assert reply.ends_session
    assert reply.speech


def test_read_card_lists_what_was_said_with_dates(alexa, locale):
    alexa.say("record_glimmer", glimmer="rain on the window")
    reply = alexa.say("read_glimmers")
    assert reply.card["title"]
    today = date(2026, 11, 30)
    assert card_item(locale, when(locale, today, today), "rain on the window") in reply.card["content"]


def test_speech_stays_under_alexas_limit_with_long_escaped_glimmers(alexa):
    for _ in range(5):
        alexa.say("record_glimmer", glimmer=("& " * 499) + "end")
    reply = alexa.say("read_glimmers")
    assert len(reply.ssml) < 8000
    assert reply.ssml.count("&amp;") >= 499
    more = alexa.say("more")
    assert len(more.ssml) < 8000


def test_users_never_see_each_others_glimmers(alexa, store, locale):
    alexa.say("record_glimmer", glimmer="a private moment", user="amzn1.ask.account.ALICE")
    reply = alexa.send(load_request("read_glimmers", user="amzn1.ask.account.BOB"))
    assert "private moment" not in reply.speech
    assert store.glimmers(JournalKey("amzn1.ask.account.BOB")) == []
    launch = alexa.send(load_request("launch", user="amzn1.ask.account.BOB"))
    assert says(launch.speech, locale, "WELCOME_NEW")
    assert not says(launch.speech, locale, "WELCOME_BACK_NONE_TODAY")


def test_journal_files_are_named_by_hash_never_by_raw_id(alexa, data_dir):
    alexa.say("record_glimmer", glimmer="soft light", user="amzn1.ask.account.RAWIDENTIFIER")
    paths = [str(p) for p in data_dir.rglob("*")]
    assert paths and not any("RAWIDENTIFIER" in p for p in paths)


def test_suggestion_is_spoken_with_a_card(alexa):
    reply = alexa.say("suggest_glimmer", new=False)
    assert reply.card and reply.card["content"] in reply.speech
    assert not reply.ends_session


def test_one_shot_suggestion_ends_the_session(alexa):
    reply = alexa.send(load_request("suggest_glimmer", new=True))
    assert reply.ends_session
    assert reply.card["content"] in reply.speech


def test_category_from_entity_resolution_picks_that_category(app, alexa, locale):
    catalogue = load_catalogue(locale)
    music = {s.text for s in catalogue.suggestions if s.category == "MUSIC_RHYTHM"}
    for _ in range(5):
        reply = alexa.say("suggest_glimmer_category")
        assert reply.card["content"] in music


def test_spoken_category_name_without_resolution_still_matches(alexa, locale):
    catalogue = load_catalogue(locale)
    nature = {s.text for s in catalogue.suggestions if s.category == "NATURE"}
    reply = alexa.say("suggest_glimmer_category", category=catalogue.categories["NATURE"].lower())
    assert reply.card["content"] in nature


def test_unknown_category_says_so_kindly_and_still_suggests(alexa, locale):
    reply = alexa.say("suggest_glimmer_unknown_category")
    assert says(reply.speech, locale, "SUGGEST_UNKNOWN_CATEGORY", suggestion=reply.card["content"])
    assert reply.card["content"] in reply.speech


def test_the_same_suggestion_never_repeats_within_the_last_ten(alexa):
    heard = []
    for _ in range(30):
        heard.append(alexa.send(load_request("suggest_glimmer", new=True)).card["content"])
    for i in range(len(heard)):
        assert heard[i] not in heard[max(0, i - 10):i], f"repeated within ten: {heard[i]}"


def test_yes_after_a_suggestion_gives_another_from_the_same_category(alexa, locale):
    catalogue = load_catalogue(locale)
    music = {s.text for s in catalogue.suggestions if s.category == "MUSIC_RHYTHM"}
    first = alexa.say("suggest_glimmer_category", new=False)
    again = alexa.say("yes")
    assert again.card["content"] in music
    assert again.card["content"] != first.card["content"]


def test_help_explains_with_examples_and_keeps_listening(alexa, locale):
    reply = alexa.say("help")
    assert says(reply.speech, locale, "HELP")
    assert not reply.ends_session and reply.reprompt


def test_stop_and_cancel_say_goodbye_and_end(alexa):
    for name in ("stop", "cancel"):
        reply = alexa.send(load_request(name))
        assert reply.ends_session
        assert reply.speech
        assert "reprompt" not in reply.response


def test_navigate_home_and_yes_no_outside_a_question_say_what_the_skill_can_do(alexa):
    for name in ("navigate_home", "yes", "no", "more", "next"):
        reply = alexa.send(load_request(name))
        assert "glimmer" in reply.speech.lower(), name
        assert not reply.ends_session and reply.reprompt, name


def test_fallback_twice_in_a_row_offers_help_and_yes_gives_it(alexa, locale):
    first = alexa.say("fallback", new=False)
    assert not first.ends_session
    assert says(first.speech, locale, "FALLBACK") and not says(first.speech, locale, "FALLBACK_OFFER_HELP")
    second = alexa.say("fallback")
    assert says(second.speech, locale, "FALLBACK_OFFER_HELP")
    helped = alexa.say("yes")
    assert says(helped.speech, locale, "HELP")


def test_fallback_count_resets_after_an_understood_request(alexa, locale):
    alexa.say("fallback", new=False)
    alexa.say("help")
    again = alexa.say("fallback")
    assert not says(again.speech, locale, "FALLBACK_OFFER_HELP") and says(again.speech, locale, "FALLBACK")


def test_session_ended_has_no_speech_and_logs_the_reason(alexa, caplog):
    caplog.set_level("INFO")
    for name, reason in (("session_ended", "USER_INITIATED"), ("session_ended_error", "ERROR")):
        reply = alexa.send(load_request(name))
        assert "outputSpeech" not in reply.response
        assert reason in caplog.text


def test_unknown_intent_is_treated_as_not_understood(alexa):
    envelope = load_request("help")
    envelope["request"]["intent"]["name"] = "SomeRetiredIntent"
    reply = alexa.send(envelope)
    assert not reply.ends_session and reply.speech


@pytest.mark.parametrize("speech_locale", LOCALES)
def test_frequent_responses_have_at_least_three_phrasings(speech_locale):
    catalogue = load_catalogue(speech_locale)
    for key in ("SAVED", "GOODBYE", "INVITE_ANOTHER", "INVITE_ANOTHER_REPROMPT", "LAUNCH_REPROMPT",
                "WHAT_NEXT_REPROMPT", "ASK_GLIMMER", "READ_MORE_QUESTION", "SUGGEST", "FALLBACK"):
        assert len(set(catalogue.phrasings(key))) >= 3, key


def test_phrasings_vary_and_follow_the_injected_random_source(data_dir, clock):
    import random

    from skill import create_app

    def goodbyes(seed: int) -> list[str]:
        app = create_app({"DATA_DIR": data_dir, "VERIFY_REQUESTS": False, "RANDOM": random.Random(seed), "CLOCK": clock})
        client = app.test_client()
        return [client.post("/alexa", json=load_request("stop")).get_json()["response"]["outputSpeech"]["ssml"] for _ in range(12)]

    assert goodbyes(3) == goodbyes(3)
    assert len(set(goodbyes(3))) >= 2
