"""Daily reminders over the HTTP endpoint, against a real local stand-in Reminders API (skill/simulator/reminders_api.py).

The stand-in is served over HTTP by the simulator's API server, which also
answers the device's time zone (America/Los_Angeles here). Each request names
it as its apiEndpoint, with an access token the stand-in lets set reminders
once ``grant``-ed, as Alexa does after the person allowed them.
"""

from __future__ import annotations

import json
import random
import socket
import time
from datetime import time as at
from datetime import timedelta
from typing import Any

import pytest
from ask_sdk_model.services import ApiClientRequest

from conftest import Reply, load_request
from skill import create_app
from skill.alexa_api import AlexaApiClient, EndpointRefused, endpoint_allowed
from skill.builder import build_skill
from skill.envelope import RequestSerializer, to_request_envelope
from skill.reminders import ReminderState, slot_time
from skill.simulator.device_settings import DeviceSettingsServer
from skill.simulator.envelopes import SAMPLE_DEVICE_ID
from skill.simulator.reminders_api import RemindersStandIn
from skill.speech import Speech, load_catalogue
from skill.storage import JournalKey, StorageUnavailable, TinyDBStore
from skill.turn import CONSENT_REFUSED

USER = "amzn1.ask.account.AGLIMMERSAMPLEUSER0000000000000000000000000000000000000000"
KEY = JournalKey(USER)
TOKEN = "test.api.access.token"
SCOPE = "alexa::alerts:reminders:skill:readwrite"
CATALOGUE = load_catalogue("en-US")
REMINDER_WORDS = set(CATALOGUE.phrasings("REMINDER_TEXT"))


def phrasings(key: str, **params: str) -> list[str]:
    return [p.format(**params) for p in CATALOGUE.phrasings(key)]


def says_one_of(reply: Reply, key: str, **params: str) -> bool:
    return any(p in reply.speech for p in phrasings(key, **params))


@pytest.fixture
def reminders() -> RemindersStandIn:
    api = RemindersStandIn()
    api.grant(TOKEN)
    return api


@pytest.fixture
def api_server(reminders):
    with DeviceSettingsServer(SAMPLE_DEVICE_ID, "America/Los_Angeles", TOKEN, reminders=reminders) as server:
        yield server


