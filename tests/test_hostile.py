"""Hostile requests: whatever reaches ``POST /alexa``, the answer is a 4xx or a valid Alexa response.

Property-based (hypothesis): malformed envelopes built from the request
fixtures (fields dropped, nulled, of the wrong type, huge, in unusual Unicode),
unknown request types and intents, slots of every shape, garbage in the
session attributes the skill keeps its conversation in, and raw bytes. Every
answer must be a 4xx with a JSON ``error``, or a 200 carrying a valid Alexa
response (strict JSON, well-formed SSML); never a 500, a traceback, or the
skill's apology for an exception it did not expect; and nothing is written
except the sender's own journal, by a request that records, deletes,
remembers a suggestion or disables the skill.

CI runs a few hundred examples in all. For a long hunt, set
``GLIMMERS_HYPOTHESIS_EXAMPLES`` to the number of examples per test:

    GLIMMERS_HYPOTHESIS_EXAMPLES=5000 .venv/bin/pytest tests/test_hostile.py
"""

from __future__ import annotations

import functools
import json
import logging
import os
import random
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NOW, REQUESTS, FakeClock, load_request
from skill import create_app
from skill.envelope import user_id_of
from skill.storage import hash_id

EXAMPLES = os.environ.get("GLIMMERS_HYPOTHESIS_EXAMPLES")


