"""``glimmers chat`` and ``glimmers request`` with the real skill: scripted conversations, end to end."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, LaunchRequest, RequestEnvelope
from click.testing import CliRunner

from locales import LOCALES
from skill.simulator.commands import chat, request
from skill.speech import load_catalogue
from skill.simulator.device_settings import DeviceSettingsServer
from skill.simulator.envelopes import SAMPLE_USER_ID
from skill.simulator.model import load_model
from skill.storage import TinyDBStore, JournalKey

GLIMMERS = str(Path(sys.executable).parent / "glimmers")
SCRIPTS = Path(__file__).parent / "scripts"
SUGGESTIONS = Path(__file__).parent.parent / "skill" / "speech" / "catalogue" / "suggestions-en.json"
ESPEAK = shutil.which("espeak-ng")
NO_ESPEAK = "espeak-ng is not installed (sudo apt-get install espeak-ng; .ci/run installs it)"


# ------------------------------------------------------------------ helpers


def scripts_for(locale: str) -> Path:
    """The scripts a locale's people say: tests/scripts (English, every English locale) or tests/scripts/<language>."""
    language = locale.split("-")[0]
    return SCRIPTS if language == "en" else SCRIPTS / language


def texts(locale: str) -> dict:
    """The glimmers and words that locale's scripts say, by name (texts.json beside the scripts)."""
    return json.loads((scripts_for(locale) / "texts.json").read_text(encoding="utf-8"))


@pytest.fixture(params=LOCALES)
def locale(request) -> str:
    return request.param


def run_chat(data_dir: Path, *args: str, script: str | Path | None = None, stdin: str | None = None,
             locale: str = "en-US"):
    """chat through click's runner (fast); ``script`` is a file in tests/scripts or the lines themselves."""
    options = ["--data-dir", str(data_dir), "--timezone", "America/Los_Angeles", "--locale", locale, *args]
    if isinstance(script, Path):
        options += ["--script", str(script)]
    elif script is not None:
        options += ["--script", "-"]
        stdin = script
    result = CliRunner().invoke(chat, options, input=stdin, catch_exceptions=False)
    return result


def run_glimmers(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed ``glimmers`` console script, as a person would run it."""
    return subprocess.run([GLIMMERS, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env)


def turns(transcript: str) -> list[dict]:
    """The transcript split into turns: what was said, Alexa's words, reprompt, card, notes, session end."""
    found: list[dict] = []
    for line in transcript.splitlines():
        if line.startswith("you> "):
            found.append({"you": line[5:], "alexa": [], "reprompt": None, "card": None, "notes": [], "ended": False})
        elif not found:
            continue
        elif line.startswith("alexa> "):
            found[-1]["alexa"].append(line[7:])
        elif line.startswith("  (reprompt) "):
            found[-1]["reprompt"] = line[13:]
        elif line.startswith("  [card] "):
            found[-1]["card"] = line[9:]
        elif line.startswith("  (note) "):
            found[-1]["notes"].append(line[9:])
        elif line == "(session ended)":
            found[-1]["ended"] = True
    return found


def said(turn: dict) -> str:
    return " ".join(turn["alexa"])


def sent_requests(transcript: str) -> list[dict]:
    """The request envelopes printed by --json."""
    return [json.loads(block) for block in _json_blocks(transcript, ">>> request")]


def sent_responses(transcript: str) -> list[dict]:
    return [json.loads(block) for block in _json_blocks(transcript, "<<< response")]


def _json_blocks(transcript: str, marker: str) -> list[str]:
    blocks, lines, collecting = [], [], False
    for line in transcript.splitlines():
        if line == marker:
            collecting, lines = True, []
        elif collecting:
            lines.append(line)
            if line == "}":
                blocks.append("\n".join(lines))
                collecting = False
    return blocks


def journal(data_dir: Path, user: str = SAMPLE_USER_ID) -> list[str]:
    return [g.text for g in TinyDBStore(data_dir).glimmers(JournalKey(user))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


# ------------------------------------------------------------------ conversations


def test_record_then_read_back_pages_with_more(data_dir, locale):
    t = texts(locale)
    result = run_chat(data_dir, script=scripts_for(locale) / "record_and_read_back.txt", locale=locale)
    assert result.exit_code == 0, result.output
    opened, *recorded, read, more, stop = turns(result.stdout)
    assert opened["reprompt"] and not opened["ended"]
    glimmers = [t["sun"], t["birdsong"], t["hug"], t["bread"]]
    for turn, glimmer in zip(recorded, glimmers):
        assert glimmer in said(turn)
        assert turn["card"].endswith(f": {glimmer}")
    # Newest first, three at a time, then a question.
    page = said(read)
    assert page.index(t["bread"]) < page.index(t["hug"]) < page.index(t["birdsong"])
    assert t["sun"] not in page and page.endswith("?")
    assert t["sun"] in said(more)
    assert stop["ended"]
    assert sorted(journal(data_dir)) == sorted(glimmers)


def test_record_a_glimmer_asks_what_it_was_and_saves_the_next_line(data_dir, locale):
    tea = texts(locale)["tea"]
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "elicit_glimmer.txt", locale=locale)
    assert result.exit_code == 0, result.output
    opened, asked, answered, read, stop = turns(result.stdout)
    assert said(asked).endswith("?") and asked["card"] is None and not asked["ended"]
    assert tea in said(answered)
    assert journal(data_dir) == [tea]
    record, answer = sent_requests(result.stdout)[1:3]
    assert record["request"]["dialogState"] == "STARTED"
    assert "value" not in record["request"]["intent"]["slots"]["glimmer"]
    assert answer["request"]["dialogState"] == "IN_PROGRESS"
    assert answer["request"]["intent"]["slots"]["glimmer"]["value"] == tea
    assert answer["request"]["locale"] == locale
    assert answer["session"]["attributes"] == sent_responses(result.stdout)[1]["sessionAttributes"]


def test_a_suggestion_by_category_synonym_comes_from_that_category(data_dir, locale):
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "suggest_by_synonym.txt", locale=locale)
    assert result.exit_code == 0, result.output
    warm = [s.text for s in load_catalogue(locale).suggestions if s.category == "WARMTH_LIGHT"]
    opened, suggested, another, declined = turns(result.stdout)
    assert any(text in said(suggested) for text in warm)
    assert any(text in said(another) for text in warm)
    assert declined["ended"]
    slot = sent_requests(result.stdout)[1]["request"]["intent"]["slots"]["category"]
    assert slot["value"] == texts(locale)["sunshine"]
    assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "WARMTH_LIGHT"


