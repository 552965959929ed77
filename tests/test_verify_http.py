"""Request verification through the HTTP app: every forged request gets exactly 400."""

from __future__ import annotations

import json
import logging
import urllib.error
from datetime import timedelta

import pytest

from pki import CERT_URL, FAULTY_CHAINS, FIXED_NOW, ChainFetcher, MutableClock, TestPKI
from skill import create_app
from test_verify import (
    APPLICATION_ID_FAULTS,
    HEADER_FAULTS,
    INVALID_CERT_URLS,
    SECRET,
    SIGNATURE_FAULTS,
    SKILL_ID,
    TIMESTAMP_FAULTS,
    VALID_CERT_URLS,
    encode,
    make_envelope,
)


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI()


@pytest.fixture(scope="module")
def roots(pki, tmp_path_factory):
    return pki.roots_pem_path(tmp_path_factory.mktemp("roots"))


def verified_client(tmp_path, roots, fetcher, clock=None, skill_id=SKILL_ID):
    app = create_app(
        {
            "DATA_DIR": tmp_path / "data",
            "TRUST_ROOTS_PEM": roots,
            "CERT_FETCHER": fetcher,
            "CLOCK": clock or MutableClock(FIXED_NOW),
            "SKILL_ID": skill_id,
        }
    )
    return app.test_client()


def post(client, body: bytes, headers: dict):
    clean = {k: v for k, v in headers.items() if v is not None}
    return client.post("/alexa", data=body, headers=clean, content_type="application/json")


def assert_rejected(response, check: str) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)
    payload = response.get_json()
    assert payload["check"] == check
    assert SECRET not in json.dumps(payload)


def test_a_signed_fresh_request_is_answered(tmp_path, pki, roots):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(make_envelope())
    response = post(client, body, pki.headers(body))
    assert response.status_code == 200
    assert SECRET in response.get_json()["response"]["outputSpeech"]["ssml"]
    assert "X-Glimmers-Unverified" not in response.headers


@pytest.mark.parametrize("fault", HEADER_FAULTS)
def test_missing_empty_or_legacy_only_headers_get_400(tmp_path, pki, roots, fault):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(make_envelope())
    assert_rejected(post(client, body, HEADER_FAULTS[fault](pki.headers(body))), "headers")


# A header value with a line break cannot travel over HTTP at all; those stay unit tests.
@pytest.mark.parametrize("fault", [f for f, url in INVALID_CERT_URLS.items() if "\n" not in url])
def test_every_bad_certificate_url_gets_400(tmp_path, pki, roots, fault):
    fetcher = pki.fetcher()
    client = verified_client(tmp_path, roots, fetcher)
    body = encode(make_envelope())
    response = post(client, body, pki.headers(body, url=INVALID_CERT_URLS[fault]))
    assert_rejected(response, "cert_url")
    assert fetcher.calls == []


@pytest.mark.parametrize("url", VALID_CERT_URLS)
def test_each_valid_certificate_url_form_is_accepted(tmp_path, pki, roots, url):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(make_envelope())
    assert post(client, body, pki.headers(body, url=url)).status_code == 200


@pytest.mark.parametrize(
    "failure",
    [urllib.error.HTTPError(CERT_URL, 404, "Not Found", None, None), TimeoutError("slow"), b"", b"garbage"],
    ids=["http_404", "timeout", "empty_chain", "garbage_chain"],
)
def test_unfetchable_empty_or_garbage_chain_gets_400(tmp_path, pki, roots, failure):
    client = verified_client(tmp_path, roots, ChainFetcher(failure))
    body = encode(make_envelope())
    assert_rejected(post(client, body, pki.headers(body)), "cert_chain")


@pytest.mark.parametrize("fault", FAULTY_CHAINS)
def test_every_faulty_chain_gets_400(tmp_path, pki, roots, fault):
    client = verified_client(tmp_path, roots, ChainFetcher(pki.faulty_chain_pem(fault)))
    body = encode(make_envelope())
    assert_rejected(post(client, body, pki.headers(body)), "cert_chain")


