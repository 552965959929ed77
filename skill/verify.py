"""Checks that an HTTP request really comes from Alexa, as Amazon requires of self-hosted skills.

The checks follow "Host a Custom Skill as a Web Service" (Alexa Skills Kit docs) and run in
this order, the first failure winning: headers, cert_url, cert_chain, signature, timestamp,
application_id.

Certificate URL decisions beyond the documented rules (all are "cert_url" failures):
  * the URL must be printable ASCII; the host part must be exactly ``s3.amazonaws.com`` with an
    optional ``:443`` (so no user-info, trailing dot, other port spelling or empty port);
  * the path may only hold unreserved characters and ``/``: percent-encoding (``%2e%2e``),
    backslashes, ``;``, spaces and the like are refused rather than decoded, since Amazon's
    URLs never need them and a decoder is where traversal tricks live;
  * no query string or fragment, and the path must name a file below ``/echo.api/``.
The chain is then fetched from the normalised URL, so what is fetched is what was checked.

The chain is validated with cryptography's web PKI server verifier for ``echo-api.amazon.com``
at the verifier's clock. On top of it the subjectAltName must list that name literally
(``*.amazon.com`` is refused) and keyUsage must allow digitalSignature; extended key usage is
left unconstrained because Amazon specifies none for this certificate.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import ssl
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
)
from cryptography.x509.verification import VerificationError as ChainError

from .envelope import dig

__all__ = [
    "CHECKS",
    "RequestVerifier",
    "VerificationError",
    "fetch_cert_chain",
    "normalise_cert_url",
    "parse_timestamp",
]

logger = logging.getLogger(__name__)

CHECKS = ("headers", "cert_url", "cert_chain", "signature", "timestamp", "application_id")

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
SIGNING_NAME = "echo-api.amazon.com"
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"

TIMESTAMP_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(seconds=3600)
SKILL_EVENT_PREFIX = "AlexaSkillEvent."

FETCH_TIMEOUT_SECONDS = 5.0
MAX_CHAIN_BYTES = 64 * 1024
MAX_CHAIN_CERTIFICATES = 8

_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+")
_CERT_NETLOC = re.compile(r"s3\.amazonaws\.com(?::443)?", re.IGNORECASE)
_SAFE_PATH = re.compile(r"[A-Za-z0-9._~/-]*")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})",
    re.ASCII | re.IGNORECASE,
)


class VerificationError(Exception):
    """A request failed one of Alexa's checks; answered with HTTP 400."""

    def __init__(self, check: str, reason: str) -> None:
        super().__init__(f"{check}: {reason}")
        self.check = check
        self.reason = reason


def normalise_cert_url(url: object) -> str:
    """Return the canonical form of an Alexa certificate chain URL, or raise VerificationError("cert_url")."""
    if not isinstance(url, str) or not _PRINTABLE_ASCII.fullmatch(url):
        raise VerificationError("cert_url", "URL is empty or not printable ASCII")
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() != "https":
        raise VerificationError("cert_url", "URL scheme is not https")
    netloc, slash, path_and_more = rest.partition("/")
    if not _CERT_NETLOC.fullmatch(netloc):
        raise VerificationError("cert_url", f"URL host is not {CERT_HOST}")
    if "?" in path_and_more or "#" in path_and_more:
        raise VerificationError("cert_url", "URL has a query or fragment")
    path = slash + path_and_more
    if not _SAFE_PATH.fullmatch(path):
        raise VerificationError("cert_url", "URL path has characters outside [A-Za-z0-9._~/-]")
    path = _remove_dot_segments(path)
    if not path.startswith(CERT_PATH_PREFIX) or path.endswith("/"):
        raise VerificationError("cert_url", f"URL path is not a file under {CERT_PATH_PREFIX}")
    return f"https://{CERT_HOST}{path}"