def test_one_shots_each_open_a_new_session_and_end_it(data_dir, locale):
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "one_shots.txt", locale=locale)
    assert result.exit_code == 0, result.output
    recorded, read, suggested = turns(result.stdout)
    assert all(t["ended"] for t in (recorded, read, suggested))
    laugh = texts(locale)["laugh"]
    assert laugh in said(recorded) and laugh in said(read)
    requests = sent_requests(result.stdout)
    assert [r["session"]["new"] for r in requests] == [True, True, True]
    assert len({r["session"]["sessionId"] for r in requests}) == 3
    assert [r["request"]["intent"]["name"] for r in requests] == [
        "RecordGlimmerIntent", "ReadGlimmersIntent", "SuggestGlimmerIntent"]


def test_something_the_model_does_not_know_is_the_fallback_then_help_then_stop(data_dir, locale):
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "fallback_help_stop.txt", locale=locale)
    assert result.exit_code == 0, result.output
    opened, fallback, helped, stopped = turns(result.stdout)
    assert not fallback["ended"] and fallback["reprompt"]
    assert "glimmer" in said(helped).lower() and helped["reprompt"] and not helped["ended"]
    assert stopped["ended"]
    names = [r["request"].get("intent", {}).get("name") for r in sent_requests(result.stdout)]
    assert names == [None, "AMAZON.FallbackIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent"]


def test_deleting_asks_for_confirmation_and_only_yes_deletes(data_dir, locale):
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "delete_with_confirmation.txt", locale=locale)
    assert result.exit_code == 0, result.output
    _, _, asked, kept, asked_again, deleted, read, _ = turns(result.stdout)
    moon = texts(locale)["moon"]
    assert moon in said(asked) and said(asked).endswith("?")
    assert moon not in said(read)
    assert journal(data_dir) == []
    requests = sent_requests(result.stdout)
    responses = sent_responses(result.stdout)
    assert responses[2]["response"]["directives"][0]["type"] == "Dialog.ConfirmIntent"
    denied, confirmed = requests[3]["request"], requests[5]["request"]
    assert (denied["intent"]["name"], denied["intent"]["confirmationStatus"], denied["dialogState"]) == (
        "DeleteLastGlimmerIntent", "DENIED", "IN_PROGRESS")
    assert (confirmed["intent"]["name"], confirmed["intent"]["confirmationStatus"]) == (
        "DeleteLastGlimmerIntent", "CONFIRMED")


