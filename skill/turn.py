"""One exchange with a person: who they are, what they said, and the reply."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_simple_slot_values, get_slot
from ask_sdk_model import Directive, Response
from ask_sdk_model.ui import SimpleCard

from .device_time import TimeZoneLookup
from .speech import Speech, Ssml, escape, load_catalogue
from .storage import JournalKey

REQUEST_ATTRIBUTE = "glimmers.turn"
# Alexa rejects output speech longer than 8,000 characters, <speak> tags included.
MAX_SPEECH = 7900
MAX_CARD = 8000
DEFAULT_LOCALE = "en-US"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Turn:
    """What a handler needs to answer one request."""

    handler_input: HandlerInput
    speech: Speech
    key: JournalKey
    now: datetime
    locale: str
    # Conversation state the previous response left (cleared for this turn;
    # a handler that wants to keep something passes it to ``reply`` again).
    previous: dict[str, Any] = field(default_factory=dict)
    zones: TimeZoneLookup | None = None

    @functools.cached_property
    def zone(self) -> tzinfo:
        """The device's time zone, asked for only by handlers that speak of days."""
        if self.zones is None:
            return timezone.utc
        system = self.handler_input.request_envelope.context.system
        device = getattr(system, "device", None)
        return self.zones.zone(system.api_endpoint, getattr(device, "device_id", None), system.api_access_token)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def name_tag(self) -> Ssml:
        """The recognised person's first name, spoken by Alexa; empty for an unrecognised voice."""
        if not self.key.person_id:
            return Ssml("")
        return Ssml(f'<alexa:name type="first" personId="{escape(self.key.person_id)}"/>')

    @classmethod
    def of(cls, handler_input: HandlerInput) -> Turn:
        return handler_input.attributes_manager.request_attributes[REQUEST_ATTRIBUTE]

    @property
    def request_id(self) -> str | None:
        """Alexa's ID for this request: the same when a request is delivered again."""
        request_id = getattr(self.handler_input.request_envelope.request, "request_id", None)
        return request_id if isinstance(request_id, str) and request_id else None

    @property
    def question(self) -> str | None:
        """The yes/no question the previous response asked, if any."""
        question = self.previous.get("question")
        return question if isinstance(question, str) else None

    @property
    def one_shot(self) -> bool:
        """Said in one breath ("Alexa, tell glimmer journal ..."), not inside an open session."""
        session = self.handler_input.request_envelope.session
        return session is None or bool(session.new)

    def slot_text(self, name: str) -> str | None:
        """What the person said for a slot, trimmed; None when nothing came through."""
        slot = self._slot(name)
        if slot is None:
            return None
        value = slot.value
        if value is None and slot.slot_value is not None:
            values = [v.value for v in get_simple_slot_values(slot.slot_value) if v.value]
            value = " ".join(values) if values else None
        if not isinstance(value, str):
            return None
        # A lone surrogate (valid in JSON, not in UTF-8) becomes U+FFFD rather than failing a save.
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        # NUL is no character anyone says, and no text column of PostgreSQL can hold it.
        value = value.replace("\x00", " ")
        return " ".join(value.split()) or None

    def slot_resolution(self, name: str) -> str | None:
        """The entity-resolution ID Alexa matched for a custom slot, if any."""
        slot = self._slot(name)
        resolutions = getattr(slot, "resolutions", None)
        for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
            code = getattr(getattr(authority, "status", None), "code", None)
            if getattr(code, "value", code) == "ER_SUCCESS_MATCH" and authority.values:
                match = getattr(getattr(authority.values[0], "value", None), "id", None)
                return match if isinstance(match, str) else None
        return None

    def _slot(self, name: str) -> Any:
        try:
            return get_slot(self.handler_input, name)
        except (TypeError, AttributeError):
            return None

    def reply(
        self,
        speech: Ssml,
        *,
        reprompt: Ssml | None = None,
        end: bool = False,
        card: tuple[str, str] | None = None,
        directive: Directive | None = None,
        state: dict[str, Any] | None = None,
        **named_state: Any,
    ) -> Response:
        """Build the response; ``state`` and ``named_state`` become the session's conversation state."""
        builder = self.handler_input.response_builder
        builder.speak(_fit(speech, MAX_SPEECH))
        if reprompt is not None and not end:
            builder.ask(_fit(reprompt, MAX_SPEECH))
        if card is not None:
            title, content = card
            builder.set_card(SimpleCard(title=title, content=content[:MAX_CARD]))
        if directive is not None:
            builder.add_directive(directive)
        builder.set_should_end_session(end)
        if self.handler_input.request_envelope.session is not None:
            session = self.handler_input.attributes_manager.session_attributes
            session.clear()
            if not end:
                kept = {**(state or {}), **named_state}
                session.update({k: v for k, v in kept.items() if v is not None})
        return builder.response


def _fit(speech: str, limit: int) -> str:
    """Speech is built within the limit; this only guards against a catalogue mistake."""
    if len(speech) <= limit:
        return speech
    head = speech[:limit]
    if head.rfind("<") > head.rfind(">"):  # do not cut inside a tag
        head = head[: head.rfind("<")]
    if head.rfind("&") > head.rfind(";"):  # nor inside an entity
        head = head[: head.rfind("&")]
    return head


class TurnInterceptor(AbstractRequestInterceptor):
    """Prepares a ``Turn`` for the handlers: identity, locale, clock and speech."""

    def __init__(self, rng: random.Random, clock: Clock, zones: TimeZoneLookup | None = None):
        self.rng = rng
        self.clock = clock
        self.zones = zones

    def process(self, handler_input: HandlerInput) -> None:
        envelope = handler_input.request_envelope
        system = envelope.context.system
        user = system.user if system.user is not None else envelope.session.user
        person = getattr(system, "person", None)
        locale = getattr(envelope.request, "locale", None) or DEFAULT_LOCALE
        # Skill events come without a session, and so without session attributes.
        session = handler_input.attributes_manager.session_attributes if envelope.session is not None else None
        previous = dict(session) if isinstance(session, dict) else {}
        handler_input.attributes_manager.request_attributes[REQUEST_ATTRIBUTE] = Turn(
            handler_input=handler_input,
            speech=Speech(load_catalogue(locale), self.rng),
            key=JournalKey(user.user_id, getattr(person, "person_id", None)),
            now=self.clock(),
            locale=locale,
            previous=previous,
            zones=self.zones,
        )
