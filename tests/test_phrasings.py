"""People are understood the way they actually talk: a held-out set of phrasings per locale, through the simulator.

``held_out_phrasings.txt`` (en-US) and ``held_out/<locale>.txt`` (every other
locale) were written before their interaction model's samples were broadened
(or, for en-GB, en-CA, en-AU, en-IN and de-DE, written at all), and are never
copied into a model. The figure (the share of a set that the resolver maps to
the right intent) is printed (``pytest -s``) and must stay at 90% or more in
every locale.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from locales import LOCALES, held_out_path
from skill.locales import ENGLISH_REGIONS
from skill.simulator.generalise import strip_fillers, words_of
from skill.simulator.language import lexicon_for
from skill.simulator.model import load_model
from skill.simulator.resolver import SLOT_REF, Resolver, heard, normalise_sample

HELD_OUT = held_out_path("en-US")
REGIONAL = Path(__file__).parent.parent / "interaction_models" / "regional"
# Written after the tuning, by someone who had not seen the first set's misses; never used to tune.
BLIND = Path(__file__).parent / "blind_phrasings.txt"
TODAY = date(2026, 11, 30)
REQUIRED_SHARE = 0.90


def held_out(path: Path = HELD_OUT) -> list[tuple[str, str]]:
    """(intent, phrasing) pairs from the file: ``[IntentName]`` headers, one phrasing a line, ``#`` comments."""
    pairs, intent = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            intent = header.group(1)
            continue
        assert intent is not None, f"{line!r} comes before any [Intent] header"
        pairs.append((intent, line))
    return pairs


def comparable(text: str, locale: str = "en-US") -> str:
    """A line or a sample normalised as the simulator hears it: lower case, no punctuation, "whats" as "what's"."""
    return heard(text, lexicon_for(locale))


def loosely(text: str) -> str:
    """Also without fillers ("please", "can you") and with contractions in full: how near matches compare."""
    return " ".join(words_of(strip_fillers(heard(text))))


@pytest.fixture(scope="module")
def model():
    return load_model("en-US")


@pytest.fixture(scope="module")
def resolver(model):
    return Resolver(model)


@pytest.fixture(scope="module", params=LOCALES)
def locale(request):
    return request.param


@pytest.fixture(scope="module")
def locale_model(locale):
    return load_model(locale)


def test_the_held_out_set_is_large_and_covers_every_custom_intent(locale, locale_model):
    pairs = held_out(held_out_path(locale))
    assert len(pairs) >= (150 if locale == "en-US" else 55)
    custom = {name for name in locale_model.intents if not name.startswith("AMAZON.")}
    assert {intent for intent, _ in pairs} == custom
    per_intent = Counter(intent for intent, _ in pairs)
    assert min(per_intent.values()) >= 3, per_intent
    assert len({comparable(line, locale) for _, line in pairs}) == len(pairs), "a phrasing is in the set twice"


def regional_additions() -> list[tuple[str, str, str]]:
    """(region, intent, sample) for every sample a region adds to en-US (interaction_models/regional/)."""
    return [
        (path.stem, intent, sample)
        for path in sorted(REGIONAL.glob("*.json"))
        for intent, samples in json.loads(path.read_text(encoding="utf-8")).get("samples", {}).items()
        for sample in samples
    ]


def samples_written_after(locale: str) -> list[tuple[str, str, str]]:
    """The samples a locale's held-out set was written before: none of them may be one of its phrasings.

    en-US's set came before its broadened samples and before every regional
    addition; the regional sets came after en-US's model (a line that is an
    en-US sample is counted in the figure, like the blind set's) but before
    the regional additions; de-DE's set came before its whole model.
    """
    found = [] if locale in ENGLISH_REGIONS else [
        (locale, intent.name, sample)
        for intent in load_model(locale).intents.values()
        for sample in list(intent.samples) + [s for slot in intent.slots.values() for s in slot.samples]
    ]
    if locale.startswith("en-"):
        found += regional_additions()
    return found


def test_no_held_out_phrasing_is_a_model_sample(locale, locale_model):
    """No locale's set is in a model written after it: its own, or a regional addition to English."""
    samples = {
        comparable(normalise_sample(sample), locale): (where, intent, sample)
        for where, intent, sample in samples_written_after(locale)
        if not SLOT_REF.search(sample)
    }
    lines = held_out(held_out_path(locale))
    copied = [(line, samples[comparable(line, locale)]) for _, line in lines if comparable(line, locale) in samples]
    assert not copied, f"held-out phrasings copied into a model: {copied}"


