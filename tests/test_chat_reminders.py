"""``glimmers chat`` end to end for reminders: the consent step played three ways, the stand-in Reminders API printing
what the skill set or cancelled (scripts in tests/scripts/), in-process and against ``glimmers serve --dev``."""

from __future__ import annotations

import random
import re
from datetime import time

from click.testing import CliRunner

from skill.reminders import ReminderState
from skill.simulator.commands import chat
from skill.simulator.envelopes import SAMPLE_USER_ID
from skill.storage import JournalKey, TinyDBStore
from skill.simulator.conversation import CONSENT_QUESTIONS
from skill.speech import Speech, load_catalogue
from speech_expect import says
from test_chat import (  # noqa: F401 (locale and server are fixtures)
    locale, run_chat, said, scripts_for, sent_requests, server, texts, turns,
)

SCOPE = "alexa::alerts:reminders:skill:readwrite"


def reminder_lines(transcript: str) -> list[str]:
    return [line[len("  [reminder] "):] for line in transcript.splitlines() if line.startswith("  [reminder] ")]


def clock(locale: str, hour: int) -> str:
    """A time of day as the locale's skill says it: "8 PM", "20 Uhr"."""
    return Speech(load_catalogue(locale), random.Random(0)).clock(time(hour))


def kept(data_dir) -> ReminderState:
    return ReminderState.from_meta(TinyDBStore(data_dir).meta(JournalKey(SAMPLE_USER_ID)))


def test_a_reminder_is_set_asked_about_moved_and_cancelled(data_dir, locale):
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "reminders.txt", locale=locale)
    assert result.exit_code == 0, result.output
    _, asked, approved, status, moved, cancelled, none, stop = turns(result.stdout)
    name = {"en": "Glimmer Journal", "de": "Glimmer Tagebuch"}[locale.split("-")[0]]
    assert CONSENT_QUESTIONS[locale.split("-")[0]].format(skill=name) in said(asked)
    assert clock(locale, 20) in said(approved) and "ACCEPTED" in " ".join(approved["notes"])
    assert says(said(approved), locale, "REMINDER_SET", time=clock(locale, 20))
    assert says(said(status), locale, "REMINDER_STATUS", time=clock(locale, 20))
    assert says(said(moved), locale, "REMINDER_REPLACED", time=clock(locale, 7))
    assert says(said(cancelled), locale, "REMINDER_CANCELLED")
    assert says(said(none), locale, "REMINDER_STATUS_NONE")
    assert stop["ended"]
    set_line, changed_line, cancelled_line = reminder_lines(result.stdout)
    token = re.match(r"set reminder (\w+): ", set_line).group(1)
    assert "(America/Los_Angeles), FREQ=DAILY;BYHOUR=20;BYMINUTE=0" in set_line
    assert any(f'saying "{words}"' in set_line for words in load_catalogue(locale).phrasings("REMINDER_TEXT"))
    assert changed_line.startswith(f"changed reminder {token}: ") and "BYHOUR=7;" in changed_line
    assert cancelled_line == f"cancelled reminder {token}"
    assert not kept(data_dir).has_reminder
    # What Alexa sent: the skill's AskFor answered by a Connections.Response, then a consent token in every request.
    requests = sent_requests(result.stdout)
    answer = next(r for r in requests if r["request"]["type"] == "Connections.Response")["request"]
    assert answer["name"] == "AskFor" and answer["token"] == "reminder@20:00"
    assert answer["locale"] == locale
    assert answer["payload"] == {"permissionScope": SCOPE, "status": "ACCEPTED"}
    after = requests[requests.index(next(r for r in requests if r["request"]["type"] == "Connections.Response")):]
    assert all(r["context"]["System"]["user"]["permissions"]["consentToken"] for r in after)
    assert "permissions" not in requests[1]["context"]["System"]["user"]


