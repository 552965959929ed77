"""The ``glimmers`` command through its real entry point: invoke and serve."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REQUESTS, load_request
from servers import Server

GLIMMERS = str(Path(sys.executable).parent / "glimmers")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GLIMMERS, *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_invoke_record_then_read_speaks_the_glimmer_back(tmp_path):
    data = str(tmp_path / "data")
    recorded = run("invoke", str(REQUESTS / "record_glimmer.json"), "--data-dir", data)
    assert recorded.returncode == 0, recorded.stderr
    envelope = json.loads(recorded.stdout)
    assert envelope["version"] == "1.0" and "the warm sun on my face" in envelope["response"]["outputSpeech"]["ssml"]
    read = run("invoke", str(REQUESTS / "read_glimmers.json"), "--data-dir", data, "--speech")
    assert read.returncode == 0, read.stderr
    assert "the warm sun on my face" in read.stdout
    assert "<" not in read.stdout  # plain text, not SSML


def test_invoke_user_option_reads_another_journal(tmp_path):
    data = str(tmp_path / "data")
    run("invoke", str(REQUESTS / "record_glimmer.json"), "--data-dir", data)
    other = run("invoke", str(REQUESTS / "read_glimmers.json"), "--data-dir", data, "--user", "amzn1.ask.account.OTHER", "--speech")
    assert "warm sun" not in other.stdout


def test_invoke_reads_stdin(tmp_path):
    result = run("invoke", "-", "--data-dir", str(tmp_path), "--speech", stdin=json.dumps(load_request("help")))
    assert result.returncode == 0 and "glimmer" in result.stdout.lower()


@pytest.mark.parametrize("content, message", [("not json", "is not JSON"), ('{"version": "1.0"}', "not an Alexa request envelope")])
def test_invoke_explains_a_bad_file_without_a_traceback(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = run("invoke", str(bad), "--data-dir", str(tmp_path / "data"))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_dev_answers_launch_record_and_read_over_http(tmp_path):
    server = Server("--dev", "--data-dir", str(tmp_path / "data"))
    try:
        status, launch, headers = server.post(load_request("launch"))
        assert status == 200 and "glimmer" in launch["response"]["outputSpeech"]["ssml"].lower()
        assert headers.get("X-Glimmers-Unverified") == "true"
        status, _, _ = server.post(load_request("record_glimmer", glimmer="steam rising from my tea"))
        assert status == 200
        status, read, _ = server.post(load_request("read_glimmers"))
        assert status == 200 and "steam rising from my tea" in read["response"]["outputSpeech"]["ssml"]
    finally:
        log = server.stop()
    assert "verification is OFF" in log
    assert "RecordGlimmerIntent" in log  # one line per request...
    assert "steam rising" not in log  # ...never the glimmer text


def test_serve_without_dev_verifies_and_rejects_an_unsigned_request(tmp_path):
    server = Server("--data-dir", str(tmp_path / "data"))
    try:
        status, body, _ = server.post(load_request("launch"))
    finally:
        server.stop()
    assert status == 400
    assert body["check"] == "headers"


def test_serve_explains_a_bad_setting(tmp_path):
    result = subprocess.run(
        [GLIMMERS, "serve", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin", "GLIMMERS_VERIFY_REQUESTS": "maybe"},
    )
    assert result.returncode != 0
    assert "VERIFY_REQUESTS must be true or false" in result.stderr
    assert "Traceback" not in result.stderr
