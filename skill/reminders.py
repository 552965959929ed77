"""A daily reminder to notice a glimmer, through the Alexa Reminders API.

Each journal has at most one reminder. What the journal keeps of it (in its
meta, on every engine: see ``ReminderState``) is only the reminder's ID, the
time of day, whether the person said no to the offer of one, and the day the
"maybe two tomorrow" nudge was last said: never anything a person said. The
reminder itself says generic words ("Time to notice a glimmer"), since others
in the room hear it.

The API is reached through ask-sdk-core's reminder management service client
(``handler_input.service_client_factory``), on the skill's ``AlexaApiClient``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.services import ServiceException
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)

from .speech import escape

log = logging.getLogger(__name__)

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"

# Journal meta keys (see ReminderState).
REMINDER_META = "reminder"
OFFER_META = "reminder_offer"
NUDGED_META = "nudged_on"
OFFERED = "offered"
DECLINED = "declined"
# The journal already had glimmers when it could have been offered (kept from before reminders): never offered.
NOT_FIRST = "not_first"
# The status a Connections.Response gives when the person allowed reminders.
CONSENT_ACCEPTED = "ACCEPTED"

# AMAZON.TIME sends these for "morning", "afternoon", "evening" and "night".
VAGUE_TIMES = {"MO": time(9, 0), "AF": time(14, 0), "EV": time(19, 0), "NI": time(21, 0)}
_CLOCK_TIME = re.compile(r"T?(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?")
_TOKEN = re.compile(r"reminder@(\d{2}):(\d{2})")
MAX_ID_CHARS = 200


class ReminderFailure(Exception):
    """The Reminders API did not do what was asked.

    ``kind`` is "permission" (401 or 403: no consent, or it was taken back),
    "not_found" (404: deleted in the Alexa app), or "unavailable" (slow,
    unreachable, any other answer).
    """

    def __init__(self, kind: str, status: int | None = None):
        super().__init__(f"{kind} ({status})" if status is not None else kind)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class ReminderState:
    """What a journal keeps about reminders, read from and written to its meta."""

    reminder_id: str | None = None
    at: time | None = None
    offer: str | None = None  # None, "offered", "declined" or "not_first"
    nudged_on: date | None = None

    @property
    def has_reminder(self) -> bool:
        return self.reminder_id is not None and self.at is not None

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> ReminderState:
        """The state a journal's meta holds; anything unsound there reads as nothing."""
        reminder_id, at = None, None
        kept = meta.get(REMINDER_META)
        if isinstance(kept, dict):
            candidate = kept.get("id")
            at = parse_clock(kept.get("time"))
            if isinstance(candidate, str) and 0 < len(candidate) <= MAX_ID_CHARS and at is not None:
                reminder_id = candidate
            else:
                at = None
        offer = meta.get(OFFER_META)
        nudged = meta.get(NUDGED_META)
        try:
            nudged_on = date.fromisoformat(nudged) if isinstance(nudged, str) else None
        except ValueError:
            nudged_on = None
        return cls(reminder_id, at, offer if offer in (OFFERED, DECLINED, NOT_FIRST) else None, nudged_on)


def reminder_meta(reminder_id: str | None, at: time | None) -> dict[str, Any]:
    """The meta change that keeps (or, with None, forgets) a journal's reminder."""
    if reminder_id is None or at is None:
        return {REMINDER_META: None}
    return {REMINDER_META: {"id": reminder_id, "time": clock_text(at)}}


