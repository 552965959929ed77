"""Safety: words about suicide or self-harm get care and real help, however they arrive; nothing is kept or logged.

The phrase check is tested both ways: what must be recognised, and everyday
English that must not be (or a glimmer like "I'm dying to see the sunset"
would never be saved). Every answer goes through the real HTTP endpoint.
"""

from __future__ import annotations

import json
import logging
import re
from importlib import resources
from pathlib import Path

import pytest

from conftest import Reply, load_request
from locales import held_out_lines
from skill.package import load_listing, shipped_models
from skill.safety import CRISIS_LINES, CRISIS_PHRASES, crisis_line, mentions_crisis
from skill.speech import load_catalogue
from skill.storage import JournalKey

HELD_OUT = Path(__file__).parent / "held_out_phrasings.txt"
CATALOGUE = resources.files("skill.speech").joinpath("catalogue")
SAMPLE_USER = "amzn1.ask.account.AGLIMMERSAMPLEUSER0000000000000000000000000000000000000000"
CRISIS_KEYS = (
    "CRISIS_CARE", "CRISIS_LINE_CALL_OR_TEXT", "CRISIS_LINE_CALL", "CRISIS_EMERGENCY", "CRISIS_EMERGENCY_GENERAL",
    "CRISIS_CLOSE", "CRISIS_CLOSE_GENERAL", "CARD_CRISIS_TITLE", "CARD_CRISIS_LINE_CALL_OR_TEXT",
    "CARD_CRISIS_LINE_CALL", "CARD_CRISIS_EMERGENCY", "CARD_CRISIS_GENERAL",
)
# Words that promise to treat or heal: no speech, suggestion or store text may use them.
PROMISES = re.compile(
    r"\b(?:cure[sd]?|curing|heal(?:s|ed|ing)?|treat(?:s|ed|ing|ment|ments)?|therap(?:y|ies|ist|ists|eutic)"
    r"|fix(?:es)? your(?:self)?|recover(?:y)? from)\b",
    re.IGNORECASE,
)


# ------------------------------------------------------------------ the phrase check


@pytest.mark.parametrize(
    "text",
    [
        "I want to hurt myself",
        "I don't want to be here anymore",
        "i dont want to be here any more",
        "I don’t want to be here",  # a typographic apostrophe, and nothing after "here"
        "I want to die",
        "I just want to die.",
        "I want to kill myself",
        "I'm going to kill myself tonight",
        "I keep thinking about killing myself",
        "I've been thinking about suicide",
        "I feel suicidal",
        "SUICIDAL thoughts again",
        "I've been cutting myself",
        "I want to end my life",
        "I'm thinking about taking my own life",
        "I want to end it all",
        "I don't want to live anymore",
        "I don't want to be alive",
        "I wish I was dead",
        "I wish I wasn't here",
        "I want to go to sleep and never wake up",
        "I can't go on",
        "I can't go on like this",
        "there's no reason to live",
        "I have nothing to live for",
        "I don't see the point in living anymore",
        "everyone would be better off without me",
        "no one would miss me if I was gone",
        "I took too many pills",
        "I'm going to take an overdose",
        "I want to jump off a bridge",
        "I'm not safe right now",
        "I don't feel safe",
        "I'm in crisis",
        "I need a crisis line",
        "my friend wants to kill himself",
        "self-harm",
        "that I want to die",  # as it reaches the glimmer slot of "I noticed that I want to die"
    ],
)
def test_words_about_suicide_self_harm_or_danger_are_recognised(text):
    assert mentions_crisis(text, "en-US")


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying to see the sunset",
        "killing time in the garden",
        "a chocolate cake to die for",
        "my feet are killing me after the hike",
        "the heat is killing me but the lake was lovely",
        "I killed myself laughing at the puppy",
        "we totally killed it at the quiz",
        "dead tired but happy",
        "my phone died so I watched the clouds instead",
        "the old tree died and a new one grew",
        "I want to dye my hair blue",
        "I can't go on the rollercoaster but I loved watching",
        "I don't want to live anywhere else",
        "I don't want to go on the trip without you",
        "I don't want to be here at work on a sunny day",
        "cutting myself a slice of warm bread",
        "I drowned myself in coffee and books",
        "the kids jumping off the dock into the lake",
        "we watched Suicide Squad with popcorn",
        "I shot myself in the foot but laughed about it",
        "Dad is having a midlife crisis and bought a guitar",
        "I felt safe when I hugged my sister",
        "I see the point in living slowly now",
        "the end of a long day",
        "a hug from a friend",
    ],
)
def test_everyday_phrases_are_not_mistaken_for_a_crisis(text):
    assert not mentions_crisis(text, "en-US")


def test_nothing_and_an_unknown_language_are_not_a_crisis():
    assert not mentions_crisis(None) and not mentions_crisis("")
    # English and German have a phrase list; other languages would rely on their model's CrisisIntent.
    assert set(CRISIS_PHRASES) == {"en", "de"}
    assert not mentions_crisis("I want to hurt myself", "xx-XX")
    assert mentions_crisis("I want to hurt myself", "en-GB")


