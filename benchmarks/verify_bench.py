"""Measure what RequestVerifier.verify() costs per request, cached and uncached, against json.loads."""

from __future__ import annotations

import gc
import itertools
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from skill.verify import RequestVerifier  # noqa: E402
from tests.pki import CERT_URL, FIXED_NOW, ChainFetcher, TestPKI  # noqa: E402

OTHER_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-other.pem"


def sample(operation: Callable[[], object], iterations: int) -> list[float]:
    """Return the wall time of each call to `operation`, in microseconds."""
    timings = []
    gc.disable()  # collections would land on random iterations and blur the tail
    try:
        for _ in range(iterations):
            start = time.perf_counter_ns()
            operation()
            timings.append((time.perf_counter_ns() - start) / 1000)
    finally:
        gc.enable()
    return timings


def p99(timings: list[float]) -> float:
    """Return the 99th percentile (nearest rank)."""
    ordered = sorted(timings)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def envelope_and_body() -> tuple[dict, bytes]:
    """Return a realistic IntentRequest envelope and its JSON body (about 1.5 KB)."""
    stamp = FIXED_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    app = {"applicationId": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"}
    user = {"userId": "amzn1.ask.account." + "A" * 200}
    envelope = {
        "version": "1.0",
        "session": {"new": False, "sessionId": "amzn1.echo-api.session.1", "application": app,
                    "user": user, "attributes": {}},
        "context": {"System": {"application": app, "user": user,
                               "device": {"deviceId": "amzn1.ask.device." + "B" * 200,
                                          "supportedInterfaces": {}},
                               "apiEndpoint": "https://api.amazonalexa.com"}},
        "request": {"type": "IntentRequest", "requestId": "amzn1.echo-api.request.1",
                    "timestamp": stamp, "locale": "en-US",
                    "intent": {"name": "RecordGlimmerIntent", "confirmationStatus": "NONE",
                               "slots": {"glimmer": {"name": "glimmer", "confirmationStatus": "NONE",
                                                     "value": "the light on the kitchen wall"}}}},
    }
    return envelope, json.dumps(envelope).encode()


def amazon_fixture() -> bytes | None:
    """Return the real Amazon chain from shared/fixtures, or None where it is absent."""
    shared = os.environ.get("GLIMMERS_SHARED_DIR") or REPO.parent / "shared"
    path = Path(shared) / "fixtures" / "echo-api-cert-7.pem"
    return path.read_bytes() if path.is_file() else None


def main() -> None:
    """Run every measurement and print a markdown table."""
    pki = TestPKI()
    envelope, body = envelope_and_body()
    headers = pki.headers(body)
    clock = lambda: FIXED_NOW  # noqa: E731
    rows: list[tuple[str, list[float]]] = []

    with tempfile.TemporaryDirectory() as tmp:
        roots = pki.roots_pem_path(Path(tmp))

        rows.append(("json.loads(body) (baseline)", sample(lambda: json.loads(body), 20000)))

        cached = RequestVerifier(trust_roots_pem=roots, cert_fetcher=pki.fetcher(), clock=clock)
        cached.verify(headers, body, envelope)
        rows.append(("verify(), chain cached", sample(lambda: cached.verify(headers, body, envelope), 5000)))

        # With one cache slot and two URLs every call fetches (from memory), parses and validates.
        missing = RequestVerifier(trust_roots_pem=roots, cert_fetcher=pki.fetcher(), clock=clock,
                                  cache_size=1)
        missing.verify(dict(headers, SignatureCertChainUrl=OTHER_URL), body, envelope)
        alternating = itertools.cycle(
            [dict(headers, SignatureCertChainUrl=url) for url in (CERT_URL, OTHER_URL)]
        )
        rows.append(("verify(), chain not cached (roots loaded)",
                     sample(lambda: missing.verify(next(alternating), body, envelope), 1000)))

        def first_request() -> None:
            fresh = RequestVerifier(trust_roots_pem=roots, cert_fetcher=pki.fetcher(), clock=clock)
            fresh.verify(headers, body, envelope)

        rows.append(("first verify() of a new verifier (1-root bundle)", sample(first_request, 300)))

    amazon = amazon_fixture()
    if amazon is not None:
        in_2020 = lambda: datetime(2020, 1, 1, tzinfo=timezone.utc)  # noqa: E731

        def certifi_cold() -> None:
            RequestVerifier(cert_fetcher=ChainFetcher(amazon), clock=in_2020).load_chain(CERT_URL)

        rows.append(("load_chain(), real Amazon chain, new verifier (certifi roots)",
                     sample(certifi_cold, 30)))
        warm = RequestVerifier(cert_fetcher=ChainFetcher(amazon), clock=in_2020, cache_size=1)
        warm.load_chain(OTHER_URL)
        pair = itertools.cycle([CERT_URL, OTHER_URL])
        rows.append(("load_chain(), real Amazon chain, not cached (certifi loaded)",
                     sample(lambda: warm.load_chain(next(pair)), 200)))

    baseline = statistics.median(rows[0][1])
    print(f"Python {sys.version.split()[0]}, body {len(body)} bytes, 2048-bit RSA\n")
    print("| operation | runs | median (µs) | p99 (µs) | median ÷ json.loads |")
    print("|---|---:|---:|---:|---:|")
    for name, timings in rows:
        median = statistics.median(timings)
        print(f"| {name} | {len(timings)} | {median:,.1f} | {p99(timings):,.1f} | {median / baseline:,.1f}× |")


if __name__ == "__main__":
    main()