def test_dates_counts_and_streaks(data_dir, locale):
    result = run_chat(data_dir, "--json", script=scripts_for(locale) / "dates_counts_streaks.txt", locale=locale)
    assert result.exit_code == 0, result.output
    _, _, today, yesterday, count, streak, _ = turns(result.stdout)
    cat = texts(locale)["cat"]
    assert cat in said(today)
    assert cat not in said(yesterday)
    assert said(count) and said(streak)
    dates = [r["request"]["intent"]["slots"]["date"]["value"] for r in sent_requests(result.stdout)[2:5]]
    assert dates[2].count("-W") == 1  # "this week" is an ISO week


def example_line(intent: str, locale: str = "en-US") -> str:
    """A line that should reach ``intent``: a built-in's first phrase, or the intent's first sample filled in."""
    from skill.simulator.language import lexicon_for

    phrases = lexicon_for(locale).built_in_phrases
    t = texts(locale)
    if intent in phrases:
        return phrases[intent][0]
    if intent == "AMAZON.FallbackIntent":
        return t["fallback"]
    model = load_model(locale)
    sample = model.intents[intent].samples[0]
    for slot in model.intents[intent].slots.values():
        sample = sample.replace("{" + slot.name + "}", {"AMAZON.DATE": t["today"]}.get(slot.type, t["music"]))
    return sample


@pytest.mark.parametrize("intent", list(load_model("en-US").intents))
def test_every_intent_in_the_model_is_reached_and_answered(data_dir, intent, locale):
    t = texts(locale)
    result = run_chat(data_dir, "--json", script=f"{t['open']}\n{example_line(intent, locale)}\n", locale=locale)
    assert result.exit_code == 0, result.output
    sent = sent_requests(result.stdout)[1]["request"]
    assert sent["type"] == "IntentRequest" and sent["intent"]["name"] == intent
    answer = sent_responses(result.stdout)[1]["response"]
    assert answer.get("outputSpeech") or answer.get("directives"), answer
    assert said(turns(result.stdout)[1])


def test_silence_gets_the_reprompt_and_exit_leaves(data_dir):
    result = run_chat(data_dir, "--json", script="open glimmer journal\n(silence)\nexit\n")
    assert result.exit_code == 0, result.output
    opened, silent, left = turns(result.stdout)
    assert said(silent) == opened["reprompt"]
    assert left["ended"]
    assert sent_requests(result.stdout)[-1]["request"]["reason"] == "USER_INITIATED"


def test_lines_piped_in_without_script_are_read_like_a_script(data_dir):
    result = run_chat(data_dir, stdin="open glimmer journal\ni noticed a warm mug\n")
    assert result.exit_code == 0, result.output
    assert [t["you"] for t in turns(result.stdout)] == ["open glimmer journal", "i noticed a warm mug"]
    assert journal(data_dir) == ["a warm mug"]


def test_user_and_person_reach_the_skill(data_dir):
    person = "amzn1.ask.person.SOMEONE"
    result = run_chat(data_dir, "--json", "--user", "amzn1.ask.account.OTHER", "--person", person,
                      script="tell glimmer journal i noticed a kind word\n")
    assert result.exit_code == 0, result.output
    system = sent_requests(result.stdout)[0]["context"]["System"]
    assert system["user"]["userId"] == "amzn1.ask.account.OTHER"
    assert system["person"]["personId"] == person
    assert journal(data_dir) == []
    assert TinyDBStore(data_dir).glimmers(JournalKey("amzn1.ask.account.OTHER", person))


def test_the_time_zone_reaches_the_skill_through_the_settings_api(data_dir):
    # A zone whose date differs from UTC's right now: if the skill fell back to UTC,
    # "today" in that zone would not contain a glimmer saved a moment ago.
    zone = "Pacific/Pago_Pago" if datetime.now(timezone.utc).hour < 10 else "Pacific/Kiritimati"
    script = "tell glimmer journal i noticed the first light\nask glimmer journal what did i notice today\n"
    result = CliRunner().invoke(chat, ["--data-dir", str(data_dir), "--timezone", zone, "--script", "-"], input=script)
    assert result.exit_code == 0, result.output
    assert "the first light" in said(turns(result.stdout)[1])


def test_settings_stand_in_answers_the_zone_only_with_the_token():
    with DeviceSettingsServer("amzn1.ask.device.X", "Europe/Berlin", "secret") as server:
        url = f"{server.endpoint}/v2/devices/amzn1.ask.device.X/settings/System.timeZone"
        asked = urllib.request.Request(url, headers={"Authorization": "Bearer secret"})
        with urllib.request.urlopen(asked, timeout=5) as answer:
            assert json.loads(answer.read()) == "Europe/Berlin"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)
        assert refused.value.code == 401