def test_consent_refused_gets_a_card_and_is_not_asked_twice_in_a_session(data_dir, locale):
    result = run_chat(data_dir, "--reminder-consent", "no", script=scripts_for(locale) / "reminder_consent_denied.txt",
                      locale=locale)
    assert result.exit_code == 0, result.output
    _, asked_time, denied, again, stop = turns(result.stdout)
    assert said(asked_time).endswith("?")
    assert says(said(denied), locale, "REMINDER_CONSENT_DENIED") and "DENIED" in " ".join(denied["notes"])
    assert denied["card"] == f"AskForPermissionsConsent: asks in the Alexa app for {SCOPE}"
    assert not any("AskFor" in note for note in again["notes"])  # not asked again
    assert says(said(again), locale, "REMINDER_NO_PERMISSION") and again["card"].startswith("AskForPermissionsConsent")
    assert reminder_lines(result.stdout) == [] and not kept(data_dir).has_reminder


def test_the_first_glimmer_brings_the_offer_and_yes_sets_a_reminder(data_dir, locale):
    result = run_chat(data_dir, "--reminder-consent", "yes", script=scripts_for(locale) / "reminder_offer.txt",
                      locale=locale)
    assert result.exit_code == 0, result.output
    _, offered, yes, answered, second, _ = turns(result.stdout)
    assert texts(locale)["kettle"] in said(offered) and said(offered).endswith("?")
    assert says(said(offered), locale, "OFFER_REMINDER")
    assert said(yes).endswith("?")
    assert says(said(answered), locale, "REMINDER_SET", time=clock(locale, 19))
    assert not says(said(second), locale, "OFFER_REMINDER")  # offered once
    (line,) = reminder_lines(result.stdout)
    assert "BYHOUR=19;" in line
    assert kept(data_dir).at.hour == 19 and kept(data_dir).offer == "offered"


def test_silence_to_alexas_question_is_not_answered(data_dir):
    result = run_chat(data_dir, script="open glimmer journal\nremind me at 9 pm\n(silence)\nstop\n")
    assert result.exit_code == 0, result.output
    _, asked, silence, _ = turns(result.stdout)
    assert "NOT_ANSWERED" in " ".join(silence["notes"]) and "Alexa app" in said(silence)
    assert reminder_lines(result.stdout) == []


def test_reminders_through_a_development_server(server, tmp_path):  # noqa: F811
    url = server(dev=True)
    result = CliRunner().invoke(
        chat, ["--url", url, "--timezone", "Europe/Berlin", "--reminder-consent", "yes", "--script", "-"],
        input="open glimmer journal\nremind me every morning at seven\ndo I have a reminder\nstop reminding me\nstop\n",
    )
    assert result.exit_code == 0, result.output
    _, set_, status, cancelled, _ = turns(result.stdout)
    assert "7 AM" in said(set_) and "7 AM" in said(status)
    set_line, cancelled_line = reminder_lines(result.stdout)
    assert "(Europe/Berlin), FREQ=DAILY;BYHOUR=7;" in set_line and cancelled_line.startswith("cancelled reminder ")
    state = ReminderState.from_meta(TinyDBStore(tmp_path / "served").meta(JournalKey(SAMPLE_USER_ID)))
    assert not state.has_reminder


TIME_WITH_PART_OF_DAY = {
    "en": ("open glimmer journal\nset a daily glimmer reminder\nevery evening at eight\nstop\n", "evening"),
    "de": ("öffne glimmer tagebuch\nstell eine tägliche Erinnerung ein\njeden Abend um acht\nstopp\n", "abend"),
}


def test_the_time_asked_for_may_come_with_the_part_of_the_day(data_dir, locale):
    script, evening = TIME_WITH_PART_OF_DAY[locale.split("-")[0]]
    result = run_chat(data_dir, "--json", "--reminder-consent", "yes", script=script, locale=locale)
    assert result.exit_code == 0, result.output
    _, asked, answered, _ = turns(result.stdout)
    assert said(asked).endswith("?") and clock(locale, 20) in said(answered)
    answer = [r for r in sent_requests(result.stdout) if r["request"].get("intent", {}).get("name") == "SetReminderIntent"][1]
    slots = answer["request"]["intent"]["slots"]
    assert slots["time"]["value"] == "08:00" and slots["daypart"]["value"] == evening
    # Said while Alexa waits for the time, the words are a sample of the intent itself, with both slots.
    assert answer["request"]["dialogState"] == "STARTED"
    assert kept(data_dir).at.hour == 20
