"""A stand-in for the Alexa Reminders API, served by the simulator's local API server.

It speaks the API's shapes (``POST /v1/alerts/reminders``, ``GET``, ``PUT``
and ``DELETE /v1/alerts/reminders/{alertToken}``, a ``ReminderRequest`` body,
``ReminderResponse`` answers), refuses a body that is not a sound
``ReminderRequest`` (400, as Alexa does), and answers 401 to a token the
person has not given the reminders permission (``grant`` gives it, as the
voice consent does). Every reminder set, changed or cancelled is noted in
``events`` for ``glimmers chat`` to print.

Tests can make it fail: ``fail_with`` answers every call with that status,
``slow_seconds`` waits before answering.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REMINDERS_PATH = "/v1/alerts/reminders"
TRIGGER_TYPES = ("SCHEDULED_ABSOLUTE", "SCHEDULED_RELATIVE")
PUSH_STATUSES = ("ENABLED", "DISABLED")


@dataclass(frozen=True)
class ReminderEvent:
    """A reminder the skill set ("set"), changed ("changed") or cancelled ("cancelled")."""

    kind: str
    alert_token: str
    body: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for the chat transcript: when, where, and the words Alexa will say."""
        if self.kind == "cancelled":
            return f"cancelled reminder {self.alert_token}"
        trigger = self.body.get("trigger") or {}
        recurrence = trigger.get("recurrence") or {}
        rules = "; ".join(recurrence.get("recurrenceRules") or []) or "once"
        when = recurrence.get("startDateTime") or trigger.get("scheduledTime") or "?"
        zone = trigger.get("timeZoneId") or "the device's time zone"
        content = ((self.body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or [{}]
        words = content[0].get("text", "")
        return f'{self.kind} reminder {self.alert_token}: from {when} ({zone}), {rules}, saying "{words}"'


class RemindersStandIn:
    """The reminders of one Alexa user, and the access tokens allowed to touch them."""

    def __init__(self) -> None:
        self.reminders: dict[str, dict[str, Any]] = {}
        self.events: list[ReminderEvent] = []
        self.calls: list[tuple[str, str]] = []
        self.fail_with: int | None = None
        self.slow_seconds = 0.0
        self._granted: set[str] = set()
        self._lock = threading.Lock()
        self._shown = 0

    def grant(self, token: str) -> None:
        """The person allowed reminders: requests with this token may now set them."""
        with self._lock:
            self._granted.add(token)

    def revoke(self, token: str) -> None:
        with self._lock:
            self._granted.discard(token)

    def new_events(self) -> list[ReminderEvent]:
        """The events since the last call (for printing as they happen)."""
        with self._lock:
            fresh = self.events[self._shown:]
            self._shown = len(self.events)
        return fresh

    def answer(self, method: str, path: str, authorization: str | None, body: bytes) -> tuple[int, Any]:
        """The status and JSON body (None for none) the Reminders API would give."""
        path = urllib.parse.unquote(path.split("?", 1)[0]).rstrip("/")
        with self._lock:
            self.calls.append((method, path))
        if self.slow_seconds:
            time.sleep(self.slow_seconds)
        if self.fail_with is not None:
            return self.fail_with, {"code": "SIMULATED_FAILURE", "message": f"the stand-in was told to answer {self.fail_with}"}
        token = (authorization or "").removeprefix("Bearer ")
        with self._lock:
            if not authorization or not authorization.startswith("Bearer ") or token not in self._granted:
                return 401, {"code": "UNAUTHORIZED", "message": "the person has not allowed this skill's reminders"}
            if path == REMINDERS_PATH:
                if method == "POST":
                    return self._create(body)
                if method == "GET":
                    return 200, {"totalCount": str(len(self.reminders)), "alerts": list(self.reminders.values()), "links": None}
                return 405, {"code": "METHOD_NOT_ALLOWED", "message": f"{method} {REMINDERS_PATH}"}
            if not path.startswith(REMINDERS_PATH + "/"):
                return 404, {"code": "NOT_FOUND", "message": f"only {REMINDERS_PATH} is simulated"}
            alert_token = path[len(REMINDERS_PATH) + 1:]
            if method in ("PUT", "POST") and alert_token not in self.reminders:
                return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
            if method == "GET":
                if alert_token not in self.reminders:
                    return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
                return 200, self.reminders[alert_token]
            if method == "DELETE":
                if self.reminders.pop(alert_token, None) is None:
                    return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
                self.events.append(ReminderEvent("cancelled", alert_token))
                return 200, None
            if method in ("PUT", "POST"):
                return self._update(alert_token, body)
            return 405, {"code": "METHOD_NOT_ALLOWED", "message": method}

    def _create(self, body: bytes) -> tuple[int, Any]:
        request, problem = _reminder_request(body)
        if request is None:
            return 400, {"code": "INVALID_REQUEST", "message": problem}
        alert_token = secrets.token_hex(16)
        now = _now()
        self.reminders[alert_token] = {
            "alertToken": alert_token, "createdTime": now, "updatedTime": now, "status": "ON", "version": "1",
            **{name: request[name] for name in ("trigger", "alertInfo", "pushNotification")},
        }
        self.events.append(ReminderEvent("set", alert_token, request))
        return 200, _response(self.reminders[alert_token])

    def _update(self, alert_token: str, body: bytes) -> tuple[int, Any]:
        request, problem = _reminder_request(body)
        if request is None:
            return 400, {"code": "INVALID_REQUEST", "message": problem}
        kept = self.reminders[alert_token]
        kept.update({name: request[name] for name in ("trigger", "alertInfo", "pushNotification")})
        kept["updatedTime"] = _now()
        kept["version"] = str(int(kept["version"]) + 1)
        self.events.append(ReminderEvent("changed", alert_token, request))
        return 200, _response(kept)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _response(kept: dict[str, Any]) -> dict[str, Any]:
    """A ReminderResponse."""
    return {name: kept[name] for name in ("alertToken", "createdTime", "updatedTime", "status", "version")} | {
        "href": f"{REMINDERS_PATH}/{kept['alertToken']}"
    }


def _local_time(value: Any) -> bool:
    """An ISO 8601 date-time without a zone, as the API wants scheduled times ("2026-12-01T20:00:00")."""
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is None
    except ValueError:
        return False


def _reminder_request(body: bytes) -> tuple[dict[str, Any] | None, str]:
    """The ReminderRequest in ``body``, or None and what is wrong with it."""
    try:
        request = json.loads(body or b"null")
    except ValueError:
        return None, "the body is not JSON"
    if not isinstance(request, dict):
        return None, "the body is not a ReminderRequest object"
    try:
        datetime.fromisoformat(str(request.get("requestTime")))
    except ValueError:
        return None, "requestTime is not an ISO 8601 date-time"
    trigger = request.get("trigger")
    if not isinstance(trigger, dict) or trigger.get("type") not in TRIGGER_TYPES:
        return None, f"trigger.type must be one of {', '.join(TRIGGER_TYPES)}"
    if trigger["type"] == "SCHEDULED_ABSOLUTE":
        zone = trigger.get("timeZoneId")
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError, TypeError):
                return None, "trigger.timeZoneId is not an IANA time zone"
        recurrence = trigger.get("recurrence")
        if recurrence is None:
            if not _local_time(trigger.get("scheduledTime")):
                return None, "trigger.scheduledTime must be a local ISO 8601 date-time without a zone"
        else:
            rules = recurrence.get("recurrenceRules") if isinstance(recurrence, dict) else None
            if not isinstance(rules, list) or not rules or not all(
                isinstance(rule, str) and rule.startswith("FREQ=") for rule in rules
            ):
                return None, "trigger.recurrence.recurrenceRules must be RFC 5545 rules (FREQ=...)"
            if not _local_time(recurrence.get("startDateTime")):
                return None, "trigger.recurrence.startDateTime must be a local ISO 8601 date-time without a zone"
    spoken = ((request.get("alertInfo") or {}).get("spokenInfo") or {}).get("content")
    if not isinstance(spoken, list) or not spoken or not all(
        isinstance(item, dict) and isinstance(item.get("locale"), str) and isinstance(item.get("text"), str)
        for item in spoken
    ):
        return None, "alertInfo.spokenInfo.content must list a locale and text"
    if (request.get("pushNotification") or {}).get("status") not in PUSH_STATUSES:
        return None, "pushNotification.status must be ENABLED or DISABLED"
    return request, ""