def test_an_unknown_time_zone_is_refused_clearly(data_dir):
    result = CliRunner().invoke(chat, ["--data-dir", str(data_dir), "--timezone", "Mars/Olympus", "--script", "-"],
                                input="open glimmer journal\n")
    assert result.exit_code == 2
    assert "IANA" in result.output


def test_a_tie_between_intents_shows_in_json_output(data_dir, tmp_path):
    model = json.loads(json.dumps({"interactionModel": {"languageModel": {
        "invocationName": "glimmer journal",
        "intents": [{"name": "ReadGlimmersIntent", "samples": ["show me"]},
                    {"name": "StreakIntent", "samples": ["show me"]},
                    {"name": "AMAZON.FallbackIntent", "samples": []}],
    }}}))
    path = tmp_path / "tie.json"
    path.write_text(json.dumps(model))
    result = run_chat(data_dir, "--json", "--model", str(path), script="open glimmer journal\nshow me\n")
    assert result.exit_code == 0, result.output
    resolver_lines = [json.loads(line.split("(resolver) ", 1)[1]) for line in result.stdout.splitlines()
                      if line.startswith("  (resolver) ")]
    tie = resolver_lines[1]["ambiguous"]
    assert [c["intent"] for c in tie["candidates"]] == ["ReadGlimmersIntent", "StreakIntent"]


# ------------------------------------------------------------------ the real command