def _held_out_crisis_lines(locale: str = "en-US") -> list[str]:
    return held_out_lines(locale, "CrisisIntent")


@pytest.mark.parametrize("locale", sorted(shipped_models()))
def test_every_way_the_model_hears_a_crisis_is_also_recognised_as_free_text(locale):
    """Said inside a glimmer or a search instead, CrisisIntent's samples still get the same care."""
    if locale.split("-")[0] not in CRISIS_PHRASES:
        pytest.skip(f"no phrase list for {locale}'s language yet")
    model = shipped_models()[locale]["interactionModel"]["languageModel"]
    crisis = next(intent for intent in model["intents"] if intent["name"] == "CrisisIntent")
    assert len(crisis["samples"]) >= 40
    assert not [s for s in crisis["samples"] if "{" in s], "CrisisIntent has no slots, so no slot-only samples"
    missed = [s for s in crisis["samples"] + _held_out_crisis_lines(locale) if not mentions_crisis(s, locale)]
    assert not missed


# ------------------------------------------------------------------ where to find help


def test_each_locale_gets_its_own_crisis_line_and_emergency_number():
    us, gb, au, india, de = (crisis_line(loc) for loc in ("en-US", "en-GB", "en-AU", "en-IN", "de-DE"))
    assert (us.number, us.text, us.emergency) == ("988", True, "911")
    assert crisis_line("en-CA").number == "988" and crisis_line("en-CA").emergency == "911"
    assert (gb.name, gb.number, gb.emergency) == ("Samaritans", "116 123", "999")
    assert (au.name, au.number, au.emergency) == ("Lifeline", "13 11 14", "000")
    assert (india.name, india.number, india.emergency) == ("Tele-MANAS", "14416", "112")
    assert (de.name, de.number, de.emergency) == ("TelefonSeelsorge", "0800 111 0 111 oder 0800 111 0 222", "112")
    assert crisis_line("es-US") is us  # another language of the same country: the same numbers
    assert crisis_line("fr-FR") is None and crisis_line(None) is None


def test_every_spoken_number_has_the_written_numbers_digits():
    for locale, line in CRISIS_LINES.items():
        digits = re.sub(r"\D", "", line.spoken_number)
        assert digits == re.sub(r"\D", "", line.number), locale
        emergency = re.sub(r"\D", "", line.spoken_emergency)
        assert emergency in ("", re.sub(r"\D", "", line.emergency)), locale


# ------------------------------------------------------------------ the answer, through HTTP


def _assert_crisis_answer(reply, number="9 8 8", emergency="9 1 1", card_numbers=("988", "911"), locale="en-US"):
    speech = reply.speech
    assert reply.ends_session, "the session ends gently"
    assert not reply.reprompt and not reply.directives
    if locale.startswith("de-"):
        assert "nicht helfen" in speech or "mehr, als ich selbst auffangen kann" in speech
    else:
        assert "can't help with this myself" in speech or "not able to help with this myself" in speech \
            or "more than I can help with myself" in speech
    assert number in speech and emergency in speech
    card = reply.card
    assert card is not None and card["type"] == "Simple"
    for written in card_numbers:
        assert written in card["content"]


def test_crisis_intent_answers_with_care_and_the_us_numbers(alexa, store):
    reply = alexa.say("crisis")
    _assert_crisis_answer(reply)
    assert "call or text 9 8 8" in reply.speech
    assert "Suicide and Crisis Lifeline" in reply.speech
    assert "Lifeline: call or text 988" in reply.card["content"] or "Call or text 988" in reply.card["content"]
    assert store.count(JournalKey(SAMPLE_USER)) == 0


def test_crisis_said_as_a_one_shot_ends_the_session_too(alexa):
    _assert_crisis_answer(alexa.say("crisis_one_shot"))


def test_a_glimmer_that_speaks_of_dying_is_not_saved(alexa, store, caplog):
    caplog.set_level(logging.DEBUG)
    reply = alexa.say("record_glimmer_crisis")
    _assert_crisis_answer(reply)
    assert store.count(JournalKey(SAMPLE_USER)) == 0
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "want to die" not in logged


def test_the_answer_to_what_did_you_notice_is_checked_too(alexa, store):
    alexa.say("launch")
    asked = alexa.say("record_glimmer_no_text")
    assert asked.directives and asked.directives[0]["type"] == "Dialog.ElicitSlot"
    reply = alexa.say("record_glimmer_no_text", glimmer="I don't want to be here anymore")
    _assert_crisis_answer(reply)
    assert store.count(JournalKey(SAMPLE_USER)) == 0


def test_a_correction_that_speaks_of_a_crisis_changes_nothing(alexa, store):
    alexa.say("record_glimmer_one_shot")
    before = [g.text for g in store.glimmers(JournalKey(SAMPLE_USER))]
    _assert_crisis_answer(alexa.say("change_last_glimmer_crisis"))
    assert [g.text for g in store.glimmers(JournalKey(SAMPLE_USER))] == before == ["the smell of fresh bread"]


