"""Amazon's functional tests for custom skills, for every locale the skill ships, through the real HTTP endpoint.

Certification tries: a launch without an intent (welcome, then a question and
a reprompt); every intent said as a one-shot ("ask glimmer journal to ..."),
whose answer either ends the session or asks something with a reprompt; help
that is about this skill; stop and cancel that end the session; a
SessionEndedRequest answered without speech; samples that belong to one
intent only; and an invocation name within Amazon's rules. The requests are
made by the simulator from each locale's own model, so a new locale is tested
as soon as its model ships.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from conftest import NOW, Reply, alexa_api_url, load_request
from skill.package import shipped_models
from skill.simulator.conversation import Conversation
from skill.simulator.envelopes import SAMPLE_USER_ID, Identity
from skill.simulator.language import lexicon_for
from skill.simulator.model import load_model
from skill.simulator.resolver import SLOT_REF, Resolver, heard
from skill.speech import load_catalogue, to_plain_text
from skill.storage import JournalKey

LOCALES = sorted(shipped_models())
# What a response that keeps the microphone open may end with besides a question: a clear invitation.
INVITATION = re.compile(r"\b(?:you can|tell me|just tell me|say|try saying|ask me|ask for)\b", re.IGNORECASE)
# Amazon's invocation name rules: words that launch or connect, wake words, and "skill" or "app".
LAUNCH_WORDS = {"launch", "ask", "tell", "load", "begin", "enable", "open", "start", "play", "run", "use", "resume",
                "öffne", "öffnen", "starte", "starten", "frag", "frage", "sag", "sage", "aktiviere", "spiele"}
CONNECTING_WORDS = {"to", "from", "by", "if", "and", "whether", "und", "nach", "ob", "dass", "mit", "von"}
FORBIDDEN_WORDS = {"alexa", "amazon", "echo", "computer", "ziggy", "skill", "app"}
# Values that fill a slot when an intent's one-shot needs one.
SLOT_VALUES = {"AMAZON.SearchQuery": "the warm sun on my face", "AMAZON.DATE": "yesterday", "AMAZON.TIME": "8 pm"}
# What a certification tester says, in each language the skill speaks.
SAY = {
    "en": {
        "open": "open {name}", "one_shot": "ask {name} to {utterance}", "help_one_shot": "ask {name} for help",
        "help": "help", "stop": "stop", "cancel": "cancel", "delete_last": "delete my last glimmer",
        "nonsense": "the weather on mars is dusty", "slots": SLOT_VALUES, "invitation": INVITATION,
        "greeting": re.compile(r"\b(?:welcome|hi|hello|good to hear)\b", re.IGNORECASE),
        "walk": [
            "record a glimmer", "the first sip of tea", "read my glimmers", "more", "give me a glimmer to notice", "yes",
            "when did i notice rain", "what did i notice yesterday", "how many glimmers do i have", "what's my streak",
            "what did i notice a year ago", "how can i be a glimmer for someone", "change my last glimmer",
            "the smell of fresh rain", "delete my last glimmer", "no",
        ],
    },
    "de": {
        "open": "öffne {name}", "one_shot": "sag {name} {utterance}", "help_one_shot": "frag {name} nach hilfe",
        "help": "hilfe", "stop": "stopp", "cancel": "abbrechen", "delete_last": "lösche meinen letzten glimmer",
        "nonsense": "das wetter auf dem mars ist staubig",
        "slots": {"AMAZON.SearchQuery": "die warme sonne auf meinem gesicht", "AMAZON.DATE": "gestern",
                  "AMAZON.TIME": "acht uhr abends"},
        "invitation": re.compile(r"\b(?:du kannst|sag|erzähl mir|frag|probier|versuch)\b", re.IGNORECASE),
        "greeting": re.compile(r"\b(?:willkommen|hallo|hi|schön, (?:dass du|von dir))", re.IGNORECASE),
        "walk": [
            "einen glimmer notieren", "der erste schluck tee", "lies meine glimmer vor", "mehr",
            "gib mir einen glimmer zum entdecken", "ja", "wann habe ich regen bemerkt", "was habe ich gestern bemerkt",
            "wie viele glimmer habe ich", "wie ist meine serie", "was habe ich vor einem jahr bemerkt",
            "wie kann ich ein glimmer für jemanden sein", "ändere meinen letzten glimmer", "der duft von frischem regen",
            "lösche meinen letzten glimmer", "nein",
        ],
    },
}


def say(locale: str, what: str, **values: str):
    words = SAY[locale.split("-")[0]][what]
    return words.format(**values) if isinstance(words, str) else words


def asks_something(speech: str, locale: str = "en-US") -> bool:
    """The last sentence is a question, or a clear invitation to say something."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", speech.strip()) if s]
    if not sentences:
        return False
    last = sentences[-1]
    return last.endswith("?") or bool(say(locale, "invitation").search(last))