class Session:
    """Alexa's side of a conversation whose requests name the stand-in API."""

    def __init__(self, alexa, endpoint: str):
        self.alexa = alexa
        self.endpoint = endpoint

    def say(self, name: str, consent: bool = True, time_value: str | None = None, daypart: str | None = None,
            **changes: Any) -> Reply:
        changes.setdefault("new", not self.alexa.in_session)
        changes.setdefault("attributes", dict(self.alexa.attributes) if self.alexa.in_session else {})
        envelope = load_request(name, **changes)
        system = envelope["context"]["System"]
        system["apiEndpoint"] = self.endpoint
        system["apiAccessToken"] = TOKEN
        if not consent:
            system["user"].pop("permissions", None)
        if name.startswith("set_reminder"):
            slots = envelope["request"]["intent"]["slots"]
            for slot_name, value in (("time", time_value), ("daypart", daypart)):
                slot = slots.setdefault(slot_name, {"name": slot_name, "confirmationStatus": "NONE"})
                for part in ("value", "slotValue", "resolutions"):
                    slot.pop(part, None)
                if value is not None and slot_name == "time":
                    slot["value"] = value
                elif value is not None:
                    slot["value"] = value.lower()
                    slot["resolutions"] = {"resolutionsPerAuthority": [{
                        "authority": "amzn1.er-authority.echo-sdk.skill.DayPart",
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": value.lower(), "id": value}}]}]}
        reply = self.alexa.send(envelope)
        # A Connections.SendRequest leaves shouldEndSession out: Alexa keeps the session for her answer.
        self.alexa.in_session = not reply.ends_session
        self.alexa.attributes = reply.attributes if self.alexa.in_session else {}
        return reply

    def consent_answer(self, status: str, token: str = "reminder@20:00") -> Reply:
        name = "reminder_consent_accepted" if status == "ACCEPTED" else "reminder_consent_denied"
        envelope = load_request(name, new=False, attributes=dict(self.alexa.attributes))
        envelope["context"]["System"]["apiEndpoint"] = self.endpoint
        envelope["context"]["System"]["apiAccessToken"] = TOKEN
        envelope["request"]["payload"]["status"] = status
        envelope["request"]["token"] = token
        reply = self.alexa.send(envelope)
        self.alexa.in_session = not reply.ends_session
        self.alexa.attributes = reply.attributes if self.alexa.in_session else {}
        return reply


@pytest.fixture
def session(alexa, api_server) -> Session:
    return Session(alexa, api_server.endpoint)


def state(store) -> ReminderState:
    return ReminderState.from_meta(store.meta(KEY))


def the_reminder(reminders: RemindersStandIn) -> dict[str, Any]:
    assert len(reminders.reminders) == 1, reminders.reminders
    return next(iter(reminders.reminders.values()))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------ setting, replacing, asking, cancelling


def test_a_daily_reminder_is_set_in_the_devices_zone_with_generic_words(session, reminders, store, clock):
    reply = session.say("set_reminder", time_value="08:00", daypart="EVENING")  # "every evening at eight"
    assert says_one_of(reply, "REMINDER_SET", time="8 PM"), reply.speech
    reminder = the_reminder(reminders)
    trigger = reminder["trigger"]
    assert trigger["type"] == "SCHEDULED_ABSOLUTE" and trigger["timeZoneId"] == "America/Los_Angeles"
    assert trigger["recurrence"]["recurrenceRules"] == ["FREQ=DAILY;BYHOUR=20;BYMINUTE=0;BYSECOND=0;INTERVAL=1"]
    # Now is 09:00 in Los Angeles (17:00 UTC): the first one is this evening, in local time without a zone.
    assert trigger["recurrence"]["startDateTime"] == "2026-11-30T20:00:00"
    content = reminder["alertInfo"]["spokenInfo"]["content"]
    assert content[0]["locale"] == "en-US" and content[0]["text"] in REMINDER_WORDS
    assert reminder["pushNotification"] == {"status": "ENABLED"}
    kept = state(store)
    assert kept.reminder_id == reminder["alertToken"] and kept.at.strftime("%H:%M") == "20:00"
    assert reply.card["title"] == "Glimmer reminder" and "8 PM" in reply.card["content"]
    assert reply.ends_session  # said in one breath ("ask glimmer journal to remind me..."): done


def test_the_request_body_is_exactly_a_reminder_request(session, reminders, api_server, monkeypatch):
    bodies = []
    answer = reminders.answer

    def recording(method, path, authorization, body):
        bodies.append((method, path, authorization, json.loads(body) if body else None))
        return answer(method, path, authorization, body)

    monkeypatch.setattr(reminders, "answer", recording)
    session.say("set_reminder", time_value="07:30")
    method, path, authorization, body = bodies[0]
    assert (method, path, authorization) == ("POST", "/v1/alerts/reminders", f"Bearer {TOKEN}")
    assert set(body) == {"requestTime", "trigger", "alertInfo", "pushNotification"}
    assert set(body["trigger"]) == {"type", "timeZoneId", "recurrence"}
    assert set(body["trigger"]["recurrence"]) == {"startDateTime", "recurrenceRules"}
    assert body["alertInfo"]["spokenInfo"]["content"][0]["ssml"].startswith("<speak>")


def test_the_reminder_never_says_what_a_person_noted(session, reminders, store):
    session.say("record_glimmer", glimmer="my sister's secret visit")
    session.say("set_reminder", time_value="19:00")
    words = json.dumps(the_reminder(reminders)["alertInfo"])
    assert "sister" not in words and "secret" not in words
    assert "sister" not in json.dumps(store.meta(KEY))


def test_a_new_time_replaces_the_reminder(session, reminders, store):
    session.say("set_reminder", time_value="20:00")
    first = state(store).reminder_id
    reply = session.say("set_reminder", time_value="07:00")
    assert says_one_of(reply, "REMINDER_REPLACED", time="7 AM"), reply.speech
    reminder = the_reminder(reminders)  # still one: changed, not added
    assert reminder["alertToken"] == first == state(store).reminder_id
    assert reminder["trigger"]["recurrence"]["recurrenceRules"][0].startswith("FREQ=DAILY;BYHOUR=7;")
    assert state(store).at.hour == 7
    assert [e.kind for e in reminders.events] == ["set", "changed"]


def test_a_reminder_deleted_in_the_alexa_app_is_set_afresh(session, reminders, store):
    session.say("set_reminder", time_value="20:00")
    old = state(store).reminder_id
    reminders.reminders.clear()  # deleted in the Alexa app: PUT answers 404
    reply = session.say("set_reminder", time_value="21:15")
    assert says_one_of(reply, "REMINDER_SET", time="9:15 PM"), reply.speech
    assert the_reminder(reminders)["alertToken"] == state(store).reminder_id != old


def test_do_i_have_a_reminder_says_the_time(session, reminders, store):
    assert says_one_of(session.say("reminder_status"), "REMINDER_STATUS_NONE")
    session.say("set_reminder", time_value="06:45")
    reply = session.say("reminder_status")
    assert says_one_of(reply, "REMINDER_STATUS", time="6:45 AM"), reply.speech
    reminders.reminders.clear()  # deleted in the Alexa app
    assert says_one_of(session.say("reminder_status"), "REMINDER_STATUS_NONE")
    assert not state(store).has_reminder


def test_cancelling_deletes_the_reminder_and_forgets_it(session, reminders, store):
    session.say("set_reminder", time_value="20:00")
    reply = session.say("cancel_reminder")
    assert says_one_of(reply, "REMINDER_CANCELLED")
    assert reminders.reminders == {} and not state(store).has_reminder
    assert [e.kind for e in reminders.events] == ["set", "cancelled"]
    assert says_one_of(session.say("cancel_reminder"), "REMINDER_NONE_TO_CANCEL")


def test_a_reminder_already_deleted_in_the_app_counts_as_cancelled(session, reminders, store):
    session.say("set_reminder", time_value="20:00")
    reminders.reminders.clear()
    reply = session.say("cancel_reminder")
    assert says_one_of(reply, "REMINDER_CANCELLED")
    assert reminders.calls[-1][0] == "DELETE" and not state(store).has_reminder


def test_deleting_every_glimmer_keeps_the_reminder(session, reminders, store):
    session.say("record_glimmer", glimmer="warm socks")
    session.say("set_reminder", time_value="20:00")
    session.say("delete_all_glimmers_confirmed", attributes={"question": "confirm_delete_all"})
    assert store.count(KEY) == 0
    assert state(store).reminder_id == the_reminder(reminders)["alertToken"]
    assert says_one_of(session.say("cancel_reminder"), "REMINDER_CANCELLED")


# ------------------------------------------------------------------ times


def test_without_a_time_the_skill_asks_for_one(session, reminders):
    reply = session.say("set_reminder_no_time")
    elicit = [d for d in reply.directives if d["type"] == "Dialog.ElicitSlot"]
    assert elicit and elicit[0]["slotToElicit"] == "time"
    assert elicit[0]["updatedIntent"]["name"] == "SetReminderIntent"
    assert says_one_of(reply, "REMINDER_ASK_TIME") and reply.reprompt and not reply.ends_session
    assert reminders.reminders == {}
    again = session.say("set_reminder_no_time")
    assert [d["type"] for d in again.directives] == ["Dialog.ElicitSlot"]
    letting_go = session.say("set_reminder_no_time")  # asked twice: let it go kindly
    assert says_one_of(letting_go, "REMINDER_ASK_LET_GO") and not letting_go.directives


@pytest.mark.parametrize("value, hour, spoken", [("MO", 9, "9 AM"), ("AF", 14, "2 PM"), ("EV", 19, "7 PM"), ("NI", 21, "9 PM")])
def test_a_vague_time_gets_a_sensible_hour_said_back(session, reminders, store, value, hour, spoken):
    reply = session.say("set_reminder", time_value=value)
    assert says_one_of(reply, "REMINDER_SET_VAGUE", time=spoken), reply.speech
    assert state(store).at.hour == hour
    assert f"BYHOUR={hour};" in the_reminder(reminders)["trigger"]["recurrence"]["recurrenceRules"][0]


def test_a_time_that_is_not_one_is_asked_again(session, reminders):
    reply = session.say("set_reminder", time_value="25:99")
    assert says_one_of(reply, "REMINDER_TIME_NOT_UNDERSTOOD") and reply.directives[0]["type"] == "Dialog.ElicitSlot"
    assert reminders.calls == []


@pytest.mark.parametrize(
    "value, daypart, expected",
    [("08:00", "EVENING", "20:00"), ("08:00", None, "08:00"), ("20:00", "EVENING", "20:00"), ("07:00", "MORNING", "07:00"),
     ("12:00", "NIGHT", "00:00"), ("03:00", "AFTERNOON", "15:00"), (None, "EVENING", "19:00"), ("T21:30", None, "21:30")],
)
def test_the_part_of_the_day_said_with_an_hour_decides_its_half(value, daypart, expected):
    at, _ = slot_time(value, daypart)
    assert at.strftime("%H:%M") == expected


# ------------------------------------------------------------------ consent


def test_without_permission_the_skill_asks_by_voice_and_sets_nothing(session, reminders, store):
    reply = session.say("set_reminder", consent=False, time_value="20:00")
    (directive,) = reply.directives
    assert directive == {
        "type": "Connections.SendRequest",
        "name": "AskFor",
        "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1", "permissionScope": SCOPE},
        "token": "reminder@20:00",
    }
    assert "shouldEndSession" not in reply.response and "reprompt" not in reply.response
    assert says_one_of(reply, "REMINDER_CONSENT_LEAD")
    assert reminders.calls == [] and not state(store).has_reminder


def test_consent_accepted_sets_the_reminder_for_the_time_asked(session, reminders, store):
    session.say("set_reminder", consent=False, time_value="20:00")
    reply = session.consent_answer("ACCEPTED", token="reminder@20:00")
    assert says_one_of(reply, "REMINDER_SET", time="8 PM"), reply.speech
    assert the_reminder(reminders)["trigger"]["recurrence"]["recurrenceRules"][0].startswith("FREQ=DAILY;BYHOUR=20;")
    assert state(store).at.hour == 20


@pytest.mark.parametrize("status", ["DENIED", "NOT_ANSWERED"])
def test_consent_denied_says_how_to_allow_it_later_and_is_never_asked_again_in_the_session(session, reminders, store, status):
    session.say("set_reminder", consent=False, time_value="20:00")
    reply = session.consent_answer(status)
    assert says_one_of(reply, "REMINDER_CONSENT_DENIED"), reply.speech
    assert reply.card == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert reply.attributes.get(CONSENT_REFUSED) is True and not reply.ends_session
    assert reminders.calls == [] and not state(store).has_reminder
    # Still in the session, after other turns: asked again, the skill does not ask Alexa again.
    session.say("read_glimmers")
    assert session.alexa.attributes.get(CONSENT_REFUSED) is True
    again = session.say("set_reminder", consent=False, time_value="21:00")
    assert not any(d["type"] == "Connections.SendRequest" for d in again.directives)
    assert says_one_of(again, "REMINDER_NO_PERMISSION") and again.card["type"] == "AskForPermissionsConsent"
    # A new session may ask once more.
    session.alexa.in_session = False
    fresh = session.say("set_reminder", consent=False, time_value="21:00")
    assert [d["type"] for d in fresh.directives] == ["Connections.SendRequest"]


@pytest.mark.parametrize("status", [401, 403])
def test_a_permission_the_api_refuses_leads_to_asking(session, reminders, store, status):
    reminders.fail_with = status  # the consent token is there, but the person took the permission back
    reply = session.say("set_reminder", time_value="20:00")
    assert [d["type"] for d in reply.directives] == ["Connections.SendRequest"]
    assert not state(store).has_reminder


def test_a_token_without_the_permission_gets_401_and_the_skill_asks(session, reminders, store):
    reminders.revoke(TOKEN)
    reply = session.say("set_reminder", time_value="20:00")
    assert [d["type"] for d in reply.directives] == ["Connections.SendRequest"]
    accepted = session.consent_answer("ACCEPTED")  # still refused after a yes: no loop, a kind word and a card
    assert says_one_of(accepted, "REMINDER_NO_PERMISSION") and accepted.card["type"] == "AskForPermissionsConsent"
    assert not state(store).has_reminder


def test_an_accepted_consent_with_a_token_the_skill_did_not_make_asks_for_the_time(session, reminders):
    reply = session.consent_answer("ACCEPTED", token="something else")
    assert says_one_of(reply, "REMINDER_CONSENT_NO_TIME") and reminders.calls == []


# ------------------------------------------------------------------ faults


def test_a_failing_api_gets_a_kind_answer_and_nothing_is_remembered(session, reminders, store):
    reminders.fail_with = 500
    reply = session.say("set_reminder", time_value="20:00")
    assert says_one_of(reply, "REMINDER_UNAVAILABLE")
    assert not state(store).has_reminder


def test_a_failing_api_leaves_an_existing_reminder_as_it_was(session, reminders, store):
    session.say("set_reminder", time_value="20:00")
    before = state(store)
    reminders.fail_with = 500
    assert says_one_of(session.say("set_reminder", time_value="07:00"), "REMINDER_UNAVAILABLE")
    assert says_one_of(session.say("cancel_reminder"), "REMINDER_CANCEL_FAILED")
    assert state(store) == before
    reminders.fail_with = None
    assert says_one_of(session.say("reminder_status"), "REMINDER_STATUS", time="8 PM")


def test_a_slow_api_is_given_up_on_in_under_two_seconds(session, reminders, store):
    reminders.slow_seconds = 4
    started = time.monotonic()
    reply = session.say("set_reminder", time_value="20:00")
    assert time.monotonic() - started < 2.0
    assert says_one_of(reply, "REMINDER_UNAVAILABLE")
    assert not state(store).has_reminder


def test_an_unreachable_api_gets_a_kind_answer(alexa, store):
    session = Session(alexa, f"http://127.0.0.1:{closed_port()}")
    reply = session.say("set_reminder", time_value="20:00")
    assert says_one_of(reply, "REMINDER_UNAVAILABLE")
    assert says_one_of(session.say("cancel_reminder"), "REMINDER_NONE_TO_CANCEL")
    assert not state(store).has_reminder


def test_a_journal_that_cannot_keep_the_reminder_takes_it_back(session, reminders, store, monkeypatch):
    def fail(*args, **kwargs):
        raise StorageUnavailable("disk full (test)")

    monkeypatch.setattr(store, "update_meta", fail)
    reply = session.say("set_reminder", time_value="20:00")
    assert says_one_of(reply, "REMINDER_SAVE_FAILED")
    assert reminders.reminders == {}  # created, then deleted again: nothing half-done
    assert [e.kind for e in reminders.events] == ["set", "cancelled"]


def test_a_journal_that_cannot_keep_a_new_time_puts_the_old_one_back(session, reminders, store, monkeypatch):
    session.say("set_reminder", time_value="20:00")

    def fail(*args, **kwargs):
        raise StorageUnavailable("disk full (test)")

    monkeypatch.setattr(store, "update_meta", fail)
    assert says_one_of(session.say("set_reminder", time_value="07:00"), "REMINDER_SAVE_FAILED")
    assert "BYHOUR=20;" in the_reminder(reminders)["trigger"]["recurrence"]["recurrenceRules"][0]


# ------------------------------------------------------------------ where the skill may call


def test_a_verifying_server_never_calls_a_plain_http_endpoint(tmp_path, reminders, api_server, clock):
    skill = build_skill(TinyDBStore(tmp_path / "v"), clock=clock, allow_http_api=False)
    envelope = load_request("set_reminder")
    envelope["context"]["System"]["apiEndpoint"] = api_server.endpoint
    envelope["context"]["System"]["apiAccessToken"] = TOKEN
    serializer = RequestSerializer()
    response = serializer.serialize(skill.invoke(request_envelope=to_request_envelope(envelope, serializer), context=None))
    assert any(p in json.dumps(response) for p in phrasings("REMINDER_UNAVAILABLE"))
    assert reminders.calls == []  # neither the reminder nor the time zone was asked over plain HTTP


def test_the_app_allows_plain_http_only_when_it_does_not_verify(tmp_path):
    verifying = create_app({"DATA_DIR": tmp_path / "a"})
    dev = create_app({"DATA_DIR": tmp_path / "b", "VERIFY_REQUESTS": False})
    assert verifying.extensions["glimmers"].skill.api_client.allow_http is False
    assert dev.extensions["glimmers"].skill.api_client.allow_http is True


@pytest.mark.parametrize(
    "url, allow_http, allowed",
    [("https://api.amazonalexa.com", False, True), ("https://api.eu.amazonalexa.com/v1", False, True),
     ("http://127.0.0.1:8080", False, False), ("http://127.0.0.1:8080", True, True), ("ftp://example.org", True, False),
     ("https://user:secret@example.org", False, False), ("https:///nohost", False, False), (None, True, False),
     ("file:///etc/passwd", True, False)],
)
def test_which_endpoints_may_be_called(url, allow_http, allowed):
    assert endpoint_allowed(url, allow_http) is allowed


def test_the_api_client_refuses_an_endpoint_before_connecting():
    with pytest.raises(EndpointRefused):
        AlexaApiClient(allow_http=False).invoke(ApiClientRequest(url="http://127.0.0.1:9/v1/alerts/reminders", method="GET"))


# ------------------------------------------------------------------ a practice that grows gently


def test_the_first_glimmer_ever_brings_one_offer_and_a_no_is_remembered(session, reminders, store):
    session.say("launch")
    first = session.say("record_glimmer", glimmer="the kettle singing")
    assert says_one_of(first, "OFFER_REMINDER") and first.attributes["question"] == "offer_reminder"
    assert state(store).offer == "offered"
    declined = session.say("no", attributes=dict(first.attributes))
    assert says_one_of(declined, "REMINDER_OFFER_DECLINED") and not declined.ends_session
    assert state(store).offer == "declined"
    later = session.say("record_glimmer", glimmer="a warm towel")
    assert not says_one_of(later, "OFFER_REMINDER")
    assert reminders.calls == []


def test_yes_to_the_offer_asks_for_a_time(session, reminders, store):
    session.say("launch")
    first = session.say("record_glimmer", glimmer="the kettle singing")
    reply = session.say("yes", attributes=dict(first.attributes))
    (elicit,) = reply.directives
    assert elicit["type"] == "Dialog.ElicitSlot" and elicit["updatedIntent"]["name"] == "SetReminderIntent"
    done = session.say("set_reminder", time_value="EV")
    assert says_one_of(done, "REMINDER_SET_VAGUE", time="7 PM") and the_reminder(reminders)


def test_the_offer_is_made_once_even_when_it_is_not_answered(session, store):
    assert not says_one_of(session.say("record_glimmer", glimmer="rain"), "OFFER_REMINDER")  # one-shot: no question
    store.delete_journal(KEY)
    session.say("launch")
    assert says_one_of(session.say("record_glimmer", glimmer="rain"), "OFFER_REMINDER")
    session.say("read_glimmers")  # not answered
    store.delete_journal(KEY)
    store.update_meta(KEY, {"reminder_offer": "offered"})  # as a deleted journal keeps it (see delete_all)
    assert not says_one_of(session.say("record_glimmer", glimmer="snow"), "OFFER_REMINDER")


def test_a_journal_from_before_reminders_is_never_offered_and_never_counted_for_it_again(session, store, clock,
                                                                                       monkeypatch):
    store.add(KEY, "an older glimmer", "en-US", clock.now - timedelta(days=3))
    session.say("launch")
    assert not says_one_of(session.say("record_glimmer", glimmer="a warm towel"), "OFFER_REMINDER")
    assert state(store).offer == "not_first"
    counted = []
    original = type(store).count
    monkeypatch.setattr(type(store), "count", lambda self, key, between=None: counted.append(between) or
                        original(self, key, between))
    session.say("record_glimmer", glimmer="the first snow")
    assert None not in counted  # only the day's count, for the nudge, if at all


def test_no_offer_after_a_no_to_reminders_in_this_session(session, store):
    session.say("set_reminder", consent=False, time_value="20:00")
    session.consent_answer("DENIED")
    reply = session.say("record_glimmer", glimmer="the first snow")
    assert not says_one_of(reply, "OFFER_REMINDER")


def test_maybe_two_tomorrow_at_most_once_a_day_and_never_a_reproach(session, store, clock):
    store.add(KEY, "an older glimmer", "en-US", clock.now - timedelta(days=3))  # not a first-ever journal
    first = session.say("record_glimmer", glimmer="the smell of toast")
    assert says_one_of(first, "NUDGE_TWO_TOMORROW"), first.speech
    assert state(store).nudged_on.isoformat() == "2026-11-30"
    second = session.say("record_glimmer", glimmer="a robin")
    assert not says_one_of(second, "NUDGE_TWO_TOMORROW")
    # The day's glimmers deleted and one noted again: still once that day.
    for glimmer in store.glimmers(KEY)[-2:]:
        store.delete(KEY, glimmer.id)
    assert not says_one_of(session.say("record_glimmer", glimmer="a third"), "NUDGE_TWO_TOMORROW")
    clock.advance(days=1)
    assert says_one_of(session.say("record_glimmer", glimmer="tomorrow's first"), "NUDGE_TWO_TOMORROW")
    for text in phrasings("NUDGE_TWO_TOMORROW"):
        assert not any(word in text.lower() for word in ("should", "only one", "missed", "forgot", "only noticed"))


def test_the_days_first_glimmer_and_what_the_practice_remembers_are_one_write(session, store, clock, monkeypatch):
    from skill.storage import atomic

    store.add(KEY, "an older glimmer", "en-US", clock.now - timedelta(days=3))
    session.say("read_glimmers")  # the device's zone is kept with the journal
    writes = []
    original = atomic.write_atomically
    monkeypatch.setattr(atomic, "write_atomically", lambda path, data: writes.append(path) or original(path, data))
    assert says_one_of(session.say("record_glimmer", glimmer="the smell of toast"), "NUDGE_TWO_TOMORROW")
    assert len(writes) == 1 and state(store).nudged_on.isoformat() == "2026-11-30"
    store.delete_journal(KEY)
    session.say("launch")
    writes.clear()
    assert says_one_of(session.say("record_glimmer", glimmer="the kettle singing"), "OFFER_REMINDER")
    assert len(writes) == 1 and state(store).offer == "offered"


def test_no_nudge_when_the_persons_day_is_not_known(alexa, store, clock):
    store.add(KEY, "an older glimmer", "en-US", clock.now - timedelta(days=3))
    session = Session(alexa, f"http://127.0.0.1:{closed_port()}")  # no time zone can be found
    reply = session.say("record_glimmer", glimmer="the smell of toast")
    assert not says_one_of(reply, "NUDGE_TWO_TOMORROW") and state(store).nudged_on is None


def test_every_new_message_has_several_phrasings():
    single = {"CARD_REMINDER_TITLE", "CARD_REMINDER_SET", "CLOCK_HOUR", "CLOCK_MINUTES", "CLOCK_AM", "CLOCK_PM",
              "CLOCK_NOON", "CLOCK_MIDNIGHT"}
    keys = [k for k in CATALOGUE.messages if ("REMINDER" in k or k.startswith("NUDGE")) and k not in single]
    assert len(keys) >= 20
    for key in keys:
        assert len(CATALOGUE.phrasings(key)) >= 2, key


def test_an_http_request_with_a_connections_response_for_another_task_is_answered_quietly(client):
    envelope = load_request("reminder_consent_accepted")
    envelope["request"]["name"] = "Buy"
    response = client.post("/alexa", json=envelope)
    assert response.status_code == 200 and "outputSpeech" not in response.get_json()["response"]


def test_garbled_consent_answers_get_a_kind_word_not_an_error(client):
    for payload in ({}, {"status": 5}, None):
        envelope = load_request("reminder_consent_accepted")
        envelope["request"]["payload"] = payload
        response = client.post("/alexa", json=envelope)
        assert response.status_code == 200
        speech = json.dumps(response.get_json())
        assert any(p in speech for p in phrasings("REMINDER_CONSENT_DENIED")), speech


def test_clock_words():
    speech = Speech(CATALOGUE, random.Random(1))
    assert [speech.clock(t) for t in (at(0, 0), at(12, 0), at(20, 0), at(7, 5), at(12, 30), at(0, 15))] == [
        "midnight", "noon", "8 PM", "7:05 AM", "12:30 PM", "12:15 AM"]


def test_with_no_zone_known_alexa_uses_the_devices_and_the_start_is_never_past(alexa, store, reminders, clock):
    with DeviceSettingsServer("another.device", "Europe/Berlin", "other-token", reminders=reminders) as server:
        session = Session(alexa, server.endpoint)  # the settings answer 401 for our token: no zone known
        session.say("set_reminder", time_value="06:00")
    trigger = the_reminder(reminders)["trigger"]
    assert "timeZoneId" not in trigger
    assert trigger["recurrence"]["startDateTime"] == "2026-12-02T06:00:00"  # 17:00 UTC Nov 30 is Dec 1 at UTC+14
