"""The HTTP surface: bad input gets a clear 4xx in JSON, never a 500 or a traceback."""

from __future__ import annotations

import json
import logging

from conftest import load_request
from skill import create_app
from skill.storage import TinyDBStore, StorageUnavailable


def test_healthz_is_ok_when_the_data_folder_is_writable(client, data_dir):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert not (data_dir / ".healthz").exists()


def test_healthz_is_503_when_the_data_folder_cannot_be_written(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    app = create_app({"DATA_DIR": blocker, "VERIFY_REQUESTS": False})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_body_that_is_not_json_gets_400(client):
    response = client.post("/alexa", data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


def test_json_that_is_not_an_envelope_gets_400_saying_what_is_off(client):
    for body in ([], {}, {"version": "1.0"}, {"version": "1.0", "request": {"type": "LaunchRequest"}}, "hello", 42):
        response = client.post("/alexa", json=body)
        assert response.status_code == 400, body
        assert "envelope" in response.get_json()["error"] or "request" in response.get_json()["error"]


def test_envelope_with_wrong_types_gets_400(client):
    cases = []
    envelope = load_request("record_glimmer")
    envelope["request"]["intent"]["slots"] = ["not", "a", "map"]
    cases.append(envelope)
    envelope = load_request("launch")
    envelope["session"]["attributes"] = "text"
    cases.append(envelope)
    envelope = load_request("launch")
    envelope["context"]["System"]["user"]["userId"] = None
    del envelope["session"]["user"]
    cases.append(envelope)
    envelope = load_request("launch")
    envelope["request"]["type"] = "Made.Up.Request"
    cases.append(envelope)
    envelope = load_request("launch")
    envelope["request"]["timestamp"] = "yesterday-ish"
    cases.append(envelope)
    for envelope in cases:
        response = client.post("/alexa", json=envelope)
        assert response.status_code == 400, envelope
        assert response.is_json


def test_form_encoded_body_gets_415_with_a_hint(client):
    response = client.post("/alexa", data={"a": "b"})
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.get_json()["error"]


def test_wrong_method_gets_405_in_json(client):
    response = client.get("/alexa")
    assert response.status_code == 405
    assert "POST" in response.get_json()["error"]


def test_unknown_path_gets_404_in_json(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.is_json


def test_body_over_128_kib_gets_413(client):
    response = client.post("/alexa", data=b"{" + b" " * (129 * 1024) + b"}", content_type="application/json")
    assert response.status_code == 413
    assert response.is_json


def test_exception_in_a_handler_is_a_kind_apology_and_a_log_line_with_the_request_id(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the glimmer text would be here")

    monkeypatch.setattr(TinyDBStore, "page", broken)
    envelope = load_request("read_glimmers")
    with caplog.at_level(logging.INFO):
        response = client.post("/alexa", json=envelope)
    assert response.status_code == 200
    speech = response.get_json()["response"]["outputSpeech"]["ssml"]
    assert "Sorry" in speech and "you" not in speech.split("Sorry")[1].split(".")[0]
    assert envelope["request"]["requestId"] in caplog.text
    assert "RuntimeError" in caplog.text
    assert "the glimmer text would be here" not in caplog.text


def test_a_full_or_read_only_store_answers_couldnt_save(client, monkeypatch):
    def full(*args, **kwargs):
        raise StorageUnavailable("No space left on device")

    monkeypatch.setattr(TinyDBStore, "add", full)
    response = client.post("/alexa", json=load_request("record_glimmer"))
    assert response.status_code == 200
    assert "couldn't save that just now" in response.get_json()["response"]["outputSpeech"]["ssml"]


def test_each_request_is_logged_once_without_the_glimmer_text(client, caplog):
    envelope = load_request("record_glimmer", glimmer="my very private moment")
    with caplog.at_level(logging.DEBUG):
        client.post("/alexa", json=envelope)
    lines = [r for r in caplog.records if r.levelno >= logging.INFO and r.name == "skill.web"]
    assert len(lines) == 1
    line = lines[0].getMessage()
    assert envelope["request"]["requestId"] in line and "RecordGlimmerIntent" in line and "200" in line
    assert "ms" in line
    assert all("private moment" not in r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)


def test_dev_mode_marks_every_response(client):
    response = client.post("/alexa", json=load_request("launch"))
    assert response.headers["X-Glimmers-Unverified"] == "true"


def test_response_envelope_is_valid_json_with_version_and_response(client):
    body = client.post("/alexa", json=load_request("launch")).get_data()
    envelope = json.loads(body)
    assert envelope["version"] == "1.0"
    assert envelope["response"]["outputSpeech"]["type"] == "SSML"
    assert envelope["response"]["outputSpeech"]["ssml"].startswith("<speak>")