def test_at_least_ninety_percent_of_the_blind_set_reaches_the_right_intent(resolver, model):
    """The honest figure: the first set's misses guided the simulator's near-match rules; this set's never did."""
    pairs = held_out(BLIND)
    assert len(pairs) >= 60
    samples = {comparable(normalise_sample(s)) for i in model.intents.values() for s in i.samples if not SLOT_REF.search(s)}
    # Some were already samples when the set was written (the model had them): counted, never added since.
    already = sum(1 for _, line in pairs if comparable(line) in samples)
    missed = []
    for intent, line in pairs:
        understood = resolver.understand(line, TODAY)
        if understood.intent != intent or understood.ties:
            missed.append(f"{line!r}: expected {intent}, got {understood.intent}")
    right = len(pairs) - len(missed)
    figure = f"blind phrasings understood: {right} of {len(pairs)} ({right / len(pairs):.1%})"
    print(f"\n{figure}; {already} of them were model samples word for word when the set was written")
    for miss in missed:
        print(f"  missed {miss}")
    assert right / len(pairs) >= REQUIRED_SHARE, f"{figure}; missed: {missed}"


def test_at_least_ninety_percent_of_the_held_out_set_reaches_the_right_intent(locale, locale_model):
    resolver = Resolver(locale_model)
    pairs = held_out(held_out_path(locale))
    right, word_for_word, missed = 0, 0, []
    per_intent: Counter[str] = Counter()
    per_intent_right: Counter[str] = Counter()
    for intent, line in pairs:
        understood = resolver.understand(line, TODAY)
        per_intent[intent] += 1
        if understood.intent == intent and not understood.ties:
            right += 1
            per_intent_right[intent] += 1
            word_for_word += not understood.near and bool(resolver.candidates(resolver.heard(line), TODAY))
        else:
            missed.append(f"{line!r}: expected {intent}, got {understood.intent}")
    share = right / len(pairs)
    figure = f"{locale} held-out phrasings understood: {right} of {len(pairs)} ({share:.1%})"
    print(f"\n{figure}; {word_for_word} of them by a sample word for word, the rest with fillers dropped or a near match")
    for intent in sorted(per_intent):
        print(f"  {intent}: {per_intent_right[intent]}/{per_intent[intent]}")
    for miss in missed:
        print(f"  missed {miss}")
    assert share >= REQUIRED_SHARE, f"{figure}; needed {REQUIRED_SHARE:.0%}. Missed: {missed}"