def clock_text(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def parse_clock(value: object) -> time | None:
    """"20:00" (or "T20:00", "20:00:00") as a time of day; None for anything else."""
    if not isinstance(value, str):
        return None
    match = _CLOCK_TIME.fullmatch(value.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def slot_time(value: str | None, daypart: str | None = None) -> tuple[time, bool] | None:
    """The time of day an AMAZON.TIME value names, and whether it was vague ("EV"); None if it names none.

    ``daypart`` ("MORNING", "AFTERNOON", "EVENING", "NIGHT") is the part of the
    day said around the time: "every evening at eight" arrives as 08:00 with
    EVENING, and means 20:00.
    """
    if not value:
        return (VAGUE_TIMES[_DAYPART_CODES[daypart]], True) if daypart in _DAYPART_CODES else None
    value = value.strip().upper()
    if value in VAGUE_TIMES:
        return VAGUE_TIMES[value], True
    at = parse_clock(value)
    if at is None:
        return None
    if daypart in ("AFTERNOON", "EVENING", "NIGHT") and 1 <= at.hour < 12:
        at = at.replace(hour=at.hour + 12)
    elif daypart == "NIGHT" and at.hour == 12:
        at = at.replace(hour=0)
    return at, False


_DAYPART_CODES = {"MORNING": "MO", "AFTERNOON": "AF", "EVENING": "EV", "NIGHT": "NI"}


def consent_token(at: time) -> str:
    """What the consent request carries, so its answer can finish the job: the time asked for."""
    return f"reminder@{clock_text(at)}"


def time_from_token(token: object) -> time | None:
    if not isinstance(token, str):
        return None
    match = _TOKEN.fullmatch(token)
    return parse_clock(f"{match.group(1)}:{match.group(2)}") if match else None


def has_consent(handler_input: HandlerInput) -> bool:
    """Whether the request says the person allowed this skill their reminders (a consent token)."""
    user = getattr(handler_input.request_envelope.context.system, "user", None)
    permissions = getattr(user, "permissions", None)
    token = getattr(permissions, "consent_token", None)
    return isinstance(token, str) and bool(token)


def first_occurrence(at: time, now: datetime, zone: tzinfo) -> datetime:
    """The next moment the clock in ``zone`` shows ``at``, as a local time without a zone (how the API wants it)."""
    local_now = now.astimezone(zone)
    first = datetime.combine(local_now.date(), at)
    if first <= local_now.replace(tzinfo=None):
        first += timedelta(days=1)
    return first


def daily_reminder(at: time, now: datetime, zone: tzinfo, zone_name: str | None, locale: str, words: str) -> ReminderRequest:
    """A SCHEDULED_ABSOLUTE reminder every day at ``at``, in the device's zone, saying ``words``.

    With no zone known (``zone_name`` None), ``timeZoneId`` is left out and
    Alexa uses the device's own; the first day is then one that is in the
    future wherever the device is (the day after tomorrow at UTC+14, at the
    latest), so the start is never in the past.
    """
    if zone_name is None:
        start = datetime.combine((now.astimezone(timezone.utc) + timedelta(hours=14)).date() + timedelta(days=1), at)
    else:
        start = first_occurrence(at, now, zone)
    rule = f"FREQ=DAILY;BYHOUR={at.hour};BYMINUTE={at.minute};BYSECOND=0;INTERVAL=1"
    return ReminderRequest(
        request_time=now.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0),
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            time_zone_id=zone_name,
            recurrence=Recurrence(start_date_time=start, recurrence_rules=[rule]),
        ),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=words, ssml=f"<speak>{escape(words)}</speak>")])
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


class Reminders:
    """The reminder management service client for one request, with its failures sorted into ``ReminderFailure``."""

    def __init__(self, handler_input: HandlerInput):
        self.handler_input = handler_input

    def _client(self) -> Any:
        factory = self.handler_input.service_client_factory
        if factory is None:
            log.warning("no API client is configured for the Alexa APIs")
            raise ReminderFailure("unavailable")
        return factory.get_reminder_management_service()

    def create(self, request: ReminderRequest) -> str:
        """The new reminder's ID."""
        answer = self._call("create", lambda client: client.create_reminder(request))
        return _alert_token(answer)

    def update(self, reminder_id: str, request: ReminderRequest) -> str:
        """The reminder's ID after it was changed (Alexa keeps it)."""
        answer = self._call("update", lambda client: client.update_reminder(reminder_id, request))
        return _alert_token(answer, reminder_id)

    def delete(self, reminder_id: str) -> None:
        self._call("delete", lambda client: client.delete_reminder(reminder_id))

    def exists(self, reminder_id: str) -> bool:
        """Whether the reminder is still there (the person may have deleted it in the Alexa app)."""
        def get(client: Any) -> None:
            try:
                client.get_reminder(reminder_id)
            except SerializationException:
                # The API answered 2xx with the reminder, but ask-sdk-model (1.82) cannot read one:
                # its AlertInfo names a module that does not exist (alert_info_spoken_info).
                pass

        try:
            self._call("get", get)
        except ReminderFailure as exc:
            if exc.kind == "not_found":
                return False
            raise
        return True

    def _call(self, what: str, call: Any) -> Any:
        try:
            return call(self._client())
        except ServiceException as exc:
            status = getattr(exc, "status_code", None)
            if status in (401, 403):
                kind = "permission"
            elif status == 404:
                kind = "not_found"
            else:
                kind = "unavailable"
            # The message is the SDK's or the transport's: no personal text is ever sent.
            log.info("reminders %s: %s (%s)", what, kind, status)
            raise ReminderFailure(kind, status) from None
        except ReminderFailure:
            raise
        except Exception as exc:  # the SDK's serializer on an answer that is not what the API promises
            log.warning("reminders %s failed: %s", what, type(exc).__name__)
            raise ReminderFailure("unavailable") from None


def _alert_token(answer: Any, fallback: str | None = None) -> str:
    """The ``alertToken`` of a ReminderResponse (the service client returns the body alone)."""
    token = getattr(answer, "alert_token", None)
    if isinstance(token, str) and 0 < len(token) <= MAX_ID_CHARS:
        return token
    if fallback is not None:
        return fallback
    log.warning("the Reminders API answered without a usable alertToken")
    raise ReminderFailure("unavailable")