def hostile_settings(default_examples: int) -> settings:
    """``default_examples`` in CI; ``GLIMMERS_HYPOTHESIS_EXAMPLES`` per test when set."""
    return settings(
        max_examples=int(EXAMPLES) if EXAMPLES else default_examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # one app per test function, reset between examples
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


# -- who is in the data folder before every example -----------------------------

FIXTURES = sorted(p.stem for p in REQUESTS.glob("*.json"))


def _as_stored(name: str) -> dict:
    return json.loads((REQUESTS / f"{name}.json").read_text())


USER = _as_stored("launch")["context"]["System"]["user"]["userId"]
PERSON = _as_stored("launch_person")["context"]["System"]["person"]["personId"]
NEIGHBOUR = "amzn1.ask.account.NEIGHBOUR"
GLIMMER_IDS = [f"{n:016x}{'a' * 16}" for n in range(1, 6)]
CATEGORIES = ["MUSIC_RHYTHM", "WARMTH_LIGHT", "NATURE", "BEING_A_GLIMMER"]


def _journal(texts: list[str], first_id: int = 0) -> bytes:
    records = {
        str(n + 1): {
            "id": GLIMMER_IDS[first_id + n],
            "text": text,
            "created_at": f"2026-11-{20 + n:02d}T08:00:00.000000Z",
            "locale": "en-US",
        }
        for n, text in enumerate(texts)
    }
    return json.dumps({"glimmers": records, "meta": {"1": {"recent_suggestions": ["MUSIC_RHYTHM-1"]}}}).encode()


def write_template(folder: Path) -> None:
    """The user's journal, their household member's, and a neighbour's, in the store's own file format."""
    for user, name, content in (
        (USER, "account.json", _journal(["the warm sun", "a kind word", "fresh bread"])),
        (USER, f"person-{hash_id(PERSON)}.json", _journal(["the partner's tea"], first_id=3)),
        (NEIGHBOUR, "account.json", _journal(["the neighbour's garden"], first_id=4)),
    ):
        path = folder / "journals" / hash_id(user) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class HostileSkill:
    """The HTTP app on a data folder that is put back as it was before every request."""

    def __init__(self, folder: Path):
        self.template = folder / "template"
        self.data_dir = folder / "data"
        write_template(self.template)
        self.before = snapshot(self.template)
        app = create_app(
            {"DATA_DIR": self.data_dir, "VERIFY_REQUESTS": False, "RANDOM": random.Random(7), "CLOCK": FakeClock(NOW)}
        )
        self.client = app.test_client()
        self.errors = _Errors()

    def send(self, body: bytes, content_type: str | None = "application/json") -> None:
        """POST ``body`` and check the answer and what changed on disk."""
        shutil.rmtree(self.data_dir, ignore_errors=True)
        shutil.copytree(self.template, self.data_dir)
        self.errors.records.clear()
        logger = logging.getLogger("skill")
        logger.addHandler(self.errors)
        try:
            response = self.client.post("/alexa", data=body, content_type=content_type)
        finally:
            logger.removeHandler(self.errors)
        answer = check_answer(response.status_code, response.get_data(), response.mimetype)
        # An exception the skill did not expect ends in its apology (200) or in a 500: either way, a bug.
        unexpected = [f"{r.name}: {r.getMessage()}" for r in self.errors.records]
        assert not unexpected, f"the skill logged errors: {unexpected}"
        check_writes(self.before, snapshot(self.data_dir), envelope_of(body), answered=answer is not None)


# Devices the stand-in Alexa API places far from UTC, or answers nonsense for.
DEVICE_ZONES = {
    "amzn1.ask.device.KIRITIMATI": "Pacific/Kiritimati",  # UTC+14
    "amzn1.ask.device.PAGO-PAGO": "Pacific/Pago_Pago",  # UTC-11
    "amzn1.ask.device.GMT-12": "Etc/GMT+12",
    "amzn1.ask.device.NOWHERE": "Mars/Olympus_Mons",
}
GARBAGE_DEVICE = "amzn1.ask.device.GARBAGE"


@pytest.fixture
def hostile(tmp_path, alexa_api) -> HostileSkill:
    alexa_api.zones.update(DEVICE_ZONES)
    alexa_api.behaviour[GARBAGE_DEVICE] = "garbage"
    return HostileSkill(tmp_path)


# -- what an acceptable answer is ----------------------------------------------

ALEXA_SSML_NS = "https://developer.amazon.com/alexa/ssml"


def _strict_json(raw: bytes) -> Any:
    def reject(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(raw, parse_constant=reject)


def check_ssml(speech: Any) -> None:
    assert isinstance(speech, dict) and speech.get("type") == "SSML", speech
    ssml = speech.get("ssml")
    assert isinstance(ssml, str) and ssml.startswith("<speak>") and ssml.endswith("</speak>"), ssml
    assert len(ssml) <= 8000, len(ssml)
    # Parsed as XML, with the alexa: prefix (used by <alexa:name>) bound to a namespace.
    ET.fromstring(ssml.replace("<speak>", f'<speak xmlns:alexa="{ALEXA_SSML_NS}">', 1))


def check_answer(status: int, raw: bytes, mimetype: str) -> dict | None:
    """The response envelope for a 200, None for a 4xx; fails for anything else."""
    assert b"Traceback" not in raw
    assert status < 500, (status, raw[:500])
    assert mimetype == "application/json", mimetype
    body = _strict_json(raw)
    if 400 <= status < 500:
        assert isinstance(body, dict) and isinstance(body.get("error"), str), body
        return None
    assert status == 200, status
    assert isinstance(body, dict) and body.get("version") == "1.0", body
    response = body.get("response")
    assert isinstance(response, dict), body
    if "outputSpeech" in response:
        check_ssml(response["outputSpeech"])
    if "reprompt" in response:
        check_ssml(_get(response, "reprompt", "outputSpeech"))
    if "card" in response:
        card = response["card"]
        if card.get("type") == "AskForPermissionsConsent":  # the card that lets a person allow reminders
            assert card.get("permissions") == ["alexa::alerts:reminders:skill:readwrite"], card
        else:
            assert card.get("type") == "Simple" and isinstance(card.get("title"), str), card
            assert isinstance(card.get("content"), str) and len(card["content"]) <= 8000
    assert isinstance(response.get("shouldEndSession", False), bool), response
    directives = response.get("directives", [])
    assert isinstance(directives, list) and all(isinstance(d, dict) and isinstance(d.get("type"), str) for d in directives)
    assert isinstance(body.get("sessionAttributes", {}), dict), body
    return body


# -- what may be written ---------------------------------------------------------

RECORD, DELETE, SUGGEST, DISABLE, CHANGE, REMEMBER = "record", "delete", "suggest", "disable", "change", "remember"
REMINDER = "reminder"
# What any answered request may keep in its sender's journal meta: the zone its device reported,
# the day the greeting recalled a glimmer from a year before, the day "maybe two tomorrow" was said,
# and whether the reminder offer was made or declined.
REMEMBERED = ("zone", "memory_told", "nudged_on", "reminder_offer")
REMINDER_INTENTS = ("SetReminderIntent", "CancelReminderIntent", "ReminderStatusIntent")


def envelope_of(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _get(node: Any, *path: str) -> Any:
    for name in path:
        node = node.get(name) if isinstance(node, dict) else None
    return node


def write_allowed(envelope: Any) -> str | None:
    """What this request may change in its sender's journal, if anything."""
    kind = _get(envelope, "request", "type")
    if kind == "AlexaSkillEvent.SkillDisabled":
        return DISABLE
    if kind == "LaunchRequest":
        return REMEMBER
    if kind == "Connections.Response":
        return REMINDER  # the answer to the skill's request for the reminders permission
    if kind != "IntentRequest":
        return None
    name = _get(envelope, "request", "intent", "name")
    if name in REMINDER_INTENTS:
        return REMINDER
    question = _get(envelope, "session", "attributes", "question")
    if name == "RecordGlimmerIntent":
        return RECORD
    if name in ("DeleteLastGlimmerIntent", "DeleteAllGlimmersIntent"):
        return DELETE
    if name in ("AMAZON.YesIntent", "AMAZON.NoIntent") and question in ("confirm_delete_last", "confirm_delete_all"):
        return DELETE
    if name in ("SuggestGlimmerIntent", "BeAGlimmerIntent"):
        return SUGGEST
    if name in ("AMAZON.YesIntent", "AMAZON.MoreIntent", "AMAZON.NextIntent") and question in (
        "another_suggestion", "offer_suggestion"
    ):
        return SUGGEST
    if name == "ChangeLastGlimmerIntent":
        return CHANGE
    return REMEMBER


def _glimmers(raw: bytes | None) -> dict[str, Any]:
    if raw is None:
        return {}
    return {g["id"]: g for g in json.loads(raw).get("glimmers", {}).values()}


def _meta(raw: bytes | None) -> Any:
    return None if raw is None else json.loads(raw).get("meta")


def _meta_but_remembered(raw: bytes | None, also: tuple[str, ...] = ()) -> Any:
    """The journal's meta without what any request may remember in it (see REMEMBERED), nor ``also``."""
    meta = _meta(raw)
    if not isinstance(meta, dict):
        return meta
    skipped = REMEMBERED + also
    return {doc: {k: v for k, v in fields.items() if k not in skipped} if isinstance(fields, dict) else fields
            for doc, fields in meta.items()}


def check_writes(before: dict[str, bytes], after: dict[str, bytes], envelope: Any, answered: bool) -> None:
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    if not changed:
        return
    kind = write_allowed(envelope) if answered else None
    assert kind is not None, f"a request that may not write changed {changed}"
    user = user_id_of(envelope)
    person = _get(envelope, "context", "System", "person", "personId")
    folder = f"journals/{hash_id(user)}/"
    journal = folder + (f"person-{hash_id(person)}.json" if person else "account.json")
    outside = [name for name in changed if not name.startswith(folder)]
    assert not outside, f"a {kind} request changed files outside its sender's folder: {outside}"
    if kind == DISABLE:
        assert _get(envelope, "request", "body", "userInformationPersistenceStatus") == "NOT_PERSISTED"
        written = [name for name in changed if name in after and not (name == folder + ".lock" and after[name] == b"")]
        assert not written, f"disabling the skill wrote {written}"
        return
    others = [name for name in changed if name != journal and not (name == folder + ".lock" and after.get(name) == b"")]
    assert not others, f"a {kind} request for {journal} changed {others}"
    old, new = _glimmers(before.get(journal)), _glimmers(after.get(journal))
    if kind == RECORD:
        added = set(new) - set(old)
        assert all(new[i] == old[i] for i in old) and len(added) <= 1, (old, new)
        assert _meta_but_remembered(after.get(journal)) == _meta_but_remembered(before.get(journal))
    elif kind == DELETE:
        assert set(new) <= set(old) and all(new[i] == old[i] for i in new), (old, new)
    elif kind == CHANGE:  # one glimmer's text, never its id or time
        assert set(new) == set(old), (old, new)
        changed_texts = [i for i in new if new[i] != old[i]]
        assert len(changed_texts) <= 1, (old, new)
        for i in changed_texts:
            assert {**new[i], "text": old[i]["text"]} == old[i], (old[i], new[i])
        assert _meta_but_remembered(after.get(journal)) == _meta_but_remembered(before.get(journal))
    elif kind == REMINDER:  # the reminder's ID and time, never a glimmer
        assert new == old, (old, new)
        assert _meta_but_remembered(after.get(journal), also=("reminder",)) == _meta_but_remembered(
            before.get(journal), also=("reminder",)
        )
    elif kind == REMEMBER:
        assert new == old, (old, new)
        assert journal in before, "a request that only remembers created a journal"
        assert _meta_but_remembered(after.get(journal)) == _meta_but_remembered(before.get(journal))
    else:
        assert new == old, (old, new)


# -- strategies ------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _fixture_text(name: str) -> str:
    """The fixture as JSON text, its apiEndpoint pointing at the stand-in Alexa API."""
    return json.dumps(load_request(name))


def fixture(names: list[str] | None = None) -> st.SearchStrategy[dict]:
    return st.sampled_from(names or FIXTURES).map(lambda name: json.loads(_fixture_text(name)))


INTENT_FIXTURES = [n for n in FIXTURES if _get(_as_stored(n), "request", "type") == "IntentRequest"]
SESSION_FIXTURES = [n for n in FIXTURES if "session" in _as_stored(n)]

ODD_CHARACTERS = [
    "\x00", "\x07", "\x1b", "\ud800", "\udfff", "\ud83d", "\ufffe", "\uffff", "\ufeff", "\u200b", "\u200e", "\u200f",
    "\u202e", "\u2066", "\u2028", "\u0301", "\U0001f600", "\U0001f469\u200d\U0001f467", "\U0010ffff", "<", ">", "&",
    "'", '"', "]]>", "<speak>", "</speak>", "<break time=\"9s\"/>", "&amp;", "&#0;", "\\", "%s", "{glimmer}", "\n",
]
odd_text = st.lists(
    st.one_of(st.sampled_from(ODD_CHARACTERS), st.characters(exclude_categories=()), st.text(max_size=5)), max_size=12
).map("".join)
huge_text = st.builds(
    lambda unit, n: (unit * (n // max(len(unit), 1) + 1))[:n],
    st.one_of(st.just("a"), st.just("the sun "), st.sampled_from(ODD_CHARACTERS), odd_text.filter(bool)),
    st.sampled_from([1_001, 5_000, 20_000, 100_000]),
)
any_text = st.one_of(st.text(max_size=30), odd_text, huge_text)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),  # NaN and infinities too: Python's json reads them
    any_text,
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=8,
)


def json_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON tree, except the root and the apiEndpoint (kept local: no test reaches the internet)."""
    found = [prefix] if prefix and prefix[-1] != "apiEndpoint" else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += json_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += json_paths(value, prefix + (index,))
    return found


def _parent(envelope: Any, path: tuple) -> Any:
    node = envelope
    for step in path[:-1]:
        node = node[step]
    return node


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> dict:
    """A request fixture with one to four fields dropped or replaced by something else."""
    envelope = draw(fixture())
    _person_and_device(draw, envelope)
    for _ in range(draw(st.integers(1, 4))):
        paths = json_paths(envelope)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(envelope, path)
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return envelope


def encoded(envelope: Any, draw: st.DrawFn) -> bytes:
    """As JSON text: with escapes (lone surrogates as \\ud800), or as raw UTF-8 (lone surrogates invalid)."""
    if draw(st.booleans()):
        return json.dumps(envelope).encode()
    return json.dumps(envelope, ensure_ascii=False).encode("utf-8", "surrogatepass")


REQUEST_TYPES = st.one_of(
    st.sampled_from([
        "LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest",
        "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled", "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.ProactiveSubscriptionChanged", "AlexaSkillEvent.SkillAccountLinked",
        "Alexa.Presentation.APL.UserEvent", "Display.ElementSelected", "Connections.Response",
        "Messaging.MessageReceived", "System.ExceptionEncountered", "Dialog.API.Invoked", "Reminders.ReminderCreated",
        "AudioPlayer.PlaybackStarted", "PlaybackController.PlayCommandIssued", "GameEngine.InputHandlerEvent",
        "launchrequest", " LaunchRequest", "Made.Up.Request",
    ]),
    any_text,
)
INTENT_NAMES = st.one_of(
    st.sampled_from([
        "RecordGlimmerIntent", "ReadGlimmersIntent", "SuggestGlimmerIntent", "GlimmersByDateIntent",
        "CountGlimmersIntent", "StreakIntent", "GroundingIntent", "BeAGlimmerIntent", "DeleteLastGlimmerIntent",
        "DeleteAllGlimmersIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
        "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
        "AMAZON.MoreIntent", "AMAZON.NextIntent", "AMAZON.PauseIntent", "AMAZON.RepeatIntent",
        "AMAZON.StartOverIntent", "recordglimmerintent", "",
    ]),
    any_text,
)
CONFIRMATIONS = st.one_of(st.sampled_from(["NONE", "CONFIRMED", "DENIED"]), json_values)
DATE_VALUES = [
    "2026-11-29", "2026-W48", "2026-W48-WE", "2026-11", "2026", "2026-WI", "202X", "XXXX-11-29", "PRESENT_REF",
    "2026-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "9999-W52-WE", "9999", "999X", "0001-W01", "2026-W99",
    "2026-13", "2026-00-10", "+275760-09-13", "2026-11-29T10:00", "T10:00", "PT5M", "2026-SP", "9999-WI",
]
TEXT_VALUES = ["the warm sun on my face", "a glimmer", "music", "music and rhythm", "MUSIC_RHYTHM", "   ", ""]
slot_text = st.one_of(st.none(), st.sampled_from(TEXT_VALUES + DATE_VALUES), any_text)


def _maybe(draw: st.DrawFn, mapping: dict, key: str, strategy: st.SearchStrategy) -> None:
    if draw(st.booleans()):
        mapping[key] = draw(strategy)


@st.composite
def resolutions(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 3)) == 0:
        return draw(json_values)
    authorities = []
    for _ in range(draw(st.integers(0, 3))):
        authority: dict[str, Any] = {}
        _maybe(draw, authority, "authority", any_text)
        _maybe(draw, authority, "status", st.one_of(
            st.builds(lambda code: {"code": code}, st.one_of(
                st.sampled_from(["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT", "ER_ERROR_EXCEPTION"]),
                json_values,
            )),
            json_values,
        ))
        values = st.lists(st.one_of(
            st.fixed_dictionaries({"value": st.fixed_dictionaries(
                {}, optional={"name": any_text, "id": st.one_of(st.sampled_from(CATEGORIES), json_values)}
            )}),
            json_values,
        ), max_size=3)
        _maybe(draw, authority, "values", values)
        authorities.append(authority)
    return {"resolutionsPerAuthority": authorities}


@st.composite
def slot(draw: st.DrawFn, name: str) -> Any:
    """One slot, of any shape: mostly plausible, sometimes not an object at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    shape: dict[str, Any] = {}
    _maybe(draw, shape, "name", st.one_of(st.just(name), json_values))
    _maybe(draw, shape, "value", st.one_of(slot_text, slot_text, json_values))
    _maybe(draw, shape, "confirmationStatus", CONFIRMATIONS)
    _maybe(draw, shape, "source", st.one_of(st.just("USER"), json_values))
    _maybe(draw, shape, "resolutions", resolutions())
    if draw(st.booleans()):
        simple = st.fixed_dictionaries({"type": st.just("Simple")}, optional={"value": slot_text, "resolutions": resolutions()})
        shape["slotValue"] = draw(st.one_of(
            simple,
            st.fixed_dictionaries({"type": st.just("List")}, optional={"values": st.lists(simple, max_size=3)}),
            st.fixed_dictionaries({"type": st.one_of(any_text, json_values)}, optional={"value": json_values, "values": json_values}),
            json_values,
        ))
    return shape


@st.composite
def slots(draw: st.DrawFn) -> Any:
    names = draw(st.lists(st.one_of(st.sampled_from(["glimmer", "category", "date"]), st.text(max_size=10)), max_size=4))
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    return {name: draw(slot(name)) for name in names}


QUESTIONS = ["help", "more_glimmers", "confirm_delete_last", "confirm_delete_all", "another_suggestion"]
STATE_KEYS = ["question", "cursor", "period", "fallbacks", "asked_for_glimmer", "asked_for_date", "delete_id", "category"]
# The keyword arguments of Turn.reply: an attribute with one of these names must not steer the reply.
REPLY_KEYWORDS = ["speech", "reprompt", "end", "card", "directive"]
TIMESTAMPS = [
    "2026-11-30T17:00:00.000000Z", "2026-11-20T08:00:00.000000Z", "0001-01-01T00:00:00+00:00",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59.999999Z", "2026-11-30",
    "2026-11-30T25:00:00Z", "yesterday", "",
]
counts = st.one_of(st.integers(-3, 5), st.sampled_from([10**20, -(10**20), True, False, 1.5, float("nan")]), json_values)
STATE_VALUES = {
    "question": st.one_of(st.sampled_from(QUESTIONS), json_values),
    "cursor": st.one_of(
        st.lists(st.one_of(st.sampled_from(TIMESTAMPS + GLIMMER_IDS), json_values), min_size=2, max_size=2),
        st.lists(st.sampled_from(TIMESTAMPS + GLIMMER_IDS), max_size=3),
        json_values,
    ),
    "period": st.one_of(
        st.tuples(
            st.sampled_from(["2026-11-01", "2026-12-01", "0001-01-01", "9999-12-31", "2026-02-30", "x"]),
            st.sampled_from(["2026-11-01", "2026-12-01", "0001-01-02", "9999-12-31", "2026-13-01", "x"]),
            st.one_of(st.sampled_from(["day", "week", "weekend", "month", "season", "year", "decade"]), json_values),
        ).map(list),
        json_values,
    ),
    "fallbacks": counts,
    "asked_for_glimmer": counts,
    "asked_for_date": counts,
    "delete_id": st.one_of(st.sampled_from(GLIMMER_IDS), json_values),
    "category": st.one_of(st.sampled_from(CATEGORIES), json_values),
}


@st.composite
def session_attributes(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    attributes: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(STATE_KEYS), max_size=5, unique=True)):
        attributes[key] = draw(STATE_VALUES[key])
    for key in draw(st.lists(st.one_of(st.sampled_from(REPLY_KEYWORDS), st.text(max_size=10)), max_size=2)):
        attributes[key] = draw(json_values)
    return attributes


def _envelope_strategy(build: Any) -> st.SearchStrategy[bytes]:
    @st.composite
    def bodies(draw: st.DrawFn) -> bytes:
        return encoded(draw(build()), draw)

    return bodies()


def _person_and_device(draw: st.DrawFn, envelope: dict) -> None:
    """Sometimes a recognised voice; often a device far from UTC."""
    system = envelope["context"]["System"]
    if draw(st.integers(0, 3)) == 0:
        system["person"] = {"personId": draw(st.one_of(st.just(PERSON), any_text, json_values))}
    if draw(st.booleans()):
        device = draw(st.sampled_from([*DEVICE_ZONES, GARBAGE_DEVICE]))
        system["device"] = {"deviceId": device, "supportedInterfaces": {}}


# -- the properties --------------------------------------------------------------


@hostile_settings(100)
@given(body=_envelope_strategy(mutated_envelopes))
def test_mutated_request_envelopes_get_a_4xx_or_a_valid_alexa_response(hostile, body):
    hostile.send(body)


@st.composite
def any_request_type(draw: st.DrawFn) -> dict:
    envelope = draw(fixture())
    request = envelope["request"]
    request["type"] = draw(REQUEST_TYPES)
    if draw(st.booleans()):
        request["intent"] = {"name": draw(INTENT_NAMES), "confirmationStatus": draw(CONFIRMATIONS), "slots": draw(slots())}
    _maybe(draw, request, "dialogState", st.one_of(st.sampled_from(["STARTED", "IN_PROGRESS", "COMPLETED"]), json_values))
    _maybe(draw, request, "body", st.one_of(
        st.fixed_dictionaries({"userInformationPersistenceStatus": st.one_of(
            st.sampled_from(["PERSISTED", "NOT_PERSISTED"]), json_values)}),
        json_values,
    ))
    _maybe(draw, request, "reason", st.one_of(st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"]), json_values))
    _maybe(draw, request, "error", json_values)
    _maybe(draw, request, "locale", st.one_of(st.sampled_from(["en-US", "en-GB", "de-DE", "xx", "EN-us", ""]), any_text))
    _person_and_device(draw, envelope)
    return envelope


@hostile_settings(50)
@given(body=_envelope_strategy(any_request_type))
def test_unknown_request_types_and_intent_names_get_a_4xx_or_a_valid_alexa_response(hostile, body):
    hostile.send(body)


@st.composite
def intents_with_any_slots(draw: st.DrawFn) -> dict:
    envelope = draw(fixture(INTENT_FIXTURES))
    intent = envelope["request"]["intent"]
    if draw(st.booleans()):
        intent["name"] = draw(INTENT_NAMES)
    intent["slots"] = draw(slots())
    _person_and_device(draw, envelope)
    if "session" in envelope:
        envelope["session"]["new"] = draw(st.booleans())
    return envelope


@hostile_settings(70)
@given(body=_envelope_strategy(intents_with_any_slots))
def test_slots_of_every_shape_get_a_4xx_or_a_valid_alexa_response(hostile, body):
    hostile.send(body)


@st.composite
def sessions_with_any_attributes(draw: st.DrawFn) -> dict:
    envelope = draw(fixture(SESSION_FIXTURES))
    envelope["session"]["attributes"] = draw(session_attributes())
    envelope["session"]["new"] = draw(st.one_of(st.booleans(), st.booleans(), json_values))
    request = envelope["request"]
    if request.get("type") == "IntentRequest":
        if draw(st.booleans()):
            request["intent"]["name"] = draw(INTENT_NAMES)
        _maybe(draw, request["intent"], "confirmationStatus", CONFIRMATIONS)
    _person_and_device(draw, envelope)
    return envelope


@hostile_settings(70)
@given(body=_envelope_strategy(sessions_with_any_attributes))
def test_garbage_in_the_session_attributes_gets_a_4xx_or_a_valid_alexa_response(hostile, body):
    hostile.send(body)


@st.composite
def raw_bodies(draw: st.DrawFn) -> bytes:
    good = _fixture_text(draw(st.sampled_from(FIXTURES))).encode()
    return draw(st.one_of(
        st.binary(max_size=2000),
        st.builds(lambda cut: good[:cut], st.integers(0, len(good))),
        st.builds(lambda n: b"[" * n + b"]" * n, st.integers(1, 50_000)),
        st.builds(lambda n: b'{"a":' * n + b"1" + b"}" * n, st.integers(1, 20_000)),
        st.sampled_from([
            b"", b"null", b"true", b"0", b"-0", b"1e999", b"NaN", b"-Infinity", b'""', b"[]", b"{}", b"9" * 5000,
            b"\xef\xbb\xbf" + good, good.decode().encode("utf-16"), good.decode().encode("utf-32"),
            good.replace(b'"version": "1.0"', b'"version": "1.0", "version": 1'),
            good.replace(b"{", b"{\x00", 1), good + b" trailing", good + b"\n" + good,
        ]),
        st.builds(lambda junk, at: good[:at] + junk + good[at:], st.binary(min_size=1, max_size=8), st.integers(0, len(good))),
    ))


CONTENT_TYPES = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "application/json; charset=latin-1",
    "application/vnd.alexa+json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None,
])


@hostile_settings(60)
@given(body=raw_bodies(), content_type=CONTENT_TYPES)
def test_raw_bytes_get_a_4xx_or_a_valid_alexa_response(hostile, body, content_type):
    hostile.send(body, content_type)


# -- what the hunt found, kept as plain examples -----------------------------------


def _send(hostile: HostileSkill, envelope: dict) -> None:
    hostile.send(json.dumps(envelope).encode())


@pytest.mark.parametrize("name", REPLY_KEYWORDS)
def test_help_inside_a_step_ignores_an_attribute_named_like_a_reply_setting(hostile, name):
    _send(hostile, load_request("help", attributes={"question": "more_glimmers", name: [1, 2, 3]}))


def test_help_inside_a_step_never_answers_with_nan_which_json_does_not_have(hostile):
    _send(hostile, load_request("help", attributes={"question": "more_glimmers", "x": float("nan")}))


def test_an_empty_context_user_id_does_not_open_a_journal_shared_by_everyone(hostile):
    envelope = load_request("record_glimmer", glimmer="a private moment")
    envelope["context"]["System"]["user"]["userId"] = ""
    _send(hostile, envelope)


def test_a_context_user_without_an_id_is_refused_or_answered_for_the_session_user(hostile):
    envelope = load_request("record_glimmer", glimmer="a private moment")
    envelope["context"]["System"]["user"] = {}
    _send(hostile, envelope)


@pytest.mark.parametrize(
    "changes",
    [{"glimmer": "a \ud800 moment"}, {"user": "amzn1.ask.account.\udfff"}, {"person": "amzn1.ask.person.\ud800"}],
    ids=["in the glimmer", "in the user ID", "in the person ID"],
)
def test_a_lone_surrogate_escaped_in_the_json_gets_a_4xx_or_a_real_answer(hostile, changes):
    _send(hostile, load_request("record_glimmer", **changes))


def test_a_category_that_is_a_list_does_not_break_another_suggestion(hostile):
    _send(hostile, load_request("more", attributes={"question": "another_suggestion", "category": []}))


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_a_cursor_at_the_edge_of_time_starts_reading_again_from_the_newest(hostile, moment):
    _send(hostile, load_request("more", attributes={"question": "more_glimmers", "cursor": [moment, GLIMMER_IDS[0]]}))


def test_nan_in_the_session_attributes_is_refused_or_never_echoed(hostile):
    _send(hostile, load_request("session_ended", attributes={"fallbacks": float("nan")}))


def test_a_locale_longer_than_a_file_name_gets_an_answer_not_a_500(hostile):
    envelope = load_request("launch")
    envelope["request"]["locale"] = "a" * 300
    _send(hostile, envelope)


@pytest.mark.parametrize("value", [None, {}], ids=["null", "empty object"])
def test_a_matched_resolution_without_a_value_is_treated_as_no_match(hostile, value):
    envelope = load_request("suggest_glimmer_category")
    envelope["request"]["intent"]["slots"]["category"]["resolutions"]["resolutionsPerAuthority"][0]["values"] = [value]
    _send(hostile, envelope)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_json_in_utf16_or_utf32_gets_a_4xx_not_a_500(hostile, encoding):
    hostile.send(json.dumps(load_request("launch")).encode(encoding))
