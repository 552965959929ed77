"""Every locale the skill ships: the same capability everywhere, its own words, and no locale left behind.

Strict parity: nothing can land in en-US (an intent, a slot, a dialog rule,
a message) without every other locale having it too.
"""

from __future__ import annotations

import json
import logging
import random
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import Reply, load_request
from locales import LOCALES
from skill.cli import main
from skill.locales import ENGLISH_REGIONS, SUPPORTED_LOCALES, resolve_locale
from skill.periods import Period
from skill.regional import generated_models, stale_models
from skill.simulator.dates import resolve_date
from skill.simulator.model import available_locales
from skill.simulator.numbers import parse_number, parse_ordinal
from skill.speech import Speech, load_catalogue
from skill.speech.catalogue import INTERCHANGEABLE, OPTIONAL_PLACEHOLDERS, ordinal
from skill.storage import JournalKey
from skill.storage.contract import search_words
from speech_expect import says

ROOT = Path(__file__).parent.parent
MODELS = ROOT / "interaction_models"
CATALOGUE = ROOT / "skill" / "speech" / "catalogue"
GLIMMERS = str(Path(sys.executable).parent / "glimmers")
SAMPLE_USER = load_request("launch")["context"]["System"]["user"]["userId"]
TODAY = date(2026, 11, 30)  # a Monday


def read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ what ships


def test_the_skill_ships_six_locales_each_with_a_model_and_speech():
    assert SUPPORTED_LOCALES == ("en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE")
    assert sorted(available_locales()) == sorted(SUPPORTED_LOCALES)
    for locale in SUPPORTED_LOCALES:
        assert load_catalogue(locale).language == locale.split("-")[0]


# ------------------------------------------------------------------ models: strict parity


def _shape(locale: str) -> dict:
    """Everything about a model but its words: intents, slots, dialog rules, prompt ids, slot type value ids."""
    root = read(MODELS / f"{locale}.json")["interactionModel"]
    language = root["languageModel"]
    return {
        "intents": {
            intent["name"]: sorted((slot["name"], slot["type"]) for slot in intent.get("slots", []))
            for intent in language["intents"]
        },
        "types": {t["name"]: sorted(v["id"] for v in t["values"]) for t in language.get("types", [])},
        "dialog": json.dumps(
            [{**d, "slots": [{k: v for k, v in s.items()} for s in d.get("slots", [])]} for d in root["dialog"]["intents"]],
            sort_keys=True,
        ),
        "delegation": root["dialog"].get("delegationStrategy"),
        "prompts": sorted(p["id"] for p in root.get("prompts", [])),
    }


@pytest.mark.parametrize("locale", [loc for loc in LOCALES if loc != "en-US"])
def test_every_model_has_exactly_what_en_us_has(locale):
    us, other = _shape("en-US"), _shape(locale)
    assert other["intents"] == us["intents"], "intents or slots differ from en-US"
    assert other["types"] == us["types"], "custom slot types or their value ids differ from en-US"
    assert other["dialog"] == us["dialog"] and other["delegation"] == us["delegation"], "the dialog model differs"
    assert other["prompts"] == us["prompts"]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_custom_intent_has_samples_in_every_locale(locale):
    language = read(MODELS / f"{locale}.json")["interactionModel"]["languageModel"]
    for intent in language["intents"]:
        if not intent["name"].startswith("AMAZON."):
            assert len(intent.get("samples", [])) >= 15, (locale, intent["name"])


def test_the_german_model_is_written_in_german():
    language = read(MODELS / "de-DE.json")["interactionModel"]["languageModel"]
    english = {s for i in read(MODELS / "en-US.json")["interactionModel"]["languageModel"]["intents"]
               for s in i.get("samples", [])}
    german = [s for i in language["intents"] for s in i.get("samples", [])]
    assert not set(german) & english
    assert language["invocationName"] == "glimmer tagebuch"
    prompts = [v["value"] for p in read(MODELS / "de-DE.json")["interactionModel"]["prompts"] for v in p["variations"]]
    english_prompts = [v["value"] for p in read(MODELS / "en-US.json")["interactionModel"]["prompts"]
                       for v in p["variations"]]
    assert not set(prompts) & set(english_prompts)
    assert all(" du" in p or "dein" in p.lower() for p in prompts), prompts


# ------------------------------------------------------------------ English regions: generated, never hand-copied


