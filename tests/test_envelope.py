"""The request model: the checked envelope becomes the model ask-sdk-core builds, and bad ones never get past.

``to_request_envelope`` builds the model with ``ModelBuilder`` (the SDK's
rules, over the models' public description); these hold it to the SDK's own
``DefaultSerializer.deserialize`` for every sample request, every request
type Alexa can send, and mutated envelopes: the model is the SDK's, or the
request is refused as ``NotAnEnvelope`` (a 400), never anything else.
"""

from __future__ import annotations

import copy
import json

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from hypothesis import given

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


@pytest.mark.parametrize("name", FIXTURES)
def test_every_sample_request_gets_the_model_the_sdk_builds(name):
    envelope = load_request(name)
    model = to_request_envelope(copy.deepcopy(envelope), RequestSerializer())
    assert model == sdk_model(envelope)
    assert type(model.request) is type(sdk_model(envelope).request)
    assert model.request.timestamp == sdk_model(envelope).request.timestamp is not None


def request_types() -> list[str]:
    from ask_sdk_model import Request

    return sorted(Request.discriminator_value_class_map)


@pytest.mark.parametrize("request_type", request_types())
def test_every_request_type_alexa_sends_gets_the_model_the_sdk_builds(request_type):
    envelope = load_request("launch")
    envelope["request"] = {**envelope["request"], "type": request_type, "unknownField": {"kept": [1, 2]}}
    model = RequestSerializer().from_parsed(copy.deepcopy(envelope))
    assert type(model.request) is type(sdk_model(envelope).request)
    assert model == sdk_model(envelope)


@hostile_settings(150)
@given(envelope=mutated_envelopes())
def test_mutated_envelopes_get_the_sdks_model_or_are_not_an_envelope(envelope):
    try:
        model = to_request_envelope(copy.deepcopy(envelope), RequestSerializer())
    except NotAnEnvelope:
        return
    assert model.request is not None and model.context.system is not None
    sdks = sdk_model(envelope)
    # The SDK's own model (a NaN in the envelope is never equal to itself: then compare what they print,
    # where UTC is dateutil's tzutc() in the SDK's and datetime's timezone.utc in ours, the same instant).
    assert model == sdks or printed(model) == printed(sdks)


def printed(model: RequestEnvelope) -> str:
    return repr(model).replace("tzlocal()", "tzutc()").replace("datetime.timezone.utc", "tzutc()")


TIMESTAMPS = [
    "2026-11-30T09:05:00Z",
    "2026-11-30T09:05:00.5Z",
    "2026-11-30T09:05:00.123456Z",
    "2026-11-30T09:05:00.1234567Z",  # seven digits: not Alexa's form, left to the SDK
    "2026-11-30T09:05:00+05:30",
    "2026-11-30T09:05:00",
    "2024-02-29T23:59:59Z",
    "Mon, 30 Nov 2026 09:05:00 GMT",
]


@pytest.mark.parametrize("stamp", TIMESTAMPS)
def test_timestamps_in_any_form_read_as_the_instant_the_sdk_reads(stamp):
    envelope = load_request("launch")
    envelope["request"]["timestamp"] = stamp
    ours = to_request_envelope(copy.deepcopy(envelope), RequestSerializer()).request.timestamp
    theirs = sdk_model(envelope).request.timestamp
    assert ours == theirs and ours.utcoffset() == theirs.utcoffset()


@pytest.mark.parametrize("stamp", ["2026-02-29T09:05:00Z", "2026-11-30T25:05:00Z", "today", ""])
def test_a_timestamp_that_is_no_time_is_not_an_envelope(stamp):
    envelope = load_request("launch")
    envelope["request"]["timestamp"] = stamp
    with pytest.raises(NotAnEnvelope):
        to_request_envelope(envelope, RequestSerializer())


def test_the_serializer_uses_only_the_sdks_public_methods():
    overridden = {name for name in vars(RequestSerializer) if name.startswith("_") and not name.startswith("__")}
    overridden |= {name for name in vars(RequestSerializer) if "_DefaultSerializer__" in name}
    assert overridden == set()


def test_an_envelope_the_sdk_cannot_map_is_not_an_envelope():
    envelope = load_request("launch")
    envelope["request"]["timestamp"] = "not a time"
    with pytest.raises(NotAnEnvelope):
        to_request_envelope(envelope, RequestSerializer())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "latin-1"])
def test_json_that_is_not_utf8_is_refused(encoding):
    with pytest.raises(ValueError):
        parse_json(json.dumps({"text": "café"}, ensure_ascii=False).encode(encoding))