def assert_answer_fits_certification(reply: Reply, what: str, locale: str) -> None:
    speech = reply.speech
    assert speech, f"{what}: no speech"
    errors = [to_plain_text(p) for p in load_catalogue(locale).phrasings("ERROR")]
    assert not any(error in speech for error in errors), f"{what}: an error"
    if any(d.get("type") == "Connections.SendRequest" for d in reply.directives):
        # Alexa takes the turn (to ask for a permission) and answers the skill: no reprompt, no end.
        assert not reply.reprompt and "shouldEndSession" not in reply.response, f"{what}: {reply.response}"
        return
    if reply.ends_session:
        assert not speech.endswith("?"), f"{what} asks a question and then closes the session: {speech!r}"
        return
    assert reply.reprompt, f"{what} keeps the session open without a reprompt: {speech!r}"
    assert asks_something(speech, locale), f"{what} keeps the session open without asking anything: {speech!r}"


def test_the_question_check_itself_tells_a_question_from_a_statement():
    assert asks_something("Saved. Anything else you noticed?")
    assert asks_something("Hmm, I didn't quite get that. You can tell me a glimmer, or ask for a suggestion.")
    assert not asks_something("Sorry, I missed that. You can say: I noticed, and then your glimmer. Or: read my glimmers.")
    assert not asks_something("Saved: the first snow.")
    assert not asks_something("")


class FlaskTransport:
    """The simulator's requests, POSTed to the app's real /alexa route."""

    def __init__(self, client):
        self.client = client

    def describe(self) -> str:
        return "the Flask test client"

    def __call__(self, envelope: dict) -> dict:
        return send(self.client, envelope).envelope


def conversation(locale: str, client=None) -> Conversation:
    identity = Identity(locale=locale, timezone="America/New_York").with_endpoint(alexa_api_url(), "cert.token")
    transport = FlaskTransport(client) if client is not None else None
    return Conversation(Resolver(load_model(locale)), identity, transport=transport, clock=lambda: NOW)


def invocation(locale: str) -> str:
    return load_model(locale).invocation_name


def one_shot_utterances(locale: str) -> list[tuple[str, str]]:
    """(intent, utterance) for every custom intent: a sample without a slot, and one with its slots filled.

    Each is the first such sample that, said as a one-shot, the simulator maps to
    its intent alone (how well samples are understood is test_phrasings.py's job).
    """
    model = load_model(locale)
    resolver = Resolver(model)
    name = model.invocation_name
    chosen = []
    for intent in model.intents.values():
        if intent.name.startswith("AMAZON."):
            continue
        for with_slots in (False, True):
            for sample in intent.samples:
                if bool(SLOT_REF.search(sample)) != with_slots:
                    continue
                utterance = SLOT_REF.sub(lambda m: _value(intent, m.group(1), model, locale), sample)
                understood = resolver.understand(say(locale, "one_shot", name=name, utterance=utterance), NOW.date())
                if understood.intent == intent.name and not understood.ties:
                    chosen.append((intent.name, utterance))
                    break
    return chosen


def _value(intent, slot: str, model, locale: str = "en-US") -> str:
    slot_type = intent.slots[slot].type
    values = say(locale, "slots")
    if slot_type in values:
        return values[slot_type]
    return model.slot_types[slot_type][0].name


def send(client, envelope: dict) -> Reply:
    response = client.post("/alexa", json=envelope)
    assert response.status_code == 200, response.get_data(as_text=True)
    return Reply(response.get_json())


def seed(store, locale: str) -> None:
    key = JournalKey(SAMPLE_USER_ID)
    store.add(key, "the first snow", locale, NOW - timedelta(days=365))
    store.add(key, "the warm sun on my face", locale, NOW - timedelta(days=1))


# ------------------------------------------------------------------ launch


@pytest.mark.parametrize("seeded", [False, True], ids=["newcomer", "returning"])
@pytest.mark.parametrize("locale", LOCALES)
def test_launch_welcomes_and_keeps_the_session_open_with_a_question_and_a_reprompt(client, store, locale, seeded):
    if seeded:
        seed(store, locale)
    envelope, _ = conversation(locale).request_for(say(locale, "open", name=invocation(locale)))
    assert envelope["request"]["type"] == "LaunchRequest"
    reply = send(client, envelope)
    assert not reply.ends_session
    assert say(locale, "greeting").search(reply.speech), reply.speech
    assert_answer_fits_certification(reply, "launch", locale)


# ------------------------------------------------------------------ one-shots


def _one_shot_cases():
    return [(locale, intent, utterance) for locale in LOCALES for intent, utterance in one_shot_utterances(locale)]