def _remove_dot_segments(path: str) -> str:
    """Resolve '.' and '..' segments as RFC 3986 section 5.2.4 does."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/".join(output) if output and output[0] == "" else "/" + "/".join(output)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Redirect handler that refuses to follow: the chain must come from the checked URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        raise urllib.error.HTTPError(req.full_url, code, "redirect refused", headers, fp)


def fetch_cert_chain(url: str) -> bytes:
    """Download a PEM chain with a 5 s timeout and a 64 KiB cap (the default cert_fetcher)."""
    context = ssl.create_default_context(cafile=certifi.where())
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context), _RefuseRedirects()
    )
    deadline = time.monotonic() + FETCH_TIMEOUT_SECONDS
    with opener.open(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")
        data = bytearray()
        # The socket timeout bounds each read; the deadline bounds a server that trickles bytes.
        while chunk := response.read(8192):
            data += chunk
            if len(data) > MAX_CHAIN_BYTES:
                raise OSError("certificate chain too large")
            if time.monotonic() > deadline:
                raise TimeoutError("certificate chain download too slow")
    return bytes(data)


@dataclass(frozen=True)
class _SigningCertificate:
    """A validated chain's signing certificate, its key and the window in which the whole chain is valid."""

    certificate: x509.Certificate
    public_key: rsa.RSAPublicKey
    valid_from: datetime
    valid_until: datetime

    def usable_at(self, now: datetime) -> bool:
        """Return whether every certificate of the chain is valid at `now`."""
        return self.valid_from <= now <= self.valid_until


def _signing_certificate_policy() -> ExtensionPolicy:
    """Return the web PKI end-entity policy with extended key usage left unconstrained."""
    # Amazon names no extended key usage for this certificate and its own SDKs check none,
    # whereas the web PKI default would demand serverAuth from a certificate that signs requests.
    # Name and key usage are checked by _check_signing_certificate, with reasons operators can act on.
    return ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None
    )


