"""Consistency checks for every locale's interaction model and suggestion
catalogue (each test runs once per locale), and for the sample Alexa request
envelopes in tests/requests (en-US).

These tests only read JSON files (and the list of locales); they do not import
the handlers.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.interfaces.connections import ConnectionsResponse
from ask_sdk_model import IntentRequest, LaunchRequest, RequestEnvelope, SessionEndedRequest
from ask_sdk_model.events.skillevents import SkillDisabledRequest, SkillEnabledRequest

from locales import LOCALES

ROOT = Path(__file__).parent.parent
MODELS_DIR = ROOT / "interaction_models"
MODEL_PATH = MODELS_DIR / "en-US.json"
CATALOGUE_DIR = ROOT / "skill" / "speech" / "catalogue"
REQUESTS_DIR = Path(__file__).parent / "requests"

SLOT_REF = re.compile(r"\{([^{}]*)\}")
# Lower-case words (German with its umlauts and ß), apostrophes, periods (for
# abbreviations) and {slot} references. Digits are not allowed: Alexa wants numbers spelled out.
SPOKEN_SAMPLE = re.compile(
    r"^(?:[a-zäöüß'.]+|\{[A-Za-z_][A-Za-z0-9_]*\})(?: (?:[a-zäöüß'.]+|\{[A-Za-z_][A-Za-z0-9_]*\}))*$"
)
# What differs by language: the invocation name, the everyday ways of recording, how a date is answered,
# how a deletion is said to be final, and the words that reach "being a glimmer".
BY_LANGUAGE = {
    "en": {
        "invocation": "glimmer journal",
        "record_carriers": ("i saw", "i heard", "i smelled", "i felt", "i loved", "i enjoyed", "i had", "i watched",
                            "today i", "note", "log", "add", "jot down", "save", "remember"),
        "record_carriers_after": (),
        "min_record_samples": 100,
        "date_answers": {"{date}", "on {date}", "from {date}"},
        "cannot_be_undone": "can't be undone",
        "kindness": {"kindness", "being a glimmer"},
    },
    "de": {
        "invocation": "glimmer tagebuch",
        "record_carriers": ("ich habe bemerkt", "mir ist aufgefallen dass", "heute habe ich", "notiere", "speichere",
                            "merk dir", "schreib auf", "halte fest", "mein glimmer ist", "ich hatte"),
        "record_carriers_after": ("ich habe {glimmer} bemerkt", "ich habe {glimmer} gesehen",
                                  "ich habe {glimmer} gehört", "ich habe {glimmer} gerochen",
                                  "ich habe {glimmer} gespürt", "ich habe {glimmer} genossen",
                                  "schreib {glimmer} auf", "füge {glimmer} hinzu"),
        "min_record_samples": 80,
        "date_answers": {"{date}", "am {date}", "von {date}"},
        "cannot_be_undone": "nicht rückgängig",
        "kindness": {"freundlichkeit", "ein glimmer sein"},
    },
}

CUSTOM_INTENT_SLOTS = {
    "RecordGlimmerIntent": {"glimmer": "AMAZON.SearchQuery"},
    "ReadGlimmersIntent": {},
    "SuggestGlimmerIntent": {"category": "GlimmerCategory"},
    "GlimmersByDateIntent": {"date": "AMAZON.DATE"},
    "CountGlimmersIntent": {"date": "AMAZON.DATE"},
    "StreakIntent": {},
    "GroundingIntent": {},
    "BeAGlimmerIntent": {},
    "DeleteLastGlimmerIntent": {},
    "DeleteAllGlimmersIntent": {},
    "ChangeLastGlimmerIntent": {"glimmer": "AMAZON.SearchQuery"},
    "SearchGlimmersIntent": {"topic": "AMAZON.SearchQuery"},
    "OnThisDayIntent": {"span": "MemorySpan"},
    "CrisisIntent": {},
}
MIN_SAMPLES = {
    "RecordGlimmerIntent": 25,
    "ReadGlimmersIntent": 15,
    "SuggestGlimmerIntent": 20,
    "GlimmersByDateIntent": 20,
    "CountGlimmersIntent": 15,
    "StreakIntent": 15,
    "GroundingIntent": 15,
    "BeAGlimmerIntent": 15,
    "DeleteLastGlimmerIntent": 15,
    "DeleteAllGlimmersIntent": 15,
    "ChangeLastGlimmerIntent": 20,
    "SearchGlimmersIntent": 20,
    "OnThisDayIntent": 20,
    "CrisisIntent": 40,
}
# Intents with an optional or skill-elicited slot: how many samples must fill
# the slot, and how many must leave it empty.
SLOT_OPTIONAL_SAMPLES = {
    "RecordGlimmerIntent": (5, 5),
    "SuggestGlimmerIntent": (5, 5),
    "GlimmersByDateIntent": (15, 2),
    "CountGlimmersIntent": (5, 5),
    "ChangeLastGlimmerIntent": (10, 5),
    "SearchGlimmersIntent": (10, 3),
    "OnThisDayIntent": (10, 5),
}
# Intents whose free-text slot the skill asks for itself (Dialog.ElicitSlot) when it was not said.
SKILL_ELICITED_SEARCH_SLOTS = {"ChangeLastGlimmerIntent": "glimmer", "SearchGlimmersIntent": "topic"}
# Intents the skill confirms before acting (Dialog.ConfirmIntent), with the
# dialog-model prompt Alexa falls back to.
CONFIRMED_INTENTS = {
    "DeleteLastGlimmerIntent": "Confirm.Intent.DeleteLastGlimmerIntent",
    "DeleteAllGlimmersIntent": "Confirm.Intent.DeleteAllGlimmersIntent",
}
BUILT_IN_INTENTS = {
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.MoreIntent",
    "AMAZON.NextIntent",
}
CATEGORY_IDS = {
    "MUSIC_RHYTHM",
    "WARMTH_LIGHT",
    "NATURE",
    "CONNECTION",
    "TASTE",
    "REST_COMFORT",
    "MOVEMENT_BODY",
    "SMALL_SUCCESSES",
    "BEING_A_GLIMMER",
}
EXPECTED_FIXTURES = {
    "launch.json",
    "launch_person.json",
    "record_glimmer.json",
    "record_glimmer_one_shot.json",
    "record_glimmer_no_text.json",
    "read_glimmers.json",
    "read_glimmers_one_shot.json",
    "suggest_glimmer.json",
    "suggest_glimmer_category.json",
    "suggest_glimmer_unknown_category.json",
    "help.json",
    "stop.json",
    "cancel.json",
    "navigate_home.json",
    "fallback.json",
    "yes.json",
    "no.json",
    "more.json",
    "next.json",
    "session_ended.json",
    "session_ended_error.json",
    "glimmers_by_date.json",
    "glimmers_by_date_week.json",
    "glimmers_by_date_weekend.json",
    "glimmers_by_date_month.json",
    "glimmers_by_date_no_date.json",
    "count_glimmers.json",
    "count_glimmers_this_week.json",
    "streak.json",
    "grounding.json",
    "be_a_glimmer.json",
    "delete_last_glimmer.json",
    "delete_last_glimmer_confirmed.json",
    "delete_last_glimmer_denied.json",
    "delete_all_glimmers.json",
    "delete_all_glimmers_confirmed.json",
    "delete_all_glimmers_denied.json",
    "skill_disabled.json",
    "skill_disabled_persisted.json",
    "change_last_glimmer.json",
    "change_last_glimmer_no_text.json",
    "change_last_glimmer_no_i_said.json",
    "search_glimmers.json",
    "search_glimmers_no_topic.json",
    "on_this_day.json",
    "on_this_day_month.json",
    "on_this_day_week.json",
    "on_this_day_no_span.json",
    "crisis.json",
    "crisis_one_shot.json",
    "record_glimmer_crisis.json",
    "search_glimmers_crisis.json",
    "change_last_glimmer_crisis.json",
}
REQUEST_CLASSES = {
    "LaunchRequest": LaunchRequest,
    "IntentRequest": IntentRequest,
    "SessionEndedRequest": SessionEndedRequest,
    "AlexaSkillEvent.SkillEnabled": SkillEnabledRequest,
    "AlexaSkillEvent.SkillDisabled": SkillDisabledRequest,
    "Connections.Response": ConnectionsResponse,
}
# Skill events arrive outside any conversation: no session, no device, no locale.
SKILL_EVENT_TYPES = {"AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled"}
SAMPLE_USER_ID = "amzn1.ask.account.AGLIMMERSAMPLEUSER0000000000000000000000000000000000000000"
# AMAZON.DATE values: a day, a week (optionally its weekend), a month, a year,
# a decade ("201X"), a season ("2026-WI"), a quarter ("2026-Q4"), "XX" for an
# unknown part ("2026-11-XX") or PRESENT_REF for "right now".
AMAZON_DATE_VALUE = re.compile(
    r"^(?:\d{4}-\d{2}-(?:\d{2}|XX)|\d{4}-W\d{2}(?:-WE)?|\d{4}-(?:\d{2}|XX)|\d{4}|\d{3}X"
    r"|\d{4}-(?:WI|SP|SU|FA)|\d{4}-Q[1-4]|PRESENT_REF)$"
)
FIXTURE_PATHS = sorted(REQUESTS_DIR.glob("*.json"))


# --------------------------------------------------------------------------
# helpers


def load_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=LOCALES)
def locale(request):
    return request.param


@pytest.fixture(scope="module")
def words(locale):
    return BY_LANGUAGE[locale.split("-")[0]]


@pytest.fixture(scope="module")
def model(locale):
    return load_json(MODELS_DIR / f"{locale}.json")["interactionModel"]


@pytest.fixture(scope="module")
def us_model():
    """The model the request fixtures (tests/requests, all en-US) are written for."""
    return load_json(MODEL_PATH)["interactionModel"]


@pytest.fixture(scope="module")
def us_intents(us_model):
    return {intent["name"]: intent for intent in us_model["languageModel"]["intents"]}


@pytest.fixture(scope="module")
def language_model(model):
    return model["languageModel"]


@pytest.fixture(scope="module")
def intents(language_model):
    return {intent["name"]: intent for intent in language_model["intents"]}


@pytest.fixture(scope="module")
def catalogue(locale):
    return load_json(CATALOGUE_DIR / f"suggestions-{locale.split('-')[0]}.json")["categories"]


@pytest.fixture(scope="module")
def glimmer_category(language_model):
    types = {t["name"]: t for t in language_model.get("types", [])}
    assert "GlimmerCategory" in types, "custom slot type GlimmerCategory is not defined"
    return types["GlimmerCategory"]


def normalise(sample):
    """Lower-case, collapse whitespace and blank slot names, so that
    "Add {glimmer}" and "add  {category}" count as the same utterance."""
    text = " ".join(sample.lower().split())
    return SLOT_REF.sub("{}", text)


def slots_in(sample):
    return SLOT_REF.findall(sample)


def carrier_words(sample):
    return SLOT_REF.sub(" ", sample).split()


def all_samples(intent):
    """Intent-level samples plus the slot-filling samples of each slot,
    as (where, sample) pairs."""
    pairs = [("intent", s) for s in intent.get("samples", [])]
    for slot in intent.get("slots", []):
        pairs += [(f"slot {slot['name']}", s) for s in slot.get("samples", [])]
    return pairs


def slot_types(intent):
    return {slot["name"]: slot["type"] for slot in intent.get("slots", [])}


def fixture_id(path):
    return path.name


# --------------------------------------------------------------------------
# language model


def test_invocation_name_is_glimmer_journal_in_the_locales_language(language_model, words):
    assert language_model["invocationName"] == words["invocation"]
    assert len(words["invocation"].split()) >= 2 and SPOKEN_SAMPLE.match(words["invocation"])


@pytest.mark.parametrize("intent_name", sorted(CUSTOM_INTENT_SLOTS))
def test_custom_intent_declares_exactly_the_expected_slots(intents, intent_name):
    assert intent_name in intents, f"{intent_name} is missing"
    assert slot_types(intents[intent_name]) == CUSTOM_INTENT_SLOTS[intent_name]


@pytest.mark.parametrize("intent_name", sorted(CUSTOM_INTENT_SLOTS))
def test_custom_intent_has_enough_samples(intents, intent_name):
    samples = intents[intent_name].get("samples", [])
    assert len(samples) >= 15
    assert len(samples) >= MIN_SAMPLES[intent_name]


@pytest.mark.parametrize("intent_name", sorted(SLOT_OPTIONAL_SAMPLES))
def test_slotted_intent_can_be_spoken_with_and_without_its_slot(intents, intent_name):
    samples = intents[intent_name]["samples"]
    with_slot = [s for s in samples if slots_in(s)]
    without_slot = [s for s in samples if not slots_in(s)]
    min_with, min_without = SLOT_OPTIONAL_SAMPLES[intent_name]
    assert len(with_slot) >= min_with, "too few samples that fill the slot"
    assert len(without_slot) >= min_without, "too few samples that leave the slot for the dialog"


def test_built_in_intents_are_declared_without_samples(intents):
    missing = BUILT_IN_INTENTS - set(intents)
    assert not missing, f"built-in intents not declared: {sorted(missing)}"
    for name in BUILT_IN_INTENTS:
        assert intents[name].get("samples", []) == [], f"{name} should use Alexa's own samples"


def test_intent_names_are_unique(language_model):
    names = [intent["name"] for intent in language_model["intents"]]
    duplicates = [name for name, count in Counter(names).items() if count > 1]
    assert not duplicates


def test_no_sample_belongs_to_two_intents(intents):
    owner = {}
    clashes = []
    for name, intent in intents.items():
        for sample in {normalise(s) for _, s in all_samples(intent)}:
            if sample in owner and owner[sample] != name:
                clashes.append((sample, owner[sample], name))
            owner.setdefault(sample, name)
    assert not clashes, f"samples shared between intents: {clashes}"


def test_no_sample_repeats_within_an_intent(intents):
    repeats = {}
    for name, intent in intents.items():
        counts = Counter(normalise(s) for s in intent.get("samples", []))
        dupes = [s for s, n in counts.items() if n > 1]
        if dupes:
            repeats[name] = dupes
    assert not repeats


def test_no_intent_sample_is_only_a_slot(intents):
    bare = [
        (name, sample)
        for name, intent in intents.items()
        for sample in intent.get("samples", [])
        if not carrier_words(sample)
    ]
    assert not bare, f"samples with no words around the slot: {bare}"


def test_only_non_search_query_slots_may_be_filled_by_the_bare_slot(intents):
    """A slot-filling sample may be just "{date}" (the answer to "Which day?"),
    but never just an AMAZON.SearchQuery slot."""
    bare = [
        (name, slot["name"], sample)
        for name, intent in intents.items()
        for slot in intent.get("slots", [])
        for sample in slot.get("samples", [])
        if not carrier_words(sample) and slot["type"] == "AMAZON.SearchQuery"
    ]
    assert not bare


def test_no_sample_starts_like_a_free_text_glimmer(intents):
    """RecordGlimmerIntent catches anything after phrases like "i noticed" or
    "add". A sample of another intent that starts with one of those phrases
    could be saved as a glimmer instead."""
    record = intents["RecordGlimmerIntent"]
    prefixes = set()
    for _, sample in all_samples(record):
        words = sample.split()
        if words and words[-1] == "{glimmer}" and len(words) > 1:
            prefixes.add(" ".join(words[:-1]))
    risky = [
        (name, sample, prefix)
        for name, intent in intents.items()
        if name != "RecordGlimmerIntent"
        for _, sample in all_samples(intent)
        for prefix in prefixes
        if (sample + " ").startswith(prefix + " ")
    ]
    assert not risky


def test_every_slot_used_in_a_sample_is_declared(intents):
    undeclared = []
    for name, intent in intents.items():
        declared = set(slot_types(intent))
        for where, sample in all_samples(intent):
            for slot in slots_in(sample):
                if slot not in declared:
                    undeclared.append((name, sample, slot))
    assert not undeclared


def test_slot_filling_samples_mention_their_own_slot(intents):
    wrong = []
    for name, intent in intents.items():
        for slot in intent.get("slots", []):
            for sample in slot.get("samples", []):
                if slots_in(sample) != [slot["name"]]:
                    wrong.append((name, slot["name"], sample))
    assert not wrong


def test_search_query_samples_have_a_carrier_phrase_and_no_other_slot(intents):
    problems = []
    for name, intent in intents.items():
        types = slot_types(intent)
        for where, sample in all_samples(intent):
            used = slots_in(sample)
            if not any(types.get(slot) == "AMAZON.SearchQuery" for slot in used):
                continue
            if not carrier_words(sample):
                problems.append((name, sample, "no carrier phrase"))
            if len(used) > 1:
                problems.append((name, sample, "SearchQuery combined with another slot"))
    assert not problems


def test_samples_are_plain_spoken_lower_case_words(intents):
    bad = [
        (name, sample)
        for name, intent in intents.items()
        for _, sample in all_samples(intent)
        if not SPOKEN_SAMPLE.match(sample)
    ]
    assert not bad, f"samples with capitals, digits, punctuation or odd spacing: {bad}"


def test_every_custom_slot_type_used_is_defined(language_model, intents):
    defined = {t["name"] for t in language_model.get("types", [])}
    used = {
        slot["type"]
        for intent in intents.values()
        for slot in intent.get("slots", [])
        if not slot["type"].startswith("AMAZON.")
    }
    assert used <= defined, f"undefined slot types: {sorted(used - defined)}"


def test_glimmer_category_has_one_value_per_category_id(glimmer_category):
    ids = [value.get("id") for value in glimmer_category["values"]]
    assert sorted(ids) == sorted(CATEGORY_IDS)


def test_each_glimmer_category_has_a_name_and_four_to_eight_synonyms(glimmer_category):
    for value in glimmer_category["values"]:
        name = value["name"]
        assert name["value"].strip(), f"{value['id']} has no spoken name"
        synonyms = name.get("synonyms", [])
        assert 4 <= len(synonyms) <= 8, f"{value['id']} has {len(synonyms)} synonyms"
        for word in [name["value"], *synonyms]:
            assert word == word.lower().strip() and not re.search(r"[0-9]", word), word


def test_no_category_word_resolves_to_two_categories(glimmer_category):
    owner = {}
    clashes = []
    for value in glimmer_category["values"]:
        for word in [value["name"]["value"], *value["name"].get("synonyms", [])]:
            key = " ".join(word.lower().split())
            if key in owner and owner[key] != value["id"]:
                clashes.append((key, owner[key], value["id"]))
            owner.setdefault(key, value["id"])
    assert not clashes


def test_being_a_glimmer_is_reachable_by_talking_about_kindness(glimmer_category, words):
    values = {value["id"]: value["name"] for value in glimmer_category["values"]}
    synonyms = set(values["BEING_A_GLIMMER"].get("synonyms", []))
    assert words["kindness"] <= synonyms


# --------------------------------------------------------------------------
# dialog model


def test_dialog_model_elicits_glimmer_with_a_prompt_that_exists(model):
    dialog_intents = {i["name"]: i for i in model["dialog"]["intents"]}
    record = dialog_intents["RecordGlimmerIntent"]
    assert record.get("delegationStrategy") == "SKILL_RESPONSE"
    assert record.get("confirmationRequired", False) is False
    slots = {slot["name"]: slot for slot in record["slots"]}
    glimmer = slots["glimmer"]
    assert glimmer["type"] == "AMAZON.SearchQuery"
    assert glimmer["elicitationRequired"] is True
    prompt_id = glimmer["prompts"]["elicitation"]
    prompts = {prompt["id"]: prompt for prompt in model["prompts"]}
    assert prompt_id in prompts, f"elicitation prompt {prompt_id} is not defined"
    variations = prompts[prompt_id]["variations"]
    assert len(variations) >= 2
    assert all(v["type"] in {"PlainText", "SSML"} and v["value"].strip() for v in variations)


def test_glimmer_slot_has_slot_filling_samples(intents):
    slot = {s["name"]: s for s in intents["RecordGlimmerIntent"]["slots"]}["glimmer"]
    assert len(slot.get("samples", [])) >= 3


@pytest.mark.parametrize("intent_name", sorted(SKILL_ELICITED_SEARCH_SLOTS))
def test_a_free_text_slot_the_skill_asks_for_is_in_the_dialog_model_with_answers(model, intents, intent_name):
    name = SKILL_ELICITED_SEARCH_SLOTS[intent_name]
    dialog_intents = {i["name"]: i for i in model["dialog"]["intents"]}
    dialog_slot = {s["name"]: s for s in dialog_intents[intent_name]["slots"]}[name]
    assert dialog_slot["type"] == "AMAZON.SearchQuery"
    assert dialog_slot["elicitationRequired"] is False  # the skill sends its own Dialog.ElicitSlot
    samples = {s["name"]: s for s in intents[intent_name]["slots"]}[name].get("samples", [])
    assert len(samples) >= 3


def test_memory_span_names_a_year_a_month_and_a_week(language_model):
    types = {t["name"]: t for t in language_model["types"]}
    values = {v["id"]: v["name"] for v in types["MemorySpan"]["values"]}
    assert set(values) == {"YEAR", "MONTH", "WEEK"}
    for spoken in values.values():
        for word in [spoken["value"], *spoken.get("synonyms", [])]:
            assert word == word.lower().strip() and not re.search(r"[0-9]", word), word


def test_every_intent_has_samples_saying_it_the_everyday_ways(intents, words):
    """The held-out phrasings (tests/held_out*) measure this; here only that samples were broadened."""
    assert len(intents["RecordGlimmerIntent"]["samples"]) >= words["min_record_samples"]
    record = intents["RecordGlimmerIntent"]["samples"]
    for carrier in words["record_carriers"]:
        assert f"{carrier} {{glimmer}}" in record, carrier
    for sample in words["record_carriers_after"]:
        assert sample in record, sample


def test_every_dialog_intent_leaves_the_dialog_to_the_skill(model):
    assert model["dialog"]["delegationStrategy"] == "SKILL_RESPONSE"
    for dialog_intent in model["dialog"]["intents"]:
        assert dialog_intent.get("delegationStrategy") == "SKILL_RESPONSE", dialog_intent["name"]


def test_date_slot_is_elicited_by_the_skill_not_by_alexa(model, intents, words):
    dialog_intents = {i["name"]: i for i in model["dialog"]["intents"]}
    by_date = dialog_intents["GlimmersByDateIntent"]
    assert by_date.get("confirmationRequired", False) is False
    slot = {s["name"]: s for s in by_date["slots"]}["date"]
    assert slot["type"] == "AMAZON.DATE"
    assert slot["elicitationRequired"] is False
    assert slot.get("confirmationRequired", False) is False
    samples = {s["name"]: s for s in intents["GlimmersByDateIntent"]["slots"]}["date"].get("samples", [])
    assert words["date_answers"] <= set(samples)


@pytest.mark.parametrize("intent_name", sorted(CONFIRMED_INTENTS))
def test_delete_intent_requires_confirmation_with_a_prompt_that_exists(model, intent_name):
    dialog_intents = {i["name"]: i for i in model["dialog"]["intents"]}
    assert intent_name in dialog_intents, f"{intent_name} is not in the dialog model"
    dialog_intent = dialog_intents[intent_name]
    assert dialog_intent["confirmationRequired"] is True
    prompt_id = dialog_intent["prompts"].get("confirmation")
    assert prompt_id == CONFIRMED_INTENTS[intent_name]
    prompts = {prompt["id"]: prompt for prompt in model["prompts"]}
    assert prompt_id in prompts, f"confirmation prompt {prompt_id} is not defined"
    variations = prompts[prompt_id]["variations"]
    assert variations
    for variation in variations:
        assert variation["type"] in {"PlainText", "SSML"}
        assert variation["value"].strip().endswith("?"), variation["value"]


def test_delete_all_confirmation_says_it_cannot_be_undone(model, words):
    prompts = {prompt["id"]: prompt for prompt in model["prompts"]}
    for variation in prompts["Confirm.Intent.DeleteAllGlimmersIntent"]["variations"]:
        assert words["cannot_be_undone"] in variation["value"]


def test_dialog_model_refers_only_to_declared_intents_slots_and_prompts(model, intents):
    prompt_ids = {prompt["id"] for prompt in model.get("prompts", [])}
    for dialog_intent in model["dialog"]["intents"]:
        name = dialog_intent["name"]
        assert name in intents, f"dialog intent {name} is not in the language model"
        declared = slot_types(intents[name])
        for slot in dialog_intent.get("slots", []):
            assert declared.get(slot["name"]) == slot["type"], (name, slot["name"])
            for prompt_id in slot.get("prompts", {}).values():
                assert prompt_id in prompt_ids, (name, slot["name"], prompt_id)
        for prompt_id in dialog_intent.get("prompts", {}).values():
            assert prompt_id in prompt_ids, (name, prompt_id)


# --------------------------------------------------------------------------
# suggestion catalogue


def test_every_category_has_a_catalogue_entry_and_vice_versa(glimmer_category, catalogue):
    model_ids = {value["id"] for value in glimmer_category["values"]}
    assert set(catalogue) == model_ids


def test_catalogue_category_names_match_the_spoken_category_names(glimmer_category, catalogue):
    for value in glimmer_category["values"]:  # German nouns keep their capitals in the catalogue
        assert catalogue[value["id"]]["name"].lower() == value["name"]["value"]


def test_catalogue_has_enough_suggestions(catalogue):
    counts = {cid: len(entry["suggestions"]) for cid, entry in catalogue.items()}
    assert len(counts) >= 8
    assert sum(counts.values()) >= 60
    assert all(n >= 8 for n in counts.values()), counts


def test_catalogue_suggestion_ids_are_unique_and_named_after_their_category(catalogue):
    ids = []
    for cid, entry in catalogue.items():
        prefixes = set()
        for suggestion in entry["suggestions"]:
            match = re.fullmatch(r"([a-z]+)-([1-9][0-9]*)", suggestion["id"])
            assert match, f"badly formed id {suggestion['id']!r} in {cid}"
            prefixes.add(match.group(1))
            ids.append(suggestion["id"])
        assert len(prefixes) == 1, f"{cid} mixes id prefixes {prefixes}"
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates


def test_catalogue_texts_are_plain_text_safe_for_ssml(catalogue):
    for entry in catalogue.values():
        for suggestion in entry["suggestions"]:
            text = suggestion["text"]
            assert not set(text) & set("<>&"), suggestion["id"]


def test_catalogue_texts_are_single_short_calm_sentences(catalogue):
    for entry in catalogue.values():
        for suggestion in entry["suggestions"]:
            text = suggestion["text"]
            assert text == text.strip() and text[0].isupper(), suggestion["id"]
            assert text.endswith("."), suggestion["id"]
            assert "!" not in text, suggestion["id"]
            assert not re.search(r"[.?!]\s", text), f"{suggestion['id']} is more than one sentence"
            assert len(text.split()) <= 25, f"{suggestion['id']} is too long to say comfortably"


def test_catalogue_openings_are_varied(catalogue):
    openings = Counter(
        suggestion["text"].split()[0].lower()
        for entry in catalogue.values()
        for suggestion in entry["suggestions"]
    )
    total = sum(openings.values())
    word, count = openings.most_common(1)[0]
    assert count <= total * 0.2, f"{count} of {total} suggestions start with {word!r}"


# --------------------------------------------------------------------------
# request fixtures


def test_all_expected_request_fixtures_exist():
    present = {path.name for path in FIXTURE_PATHS}
    assert EXPECTED_FIXTURES <= present, sorted(EXPECTED_FIXTURES - present)


def test_request_fixtures_have_distinct_request_ids():
    ids = [load_json(path)["request"]["requestId"] for path in FIXTURE_PATHS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=fixture_id)
def test_request_fixture_deserialises_into_a_request_envelope(path):
    raw = load_json(path)
    envelope = DefaultSerializer().deserialize(path.read_text(encoding="utf-8"), RequestEnvelope)
    assert isinstance(envelope, RequestEnvelope)
    request_type = raw["request"]["type"]
    assert isinstance(envelope.request, REQUEST_CLASSES[request_type])
    assert envelope.request.request_id == raw["request"]["requestId"]
    assert envelope.request.request_id.startswith("amzn1.echo-api.request.")
    assert envelope.context.system.user.user_id == SAMPLE_USER_ID
    if request_type in SKILL_EVENT_TYPES:
        return
    assert envelope.request.locale == "en-US"
    assert envelope.session.session_id.startswith("amzn1.echo-api.session.")
    assert envelope.context.system.application.application_id == envelope.session.application.application_id
    assert envelope.context.system.user.user_id == envelope.session.user.user_id


def test_request_fixtures_have_distinct_session_ids():
    ids = [load_json(path)["session"]["sessionId"] for path in FIXTURE_PATHS if "session" in load_json(path)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=fixture_id)
def test_intent_fixture_carries_a_dialog_state_exactly_when_the_intent_has_a_dialog(path, us_model):
    model = us_model
    request = load_json(path)["request"]
    if request["type"] != "IntentRequest":
        return
    dialog_intents = {i["name"] for i in model["dialog"]["intents"]}
    if request["intent"]["name"] in dialog_intents:
        assert request.get("dialogState") in {"STARTED", "IN_PROGRESS", "COMPLETED"}
    else:
        assert "dialogState" not in request


@pytest.mark.parametrize(
    ("name", "intent_name", "value"),
    [
        ("glimmers_by_date.json", "GlimmersByDateIntent", "2026-11-29"),
        ("glimmers_by_date_week.json", "GlimmersByDateIntent", "2026-W48"),
        ("glimmers_by_date_weekend.json", "GlimmersByDateIntent", "2026-W47-WE"),
        ("glimmers_by_date_month.json", "GlimmersByDateIntent", "2026-10"),
        ("glimmers_by_date_no_date.json", "GlimmersByDateIntent", None),
        ("count_glimmers.json", "CountGlimmersIntent", None),
        ("count_glimmers_this_week.json", "CountGlimmersIntent", "2026-W49"),
    ],
)
def test_date_fixtures_carry_the_expected_amazon_date(name, intent_name, value):
    envelope = DefaultSerializer().deserialize((REQUESTS_DIR / name).read_text(encoding="utf-8"), RequestEnvelope)
    intent = envelope.request.intent
    assert intent.name == intent_name
    slot = intent.slots["date"]
    assert slot.value == value
    if value is not None:
        assert AMAZON_DATE_VALUE.match(value)
        assert slot.slot_value.value == value


@pytest.mark.parametrize(
    ("name", "intent_name", "status", "dialog_state"),
    [
        ("delete_last_glimmer.json", "DeleteLastGlimmerIntent", "NONE", "STARTED"),
        ("delete_last_glimmer_confirmed.json", "DeleteLastGlimmerIntent", "CONFIRMED", "IN_PROGRESS"),
        ("delete_last_glimmer_denied.json", "DeleteLastGlimmerIntent", "DENIED", "IN_PROGRESS"),
        ("delete_all_glimmers.json", "DeleteAllGlimmersIntent", "NONE", "STARTED"),
        ("delete_all_glimmers_confirmed.json", "DeleteAllGlimmersIntent", "CONFIRMED", "IN_PROGRESS"),
        ("delete_all_glimmers_denied.json", "DeleteAllGlimmersIntent", "DENIED", "IN_PROGRESS"),
    ],
)
def test_delete_fixtures_cover_each_confirmation_status(name, intent_name, status, dialog_state):
    envelope = DefaultSerializer().deserialize((REQUESTS_DIR / name).read_text(encoding="utf-8"), RequestEnvelope)
    request = envelope.request
    assert request.intent.name == intent_name
    assert request.intent.confirmation_status.value == status
    assert request.dialog_state.value == dialog_state
    assert envelope.session.new is False


@pytest.mark.parametrize(
    ("name", "status"),
    [("skill_disabled.json", "NOT_PERSISTED"), ("skill_disabled_persisted.json", "PERSISTED")],
)
def test_skill_disabled_fixtures_look_like_alexa_skill_events(name, status):
    raw = load_json(REQUESTS_DIR / name)
    assert "session" not in raw
    assert set(raw["context"]) == {"System"}
    system = raw["context"]["System"]
    assert set(system) == {"application", "user", "apiEndpoint", "apiAccessToken"}
    request = raw["request"]
    assert request["type"] == "AlexaSkillEvent.SkillDisabled"
    assert {"requestId", "timestamp", "eventCreationTime", "eventPublishingTime", "body"} <= set(request)
    # The persistence status is not part of ask_sdk_model's SkillDisabledRequest,
    # so the skill has to read it from the raw JSON body.
    assert request["body"]["userInformationPersistenceStatus"] == status
    envelope = DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)
    assert isinstance(envelope.request, SkillDisabledRequest)
    assert envelope.session is None
    assert envelope.context.system.user.user_id == SAMPLE_USER_ID
    assert envelope.request.event_creation_time <= envelope.request.event_publishing_time <= envelope.request.timestamp


def test_launch_person_fixture_names_a_recognised_speaker():
    raw = load_json(REQUESTS_DIR / "launch_person.json")
    envelope = DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)
    assert isinstance(envelope.request, LaunchRequest)
    person = envelope.context.system.person
    assert person.person_id == "amzn1.ask.person.AGLIMMERSAMPLEPERSON0000000000000000000000"
    assert person.access_token
    # The account is still the sample account; the person is one speaker on it.
    assert envelope.context.system.user.user_id == SAMPLE_USER_ID
    launch = load_json(REQUESTS_DIR / "launch.json")
    assert "person" not in launch["context"]["System"]


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=fixture_id)
def test_intent_fixture_names_an_intent_and_slots_the_model_declares(path, us_intents):
    intents = us_intents
    envelope = DefaultSerializer().deserialize(path.read_text(encoding="utf-8"), RequestEnvelope)
    if not isinstance(envelope.request, IntentRequest):
        return
    intent = envelope.request.intent
    assert intent.name in intents, f"{path.name} names undeclared intent {intent.name}"
    declared = set(slot_types(intents[intent.name]))
    for key, slot in (intent.slots or {}).items():
        assert key == slot.name
        assert slot.name in declared, f"{path.name} fills undeclared slot {slot.name}"


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=fixture_id)
def test_resolved_value_in_a_fixture_is_a_value_of_the_slots_type(path, us_intents, us_model):
    intents, language_model = us_intents, us_model["languageModel"]
    envelope = DefaultSerializer().deserialize(path.read_text(encoding="utf-8"), RequestEnvelope)
    if not isinstance(envelope.request, IntentRequest):
        return
    types = {t["name"]: t for t in language_model.get("types", [])}
    declared = slot_types(intents[envelope.request.intent.name])
    for slot in (envelope.request.intent.slots or {}).values():
        if not slot.resolutions:
            continue
        slot_type = declared[slot.name]
        names = {value["id"]: value["name"]["value"] for value in types[slot_type]["values"]}
        for authority in slot.resolutions.resolutions_per_authority:
            assert authority.authority.endswith(f".{slot_type}")
            for wrapper in authority.values or []:
                assert wrapper.value.id in names, wrapper.value.id
                assert wrapper.value.name == names[wrapper.value.id]


def test_category_fixtures_cover_match_and_no_match():
    serializer = DefaultSerializer()

    def category_status(name):
        envelope = serializer.deserialize((REQUESTS_DIR / name).read_text(encoding="utf-8"), RequestEnvelope)
        slot = envelope.request.intent.slots["category"]
        authority = slot.resolutions.resolutions_per_authority[0]
        return slot.value, authority.status.code.value, authority.values

    value, status, values = category_status("suggest_glimmer_category.json")
    assert (value, status) == ("music", "ER_SUCCESS_MATCH")
    assert [w.value.id for w in values] == ["MUSIC_RHYTHM"]
    value, status, values = category_status("suggest_glimmer_unknown_category.json")
    assert (value, status, values) == ("spaceships", "ER_SUCCESS_NO_MATCH", None)