def test_every_custom_intent_of_every_locale_has_a_one_shot_here():
    for locale in LOCALES:
        custom = {name for name in load_model(locale).intents if not name.startswith("AMAZON.")}
        assert {intent for intent, _ in one_shot_utterances(locale)} == custom


@pytest.mark.parametrize("seeded", [False, True], ids=["empty", "with-glimmers"])
@pytest.mark.parametrize(("locale", "intent", "utterance"), _one_shot_cases(), ids=lambda v: str(v))
def test_every_intent_works_as_a_one_shot(client, store, locale, intent, utterance, seeded):
    if seeded:
        seed(store, locale)
    envelope, understood = conversation(locale).request_for(say(locale, "one_shot", name=invocation(locale), utterance=utterance))
    assert envelope["session"]["new"] is True
    assert understood.intent == intent, f"{utterance!r} was understood as {understood.intent}"
    reply = send(client, envelope)
    assert_answer_fits_certification(reply, f"{intent} one-shot ({utterance!r})", locale)


# ------------------------------------------------------------------ help, stop, cancel, fallback, session end


def _sample_patterns(locale: str) -> dict[str, list[re.Pattern]]:
    """Each custom intent's samples as patterns over plain words (a slot takes a few words)."""
    patterns: dict[str, list[re.Pattern]] = {}
    for intent in load_model(locale).intents.values():
        if intent.name.startswith("AMAZON."):
            continue
        for sample in intent.samples:
            words = [r"[\w']+(?: [\w']+){0,5}" if SLOT_REF.fullmatch(w) else re.escape(w) for w in sample.split()]
            patterns.setdefault(intent.name, []).append(re.compile(r"\b" + " ".join(words) + r"\b"))
    return patterns


def intents_named_by_example(locale: str, text: str) -> set[str]:
    """The custom intents one of whose samples the text says word for word (punctuation aside)."""
    words = " ".join(heard(text, lexicon_for(locale)).split())
    return {name for name, patterns in _sample_patterns(locale).items() if any(p.search(words) for p in patterns)}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_help_message_names_things_to_say_that_this_skill_understands(locale):
    catalogue = load_catalogue(locale)
    for phrasing in catalogue.phrasings("HELP"):
        named = intents_named_by_example(locale, phrasing)
        assert len(named) >= 3, f"help should give examples of this skill's own requests: {phrasing!r} names {named}"
        assert phrasing.rstrip().endswith("?")


@pytest.mark.parametrize("locale", LOCALES)
def test_help_in_a_session_and_as_a_one_shot_is_specific_and_asks_what_next(client, locale):
    talk = conversation(locale)
    launch, _ = talk.request_for(say(locale, "open", name=invocation(locale)))
    opened = send(client, launch)
    envelope, understood = talk.request_for(say(locale, "help"), attributes=opened.attributes)
    assert understood.intent == "AMAZON.HelpIntent" and envelope["session"]["new"] is False
    for reply in (send(client, envelope), send(client, conversation(locale).request_for(
            say(locale, "help_one_shot", name=invocation(locale)))[0])):
        assert not reply.ends_session
        assert len(intents_named_by_example(locale, reply.speech)) >= 3, reply.speech
        assert_answer_fits_certification(reply, "help", locale)


@pytest.mark.parametrize("what", ["stop", "cancel"])
@pytest.mark.parametrize("locale", LOCALES)
def test_stop_and_cancel_end_the_session_wherever_they_are_said(client, store, locale, what):
    seed(store, locale)
    talk = conversation(locale)
    launch, _ = talk.request_for(say(locale, "open", name=invocation(locale)))
    send(client, launch)
    envelope, understood = talk.request_for(say(locale, what))
    assert understood.intent == f"AMAZON.{what.capitalize()}Intent"
    reply = send(client, envelope)
    assert reply.ends_session and reply.speech and not reply.reprompt
    # In the middle of a question too: "Do you want me to delete it?" ... "stop".
    asked = send(client, conversation(locale).request_for(say(locale, "delete_last"), in_session=True)[0])
    assert asked.attributes.get("question") == "confirm_delete_last"
    envelope, _ = conversation(locale).request_for(say(locale, what), attributes=asked.attributes)
    reply = send(client, envelope)
    assert reply.ends_session and not reply.reprompt
    assert store.count(JournalKey(SAMPLE_USER_ID)) == 2, "stopping deletes nothing"


@pytest.mark.parametrize("locale", LOCALES)
def test_not_understood_keeps_the_session_open_and_asks_again(client, locale):
    talk = conversation(locale)
    launch, _ = talk.request_for(say(locale, "open", name=invocation(locale)))
    opened = send(client, launch)
    envelope, understood = talk.request_for(say(locale, "nonsense"), attributes=opened.attributes)
    assert understood.intent == "AMAZON.FallbackIntent"
    first = send(client, envelope)
    assert_answer_fits_certification(first, "fallback", locale)
    envelope, _ = talk.request_for(say(locale, "nonsense"), attributes=first.attributes)
    second = send(client, envelope)
    assert_answer_fits_certification(second, "second fallback", locale)