class RequestVerifier:
    """Verifies Alexa request signatures, timestamps and application IDs."""

    def __init__(
        self,
        *,
        trust_roots_pem: str | os.PathLike[str] | None = None,
        cert_fetcher: Callable[[str], bytes] | None = None,
        clock: Callable[[], datetime] | None = None,
        skill_id: str | None = None,
        cache_size: int = 16,
    ) -> None:
        self._trust_roots_pem = trust_roots_pem
        self._fetch = cert_fetcher or fetch_cert_chain
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.skill_id = skill_id
        self.cache_size = max(1, int(cache_size))
        self._store: Store | None = None
        self._store_lock = threading.Lock()
        self._cache: OrderedDict[str, _SigningCertificate] = OrderedDict()
        self._cache_lock = threading.Lock()

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: dict) -> None:
        """Raise VerificationError at the first failed check, in the order of CHECKS."""
        cert_url = _required_header(headers, CERT_URL_HEADER)
        signature_b64 = _required_header(headers, SIGNATURE_HEADER)
        now = self._now()
        signing = self._signing_certificate(cert_url, now)
        _check_signature(signing.public_key, signature_b64, body)
        _check_timestamp(envelope, now)
        if self.skill_id is not None:
            check_application_id(envelope, self.skill_id)

    def load_chain(self, url: str) -> x509.Certificate:
        """Return the validated signing certificate at `url` (cached), or raise VerificationError."""
        return self._signing_certificate(url, self._now()).certificate

    def cached_urls(self) -> list[str]:
        """Return the URLs whose validated chains are cached, least recently used first."""
        with self._cache_lock:
            return list(self._cache)

    def _now(self) -> datetime:
        try:
            now = self._clock()
            if now.tzinfo is None:
                return now.replace(tzinfo=timezone.utc)
            return now.astimezone(timezone.utc)
        except Exception as exc:  # a broken clock must not turn into a 500
            logger.debug("clock failed: %r", exc)
            raise VerificationError("timestamp", "clock unavailable") from None

    def _signing_certificate(self, url: object, now: datetime) -> _SigningCertificate:
        canonical_url = normalise_cert_url(url)
        with self._cache_lock:
            cached = self._cache.get(canonical_url)
            if cached is not None:
                if cached.usable_at(now):
                    self._cache.move_to_end(canonical_url)
                    return cached
                del self._cache[canonical_url]
        # Fetch outside the lock so that one slow download does not stall every request.
        signing = self._fetch_and_validate(canonical_url, now)
        with self._cache_lock:
            self._cache[canonical_url] = signing
            self._cache.move_to_end(canonical_url)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return signing

    def _fetch_and_validate(self, url: str, now: datetime) -> _SigningCertificate:
        try:
            pem = self._fetch(url)
        except Exception as exc:
            logger.debug("fetching %s failed: %r", url, exc)
            raise VerificationError("cert_chain", "certificate chain could not be fetched") from None
        try:
            certificates = x509.load_pem_x509_certificates(bytes(pem))
        except Exception as exc:
            logger.debug("parsing the chain from %s failed: %r", url, exc)
            raise VerificationError("cert_chain", "certificate chain is empty or not PEM") from None
        if len(certificates) > MAX_CHAIN_CERTIFICATES:
            raise VerificationError("cert_chain", "certificate chain is too long")
        leaf, intermediates = certificates[0], certificates[1:]
        _check_signing_certificate(leaf, now)
        store = self._trust_store()
        try:
            verifier = (
                PolicyBuilder()
                .store(store)
                .time(now)
                .extension_policies(
                    ca_policy=ExtensionPolicy.webpki_defaults_ca(),
                    ee_policy=_signing_certificate_policy(),
                )
                .build_server_verifier(x509.DNSName(SIGNING_NAME))
            )
            chain = verifier.verify(leaf, intermediates)
        except ChainError as exc:
            logger.debug("chain from %s rejected: %s", url, exc)
            raise VerificationError(
                "cert_chain", f"certificate chain is not trusted: {_chain_error_summary(exc)}"
            ) from None
        except Exception as exc:
            logger.debug("chain from %s could not be validated: %r", url, exc)
            raise VerificationError("cert_chain", "certificate chain could not be validated") from None
        return _SigningCertificate(
            certificate=leaf,
            public_key=leaf.public_key(),  # type: ignore[arg-type]  # RSA checked above
            valid_from=max(c.not_valid_before_utc for c in chain),
            valid_until=min(c.not_valid_after_utc for c in chain),
        )

    def _trust_store(self) -> Store:
        if self._store is not None:
            return self._store
        with self._store_lock:
            if self._store is None:
                self._store = self._load_trust_store()
            return self._store

    def _load_trust_store(self) -> Store:
        path = self._trust_roots_pem
        try:
            if path is None:
                path = certifi.where()
            with open(path, "rb") as roots:
                data = roots.read()
            with warnings.catch_warnings():
                # Public bundles carry a few old roots with non-positive serials; they still parse.
                warnings.simplefilter("ignore", CryptographyDeprecationWarning)
                return Store(x509.load_pem_x509_certificates(data))
        except Exception as exc:
            logger.debug("loading trust roots from %s failed: %r", path, exc)
            raise VerificationError("cert_chain", "trust roots could not be loaded") from None


def _required_header(headers: Mapping[str, str], name: str) -> str:
    """Return the one non-empty value of header `name`, looked up case-insensitively."""
    wanted = name.lower()
    try:
        values = [v for k, v in headers.items() if isinstance(k, str) and k.lower() == wanted]
    except Exception:
        raise VerificationError("headers", "headers are unreadable") from None
    if not values:
        raise VerificationError("headers", f"{name} header is missing")
    if len(values) > 1:
        raise VerificationError("headers", f"{name} header is repeated")
    value = values[0]
    if not isinstance(value, str) or not value.strip():
        raise VerificationError("headers", f"{name} header is empty")
    return value