@pytest.mark.parametrize(
    "line, intent, slots",
    [
        ("I saw a rainbow over the parking lot", "RecordGlimmerIntent", {"glimmer": "a rainbow over the parking lot"}),
        ("give me something to look for today", "SuggestGlimmerIntent", {}),
        ("whats my streak", "StreakIntent", {}),
        ("change my last glimmer to the smell of fresh rain", "ChangeLastGlimmerIntent",
         {"glimmer": "the smell of fresh rain"}),
        ("that's not what I said", "ChangeLastGlimmerIntent", {}),
        ("correct my last glimmer", "ChangeLastGlimmerIntent", {}),
        ("no, I said the smell of fresh rain", "ChangeLastGlimmerIntent", {"glimmer": "the smell of fresh rain"}),
        ("when did I notice rain", "SearchGlimmersIntent", {"topic": "rain"}),
        ("find my glimmers about the sea", "SearchGlimmersIntent", {"topic": "the sea"}),
        ("have I noticed birds before", "SearchGlimmersIntent", {"topic": "birds"}),
        ("what did I notice a year ago", "OnThisDayIntent", {"span": "a year"}),
        ("on this day last year", "OnThisDayIntent", {"span": "last year"}),
        ("what did I notice a month ago", "OnThisDayIntent", {"span": "a month"}),
        ("a week ago today", "OnThisDayIntent", {"span": "a week"}),
        ("I heard an owl at dusk", "RecordGlimmerIntent", {"glimmer": "an owl at dusk"}),
        ("I smelled fresh bread", "RecordGlimmerIntent", {"glimmer": "fresh bread"}),
        ("I felt the sun on my arms", "RecordGlimmerIntent", {"glimmer": "the sun on my arms"}),
        ("I loved the quiet this morning", "RecordGlimmerIntent", {"glimmer": "the quiet this morning"}),
        ("I enjoyed a slow breakfast", "RecordGlimmerIntent", {"glimmer": "a slow breakfast"}),
        ("I had a long phone call with my brother", "RecordGlimmerIntent",
         {"glimmer": "a long phone call with my brother"}),
        ("I watched the ducks on the pond", "RecordGlimmerIntent", {"glimmer": "the ducks on the pond"}),
        ("today I danced in the kitchen", "RecordGlimmerIntent", {"glimmer": "danced in the kitchen"}),
        ("note the smell of pine", "RecordGlimmerIntent", {"glimmer": "the smell of pine"}),
        ("log a warm bath", "RecordGlimmerIntent", {"glimmer": "a warm bath"}),
        ("add my cat purring", "RecordGlimmerIntent", {"glimmer": "my cat purring"}),
        ("jot down the first snow", "RecordGlimmerIntent", {"glimmer": "the first snow"}),
        ("save a kind word from a stranger", "RecordGlimmerIntent", {"glimmer": "a kind word from a stranger"}),
        ("remember the sunset over the hills", "RecordGlimmerIntent", {"glimmer": "the sunset over the hills"}),
        ("remind me every evening at eight", "SetReminderIntent", {"time": "08:00", "daypart": "evening"}),
        ("set a daily glimmer reminder", "SetReminderIntent", {}),
        ("remind me to look for glimmers at 7 am", "SetReminderIntent", {"time": "07:00"}),
        ("remind me at 8:30 p.m.", "SetReminderIntent", {"time": "20:30"}),
        ("remind me in the evening", "SetReminderIntent", {"daypart": "evening"}),
        ("stop reminding me", "CancelReminderIntent", {}),
        ("cancel my glimmer reminder", "CancelReminderIntent", {}),
        ("do I have a reminder?", "ReminderStatusIntent", {}),
        ("remind me of a glimmer", "GroundingIntent", {}),
        ("remind me what I noticed a year ago", "OnThisDayIntent", {"span": "a year"}),
    ],
)
def test_the_examples_that_must_work(resolver, line, intent, slots):
    understood = resolver.understand(line, TODAY)
    assert (understood.intent, understood.ties) == (intent, ())
    assert {name: fill.value for name, fill in understood.slots.items()} == slots


@pytest.mark.parametrize(
    "line",
    ["the weather on mars is dusty", "what time is it", "turn on the lights", "set a timer for ten minutes",
     "tell me a joke", "call mom", "i'm feeling great", "read me a story", "delete my alarm", "how are you",
     "set an alarm for seven am", "remind me to buy milk", "cancel my alarm", "what time is it in tokyo"],
)
def test_lines_meant_for_something_else_still_reach_the_fallback(resolver, line):
    assert resolver.understand(line, TODAY).intent == "AMAZON.FallbackIntent"


@pytest.mark.parametrize(
    "typed, transcribed",
    [("whats my streak", "what's my streak"), ("im feeling anxious", "i'm feeling anxious"),
     ("Alexa, thats not what I said", "that's not what i said")],
)
def test_typed_lines_are_spelled_as_speech_recognition_delivers_them(typed, transcribed):
    assert heard(typed) == transcribed


def test_a_number_in_digits_is_heard_like_the_word(resolver):
    understood = resolver.understand("what did I notice 1 year ago", TODAY)
    assert understood.intent == "OnThisDayIntent"
    assert [v.id for v in understood.slots["span"].matches] == ["YEAR"]


def test_a_near_match_says_so_and_names_its_sample(resolver):
    understood = resolver.understand("can you read my journal to me", TODAY)
    assert understood.intent == "ReadGlimmersIntent" and understood.near
    assert understood.describe()["near"] is True and understood.describe()["sample"]
    assert not resolver.understand("read my journal", TODAY).near


@pytest.mark.parametrize(
    "line",
    ["my whole journal", "tell me all my glimmers", "read my last one", "show me my whole journal", "the last one",
     "read all of them", "keep my last glimmer", "read my entire journal", "my last glimmer please", "everything"],
)
def test_no_line_without_a_word_of_deleting_reaches_a_deletion(resolver, line):
    assert resolver.understand(line, TODAY).intent not in ("DeleteLastGlimmerIntent", "DeleteAllGlimmersIntent")


@pytest.mark.parametrize(
    "line, intent",
    [("i'm not feeling great", "GroundingIntent"), ("i'm feeling great", "AMAZON.FallbackIntent"),
     ("i'm not okay", "GroundingIntent"), ("i'm okay", "AMAZON.FallbackIntent")],
)
def test_not_is_never_added_or_dropped(resolver, line, intent):
    assert resolver.understand(line, TODAY).intent == intent
