"""One exchange with a person: who they are, what they said, and the reply."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_simple_slot_values, get_slot
from ask_sdk_model import Directive, Response
from ask_sdk_model.ui import Card, SimpleCard

from .device_time import TimeZoneLookup, zone_named
from .locales import RequestLocale, request_locale, resolve_locale
from .speech import Speech, Ssml, escape, load_catalogue
from .storage import JournalKey, StorageUnavailable
from .storage.contract import forget_storage_failures, storage_failed_here

if TYPE_CHECKING:
    from .periods import Period
    from .storage import JournalStore

log = logging.getLogger(__name__)

REQUEST_ATTRIBUTE = "glimmers.turn"
# Alexa rejects output speech longer than 8,000 characters, <speak> tags included.
MAX_SPEECH = 7900
MAX_CARD = 8000
# Where a device may be when its zone is not known: from UTC-12 to UTC+14.
WESTMOST = timedelta(hours=-12)
EASTMOST = timedelta(hours=14)
# The journal meta key holding the zone the person's device last reported.
ZONE_META = "zone"
# Session attributes every answer keeps until the session ends (each other one lasts one turn):
# the person said no to reminders in this session, so they are not asked again.
CONSENT_REFUSED = "reminder_consent_refused"
SESSION_LONG = (CONSENT_REFUSED,)

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
    locale: str  # as the request said it; speech follows ``answered_in``
    # Conversation state the previous response left (cleared for this turn;
    # a handler that wants to keep something passes it to ``reply`` again).
    previous: dict[str, Any] = field(default_factory=dict)
    zones: TimeZoneLookup | None = None
    store: JournalStore | None = None
    answered_in: RequestLocale | None = None
    _reported_zone: tzinfo | None = field(default=None, init=False, repr=False)
    _found_zone: tuple[tzinfo, bool] | None = field(default=None, init=False, repr=False)

    @property
    def _zone(self) -> tuple[tzinfo, bool]:
        # Found once per turn. Not functools.cached_property: before Python 3.12 it holds one
        # lock for every instance, so the threads of a worker waited on each other's lookups.
        if self._found_zone is None:
            self._found_zone = self._find_zone()
        return self._found_zone

    def _find_zone(self) -> tuple[tzinfo, bool]:
        if self.zones is None:
            return timezone.utc, True
        system = self.handler_input.request_envelope.context.system
        device = getattr(system, "device", None)
        reported = self.zones.lookup(system.api_endpoint, getattr(device, "device_id", None), system.api_access_token)
        if reported is not None:
            self._reported_zone = reported  # kept with the journal after the answer (see keep_zone)
            return reported, True
        remembered = self._remembered_zone()
        if remembered is not None:
            return remembered, True
        return timezone.utc, False

    @property
    def zone(self) -> tzinfo:
        """The device's time zone, asked for only by handlers that speak of days.

        When the Settings API cannot answer, the zone the device last reported
        for this journal; with none ever known, UTC (and ``zone_known`` is false).
        """
        return self._zone[0]

    @property
    def zone_known(self) -> bool:
        """Whether ``zone`` is the person's (reported now or before), not a UTC stand-in."""
        return self._zone[1]

    @property
    def language(self) -> str:
        """The language the skill answers in ("en", "de"): the request's, or English when it speaks no other."""
        return (self.answered_in or resolve_locale(self.locale)).language

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def latest_today(self) -> date:
        """The latest date it may be where the person is: ``today``, or with no zone known, the date at UTC+14."""
        return self.today if self.zone_known else (self.now.astimezone(timezone.utc) + EASTMOST).date()

    @property
    def earliest_today(self) -> date:
        """The earliest date it may be where the person is: ``today``, or with no zone known, the date at UTC-12."""
        return self.today if self.zone_known else (self.now.astimezone(timezone.utc) + WESTMOST).date()

    def when(self, moment: datetime) -> str:
        """When a glimmer was noted, in words that hold where the person is (see ``Speech.when``)."""
        return self.speech.when(moment, self.now, self.zone, known=self.zone_known)

    def period_words(self, period: Period) -> str:
        """A period in words that hold wherever the person is ("last week"; with no zone known, "around November 30")."""
        return self.speech.period(period, self.earliest_today, self.latest_today)

    def keep_zone(self) -> None:
        """Store the zone the device reported with the journal when it changed, so a later lookup failure changes nothing.

        Runs after the handler (``ZoneKeeper``), and not at all when storage
        failed in this request: an outage costs a request no more waiting.
        """
        name = getattr(self._reported_zone, "key", None)
        if self.store is None or self.zones is None or not isinstance(name, str) or storage_failed_here():
            return
        journal = self.key.ref.name
        if self.zones.stored(journal) == name:
            return
        try:
            if self.store.meta(self.key).get(ZONE_META) != name:
                if not self.store.count(self.key):
                    return  # no journal yet: opening the skill alone leaves nothing stored
                self.store.update_meta(self.key, {ZONE_META: name})
        except StorageUnavailable as exc:
            log.warning("could not keep the device's time zone with the journal: %s", exc)
            return
        self.zones.note_stored(journal, name)

    def _remembered_zone(self) -> tzinfo | None:
        if self.store is None:
            return None
        try:
            return zone_named(self.store.meta(self.key).get(ZONE_META))
        except StorageUnavailable as exc:
            log.warning("could not read the journal's last known time zone: %s", exc)
            return None

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
        end: bool | None = False,
        card: tuple[str, str] | Card | None = None,
        directive: Directive | None = None,
        state: dict[str, Any] | None = None,
        **named_state: Any,
    ) -> Response:
        """Build the response; ``state`` and ``named_state`` become the session's conversation state.

        ``end=None`` leaves ``shouldEndSession`` out, as a response handing the
        conversation to Alexa for a moment (``Connections.SendRequest``) must.
        What the session must remember to its end (``SESSION_LONG``) is kept.
        """
        builder = self.handler_input.response_builder
        builder.speak(_fit(speech, MAX_SPEECH))
        if reprompt is not None and end is False:
            builder.ask(_fit(reprompt, MAX_SPEECH))
        if isinstance(card, tuple):
            title, content = card
            builder.set_card(SimpleCard(title=title, content=content[:MAX_CARD]))
        elif card is not None:
            builder.set_card(card)
        if directive is not None:
            builder.add_directive(directive)
        if end is not None:
            builder.set_should_end_session(end)
        if self.handler_input.request_envelope.session is not None:
            session = self.handler_input.attributes_manager.session_attributes
            session.clear()
            if not end:
                lasting = {k: self.previous[k] for k in SESSION_LONG if self.previous.get(k) is not None}
                kept = {**lasting, **(state or {}), **named_state}
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

    def __init__(
        self,
        rng: random.Random,
        clock: Clock,
        zones: TimeZoneLookup | None = None,
        store: JournalStore | None = None,
    ):
        self.rng = rng
        self.clock = clock
        self.zones = zones
        self.store = store

    def process(self, handler_input: HandlerInput) -> None:
        envelope = handler_input.request_envelope
        system = envelope.context.system
        user = system.user if system.user is not None else envelope.session.user
        person = getattr(system, "person", None)
        locale = request_locale(envelope)
        forget_storage_failures()
        # Skill events come without a session, and so without session attributes.
        session = handler_input.attributes_manager.session_attributes if envelope.session is not None else None
        previous = dict(session) if isinstance(session, dict) else {}
        handler_input.attributes_manager.request_attributes[REQUEST_ATTRIBUTE] = Turn(
            handler_input=handler_input,
            speech=Speech(load_catalogue(locale.speech), self.rng),
            key=JournalKey(user.user_id, getattr(person, "person_id", None)),
            now=self.clock(),
            locale=locale.requested,
            previous=previous,
            zones=self.zones,
            store=self.store,
            answered_in=locale,
        )


class ZoneKeeper(AbstractResponseInterceptor):
    """After the answer: keeps the zone a device reported with the journal, when it changed (``Turn.keep_zone``)."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        turn = handler_input.attributes_manager.request_attributes.get(REQUEST_ATTRIBUTE)
        if isinstance(turn, Turn):
            turn.keep_zone()