def _check_signing_certificate(leaf: x509.Certificate, now: datetime) -> None:
    """Raise VerificationError("cert_chain") unless the leaf is a current RSA signing certificate."""
    if now < leaf.not_valid_before_utc:
        raise VerificationError("cert_chain", "signing certificate is not yet valid")
    if now > leaf.not_valid_after_utc:
        raise VerificationError("cert_chain", "signing certificate has expired")
    try:
        extensions = leaf.extensions
        san = extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        raise VerificationError("cert_chain", "signing certificate has no subjectAltName") from None
    except Exception:
        raise VerificationError("cert_chain", "signing certificate extensions are unreadable") from None
    # Only the literal name counts: the stock server policy would let "*.amazon.com" match.
    if SIGNING_NAME not in (name.lower() for name in san.get_values_for_type(x509.DNSName)):
        raise VerificationError("cert_chain", f"signing certificate is not for {SIGNING_NAME}")
    try:
        key_usage = extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise VerificationError("cert_chain", "signing certificate has no keyUsage") from None
    if not key_usage.digital_signature:
        raise VerificationError("cert_chain", "signing certificate keyUsage lacks digitalSignature")
    try:
        public_key = leaf.public_key()
    except Exception:
        raise VerificationError("cert_chain", "signing certificate key is unreadable") from None
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise VerificationError("cert_chain", "signing certificate key is not RSA")


def _chain_error_summary(error: Exception) -> str:
    """Return cryptography's reason for rejecting a chain, without the certificate dump, capped in length."""
    text = str(error).removeprefix("validation failed: ")
    text = text.split(" (encountered processing", 1)[0]
    return text[:120]


def _check_signature(public_key: rsa.RSAPublicKey, signature_b64: str, body: object) -> None:
    """Raise VerificationError("signature") unless the header signs the exact body bytes."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        raise VerificationError("signature", "Signature-256 is not valid base64") from None
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise VerificationError("signature", "request body is not bytes")
    try:
        public_key.verify(signature, bytes(body), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise VerificationError("signature", "signature does not match the body") from None
    except Exception as exc:
        logger.debug("signature check failed unexpectedly: %r", exc)
        raise VerificationError("signature", "signature could not be checked") from None


def parse_timestamp(value: object) -> datetime:
    """Parse an Alexa ISO 8601 timestamp (offset required, fractional seconds allowed) to aware UTC."""
    if not isinstance(value, str):
        raise ValueError("timestamp is not a string")
    match = _TIMESTAMP.fullmatch(value.strip())
    if match is None:
        raise ValueError("timestamp is not ISO 8601 date-time with offset")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    if offset.upper() == "Z":
        tz = timezone.utc
    else:
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    parsed = datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micros, tzinfo=tz
    )
    return parsed.astimezone(timezone.utc)


def _check_timestamp(envelope: object, now: datetime) -> None:
    """Raise VerificationError("timestamp") unless the request is fresh enough."""
    request = envelope.get("request") if isinstance(envelope, dict) else None
    if not isinstance(request, dict):
        raise VerificationError("timestamp", "request object is missing")
    if "timestamp" not in request:
        raise VerificationError("timestamp", "request.timestamp is missing")
    try:
        sent = parse_timestamp(request["timestamp"])
    except (ValueError, OverflowError):
        raise VerificationError("timestamp", "request.timestamp is not a valid timestamp") from None
    request_type = request.get("type")
    is_skill_event = isinstance(request_type, str) and request_type.startswith(SKILL_EVENT_PREFIX)
    max_age = SKILL_EVENT_TOLERANCE if is_skill_event else TIMESTAMP_TOLERANCE
    if now - sent > max_age:
        raise VerificationError("timestamp", "request.timestamp is too old")
    if sent - now > TIMESTAMP_TOLERANCE:
        raise VerificationError("timestamp", "request.timestamp is in the future")


def check_application_id(envelope: object, skill_id: str) -> None:
    """Raise VerificationError("application_id") unless every application ID present is ours."""
    if not isinstance(envelope, dict):
        raise VerificationError("application_id", "request envelope is not an object")
    if envelope.get("session") is not None:
        if dig(envelope, "session", "application", "applicationId") != skill_id:
            raise VerificationError("application_id", "session.application.applicationId does not match")
    if dig(envelope, "context", "System", "application", "applicationId") != skill_id:
        raise VerificationError(
            "application_id", "context.System.application.applicationId does not match"
        )