def _broken(store, method: str, exception: Exception) -> None:
    def fail(*args, **kwargs):
        raise exception

    setattr(store, method, fail)


@pytest.mark.parametrize("seed_", range(6))
@pytest.mark.parametrize(
    ("case", "fixture", "changes"),
    [
        ("nothing noted that day", "glimmers_by_date", {"date": "2026-11-29"}),
        ("a day still ahead", "glimmers_by_date", {"date": "2027-05-01"}),
        ("nothing found", "search_glimmers", {"topic": "lighthouses"}),
        ("a save that failed", "record_glimmer", {}),
        ("an unexpected error", "read_glimmers", {}),
    ],
)
def test_in_a_session_nothing_found_or_a_failure_still_asks_what_next(data_dir, clock, case, fixture, changes, seed_):
    """Whichever phrasing is picked: these answers used to end on a statement with the microphone open."""
    import random

    from skill import create_app
    from skill.storage import StorageUnavailable

    app = create_app({"DATA_DIR": data_dir, "VERIFY_REQUESTS": False, "RANDOM": random.Random(seed_), "CLOCK": clock})
    store = app.extensions["glimmers"].store
    if case == "a save that failed":
        _broken(store, "add", StorageUnavailable("the disk is full"))
    if case == "an unexpected error":
        _broken(store, "page", RuntimeError("a bug"))
    reply = send(app.test_client(), load_request(fixture, new=False, **changes))
    assert not reply.ends_session, case
    assert reply.reprompt and asks_something(reply.speech), f"{case}: {reply.speech!r}"


@pytest.mark.parametrize("name", ["session_ended", "session_ended_error"])
@pytest.mark.parametrize("locale", LOCALES)
def test_a_session_ended_request_gets_no_speech(client, locale, name):
    envelope = load_request(name)
    envelope["request"]["locale"] = locale
    response = client.post("/alexa", json=envelope)
    assert response.status_code == 200
    body = response.get_json()["response"]
    assert "outputSpeech" not in body and "reprompt" not in body and "card" not in body


@pytest.mark.parametrize("locale", LOCALES)
def test_every_answer_in_a_longer_conversation_asks_something_when_it_stays_open(client, store, locale):
    """A walk through the skill as a certification tester might take it, dialog turns included."""
    seed(store, locale)
    talk = conversation(locale, client)
    lines = say(locale, "walk")
    answered = 0
    for line in lines:
        said = [say(locale, "open", name=invocation(locale)), line] if not talk.in_session else [line]
        for exchange in (e for words in said for e in talk.say(words)):
            request = (exchange.request or {}).get("request", {})
            if exchange.response is not None and request.get("type") != "SessionEndedRequest":
                assert_answer_fits_certification(Reply(exchange.response), repr(line), locale)
                answered += 1
    assert answered >= len(lines)


# ------------------------------------------------------------------ the model


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_belongs_to_two_intents_or_is_a_built_in_phrase(locale):
    resolver = Resolver(load_model(locale))
    assert not resolver.shared_samples()
    assert not resolver.built_in_clashes()


def invocation_name_problems(name: str) -> list[str]:
    problems = []
    words = name.split(" ")
    if len(words) < 2:
        problems.append("one word (a one-word name must be a brand you own)")
    if not 2 <= len(name) <= 50:
        problems.append("not 2 to 50 characters")
    if name != name.lower():
        problems.append("not lower case")
    for word in words:
        if not re.fullmatch(r"[a-zäöüß]\.|[a-zäöüß]+(?:'[a-zäöüß]+)?", word):
            problems.append(f"{word!r}: only letters, apostrophes, and periods after initials")
    bad = set(words) & (LAUNCH_WORDS | CONNECTING_WORDS | FORBIDDEN_WORDS)
    if bad:
        problems.append(f"launch, connecting or wake words: {sorted(bad)}")
    return problems


def test_the_invocation_name_check_finds_what_amazon_refuses():
    assert invocation_name_problems("glimmer journal") == []
    for refused in ("journal", "open glimmer journal", "glimmer journal skill", "Glimmer Journal", "glimmer 2 journal",
                    "alexa glimmers", "glimmers, journal", "ask the journal", "amazon glimmers"):
        assert invocation_name_problems(refused), refused


@pytest.mark.parametrize("locale", LOCALES)
def test_the_invocation_name_keeps_amazons_rules(locale):
    assert invocation_name_problems(invocation(locale)) == []