def test_the_regional_models_are_what_glimmers_models_writes():
    assert stale_models() == []
    for locale, text in generated_models().items():
        assert (MODELS / f"{locale}.json").read_text(encoding="utf-8") == text


def test_glimmers_models_check_finds_a_hand_edited_model_and_writing_fixes_it(tmp_path):
    folder = tmp_path / "interaction_models"
    shutil.copytree(MODELS, folder)
    edited = read(folder / "en-GB.json")
    edited["interactionModel"]["languageModel"]["intents"][0]["samples"].append("a sample only en gb has")
    (folder / "en-GB.json").write_text(json.dumps(edited), encoding="utf-8")
    assert stale_models(folder) == ["en-GB"]
    from skill.regional import write_models

    assert write_models(folder) == ["en-GB"]
    assert stale_models(folder) == []


def test_glimmers_models_check_through_the_command():
    result = CliRunner().invoke(main, ["models", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


@pytest.mark.parametrize("locale", ENGLISH_REGIONS)
def test_a_region_says_it_its_own_way(locale):
    overrides = read(MODELS / "regional" / f"{locale}.json")
    model = read(MODELS / f"{locale}.json")["interactionModel"]["languageModel"]
    samples = {i["name"]: i.get("samples", []) for i in model["intents"]}
    added = overrides["samples"]
    assert added, "a region with nothing of its own needs no model"
    for intent, extra in added.items():
        assert set(extra) <= set(samples[intent]), intent
    text = json.dumps(model)
    for us, local in overrides.get("spellings", {}).items():
        assert f'"{us}' not in text and f" {us}" not in text, us


def test_british_models_spell_and_speak_british():
    gb = json.dumps(read(MODELS / "en-GB.json"))
    assert "flavour" in gb and "flavor" not in gb and "cosy things" in gb
    assert "bin my last one" in gb


# ------------------------------------------------------------------ speech: every key, the same placeholders


def _placeholders(catalogue, key: str) -> set[str]:
    return {INTERCHANGEABLE.get(name, name) for name in catalogue.placeholders(key)} - OPTIONAL_PLACEHOLDERS


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalogue_has_every_message_with_the_same_placeholders(locale):
    english = load_catalogue("en-US")
    catalogue = load_catalogue(locale)
    assert set(catalogue.messages) == set(english.messages)
    for key, entry in english.messages.items():
        theirs = catalogue.messages[key]
        assert isinstance(theirs, dict) == isinstance(entry, dict), key
        if isinstance(entry, dict):
            assert set(theirs) == set(entry), key
        assert _placeholders(catalogue, key) == _placeholders(english, key), key


def test_the_german_catalogue_is_complete_and_as_varied_as_the_english_one():
    english, german = read(CATALOGUE / "en.json"), read(CATALOGUE / "de.json")
    assert set(german["messages"]) == set(english["messages"])
    for key, entry in english["messages"].items():
        forms = entry.items() if isinstance(entry, dict) else [(None, entry)]
        for form, phrasings in forms:
            theirs = german["messages"][key][form] if form else german["messages"][key]
            assert len(set(theirs)) >= len(set(phrasings)), (key, form)
            if any(re.sub(r"\{\w+\}", "", p).strip(" .,:") for p in phrasings):  # words, not just "{glimmer}"
                assert set(theirs) != set(phrasings), f"{key} is not in German"
    assert set(german["names"]) == set(english["names"])
    assert german["names"]["months"][9] == "Oktober" and german["names"]["weekdays"][0] == "Montag"


def test_german_speech_says_du_throughout():
    german = read(CATALOGUE / "de.json")
    texts = json.dumps(german["messages"], ensure_ascii=False)
    assert " du " in texts and " dein" in texts
    for formal in (" Sie ", " Ihnen ", " Ihr ", " Ihre "):
        assert formal not in texts, formal


@pytest.mark.parametrize("locale", ENGLISH_REGIONS)
def test_regional_speech_overrides_only_what_english_has(locale):
    overrides = read(CATALOGUE / f"{locale}.json")
    english = read(CATALOGUE / "en.json")
    assert set(overrides.get("messages", {})) <= set(english["messages"])
    assert set(overrides.get("names", {})) <= set(english["names"])
    ids = {s["id"] for c in read(CATALOGUE / "suggestions-en.json")["categories"].values() for s in c["suggestions"]}
    assert set(overrides.get("suggestions", {})) <= ids
    catalogue = load_catalogue(locale)
    favourite = [s.text for s in catalogue.suggestions if "favo" in s.text]
    assert favourite and all("favourite" in text for text in favourite)


def test_german_suggestions_are_as_many_and_in_the_same_categories():
    english = read(CATALOGUE / "suggestions-en.json")["categories"]
    german = read(CATALOGUE / "suggestions-de.json")["categories"]
    assert set(german) == set(english)
    for category, entry in english.items():
        assert [s["id"] for s in german[category]["suggestions"]] == [s["id"] for s in entry["suggestions"]]
        assert not {s["text"] for s in german[category]["suggestions"]} & {s["text"] for s in entry["suggestions"]}


# ------------------------------------------------------------------ dates and numbers as each locale says them


def _when(locale: str, day: date) -> str:
    speech = Speech(load_catalogue(locale), random.Random(0))
    return speech.when(datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc),
                       datetime(2026, 11, 30, 18, tzinfo=timezone.utc), timezone.utc)


@pytest.mark.parametrize(
    "locale, long_ago, yesterday, monday",
    [
        ("en-US", "on October 3", "yesterday", "on Tuesday"),
        ("en-CA", "on October 3", "yesterday", "on Tuesday"),
        ("en-GB", "on the 3rd of October", "yesterday", "on Tuesday"),
        ("en-AU", "on the 3rd of October", "yesterday", "on Tuesday"),
        ("en-IN", "on the 3rd of October", "yesterday", "on Tuesday"),
        ("de-DE", "am 3. Oktober", "gestern", "am Dienstag"),
    ],
)
def test_when_a_glimmer_was_noted_is_said_the_locales_way(locale, long_ago, yesterday, monday):
    assert _when(locale, date(2026, 10, 3)) == long_ago
    assert _when(locale, date(2026, 11, 29)) == yesterday
    assert _when(locale, date(2026, 11, 24)) == monday


@pytest.mark.parametrize(
    "locale, last_week, october, autumn, around",
    [
        ("en-US", "last week", "in October", "in the fall of 2025", "around November 30, 2026"),
        ("en-GB", "last week", "in October", "in the autumn of 2025", "around the 30th of November 2026"),
        ("de-DE", "letzte Woche", "im Oktober", "im Herbst 2025", "rund um den 30. November 2026"),
    ],
)
def test_periods_are_said_the_locales_way(locale, last_week, october, autumn, around):
    speech = Speech(load_catalogue(locale), random.Random(0))
    assert speech.period(Period(date(2026, 11, 23), date(2026, 11, 30), "week"), TODAY) == last_week
    assert speech.period(Period(date(2026, 10, 1), date(2026, 11, 1), "month"), TODAY) == october
    assert speech.period(Period(date(2025, 9, 1), date(2025, 12, 1), "season"), TODAY) == autumn
    unsure = speech.period(Period(date(2026, 11, 30), date(2026, 12, 1), "day"), TODAY, date(2026, 12, 1))
    assert unsure == around


def test_counts_are_words_in_the_locales_language():
    assert Speech(load_catalogue("de-DE"), random.Random(0)).number(3) == "drei"
    assert Speech(load_catalogue("en-GB"), random.Random(0)).number(3) == "three"
    german = Speech(load_catalogue("de-DE"), random.Random(0))
    assert german.elapsed(datetime(2026, 11, 30, 18) - datetime(2026, 11, 30, 15)) == "vor etwa drei Stunden"


@pytest.mark.parametrize("day, said", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                       (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")])
def test_english_ordinals(day, said):
    assert ordinal(day, "en") == said
    assert ordinal(day, "de") == f"{day}."


@pytest.mark.parametrize(
    "phrase, value",
    [
        ("heute", "2026-11-30"), ("gestern", "2026-11-29"), ("vorgestern", "2026-11-28"),
        ("letzte woche", "2026-W48"), ("diese woche", "2026-W49"), ("letzten monat", "2026-10"),
        ("am montag", "2026-11-30"), ("letzten dienstag", "2026-11-24"), ("am freitag", "2026-12-04"),
        ("im oktober", "2027-10"), ("letzten oktober", "2026-10"), ("am 3 oktober", "2027-10-03"),
        ("am dritten oktober 2025", "2025-10-03"), ("am wochenende", "2026-W49-WE"),
        ("letztes wochenende", "2026-W48-WE"), ("vor drei tagen", "2026-11-27"), ("vor einer woche", "2026-11-23"),
        ("dieses jahr", "2026"), ("letztes jahr", "2025"), ("im sommer", "2026-SU"), ("jetzt", "PRESENT_REF"),
        ("der garten", None),
    ],
)
def test_german_date_words_resolve_as_alexa_sends_them(phrase, value):
    assert resolve_date(phrase, TODAY, "de") == value


@pytest.mark.parametrize("words, number", [("drei", 3), ("dreiundzwanzig", 23), ("einundzwanzig", 21),
                                           ("hundert", 100), ("zweihundertfünf", 205), ("zweitausendsechsundzwanzig", 2026),
                                           ("17", 17), ("viel", None)])
def test_german_numbers(words, number):
    assert parse_number(words, "de") == number


@pytest.mark.parametrize("words, day", [("ersten", 1), ("dritten", 3), ("siebten", 7), ("achten", 8),
                                        ("zwanzigsten", 20), ("einunddreißigsten", 31), ("3.", 3)])
def test_german_ordinals(words, day):
    assert parse_ordinal(words, "de") == day


def test_german_searches_skip_the_little_words_and_english_ones_keep_theirs():
    assert search_words("das Meer", "de") == ["Meer"]
    assert search_words("über den Regen", "de") == ["Regen"]
    assert search_words("the die", "en") == ["the", "die"]  # English drops its own little words later, not "die"


# ------------------------------------------------------------------ which locale a request gets


@pytest.mark.parametrize(
    "raw, speech, spoken",
    [("en-US", "en-US", True), ("en-GB", "en-GB", True), ("de-DE", "de-DE", True), ("en-gb", "en-GB", True),
     ("en-NZ", "en-US", True), ("de-AT", "de-DE", True), ("fr-FR", "en-US", False), ("ja-JP", "en-US", False),
     (None, "en-US", True), ("", "en-US", True)],
)
def test_a_requests_locale_decides_the_speech(raw, speech, spoken):
    answered = resolve_locale(raw)
    assert (answered.speech, answered.spoken) == (speech, spoken)


def test_an_unknown_english_locale_is_answered_in_us_english_and_logged_once(client, caplog):
    caplog.set_level(logging.WARNING, logger="skill.locales")
    replies = []
    for _ in range(3):
        envelope = load_request("launch", user="amzn1.ask.account.KIWI")
        envelope["request"]["locale"] = "en-NZ"
        replies.append(Reply(client.post("/alexa", json=envelope).get_json()))
    assert all(says(reply.speech, "en-US", "WELCOME_NEW") for reply in replies)
    lines = [r for r in caplog.records if "en-NZ" in r.getMessage()]
    assert len(lines) <= 1  # once per locale per process (an earlier test may have logged it already)


def test_the_fallback_is_logged_once_per_locale(caplog):
    from skill import locales

    caplog.set_level(logging.WARNING, logger="skill.locales")
    locales._warned.discard("en-ZA")
    for _ in range(5):
        assert resolve_locale("en-ZA").speech == "en-US"
    assert [r.getMessage() for r in caplog.records].count(
        "requests in en-ZA are answered with en-US speech (the skill has no en-ZA model of its own)") == 1


@pytest.mark.parametrize("locale", ["fr-FR", "ja-JP", "es-ES"])
def test_a_language_the_skill_does_not_speak_gets_a_short_english_answer(client, store, locale):
    for name, changes in (("launch", {}), ("record_glimmer", {"glimmer": "le soleil"}), ("read_glimmers", {})):
        envelope = load_request(name, **changes)
        envelope["request"]["locale"] = locale
        response = client.post("/alexa", json=envelope)
        assert response.status_code == 200
        reply = Reply(response.get_json())
        assert says(reply.speech, "en-US", "LANGUAGE_NOT_SPOKEN")
        assert reply.ends_session and not reply.reprompt
    assert store.glimmers(JournalKey(SAMPLE_USER)) == []
    ended = load_request("session_ended")
    ended["request"]["locale"] = locale
    response = client.post("/alexa", json=ended)
    assert response.status_code == 200 and "outputSpeech" not in response.get_json()["response"]


def test_words_about_self_harm_in_an_unspoken_language_request_still_get_the_crisis_answer(client):
    envelope = load_request("crisis")
    envelope["request"]["locale"] = "fr-FR"
    reply = Reply(client.post("/alexa", json=envelope).get_json())
    assert says(reply.speech, "en-US", "CRISIS_CARE") and says(reply.speech, "en-US", "CRISIS_EMERGENCY_GENERAL")


# ------------------------------------------------------------------ German through the endpoint


def _german(name: str, **changes) -> dict:
    envelope = load_request(name, **changes)
    envelope["request"]["locale"] = "de-DE"
    return envelope


@pytest.mark.parametrize("said", ["ich will mir etwas antun", "Ich habe Selbstmordgedanken",
                                  "dass ich nicht mehr leben will"])
def test_a_german_glimmer_about_self_harm_gets_the_german_crisis_answer(client, store, said):
    reply = Reply(client.post("/alexa", json=_german("record_glimmer", glimmer=said)).get_json())
    assert says(reply.speech, "de-DE", "CRISIS_CARE")
    assert "TelefonSeelsorge" in reply.speech and "1 1 2" in reply.speech
    assert "0800 111 0 111" in reply.card["content"] and "0800 111 0 222" in reply.card["content"]
    assert reply.ends_session
    assert store.glimmers(JournalKey(SAMPLE_USER)) == []


def test_a_german_hard_day_is_not_saved_and_a_quiet_moment_is_offered(client, store):
    reply = Reply(client.post("/alexa", json=_german("record_glimmer", glimmer="einen richtig harten Tag")).get_json())
    assert says(reply.speech, "de-DE", "HARD_MOMENT") and says(reply.speech, "de-DE", "OFFER_GROUNDING")
    assert store.glimmers(JournalKey(SAMPLE_USER)) == []


def test_a_german_glimmer_is_saved_with_its_locale_and_read_back_in_german(client, store, clock):
    saved = Reply(client.post("/alexa", json=_german("record_glimmer", glimmer="die Amsel im Garten")).get_json())
    assert says(saved.speech, "de-DE", "SAVED", glimmer="die Amsel im Garten")
    assert store.glimmers(JournalKey(SAMPLE_USER))[0].locale == "de-DE"
    clock.advance(days=1)
    read = Reply(client.post("/alexa", json=_german("read_glimmers")).get_json())
    assert "Gestern: die Amsel im Garten." in read.speech


def test_german_spans_said_without_a_resolution_are_understood(client, store, clock):
    reply = Reply(client.post("/alexa", json=_german("on_this_day", span="zwei Jahren")).get_json())
    assert says(reply.speech, "de-DE", "MEMORY_NONE", ago="vor zwei Jahren") or \
        says(reply.speech, "de-DE", "MEMORY_NONE_UNSURE", ago="vor zwei Jahren")


# ------------------------------------------------------------------ the commands


def test_chat_in_german_through_the_installed_command(tmp_path):
    lines = "öffne glimmer tagebuch\nich habe die Amsel im Garten singen hören\nlies meine Glimmer vor\nstopp\n"
    result = subprocess.run([GLIMMERS, "chat", "--locale", "de-DE", "--data-dir", str(tmp_path), "--timezone",
                             "Europe/Berlin", "--script", "-"], input=lines, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert says(result.stdout, "de-DE", "WELCOME_NEW")
    assert "die amsel im garten singen" in result.stdout and "Heute: die amsel im garten singen." in result.stdout
    assert "model interaction_models/de-DE.json" in result.stderr


def test_request_in_british_english_through_the_installed_command():
    result = subprocess.run([GLIMMERS, "request", "--locale", "en-GB", "bin my last one"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    envelope = json.loads(result.stdout)
    assert envelope["request"]["locale"] == "en-GB"
    assert envelope["request"]["intent"]["name"] == "DeleteLastGlimmerIntent"


@pytest.mark.parametrize("command", [["chat", "--script", "-"], ["request", "hello"]])
def test_an_unknown_locale_is_refused_with_one_clear_line(command):
    result = subprocess.run([GLIMMERS, *command, "--locale", "fr-FR"], input="", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Error: there is no interaction model for fr-FR (models: de-DE, en-AU, en-CA, en-GB, en-IN, en-US); "
        "pass one with --model FILE"]
    assert "Traceback" not in result.stderr
