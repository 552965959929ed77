"""The resolver: typed lines become intents and slots from the interaction model, as Alexa would send them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from skill.simulator.builtin_phrases import BUILT_IN_PHRASES
from skill.simulator.envelopes import SAMPLE_SKILL_ID, slot_json
from skill.simulator.model import InteractionModel, ModelError, available_locales, load_model
from skill.simulator.numbers import parse_number, parse_ordinal
from skill.simulator.resolver import SLOT_REF, Resolver, normalise

TODAY = date(2026, 11, 30)
# Words to put in each kind of slot when a sample is said back as a whole line.
EXAMPLE_VALUES = {"AMAZON.SearchQuery": "the rain on the window", "AMAZON.DATE": "yesterday", "AMAZON.NUMBER": "three",
                  "AMAZON.TIME": "eight pm"}
EXAMPLE_VALUES_BY_LANGUAGE = {
    "en": EXAMPLE_VALUES,
    "de": {"AMAZON.SearchQuery": "der regen am fenster", "AMAZON.DATE": "gestern", "AMAZON.NUMBER": "drei",
           "AMAZON.TIME": "acht uhr abends"},
}


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(load_model("en-US"))


def understand(resolver: Resolver, line: str):
    return resolver.understand(line, TODAY)


def model_with(intents: list[dict], types: list[dict] | None = None, dialog: dict | None = None) -> InteractionModel:
    data = {
        "interactionModel": {
            "languageModel": {"invocationName": "test skill", "intents": intents, "types": types or []},
            **({"dialog": dialog} if dialog else {}),
        }
    }
    return InteractionModel.from_json(data, "test model")


# ---------------------------------------------------------------- normalising


@pytest.mark.parametrize(
    "typed, heard",
    [
        ("I noticed the warm sun on my face.", "i noticed the warm sun on my face"),
        ("Alexa,  open Glimmer Journal!", "alexa open glimmer journal"),
        ("a friend\u2019s laugh", "a friend's laugh"),
        ("'quoted' words", "quoted words"),
        ("November twenty-fifth", "november twenty fifth"),
        ("2026-11-03", "2026-11-03"),
    ],
)
def test_lines_are_normalised_the_way_alexa_transcribes(typed, heard):
    assert normalise(typed) == heard


# ------------------------------------------------------------- invocation


@pytest.mark.parametrize(
    "line", ["open glimmer journal", "Alexa, open Glimmer Journal", "start glimmer journal", "launch the glimmer journal",
             "glimmer journal", "ask glimmer journal"],
)
def test_opening_the_skill_is_a_launch(resolver, line):
    assert understand(resolver, line).kind == "launch"


@pytest.mark.parametrize(
    "line, intent",
    [
        ("tell glimmer journal I noticed rain", "RecordGlimmerIntent"),
        ("tell glimmer journal that I noticed rain", "RecordGlimmerIntent"),
        ("ask glimmer journal to read my glimmers", "ReadGlimmersIntent"),
        ("ask glimmer journal to give me a glimmer about music", "SuggestGlimmerIntent"),
        ("alexa, ask glimmer journal what did i notice yesterday", "GlimmersByDateIntent"),
        ("read my glimmers from glimmer journal", "ReadGlimmersIntent"),
    ],
)
def test_ask_and_tell_with_the_invocation_name_are_one_shots(resolver, line, intent):
    understood = understand(resolver, line)
    assert (understood.kind, understood.intent, understood.one_shot) == ("intent", intent, True)


def test_a_plain_line_is_not_a_one_shot(resolver):
    assert understand(resolver, "i noticed rain").one_shot is False


# ------------------------------------------------------------- slot types


def test_search_query_slot_takes_the_free_text(resolver):
    understood = understand(resolver, "I noticed the warm sun on my face")
    assert understood.intent == "RecordGlimmerIntent"
    assert understood.sample == "i noticed {glimmer}"
    fill = understood.slots["glimmer"]
    assert (fill.type, fill.value, fill.matches) == ("AMAZON.SearchQuery", "the warm sun on my face", None)


def test_the_most_specific_sample_wins_over_a_wider_wildcard(resolver):
    understood = understand(resolver, "log a glimmer rain on the roof")
    assert understood.sample == "log a glimmer {glimmer}"
    assert understood.slots["glimmer"].value == "rain on the roof"


def test_a_sample_with_no_slot_beats_the_same_words_in_a_slot(resolver):
    understood = understand(resolver, "record a glimmer")
    assert (understood.intent, understood.sample, understood.slots) == ("RecordGlimmerIntent", "record a glimmer", {})


def test_custom_slot_value_by_synonym_resolves_to_its_id(resolver):
    fill = understand(resolver, "give me a glimmer about sunshine").slots["category"]
    assert fill.value == "sunshine"
    assert [(v.id, v.name) for v in fill.matches] == [("WARMTH_LIGHT", "warmth and light")]


def test_custom_slot_value_by_its_own_name_resolves(resolver):
    fill = understand(resolver, "suggest a nature glimmer").slots["category"]
    assert [v.id for v in fill.matches] == ["NATURE"]


def test_custom_slot_value_outside_the_list_is_kept_without_a_match(resolver):
    fill = understand(resolver, "give me a glimmer about spaceships").slots["category"]
    assert (fill.value, fill.matches) == ("spaceships", ())


def test_entity_resolution_block_is_shaped_as_alexa_sends_it(resolver):
    matched = slot_json(understand(resolver, "give me a glimmer about music").slots["category"], SAMPLE_SKILL_ID)
    authority = f"amzn1.er-authority.echo-sdk.{SAMPLE_SKILL_ID}.GlimmerCategory"
    expected = {
        "resolutionsPerAuthority": [
            {
                "authority": authority,
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": "music and rhythm", "id": "MUSIC_RHYTHM"}}],
            }
        ]
    }
    assert matched["resolutions"] == expected
    assert matched["slotValue"] == {"type": "Simple", "value": "music", "resolutions": expected}
    assert (matched["source"], matched["confirmationStatus"]) == ("USER", "NONE")
    unmatched = slot_json(understand(resolver, "give me a glimmer about spaceships").slots["category"], SAMPLE_SKILL_ID)
    assert unmatched["resolutions"] == {
        "resolutionsPerAuthority": [{"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}]
    }


def test_the_request_fixture_for_a_category_matches_what_the_resolver_builds(resolver):
    fixture = json.loads((Path(__file__).parent / "requests" / "suggest_glimmer_category.json").read_text())
    built = slot_json(understand(resolver, "give me a glimmer about music").slots["category"], SAMPLE_SKILL_ID)
    assert built == fixture["request"]["intent"]["slots"]["category"]


def test_date_slot_carries_the_iso_value(resolver):
    understood = understand(resolver, "what did i notice last week")
    assert understood.intent == "GlimmersByDateIntent"
    assert (understood.slots["date"].type, understood.slots["date"].value) == ("AMAZON.DATE", "2026-W48")


def test_words_that_are_not_a_date_do_not_fill_a_date_slot(resolver):
    understood = understand(resolver, "what did i notice about the moon")
    assert understood.intent != "GlimmersByDateIntent"


def test_number_slot_is_sent_as_digits():
    model = model_with([
        {"name": "ReadSomeIntent", "slots": [{"name": "count", "type": "AMAZON.NUMBER"}],
         "samples": ["read me {count} glimmers"]},
    ])
    resolver = Resolver(model)
    assert resolver.understand("read me twenty one glimmers", TODAY).slots["count"].value == "21"
    assert resolver.understand("read me 3 glimmers", TODAY).slots["count"].value == "3"
    assert resolver.understand("read me some glimmers", TODAY).kind == "not_understood"


@pytest.mark.parametrize(
    "words, number", [("three", 3), ("21", 21), ("twenty one", 21), ("a hundred and five", 105), ("two thousand", 2000)]
)
def test_spoken_numbers(words, number):
    assert parse_number(words) == number


@pytest.mark.parametrize("words, number", [("first", 1), ("25th", 25), ("twenty fifth", 25), ("thirtieth", 30)])
def test_spoken_ordinals(words, number):
    assert parse_ordinal(words) == number


# ------------------------------------------------------------- built-ins


@pytest.mark.parametrize(
    "line, intent",
    [
        ("help", "AMAZON.HelpIntent"),
        ("what can i say", "AMAZON.HelpIntent"),
        ("stop", "AMAZON.StopIntent"),
        ("cancel", "AMAZON.CancelIntent"),
        ("never mind", "AMAZON.CancelIntent"),
        ("yes", "AMAZON.YesIntent"),
        ("sure", "AMAZON.YesIntent"),
        ("no thanks", "AMAZON.NoIntent"),
        ("more", "AMAZON.MoreIntent"),
        ("next", "AMAZON.NextIntent"),
        ("go home", "AMAZON.NavigateHomeIntent"),
    ],
)
def test_common_phrases_of_declared_built_ins(resolver, line, intent):
    assert understand(resolver, line).intent == intent


def test_built_in_phrases_count_only_for_built_ins_the_model_declares():
    resolver = Resolver(model_with([{"name": "AMAZON.StopIntent", "samples": []}]))
    assert resolver.understand("stop", TODAY).intent == "AMAZON.StopIntent"
    assert resolver.understand("help", TODAY).kind == "not_understood"


def test_exit_leaves_the_skill(resolver):
    assert understand(resolver, "exit").kind == "exit"


def test_anything_else_is_the_fallback_intent(resolver):
    understood = understand(resolver, "the weather on mars is dusty")
    assert (understood.kind, understood.intent, understood.slots) == ("intent", "AMAZON.FallbackIntent", {})


def test_without_a_fallback_intent_an_unknown_line_is_not_understood():
    resolver = Resolver(model_with([{"name": "HelloIntent", "samples": ["hello"]}]))
    assert resolver.understand("goodbye", TODAY).kind == "not_understood"


# ------------------------------------------------------------- slot answers


def test_an_elicited_search_query_takes_the_whole_line(resolver):
    fill = resolver.fill_slot("the first sip of tea", "RecordGlimmerIntent", "glimmer", TODAY)
    assert (fill.name, fill.value) == ("glimmer", "the first sip of tea")


def test_an_elicited_slot_answer_may_use_the_slot_samples(resolver):
    fill = resolver.fill_slot("it was the first sip of tea", "RecordGlimmerIntent", "glimmer", TODAY)
    assert fill.value == "the first sip of tea"


def test_an_elicited_date_must_be_a_date(resolver):
    assert resolver.fill_slot("last week", "GlimmersByDateIntent", "date", TODAY).value == "2026-W48"
    assert resolver.fill_slot("the moon", "GlimmersByDateIntent", "date", TODAY) is None


def test_a_line_that_is_clearly_another_request_is_not_taken_as_a_slot_answer(resolver):
    assert resolver.specific_match("stop", TODAY).intent == "AMAZON.StopIntent"
    assert resolver.specific_match("read my glimmers", TODAY).intent == "ReadGlimmersIntent"
    assert resolver.specific_match("what did i notice yesterday", TODAY).intent == "GlimmersByDateIntent"
    assert resolver.specific_match("the first sip of tea", TODAY) is None
    assert resolver.specific_match("i noticed the first sip of tea", TODAY) is None


# ------------------------------------------------------------- ambiguity


def test_two_intents_matching_equally_well_are_reported_as_a_tie():
    resolver = Resolver(model_with([
        {"name": "FirstIntent", "samples": ["do the thing"]},
        {"name": "SecondIntent", "samples": ["do the thing", "something else"]},
    ]))
    understood = resolver.understand("do the thing", TODAY)
    assert understood.intent == "FirstIntent"
    assert [t.intent for t in understood.ties] == ["SecondIntent"]
    described = understood.describe()
    assert [c["intent"] for c in described["ambiguous"]["candidates"]] == ["FirstIntent", "SecondIntent"]
    assert resolver.shared_samples() == [("do the thing", "FirstIntent", "SecondIntent")]


def test_a_shared_sample_is_found_whatever_the_slot_names():
    resolver = Resolver(model_with(
        [
            {"name": "AIntent", "slots": [{"name": "x", "type": "AMAZON.SearchQuery"}], "samples": ["Note {x}"]},
            {"name": "BIntent", "slots": [{"name": "y", "type": "AMAZON.SearchQuery"}], "samples": ["note  {y}"]},
        ]
    ))
    assert resolver.shared_samples() == [("note {}", "AIntent", "BIntent")]


# ------------------------------------------------------------- consistency


@pytest.mark.parametrize("locale", available_locales())
def test_no_two_custom_intents_share_a_sample(locale):
    assert Resolver(load_model(locale)).shared_samples() == []


@pytest.mark.parametrize("locale", available_locales())
def test_no_custom_sample_is_a_built_in_phrase(locale):
    assert Resolver(load_model(locale)).built_in_clashes() == []


def said_back(sample: str, intent_slots: dict, model: InteractionModel) -> str:
    def value(match):
        slot_type = intent_slots[match.group(1)].type
        if slot_type in model.slot_types:
            return model.slot_types[slot_type][0].name
        return EXAMPLE_VALUES_BY_LANGUAGE[model.locale.split("-")[0]].get(slot_type, "something")

    return SLOT_REF.sub(value, sample)


@pytest.mark.parametrize("locale", available_locales())
def test_every_sample_said_back_is_understood_as_its_own_intent_without_a_tie(locale):
    model = load_model(locale)
    resolver = Resolver(model)
    wrong = []
    for intent in model.intents.values():
        for sample in intent.samples:
            line = said_back(sample, intent.slots, model)
            understood = resolver.understand(line, TODAY)
            if understood.intent != intent.name or understood.ties:
                wrong.append((intent.name, sample, understood.intent, [t.intent for t in understood.ties]))
    assert not wrong


@pytest.mark.parametrize("intent", sorted(BUILT_IN_PHRASES))
def test_no_phrase_belongs_to_two_built_ins(intent):
    others = {p for name, phrases in BUILT_IN_PHRASES.items() if name != intent for p in phrases}
    assert not set(BUILT_IN_PHRASES[intent]) & others


# ------------------------------------------------------------- the model file


def test_a_missing_locale_says_which_models_exist():
    with pytest.raises(ModelError, match="en-US"):
        load_model("xx-XX")


def test_a_model_file_that_is_not_a_model_is_refused(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"something": "else"}')
    with pytest.raises(ModelError, match="not an Alexa interaction model"):
        load_model("en-US", bad)
