"""The request model: ``RequestSerializer`` builds exactly what ask-sdk-core's ``DefaultSerializer`` builds.

``RequestSerializer`` only remembers work that ``DefaultSerializer`` repeats
on every request (class lookups, parsing Alexa's timestamp form); these tests
hold it to the SDK's own answer for every sample request, for mutated
envelopes and for timestamps in many forms, so an ask-sdk-core upgrade that
changes the SDK's rules shows up here.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime

import dateutil.parser
import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from hypothesis import given, strategies as st

import conftest
from conftest import REQUESTS
from skill.envelope import NotAnEnvelope, RequestSerializer, parse_json, to_request_envelope
from test_hostile import hostile_settings, mutated_envelopes

FIXTURES = sorted(p.stem for p in REQUESTS.glob("*.json"))


def load_request(name: str, **changes):
    """A fixture as it is on disk, request ID included, so two loads give equal models."""
    return conftest.load_request(name, request_id="amzn1.echo-api.request.fixed", **changes)


def sdk_model(envelope: dict) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)


def outcome(build, envelope: dict):
    """The model, or the kind of failure."""
    try:
        return build(copy.deepcopy(envelope))
    except Exception as exc:  # both serialisers raise SerializationException for what they cannot map
        return type(exc).__name__


@pytest.mark.parametrize("name", FIXTURES)
def test_every_sample_request_gets_the_model_the_sdk_builds(name):
    envelope = load_request(name)
    model = RequestSerializer().from_parsed(copy.deepcopy(envelope))
    assert model == sdk_model(envelope)
    assert type(model.request) is type(sdk_model(envelope).request)


@hostile_settings(150)
@given(envelope=mutated_envelopes())
def test_mutated_envelopes_get_the_model_or_the_failure_the_sdk_gives(envelope):
    ours, sdks = outcome(RequestSerializer().from_parsed, envelope), outcome(sdk_model, envelope)
    # Or by their printed form: a NaN somewhere in the envelope is never equal to itself.
    assert ours == sdks or repr(ours) == repr(sdks)


TIMESTAMPS = [
    "2026-11-30T09:05:00Z",
    "2026-11-30T09:05:00.5Z",
    "2026-11-30T09:05:00.123456Z",
    "2026-11-30T09:05:00.1234567Z",  # seven digits: not Alexa's form, left to dateutil
    "2026-11-30T09:05:00+00:00",
    "2026-11-30T09:05:00+05:30",
    "2026-11-30T09:05:00",
    "2026-11-30 09:05:00Z",
    "2024-02-29T23:59:59Z",
    "2026-02-29T09:05:00Z",  # no such day: both refuse
    "2026-11-30T25:05:00Z",
    "Mon, 30 Nov 2026 09:05:00 GMT",
    "today",
    "",
]


@pytest.mark.parametrize("stamp", TIMESTAMPS)
def test_timestamps_in_any_form_read_as_the_sdk_reads_them(stamp):
    envelope = load_request("launch")
    envelope["request"]["timestamp"] = stamp
    ours, theirs = outcome(RequestSerializer().from_parsed, envelope), outcome(sdk_model, envelope)
    assert ours == theirs
    if isinstance(ours, RequestEnvelope):
        # The same instant and offset. (dateutil names UTC ``tzlocal()`` on a machine whose zone is
        # UTC and ``tzutc()`` elsewhere; RequestSerializer always says ``tzutc()``.)
        assert ours.request.timestamp.utcoffset() == theirs.request.timestamp.utcoffset()


@given(moment=st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1)), digits=st.integers(0, 6))
def test_any_alexa_timestamp_reads_as_dateutil_reads_it(moment, digits):
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond:06d}"[: digits + 1] if digits else "") + "Z"
    envelope = load_request("launch")
    envelope["request"]["timestamp"] = stamp
    assert RequestSerializer().from_parsed(envelope).request.timestamp == dateutil.parser.parse(stamp)


def test_alexa_timestamps_are_read_without_dateutil(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("dateutil was asked")

    monkeypatch.setattr(dateutil.parser, "parse", refuse)
    model = RequestSerializer().from_parsed(load_request("record_glimmer"))
    assert model.request.timestamp.year >= 2019


def test_class_lookups_are_remembered(monkeypatch):
    expected = sdk_model(load_request("record_glimmer"))
    RequestSerializer().from_parsed(load_request("record_glimmer"))

    def refuse(*args, **kwargs):
        raise AssertionError("a class was looked up again")

    monkeypatch.setattr(DefaultSerializer, "_DefaultSerializer__load_class_from_name", refuse)
    assert RequestSerializer().from_parsed(load_request("record_glimmer")) == expected


def test_an_envelope_the_sdk_cannot_map_is_not_an_envelope():
    envelope = load_request("launch")
    envelope["request"]["timestamp"] = "not a time"
    with pytest.raises(NotAnEnvelope):
        to_request_envelope(envelope, RequestSerializer())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "latin-1"])
def test_json_that_is_not_utf8_is_refused(encoding):
    with pytest.raises(ValueError):
        parse_json(json.dumps({"text": "café"}, ensure_ascii=False).encode(encoding))