def test_chat_script_through_the_installed_command(data_dir):
    done = run_glimmers("chat", "--script", str(SCRIPTS / "record_and_read_back.txt"), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert turns(done.stdout)[-1]["ended"]
    assert len(journal(data_dir)) == 4


def test_chat_reads_a_script_from_stdin(data_dir):
    done = run_glimmers("chat", "--script", "-", "--data-dir", str(data_dir),
                        stdin="tell glimmer journal i noticed a quiet street\n")
    assert done.returncode == 0, done.stderr
    assert journal(data_dir) == ["a quiet street"]


# ------------------------------------------------------------------ --url


@pytest.fixture
def server(tmp_path):
    """``glimmers serve`` on a free port; ``start(dev=...)`` returns its /alexa URL."""
    started = []

    def start(dev: bool) -> str:
        port = free_port()
        args = [GLIMMERS, "serve", "--port", str(port), "--data-dir", str(tmp_path / "served")]
        process = subprocess.Popen(args + (["--dev"] if dev else []), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        started.append(process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
                return f"http://127.0.0.1:{port}/alexa"
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise AssertionError("glimmers serve did not start")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def test_chat_with_a_development_server(server, tmp_path):
    url = server(dev=True)
    result = CliRunner().invoke(chat, ["--url", url, "--script", "-"],
                                input="open glimmer journal\ni noticed the kettle singing\nstop\n")
    assert result.exit_code == 0, result.output
    assert "development server" in result.stderr
    assert "the kettle singing" in said(turns(result.stdout)[1])
    assert journal(tmp_path / "served") == ["the kettle singing"]


def test_chat_refuses_a_verifying_server_and_says_how_to_start_a_dev_one(server):
    url = server(dev=False)
    result = CliRunner().invoke(chat, ["--url", url, "--script", "-"], input="open glimmer journal\n")
    assert result.exit_code == 1
    assert "X-Glimmers-Unverified" in result.output and "glimmers serve --dev" in result.output
    # Past the health check, the server's own refusal is explained the same way.
    result = CliRunner().invoke(chat, ["--url", url + "?from=chat", "--script", "-"], input="open glimmer journal\n")
    assert result.exit_code == 1
    assert "verifies requests" in result.output and "glimmers serve --dev" in result.output


def test_chat_explains_a_refused_connection_without_a_traceback():
    done = run_glimmers("chat", "--url", f"http://127.0.0.1:{free_port()}/alexa", "--script", "-",
                        stdin="open glimmer journal\n")
    assert done.returncode == 1
    assert "connection refused" in done.stderr and "glimmers serve --dev" in done.stderr
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ request


@pytest.mark.parametrize(
    "utterance, kind, intent, new",
    [
        ("I noticed rain", IntentRequest, "RecordGlimmerIntent", False),
        ("give me a glimmer about music", IntentRequest, "SuggestGlimmerIntent", False),
        ("tell glimmer journal what did i notice last week", IntentRequest, "GlimmersByDateIntent", True),
        ("open glimmer journal", LaunchRequest, None, True),
    ],
)
def test_request_prints_an_envelope_ask_sdk_can_read(utterance, kind, intent, new):
    result = CliRunner().invoke(request, [utterance, "--timezone", "UTC"])
    assert result.exit_code == 0, result.output
    envelope = DefaultSerializer().deserialize(result.stdout, RequestEnvelope)
    assert isinstance(envelope, RequestEnvelope) and isinstance(envelope.request, kind)
    assert envelope.session.new is new
    assert envelope.request.locale == "en-US"
    assert envelope.request.timestamp is not None
    if intent:
        assert envelope.request.intent.name == intent
    raw = json.loads(result.stdout)
    assert raw["request"]["timestamp"].endswith("Z")
    assert raw["context"]["System"]["apiEndpoint"] == "https://api.amazonalexa.com"


def test_request_output_is_a_request_invoke_answers(tmp_path):
    made = run_glimmers("request", "tell glimmer journal I noticed the smell of rain")
    assert made.returncode == 0, made.stderr
    answered = run_glimmers("invoke", "-", "--data-dir", str(tmp_path), "--speech", stdin=made.stdout)
    assert answered.returncode == 0, answered.stderr
    assert "the smell of rain" in answered.stdout


def test_request_with_session_attributes_and_a_new_session():
    result = CliRunner().invoke(request, ["more", "--attributes", '{"question": "more_glimmers"}'])
    assert json.loads(result.stdout)["session"]["attributes"] == {"question": "more_glimmers"}
    result = CliRunner().invoke(request, ["read my glimmers", "--new"])
    assert json.loads(result.stdout)["session"]["new"] is True


def test_request_for_exit_explains_why_there_is_no_intent():
    result = CliRunner().invoke(request, ["exit"])
    assert result.exit_code == 1 and "SessionEndedRequest" in result.output


# ------------------------------------------------------------------ hearing it


@pytest.mark.skipif(ESPEAK is None, reason=NO_ESPEAK)
def test_wav_writes_each_answer_as_a_wav_file(data_dir, tmp_path):
    wav_dir = tmp_path / "wav"
    done = run_glimmers("chat", "--script", "-", "--data-dir", str(data_dir), "--wav", str(wav_dir), "--name", "Sam",
                        stdin="open glimmer journal\ni noticed a robin\nstop\n")
    assert done.returncode == 0, done.stderr
    files = sorted(wav_dir.glob("*.wav"))
    assert [f.name for f in files] == ["001.wav", "002.wav", "003.wav"]
    for file in files:
        data = file.read_bytes()
        assert data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) > 1000
    assert f"  [wav] {files[0]}" in done.stdout


@pytest.mark.skipif(ESPEAK is None, reason=NO_ESPEAK)
def test_speak_runs_espeak_ng(data_dir):
    done = run_glimmers("chat", "--script", "-", "--data-dir", str(data_dir), "--speak",
                        stdin="open glimmer journal\nstop\n")
    assert done.returncode == 0, done.stderr
    # Played aloud, or (on a machine without a sound card) espeak-ng's complaint is turned into advice.
    notes = [n for t in turns(done.stdout) for n in t["notes"]]
    assert notes in ([], ["espeak-ng found no sound device here; write the answers to files instead with --wav DIR"])


def test_speak_without_espeak_says_how_to_install_it(data_dir, tmp_path):
    env = {**os.environ, "PATH": str(tmp_path / "empty")}
    done = run_glimmers("chat", "--speak", "--script", "-", "--data-dir", str(data_dir), stdin="open glimmer journal\n",
                        env=env)
    assert done.returncode == 1
    assert "espeak-ng is not installed" in done.stderr and "apt-get install espeak-ng" in done.stderr
    # Without --speak or --wav, chat does not need espeak-ng at all.
    done = run_glimmers("chat", "--script", "-", "--data-dir", str(data_dir), stdin="open glimmer journal\n", env=env)
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------------------ at a terminal


def test_at_a_terminal_chat_prompts_and_ctrl_d_leaves(data_dir):
    import pty
    import select

    leader, follower = pty.openpty()
    process = subprocess.Popen([GLIMMERS, "chat", "--data-dir", str(data_dir)], stdin=follower, stdout=follower,
                               stderr=subprocess.DEVNULL, close_fds=True)
    os.close(follower)
    seen = b""

    def read_until(marker: bytes, count: int = 1) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while seen.count(marker) < count and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(leader, 4096)
                except OSError:
                    return

    try:
        read_until(b"you> ")
        os.write(leader, b"tell glimmer journal i noticed a cat purring\n")
        read_until(b"you> ", 2)
        os.write(leader, b"\x04")  # Ctrl-D
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert b"alexa> " in seen and b"a cat purring" in seen
    assert journal(data_dir) == ["a cat purring"]