@pytest.mark.parametrize("fault", [f for f in SIGNATURE_FAULTS if f != "embedded_newline"])
def test_every_bad_signature_gets_400(tmp_path, pki, roots, fault):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(make_envelope())
    headers = pki.headers(body)
    headers["Signature-256"] = SIGNATURE_FAULTS[fault](pki, body, headers["Signature-256"])
    assert_rejected(post(client, body, headers), "signature")


def test_body_changed_after_signing_gets_400(tmp_path, pki, roots):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(make_envelope())
    headers = pki.headers(body)
    assert_rejected(post(client, body.replace(SECRET.encode(), b"something else"), headers), "signature")


@pytest.mark.parametrize("fault", [f for f in TIMESTAMP_FAULTS if f not in ("envelope_is_a_list", "no_request", "request_not_an_object")])
def test_stale_future_missing_or_unparsable_timestamps_get_400(tmp_path, pki, roots, fault):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(TIMESTAMP_FAULTS[fault]())
    assert_rejected(post(client, body, pki.headers(body)), "timestamp")


@pytest.mark.parametrize("offset", [-140, 140])
def test_timestamps_140_seconds_off_are_accepted(tmp_path, pki, roots, offset):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(make_envelope(timestamp=FIXED_NOW + timedelta(seconds=offset)))
    assert post(client, body, pki.headers(body)).status_code == 200


@pytest.mark.parametrize("fault", [f for f in APPLICATION_ID_FAULTS if f not in ("no_context", "session_not_an_object", "context_system_not_an_object")])
def test_wrong_application_id_in_either_place_gets_400(tmp_path, pki, roots, fault):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(APPLICATION_ID_FAULTS[fault]())
    assert_rejected(post(client, body, pki.headers(body)), "application_id")


def test_lower_case_header_names_are_accepted(tmp_path, pki, roots):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(make_envelope())
    headers = {k.lower(): v for k, v in pki.headers(body).items()}
    assert post(client, body, headers).status_code == 200


def test_the_chain_is_fetched_once_for_many_requests(tmp_path, pki, roots):
    fetcher = pki.fetcher()
    client = verified_client(tmp_path, roots, fetcher)
    for _ in range(3):
        body = encode(make_envelope())
        assert post(client, body, pki.headers(body)).status_code == 200
    assert fetcher.calls == [CERT_URL]


def test_a_rejection_logs_one_line_naming_the_check_and_never_the_body(tmp_path, pki, roots, caplog):
    client = verified_client(tmp_path, roots, pki.fetcher())
    body = encode(make_envelope(timestamp=FIXED_NOW - timedelta(seconds=151)))
    with caplog.at_level(logging.DEBUG):
        post(client, body, pki.headers(body))
    rejections = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejections) == 1 and "timestamp" in rejections[0]
    assert SECRET not in caplog.text


def test_verification_is_on_by_default(tmp_path):
    app = create_app({"DATA_DIR": tmp_path / "data"})
    response = app.test_client().post("/alexa", json=make_envelope())
    assert_rejected(response, "headers")


def test_dev_mode_still_honours_a_configured_skill_id(tmp_path):
    app = create_app({"DATA_DIR": tmp_path / "data", "VERIFY_REQUESTS": "false", "SKILL_ID": SKILL_ID})
    client = app.test_client()
    assert client.post("/alexa", json=make_envelope()).status_code == 200
    foreign = make_envelope(skill_id="amzn1.ask.skill.someone-else")
    assert_rejected(client.post("/alexa", json=foreign), "application_id")


def test_an_unsigned_request_is_told_how_to_try_the_skill_locally(tmp_path):
    app = create_app({"DATA_DIR": tmp_path / "data"})
    response = app.test_client().post("/alexa", json=make_envelope())
    assert "glimmers serve --dev" in response.get_json()["hint"]