def test_a_search_topic_that_speaks_of_a_crisis_gets_care_not_a_search(alexa):
    _assert_crisis_answer(alexa.say("search_glimmers_crisis"))


def test_a_crisis_comes_before_a_question_the_skill_asked(alexa, store):
    alexa.say("record_glimmer_one_shot")
    asked = alexa.say("delete_last_glimmer")
    assert asked.attributes.get("question") == "confirm_delete_last"
    _assert_crisis_answer(alexa.say("crisis"))
    assert store.count(JournalKey(SAMPLE_USER)) == 1


def test_a_harmless_glimmer_with_dying_in_it_is_saved_as_usual(alexa, store):
    reply = alexa.say("record_glimmer", glimmer="I'm dying to see the sunset tonight")
    assert "Saved" in reply.speech or "Got it" in reply.speech or "Noted" in reply.speech
    assert [g.text for g in store.glimmers(JournalKey(SAMPLE_USER))] == ["I'm dying to see the sunset tonight"]


@pytest.mark.parametrize(
    ("locale", "number", "emergency", "card"),
    [
        ("en-GB", "1 1 6, 1 2 3", "9 9 9", ("Samaritans", "116 123", "999")),
        ("en-AU", "13 11 14", "triple zero", ("Lifeline", "13 11 14", "000")),
        ("en-IN", "1 4 4 1 6", "1 1 2", ("Tele-MANAS", "14416", "112")),
        ("en-CA", "9 8 8", "9 1 1", ("988", "911")),
        ("de-DE", "0 8 0 0, 1 1 1, 0, 1 1 1, oder 0 8 0 0, 1 1 1, 0, 2 2 2", "1 1 2",
         ("TelefonSeelsorge", "0800 111 0 111 oder 0800 111 0 222", "112")),
    ],
)
def test_the_numbers_follow_the_requests_locale(client, locale, number, emergency, card):
    envelope = load_request("crisis")
    envelope["request"]["locale"] = locale
    reply = Reply(client.post("/alexa", json=envelope).get_json())
    _assert_crisis_answer(reply, number=number, emergency=emergency, card_numbers=card, locale=locale)


def test_an_unknown_locale_hears_about_emergency_services_in_general(client):
    envelope = load_request("record_glimmer", glimmer="I want to kill myself")
    envelope["request"]["locale"] = "en-ZZ"
    reply = Reply(client.post("/alexa", json=envelope).get_json())
    assert reply.ends_session and not reply.reprompt
    assert "emergency" in reply.speech and "crisis line" in reply.speech
    assert not re.search(r"\d", reply.speech + reply.card["content"]), "no number we can't vouch for"
    assert "emergency" in reply.card["content"]


# ------------------------------------------------------------------ what the skill says


def test_every_crisis_message_has_two_or_more_phrasings_and_each_says_the_skill_cant_help_itself():
    catalogue = load_catalogue("en-US")
    for key in CRISIS_KEYS:
        assert len(catalogue.phrasings(key)) >= 2, key
    for phrasing in catalogue.phrasings("CRISIS_CARE"):
        assert re.search(r"can't help with this myself|not able to help with this myself|more than I can help with",
                         phrasing), phrasing
    for phrasing in catalogue.phrasings("CRISIS_EMERGENCY_GENERAL"):
        assert "emergency" in phrasing


def _catalogue_texts() -> list[tuple[str, str]]:
    """Every text the skill speaks or shows: messages, suggestions, and store listings without their disclaimer."""
    texts = []
    for resource in CATALOGUE.iterdir():
        if not resource.name.endswith(".json"):
            continue
        data = json.loads(resource.read_text(encoding="utf-8"))
        if resource.name.startswith("listing-"):
            data = {k: v for k, v in data.items() if k != "disclaimer"}
        texts += [(resource.name, text) for text in _strings(data)]
    return texts


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_the_promise_check_catches_a_promise():
    assert PROMISES.search("This will heal you.") and PROMISES.search("a therapy for stress")
    assert PROMISES.search("Let me fix your mood") and PROMISES.search("a treatment")
    assert not PROMISES.search("Let's fix it. What should it say?")


def test_no_speech_suggestion_or_listing_promises_to_treat_or_heal_anything():
    texts = _catalogue_texts()
    assert len(texts) > 200  # the messages, the suggestions and the listing were all read
    promising = [(name, text) for name, text in texts if PROMISES.search(text)]
    assert not promising


@pytest.mark.parametrize("locale", sorted(shipped_models()))
def test_the_listing_disclaimer_says_plainly_what_the_skill_is_not(locale):
    disclaimer = load_listing(locale)["disclaimer"]
    plainly = {
        "en": ("journaling aid", "not professional advice, diagnosis or treatment", "not a crisis service"),
        "de": ("Hilfe beim Tagebuchschreiben", "keine professionelle Beratung, Diagnose oder Behandlung",
               "kein Krisendienst"),
    }[locale.split("-")[0]]
    for words in plainly:
        assert words in disclaimer
