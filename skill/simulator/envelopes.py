"""Request envelopes shaped like the ones Alexa sends (and like tests/requests/*.json)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from .model import InteractionModel
from .resolver import SlotFill

SAMPLE_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
SAMPLE_USER_ID = "amzn1.ask.account.AGLIMMERSAMPLEUSER0000000000000000000000000000000000000000"
SAMPLE_DEVICE_ID = "amzn1.ask.device.AGLIMMERSAMPLEDEVICE000000"
ALEXA_API_ENDPOINT = "https://api.amazonalexa.com"
DEFAULT_LOCALE = "en-US"


@dataclass(frozen=True)
class Identity:
    """Who is talking, on which device, where: everything in ``context.System`` and ``session.user``."""

    user_id: str = SAMPLE_USER_ID
    person_id: str | None = None
    device_id: str = SAMPLE_DEVICE_ID
    locale: str = DEFAULT_LOCALE
    timezone: str = "UTC"
    skill_id: str = SAMPLE_SKILL_ID
    api_endpoint: str = ALEXA_API_ENDPOINT
    api_access_token: str = "sample.api.access.token"
    # Set once the person has allowed the skill's permissions (for reminders, by voice or in the Alexa app).
    consent_token: str | None = None

    def with_consent(self, token: str) -> Identity:
        return replace(self, consent_token=token)

    def with_endpoint(self, endpoint: str, token: str) -> Identity:
        return replace(self, api_endpoint=endpoint, api_access_token=token)


def new_access_token() -> str:
    """An opaque bearer token for one chat (Alexa's are JWTs; the skill only passes them on)."""
    return "glimmers-chat." + secrets.token_urlsafe(24)


def new_request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


def new_session_id() -> str:
    return f"amzn1.echo-api.session.{uuid.uuid4()}"


def alexa_timestamp(now: datetime) -> str:
    """``2026-11-30T09:00:00Z``: UTC, whole seconds, as Alexa writes it."""
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(identity: Identity, request: dict[str, Any], session: dict[str, Any] | None) -> dict[str, Any]:
    """A full request envelope around ``request``; ``session`` is None for out-of-session requests."""
    system: dict[str, Any] = {
        "application": {"applicationId": identity.skill_id},
        "user": user_part(identity),
        "device": {"deviceId": identity.device_id, "supportedInterfaces": {}},
        "apiEndpoint": identity.api_endpoint,
        "apiAccessToken": identity.api_access_token,
    }
    if identity.person_id:
        system["person"] = {"personId": identity.person_id, "accessToken": identity.api_access_token}
    result: dict[str, Any] = {"version": "1.0"}
    if session is not None:
        result["session"] = session
    result["context"] = {"System": system}
    result["request"] = request
    return result


def session_part(identity: Identity, session_id: str, new: bool, attributes: dict[str, Any]) -> dict[str, Any]:
    return {
        "new": new,
        "sessionId": session_id,
        "application": {"applicationId": identity.skill_id},
        "attributes": attributes,
        "user": user_part(identity),
    }


def user_part(identity: Identity) -> dict[str, Any]:
    """``user``: the user ID, and the consent token once permissions were given."""
    user: dict[str, Any] = {"userId": identity.user_id}
    if identity.consent_token:
        user["permissions"] = {"consentToken": identity.consent_token}
    return user


def launch_request(identity: Identity, now: datetime) -> dict[str, Any]:
    return {
        "type": "LaunchRequest",
        "requestId": new_request_id(),
        "timestamp": alexa_timestamp(now),
        "locale": identity.locale,
    }


def intent_request(
    identity: Identity, now: datetime, intent: dict[str, Any], dialog_state: str | None
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "type": "IntentRequest",
        "requestId": new_request_id(),
        "timestamp": alexa_timestamp(now),
        "locale": identity.locale,
    }
    if dialog_state is not None:
        request["dialogState"] = dialog_state
    request["intent"] = intent
    return request


def connections_response(
    identity: Identity, now: datetime, name: str, payload: dict[str, Any], token: str | None
) -> dict[str, Any]:
    """Alexa's answer to a ``Connections.SendRequest`` (for ``AskFor``: whether the person allowed it)."""
    request: dict[str, Any] = {
        "type": "Connections.Response",
        "requestId": new_request_id(),
        "timestamp": alexa_timestamp(now),
        "locale": identity.locale,
        "status": {"code": "200", "message": "OK"},
        "name": name,
        "payload": payload,
    }
    if token is not None:
        request["token"] = token
    return request


def session_ended_request(identity: Identity, now: datetime, reason: str) -> dict[str, Any]:
    return {
        "type": "SessionEndedRequest",
        "requestId": new_request_id(),
        "timestamp": alexa_timestamp(now),
        "locale": identity.locale,
        "reason": reason,
    }


def intent_json(
    model: InteractionModel, skill_id: str, name: str, fills: dict[str, SlotFill], confirmation: str = "NONE"
) -> dict[str, Any]:
    """The ``intent`` object: every slot the model declares, filled ones with value and resolutions."""
    declared = model.intents.get(name)
    slot_names = list(declared.slots) if declared else []
    slot_names += [n for n in fills if n not in slot_names]
    slots = {}
    for slot_name in slot_names:
        fill = fills.get(slot_name)
        slots[slot_name] = slot_json(fill, skill_id) if fill else {"name": slot_name, "confirmationStatus": "NONE"}
    return {"name": name, "confirmationStatus": confirmation, "slots": slots}


def slot_json(fill: SlotFill, skill_id: str, confirmation: str = "NONE") -> dict[str, Any]:
    """A filled slot as Alexa sends it, with entity resolution for custom slot types."""
    slot: dict[str, Any] = {"name": fill.name, "value": fill.value}
    simple: dict[str, Any] = {"type": "Simple", "value": fill.value}
    if fill.matches is not None:
        resolutions = resolutions_json(fill, skill_id)
        slot["resolutions"] = resolutions
        simple["resolutions"] = resolutions
    slot["confirmationStatus"] = confirmation
    slot["source"] = "USER"
    slot["slotValue"] = simple
    return slot


def resolutions_json(fill: SlotFill, skill_id: str) -> dict[str, Any]:
    authority: dict[str, Any] = {"authority": f"amzn1.er-authority.echo-sdk.{skill_id}.{fill.type}"}
    if fill.matches:
        authority["status"] = {"code": "ER_SUCCESS_MATCH"}
        authority["values"] = [{"value": {"name": v.name, "id": v.id or _generated_id(v.name)}} for v in fill.matches]
    else:
        authority["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
    return {"resolutionsPerAuthority": [authority]}


def _generated_id(name: str) -> str:
    """Alexa's ID for a slot value declared without one: a hash of its name."""
    return hashlib.md5(name.encode("utf-8")).hexdigest()
