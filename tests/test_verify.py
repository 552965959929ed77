"""Tests for skill.verify: every Alexa request check, its order, the chain cache and the real Amazon chain."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import urllib.error
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import Headers

from skill.verify import (
    CHECKS,
    RequestVerifier,
    VerificationError,
    fetch_cert_chain,
    normalise_cert_url,
    parse_timestamp,
)
from pki import (
    CERT_URL,
    FAULTY_CHAINS,
    FIXED_NOW,
    ChainFetcher,
    MutableClock,
    TestPKI,
    rsa_key,
)

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
OTHER_SKILL_ID = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
SECRET = "glimmer-secret-text"
AMAZON_CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-7.pem"


# Amazon's real 2019 echo-api certificate chain (public), kept with the tests.
AMAZON_CHAIN = Path(__file__).resolve().parent / "fixtures" / "echo-api-cert-7.pem"


def make_envelope(
    *,
    timestamp: object = FIXED_NOW,
    request_type: str = "IntentRequest",
    skill_id: str = SKILL_ID,
    session: bool = True,
) -> dict:
    """Return a minimal Alexa request envelope; datetimes become Alexa-style timestamps."""
    if isinstance(timestamp, datetime):
        timestamp = timestamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    envelope: dict = {
        "version": "1.0",
        "context": {
            "System": {
                "application": {"applicationId": skill_id},
                "user": {"userId": "amzn1.ask.account.TEST"},
            }
        },
        "request": {
            "type": request_type,
            "requestId": "amzn1.echo-api.request.TEST",
            "timestamp": timestamp,
            "locale": "en-US",
            "intent": {"name": "RecordGlimmerIntent", "slots": {"glimmer": {"value": SECRET}}},
        },
    }
    if session:
        envelope["session"] = {
            "new": True,
            "sessionId": "amzn1.echo-api.session.TEST",
            "application": {"applicationId": skill_id},
            "user": {"userId": "amzn1.ask.account.TEST"},
        }
    return envelope


def encode(envelope: object) -> bytes:
    """Serialise an envelope the way Alexa would send it."""
    return json.dumps(envelope).encode("utf-8")


@pytest.fixture(scope="session")
def pki() -> TestPKI:
    return TestPKI()


@pytest.fixture(scope="session")
def roots_path(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pki.roots_pem_path(tmp_path_factory.mktemp("roots"))


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(FIXED_NOW)


@pytest.fixture
def make_verifier(
    pki: TestPKI, roots_path: Path, clock: MutableClock
) -> Callable[..., tuple[RequestVerifier, ChainFetcher]]:
    """Return a factory of (verifier, fetcher) pairs trusting the test root, on the test clock."""

    def factory(
        pem: bytes | BaseException | None = None,
        *,
        fetcher: ChainFetcher | None = None,
        skill_id: str | None = SKILL_ID,
        cache_size: int = 16,
    ) -> tuple[RequestVerifier, ChainFetcher]:
        fetcher = fetcher or ChainFetcher(pki.chain_pem() if pem is None else pem)
        verifier = RequestVerifier(
            trust_roots_pem=roots_path,
            cert_fetcher=fetcher,
            clock=clock,
            skill_id=skill_id,
            cache_size=cache_size,
        )
        return verifier, fetcher

    return factory


def rejected(call: Callable[[], object], check: str) -> VerificationError:
    """Assert that `call` raises VerificationError for `check` and return the error."""
    with pytest.raises(VerificationError) as caught:
        call()
    assert caught.value.check == check, caught.value.reason
    return caught.value


# --- a good request -------------------------------------------------------------------------


def test_signed_fresh_request_is_accepted(pki, make_verifier):
    verifier, fetcher = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    verifier.verify(pki.headers(body), body, envelope)
    assert fetcher.calls == [CERT_URL]


def test_verification_error_carries_check_and_reason():
    error = VerificationError("signature", "signature does not match the body")
    assert (error.check, error.reason) == ("signature", "signature does not match the body")
    assert "signature" in str(error)
    assert CHECKS == ("headers", "cert_url", "cert_chain", "signature", "timestamp", "application_id")


# --- 1. headers -----------------------------------------------------------------------------


def _without(headers: dict, *names: str) -> dict:
    return {k: v for k, v in headers.items() if k not in names}


HEADER_FAULTS: dict[str, Callable[[dict], dict]] = {
    "no_headers_at_all": lambda h: {},
    "missing_cert_url": lambda h: _without(h, "SignatureCertChainUrl"),
    "missing_signature_256": lambda h: _without(h, "Signature-256"),
    "legacy_signature_only": lambda h: _without(h, "Signature-256") | {"Signature": h["Signature"]},
    "empty_cert_url": lambda h: h | {"SignatureCertChainUrl": ""},
    "empty_signature_256": lambda h: h | {"Signature-256": ""},
    "blank_signature_256": lambda h: h | {"Signature-256": "   "},
    "signature_256_not_text": lambda h: h | {"Signature-256": None},
}


@pytest.mark.parametrize("fault", HEADER_FAULTS)
def test_request_without_usable_signature_headers_is_rejected(pki, make_verifier, fault):
    verifier, fetcher = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    headers = HEADER_FAULTS[fault](pki.headers(body))
    rejected(lambda: verifier.verify(headers, body, envelope), "headers")
    assert fetcher.calls == []


def test_repeated_signature_header_is_rejected(pki, make_verifier):
    verifier, _ = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    headers = Headers(pki.headers(body))
    headers.add("Signature-256", pki.sign(b"something else"))
    rejected(lambda: verifier.verify(headers, body, envelope), "headers")


def test_header_names_are_matched_case_insensitively(pki, make_verifier):
    verifier, _ = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    headers = {k.lower(): v for k, v in pki.headers(body).items()}
    verifier.verify(headers, body, envelope)
    verifier.verify({k.upper(): v for k, v in headers.items()}, body, envelope)


def test_werkzeug_headers_are_accepted(pki, make_verifier):
    verifier, _ = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    verifier.verify(Headers(pki.headers(body)), body, envelope)


# --- 2. certificate URL ---------------------------------------------------------------------

VALID_CERT_URLS = [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    "https://S3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
]

INVALID_CERT_URLS = {
    "plain_http": "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "other_host": "https://notamazon.com/echo.api/echo-api-cert.pem",
    "path_case_changed": "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "other_path": "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "other_port": "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "host_suffix": "https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem",
    "subdomain": "https://evil.s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "trailing_dot_host": "https://s3.amazonaws.com./echo.api/echo-api-cert.pem",
    "user_info_before_host": "https://evil.com@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "host_as_user_info": "https://s3.amazonaws.com@evil.com/echo.api/echo-api-cert.pem",
    "host_and_port_as_user_info": "https://s3.amazonaws.com:443@evil.com/echo.api/echo-api-cert.pem",
    "dot_dot_out_of_prefix": "https://s3.amazonaws.com/echo.api/../secret/x.pem",
    "dot_dot_above_root": "https://s3.amazonaws.com/./echo.api/../../x.pem",
    "prefix_without_slash": "https://s3.amazonaws.com/echo.api",
    "prefix_directory_only": "https://s3.amazonaws.com/echo.api/",
    "prefix_as_file_name_start": "https://s3.amazonaws.com/echo.apix/echo-api-cert.pem",
    "double_slash_before_prefix": "https://s3.amazonaws.com//echo.api/echo-api-cert.pem",
    "encoded_dot_segments": "https://s3.amazonaws.com/echo.api/%2e%2e/secret/x.pem",
    "encoded_dot_segments_upper": "https://s3.amazonaws.com/echo.api/%2E%2E/%2E%2E/x.pem",
    "encoded_prefix_letter": "https://s3.amazonaws.com/%65cho.api/echo-api-cert.pem",
    "encoded_slash": "https://s3.amazonaws.com/echo.api%2fecho-api-cert.pem",
    "backslash_in_path": "https://s3.amazonaws.com/echo.api/..\\secret\\x.pem",
    "backslash_after_host": "https://s3.amazonaws.com\\echo.api/echo-api-cert.pem",
    "port_not_a_number": "https://s3.amazonaws.com:abc/echo.api/echo-api-cert.pem",
    "empty_port": "https://s3.amazonaws.com:/echo.api/echo-api-cert.pem",
    "port_with_leading_zero": "https://s3.amazonaws.com:0443/echo.api/echo-api-cert.pem",
    "empty_host": "https:///echo.api/echo-api-cert.pem",
    "no_authority": "https:s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "scheme_relative": "//s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "ftp_scheme": "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "ip_literal_host": "https://[::1]/echo.api/echo-api-cert.pem",
    "query_string": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?versionId=1",
    "fragment": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem#x",
    "semicolon_parameters": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem;x=1",
    "leading_space": " https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "embedded_tab": "https://s3.amazonaws.com/echo.api/\techo-api-cert.pem",
    "trailing_newline": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem\n",
    "non_ascii_host": "https://s3.amazonaws.c\u043em/echo.api/echo-api-cert.pem",
    "encoded_nul": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem%00",
}


@pytest.mark.parametrize("url", VALID_CERT_URLS)
def test_valid_cert_url_forms_are_accepted(pki, make_verifier, url):
    verifier, fetcher = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    verifier.verify(pki.headers(body, url=url), body, envelope)
    assert fetcher.calls == [CERT_URL], "the chain is fetched from the normalised URL"


@pytest.mark.parametrize("fault", INVALID_CERT_URLS)
def test_invalid_cert_url_is_rejected_before_fetching(pki, make_verifier, fault):
    verifier, fetcher = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    headers = pki.headers(body, url=INVALID_CERT_URLS[fault])
    rejected(lambda: verifier.verify(headers, body, envelope), "cert_url")
    assert fetcher.calls == []


@given(st.text(max_size=80))
def test_normalised_cert_url_always_names_a_file_under_echo_api(suffix):
    for url in (suffix, "https://s3.amazonaws.com/echo.api/" + suffix):
        try:
            canonical = normalise_cert_url(url)
        except VerificationError as error:
            assert error.check == "cert_url"
            continue
        assert canonical.startswith("https://s3.amazonaws.com/echo.api/")
        segments = canonical.removeprefix("https://s3.amazonaws.com").split("/")
        assert "." not in segments and ".." not in segments
        assert segments[-1] != ""


# --- 3. certificate chain -------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        urllib.error.HTTPError(CERT_URL, 404, "Not Found", None, None),  # type: ignore[arg-type]
        TimeoutError("timed out"),
        ConnectionRefusedError("refused"),
        RuntimeError("unexpected"),
    ],
    ids=["http_404", "timeout", "connection_refused", "unexpected_error"],
)
def test_unfetchable_chain_is_rejected(pki, make_verifier, failure):
    verifier, _ = make_verifier(failure)
    envelope = make_envelope()
    body = encode(envelope)
    rejected(lambda: verifier.verify(pki.headers(body), body, envelope), "cert_chain")


@pytest.mark.parametrize(
    "pem",
    [
        b"",
        b"this is not a certificate",
        b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----",
        None,
    ],
    ids=["empty", "garbage", "garbage_inside_pem_armour", "text_not_bytes", "none"],
)
def test_empty_or_unparsable_chain_is_rejected(pki, make_verifier, pem):
    verifier, _ = make_verifier(fetcher=ChainFetcher(pem))  # type: ignore[arg-type]
    envelope = make_envelope()
    body = encode(envelope)
    rejected(lambda: verifier.verify(pki.headers(body), body, envelope), "cert_chain")


EXPECTED_CHAIN_REASONS = {
    "expired": "expired",
    "not_yet_valid": "not yet valid",
    "no_san": "no subjectAltName",
    "wrong_san": "not for echo-api.amazon.com",
    "wildcard_san": "not for echo-api.amazon.com",
    "no_digital_signature": "lacks digitalSignature",
    "no_key_usage": "no keyUsage",
    "untrusted_root": "not trusted",
    "missing_intermediate": "not trusted",
    "intermediate_not_ca": "not trusted",
}


@pytest.mark.parametrize("fault", FAULTY_CHAINS)
def test_faulty_chain_is_rejected(pki, make_verifier, fault):
    verifier, _ = make_verifier(pki.faulty_chain_pem(fault))
    envelope = make_envelope()
    body = encode(envelope)
    error = rejected(lambda: verifier.verify(pki.headers(body), body, envelope), "cert_chain")
    assert EXPECTED_CHAIN_REASONS[fault] in error.reason


def test_chain_longer_than_the_cap_is_rejected(pki, make_verifier):
    verifier, _ = make_verifier(pki.chain_pem(intermediates=[pki.intermediate] * 9))
    rejected(lambda: verifier.load_chain(CERT_URL), "cert_chain")


def test_signing_certificate_without_extended_key_usage_or_server_auth_is_accepted(pki, make_verifier):
    # Amazon specifies no extended key usage, so neither its absence nor clientAuth alone is a fault.
    for eku in (None, [ExtendedKeyUsageOID.CLIENT_AUTH]):
        verifier, _ = make_verifier(pki.chain_pem(leaf=pki.issue_leaf(eku=eku)))
        assert verifier.load_chain(CERT_URL).subject == pki.leaf.subject


def test_unreadable_trust_roots_reject_the_chain(pki, tmp_path, clock):
    verifier = RequestVerifier(
        trust_roots_pem=tmp_path / "missing.pem", cert_fetcher=pki.fetcher(), clock=clock
    )
    rejected(lambda: verifier.load_chain(CERT_URL), "cert_chain")


def test_constructing_a_verifier_reads_no_roots_and_fetches_nothing(tmp_path):
    fetcher = ChainFetcher(RuntimeError("must not be called"))
    RequestVerifier(trust_roots_pem=tmp_path / "missing.pem", cert_fetcher=fetcher)
    assert fetcher.calls == []


# --- 4. signature ---------------------------------------------------------------------------


def _truncated(signature: str) -> str:
    return base64.b64encode(base64.b64decode(signature)[:-10]).decode("ascii")


SIGNATURE_FAULTS: dict[str, Callable[[TestPKI, bytes, str], str]] = {
    "not_base64": lambda pki, body, sig: "this is not base64!",
    "missing_padding": lambda pki, body, sig: sig.rstrip("="),
    "embedded_newline": lambda pki, body, sig: sig[:40] + "\n" + sig[40:],
    "truncated": lambda pki, body, sig: _truncated(sig),
    "wrong_key": lambda pki, body, sig: pki.sign(body, key=rsa_key("stranger")),
    "signed_other_body": lambda pki, body, sig: pki.sign(body + b" "),
    "sha1_signature": lambda pki, body, sig: pki.sign_legacy(body),
    "valid_base64_of_zeros": lambda pki, body, sig: base64.b64encode(bytes(256)).decode(),
}


@pytest.mark.parametrize("fault", SIGNATURE_FAULTS)
def test_bad_signature_is_rejected(pki, make_verifier, fault):
    verifier, _ = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    headers = pki.headers(body)
    headers["Signature-256"] = SIGNATURE_FAULTS[fault](pki, body, headers["Signature-256"])
    rejected(lambda: verifier.verify(headers, body, envelope), "signature")


def test_body_changed_after_signing_is_rejected(pki, make_verifier):
    verifier, _ = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    headers = pki.headers(body)
    tampered = body.replace(SECRET.encode(), b"glimmer-altered-text")
    rejected(lambda: verifier.verify(headers, tampered, envelope), "signature")


def test_body_with_only_whitespace_changed_is_rejected(pki, make_verifier):
    verifier, _ = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    headers = pki.headers(body)
    rejected(lambda: verifier.verify(headers, body + b"\n", envelope), "signature")


def test_reasons_never_contain_the_body(pki, make_verifier):
    verifier, _ = make_verifier()
    envelope = make_envelope()
    body = encode(envelope)
    headers = pki.headers(body)
    for bad_headers in ({**headers, "Signature-256": SECRET}, {**headers, "Signature-256": pki.sign(b"x")}):
        error = rejected(lambda: verifier.verify(bad_headers, body, envelope), "signature")
        assert SECRET not in error.reason and SECRET not in str(error)


# --- 5. timestamp ---------------------------------------------------------------------------


def _verify_envelope(pki: TestPKI, verifier: RequestVerifier, envelope: object) -> None:
    body = encode(envelope)
    verifier.verify(pki.headers(body), body, envelope)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "timestamp",
    [
        FIXED_NOW,
        FIXED_NOW - timedelta(seconds=140),
        FIXED_NOW + timedelta(seconds=140),
        FIXED_NOW - timedelta(seconds=150),
        FIXED_NOW + timedelta(seconds=150),
        "2026-11-30T09:00:00.123Z",
        "2026-11-30T08:59:59.123456789Z",
        "2026-11-30T09:00:00+00:00",
        "2026-11-30T10:00:00+01:00",
        "2026-11-30t09:00:00z",
    ],
    ids=str,
)
def test_timestamp_within_150_seconds_is_accepted(pki, make_verifier, timestamp):
    verifier, _ = make_verifier()
    _verify_envelope(pki, verifier, make_envelope(timestamp=timestamp))


def test_skill_event_fifty_minutes_old_is_accepted(pki, make_verifier):
    verifier, _ = make_verifier()
    envelope = make_envelope(
        timestamp=FIXED_NOW - timedelta(minutes=50),
        request_type="AlexaSkillEvent.SkillEnabled",
        session=False,
    )
    _verify_envelope(pki, verifier, envelope)


def _drop_timestamp() -> dict:
    envelope = make_envelope()
    del envelope["request"]["timestamp"]
    return envelope


TIMESTAMP_FAULTS: dict[str, Callable[[], object]] = {
    "151_seconds_old": lambda: make_envelope(timestamp=FIXED_NOW - timedelta(seconds=151)),
    "151_seconds_ahead": lambda: make_envelope(timestamp=FIXED_NOW + timedelta(seconds=151)),
    "missing": _drop_timestamp,
    "unparsable": lambda: make_envelope(timestamp="yesterday at nine"),
    "empty": lambda: make_envelope(timestamp=""),
    "date_only": lambda: make_envelope(timestamp="2026-11-30"),
    "no_offset": lambda: make_envelope(timestamp="2026-11-30T09:00:00"),
    "impossible_date": lambda: make_envelope(timestamp="2026-13-45T09:00:00Z"),
    "number_not_text": lambda: make_envelope(timestamp=1795942800000),
    "null": lambda: make_envelope(timestamp=None),
    "skill_event_61_minutes_old": lambda: make_envelope(
        timestamp=FIXED_NOW - timedelta(minutes=61), request_type="AlexaSkillEvent.SkillEnabled"
    ),
    "skill_event_151_seconds_ahead": lambda: make_envelope(
        timestamp=FIXED_NOW + timedelta(seconds=151), request_type="AlexaSkillEvent.SkillDisabled"
    ),
    "intent_50_minutes_old": lambda: make_envelope(timestamp=FIXED_NOW - timedelta(minutes=50)),
    "request_not_an_object": lambda: make_envelope() | {"request": "IntentRequest"},
    "no_request": lambda: {k: v for k, v in make_envelope().items() if k != "request"},
    "envelope_is_a_list": lambda: [make_envelope()],
}


@pytest.mark.parametrize("fault", TIMESTAMP_FAULTS)
def test_stale_future_or_unreadable_timestamp_is_rejected(pki, make_verifier, fault):
    verifier, _ = make_verifier()
    rejected(lambda: _verify_envelope(pki, verifier, TIMESTAMP_FAULTS[fault]()), "timestamp")


def test_parse_timestamp_returns_aware_utc():
    assert parse_timestamp("2026-11-30T10:00:00.5+01:00") == FIXED_NOW + timedelta(milliseconds=500)


# --- 6. application ID ----------------------------------------------------------------------


def _set_app_id(envelope: dict, where: str, value: object) -> dict:
    holder = envelope["session"] if where == "session" else envelope["context"]["System"]
    holder["application"]["applicationId"] = value
    return envelope


APPLICATION_ID_FAULTS: dict[str, Callable[[], dict]] = {
    "wrong_in_session": lambda: _set_app_id(make_envelope(), "session", OTHER_SKILL_ID),
    "wrong_in_context": lambda: _set_app_id(make_envelope(), "context", OTHER_SKILL_ID),
    "missing_in_context": lambda: _set_app_id(make_envelope(), "context", None),
    "missing_in_session": lambda: _set_app_id(make_envelope(), "session", None),
    "prefix_of_ours_in_context": lambda: _set_app_id(make_envelope(), "context", SKILL_ID[:-1]),
    "no_context": lambda: {k: v for k, v in make_envelope().items() if k != "context"},
    "session_not_an_object": lambda: make_envelope() | {"session": "amzn1.echo-api.session.TEST"},
    "context_system_not_an_object": lambda: make_envelope() | {"context": {"System": [SKILL_ID]}},
}


@pytest.mark.parametrize("fault", APPLICATION_ID_FAULTS)
def test_foreign_or_missing_application_id_is_rejected(pki, make_verifier, fault):
    verifier, _ = make_verifier(skill_id=SKILL_ID)
    rejected(lambda: _verify_envelope(pki, verifier, APPLICATION_ID_FAULTS[fault]()), "application_id")


def test_application_id_is_not_checked_without_a_skill_id(pki, make_verifier):
    verifier, _ = make_verifier(skill_id=None)
    _verify_envelope(pki, verifier, make_envelope(skill_id=OTHER_SKILL_ID))


def test_request_without_session_needs_only_the_context_application_id(pki, make_verifier):
    verifier, _ = make_verifier(skill_id=SKILL_ID)
    _verify_envelope(pki, verifier, make_envelope(session=False))
    _verify_envelope(pki, verifier, make_envelope() | {"session": None})


# --- order of checks ------------------------------------------------------------------------


def test_first_failed_check_wins(pki, make_verifier):
    verifier, fetcher = make_verifier(skill_id=SKILL_ID)
    envelope = make_envelope(timestamp="garbage", skill_id=OTHER_SKILL_ID)
    body = encode(envelope)
    headers = pki.headers(body)
    rejected(lambda: verifier.verify(headers, body + b" ", envelope), "signature")
    rejected(lambda: verifier.verify(headers, body, envelope), "timestamp")
    rejected(
        lambda: verifier.verify({**headers, "SignatureCertChainUrl": "http://x/"}, body, envelope),
        "cert_url",
    )
    rejected(lambda: verifier.verify({"Signature-256": "x"}, body, envelope), "headers")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    envelope=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["request", "timestamp", "type", "session", "context", "System",
                             "application", "applicationId", "x"]),
            children,
            max_size=5,
        ),
        max_leaves=20,
    )
)
def test_any_envelope_shape_fails_only_with_verification_error(pki, make_verifier, envelope):
    verifier, _ = make_verifier(skill_id=SKILL_ID)
    try:
        _verify_envelope(pki, verifier, envelope)
    except VerificationError as error:
        assert error.check in ("timestamp", "application_id")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    headers=st.dictionaries(
        st.sampled_from(["SignatureCertChainUrl", "signature-256", "Signature", "X"]),
        st.none() | st.integers() | st.text(max_size=60) | st.binary(max_size=10),
    ),
    body=st.none() | st.binary(max_size=30) | st.text(max_size=30),
)
def test_any_header_or_body_shape_fails_only_with_verification_error(make_verifier, headers, body):
    verifier, _ = make_verifier()
    with pytest.raises(VerificationError):
        verifier.verify(headers, body, {})  # type: ignore[arg-type]


def test_broken_clock_fails_only_with_verification_error(pki, roots_path):
    def clock() -> datetime:
        raise RuntimeError("no time")

    verifier = RequestVerifier(trust_roots_pem=roots_path, cert_fetcher=pki.fetcher(), clock=clock)
    envelope = make_envelope()
    body = encode(envelope)
    with pytest.raises(VerificationError):
        verifier.verify(pki.headers(body), body, envelope)


# --- chain cache ----------------------------------------------------------------------------


def test_second_request_uses_the_cached_chain(pki, make_verifier):
    verifier, fetcher = make_verifier()
    for url in VALID_CERT_URLS:
        envelope = make_envelope()
        body = encode(envelope)
        verifier.verify(pki.headers(body, url=url), body, envelope)
    assert fetcher.calls == [CERT_URL]
    assert verifier.cached_urls() == [CERT_URL]


def test_cached_chain_is_not_used_after_the_signing_certificate_expires(pki, make_verifier, clock):
    short_lived = pki.chain_pem(leaf=pki.issue_leaf(not_after=FIXED_NOW + timedelta(minutes=10)))
    verifier, fetcher = make_verifier(short_lived)
    assert verifier.load_chain(CERT_URL)
    clock.advance(minutes=9)
    assert verifier.load_chain(CERT_URL)
    assert len(fetcher.calls) == 1
    clock.advance(minutes=2)
    error = rejected(lambda: verifier.load_chain(CERT_URL), "cert_chain")
    assert "expired" in error.reason
    assert len(fetcher.calls) == 2
    assert verifier.cached_urls() == []


def test_expired_cache_entry_is_replaced_by_a_renewed_chain(pki, make_verifier, clock):
    short_lived = pki.chain_pem(leaf=pki.issue_leaf(not_after=FIXED_NOW + timedelta(minutes=10)))
    verifier, fetcher = make_verifier(short_lived)
    first = verifier.load_chain(CERT_URL)
    clock.advance(minutes=11)
    fetcher.result = TestPKI(now=clock.now).chain_pem()
    second = verifier.load_chain(CERT_URL)
    assert second != first
    assert len(fetcher.calls) == 2


def test_cached_chain_is_not_used_before_it_becomes_valid(pki, make_verifier, clock):
    verifier, fetcher = make_verifier()
    verifier.load_chain(CERT_URL)
    clock.now = FIXED_NOW - timedelta(days=2)
    rejected(lambda: verifier.load_chain(CERT_URL), "cert_chain")
    assert len(fetcher.calls) == 2


def test_cache_is_bounded_and_evicts_the_least_recently_used(pki, make_verifier):
    verifier, fetcher = make_verifier(cache_size=2)
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{n}.pem" for n in range(3)]
    verifier.load_chain(urls[0])
    verifier.load_chain(urls[1])
    verifier.load_chain(urls[0])
    verifier.load_chain(urls[2])
    assert verifier.cached_urls() == [urls[0], urls[2]]
    verifier.load_chain(urls[1])
    assert fetcher.calls == [urls[0], urls[1], urls[2], urls[1]]
    assert len(verifier.cached_urls()) == 2


def test_failed_fetch_is_not_cached(pki, make_verifier):
    verifier, fetcher = make_verifier(OSError("404"))
    rejected(lambda: verifier.load_chain(CERT_URL), "cert_chain")
    fetcher.result = pki.chain_pem()
    assert verifier.load_chain(CERT_URL).subject == pki.leaf.subject
    assert len(fetcher.calls) == 2


def test_concurrent_requests_share_the_verifier_safely(pki, make_verifier):
    verifier, _ = make_verifier(cache_size=2)
    envelope = make_envelope()
    body = encode(envelope)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        url = f"https://s3.amazonaws.com/echo.api/cert-{n % 3}.pem"
        try:
            for _ in range(15):
                verifier.verify(pki.headers(body, url=url), body, envelope)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(verifier.cached_urls()) <= 2


# --- the real Amazon chain ------------------------------------------------------------------


@pytest.fixture(scope="module")
def amazon_chain_pem() -> bytes:
    return AMAZON_CHAIN.read_bytes()


def test_real_amazon_chain_is_trusted_by_certifi_while_valid(amazon_chain_pem):
    verifier = RequestVerifier(
        cert_fetcher=ChainFetcher(amazon_chain_pem),
        clock=lambda: datetime(2020, 1, 1, tzinfo=timezone.utc),
    )
    signing = verifier.load_chain(AMAZON_CERT_URL)
    names = signing.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["echo-api.amazon.com"]


def test_real_amazon_chain_is_rejected_after_it_expired(amazon_chain_pem):
    verifier = RequestVerifier(
        cert_fetcher=ChainFetcher(amazon_chain_pem),
        clock=lambda: datetime(2021, 1, 1, tzinfo=timezone.utc),
    )
    error = rejected(lambda: verifier.load_chain(AMAZON_CERT_URL), "cert_chain")
    assert "expired" in error.reason


def test_real_amazon_chain_is_rejected_by_other_roots(amazon_chain_pem, roots_path):
    verifier = RequestVerifier(
        trust_roots_pem=roots_path,
        cert_fetcher=ChainFetcher(amazon_chain_pem),
        clock=lambda: datetime(2020, 1, 1, tzinfo=timezone.utc),
    )
    error = rejected(lambda: verifier.load_chain(CERT_URL), "cert_chain")
    assert "not trusted" in error.reason


# --- the default fetcher --------------------------------------------------------------------


class _ChainHandler(http.server.BaseHTTPRequestHandler):
    """Serves /ok, /big, /redirect and 404 for everything else."""

    pem = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/ok":
            self._reply(200, self.pem)
        elif self.path == "/big":
            self._reply(200, b"A" * (70 * 1024))
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._reply(404, b"not found")

    def _reply(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def chain_server(pki: TestPKI) -> Iterator[str]:
    handler = type("Handler", (_ChainHandler,), {"pem": pki.chain_pem()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_default_fetcher_downloads_the_chain(chain_server, pki):
    assert fetch_cert_chain(f"{chain_server}/ok") == pki.chain_pem()


@pytest.mark.parametrize("path", ["/missing", "/redirect", "/big"])
def test_default_fetcher_refuses_errors_redirects_and_oversized_chains(chain_server, path):
    with pytest.raises(OSError):
        fetch_cert_chain(f"{chain_server}{path}")
