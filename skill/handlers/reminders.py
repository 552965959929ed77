"""A daily reminder to notice a glimmer: "remind me every evening at eight", "stop reminding me".

Setting one needs the person's permission for reminders. Without it (no
consent token in the request, or the Reminders API answering 401 or 403) the
skill asks by voice (``Connections.SendRequest`` named ``AskFor``); Alexa
answers with a ``Connections.Response`` that ``ConsentAnswerHandler`` finishes
the job from. After a no, the session is never asked again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Intent, IntentConfirmationStatus, Response, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard

from ..reminders import (
    CONSENT_ACCEPTED,
    DECLINED,
    NOT_FIRST,
    NUDGED_META,
    OFFER_META,
    OFFERED,
    REMINDERS_SCOPE,
    ReminderFailure,
    Reminders,
    ReminderState,
    consent_token,
    daily_reminder,
    has_consent,
    reminder_meta,
    slot_time,
    time_from_token,
)
from ..speech import Ssml
from ..storage import JournalStore, StorageUnavailable
from ..turn import CONSENT_REFUSED, Turn

log = logging.getLogger(__name__)

SET_REMINDER_INTENT = "SetReminderIntent"
CANCEL_REMINDER_INTENT = "CancelReminderIntent"
REMINDER_STATUS_INTENT = "ReminderStatusIntent"
TIME_SLOT = "time"
DAYPART_SLOT = "daypart"
ASK_FOR = "AskFor"
CONSENT_REQUEST_TYPE = "AskForPermissionsConsentRequest"
OFFER_REMINDER = "offer_reminder"
ASKED_FOR_TIME = "asked_for_time"
MAX_ASKS = 2


def done(turn: Turn, speech: Ssml, **kwargs: object) -> Response:
    """Say ``speech``; in a session, ask what next."""
    if turn.one_shot:
        return turn.reply(speech, end=True, **kwargs)  # type: ignore[arg-type]
    return turn.reply(
        turn.speech.join(speech, turn.speech.say("WHAT_NEXT")), reprompt=turn.speech.say("WHAT_NEXT_REPROMPT"), **kwargs  # type: ignore[arg-type]
    )


def permissions_card() -> AskForPermissionsConsentCard:
    """The card in the Alexa app that lets the person allow reminders with one tap."""
    return AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE])


def ask_for_time(turn: Turn, lead: Ssml | str = "") -> Response:
    """Ask what time (``Dialog.ElicitSlot`` for ``time``); after asking twice, let it go kindly."""
    say = turn.speech.say
    asked = turn.previous.get(ASKED_FOR_TIME, 0)
    if not isinstance(asked, int) or asked >= MAX_ASKS:
        return done(turn, say("REMINDER_ASK_LET_GO"))
    elicit = ElicitSlotDirective(
        slot_to_elicit=TIME_SLOT,
        updated_intent=Intent(
            name=SET_REMINDER_INTENT,
            confirmation_status=IntentConfirmationStatus.NONE,
            slots={
                name: Slot(name=name, confirmation_status=SlotConfirmationStatus.NONE)
                for name in (TIME_SLOT, DAYPART_SLOT)
            },
        ),
    )
    return turn.reply(
        turn.speech.join(lead, say("REMINDER_ASK_TIME")),
        reprompt=say("REMINDER_ASK_TIME_REPROMPT"),
        directive=elicit,
        asked_for_time=asked + 1,
    )


class ReminderKeeper:
    """Sets, replaces and forgets a journal's one reminder, keeping the journal and Alexa in step."""

    def __init__(self, store: JournalStore):
        self.store = store

    def set_daily(self, turn: Turn, at: time, vague: bool, after_consent: bool = False) -> Response:
        say = turn.speech.say
        try:
            state = ReminderState.from_meta(self.store.meta(turn.key))
        except StorageUnavailable as exc:
            log.warning("could not read a journal's reminder: %s", exc)
            return done(turn, say("REMINDER_SAVE_FAILED"))
        if not has_consent(turn.handler_input) and not after_consent:
            return self.ask_consent(turn, at)
        zone_name = getattr(turn.zone, "key", None) if turn.zone_known else None
        words = turn.speech.text("REMINDER_TEXT")
        request = daily_reminder(at, turn.now, turn.zone, zone_name, turn.locale, words)
        api = Reminders(turn.handler_input)
        replaced = state.has_reminder
        try:
            reminder_id = None
            if state.reminder_id is not None:
                try:
                    reminder_id = api.update(state.reminder_id, request)
                except ReminderFailure as exc:
                    if exc.kind != "not_found":
                        raise
                    replaced = False  # deleted in the Alexa app: a new one takes its place
            if reminder_id is None:
                reminder_id = api.create(request)
        except ReminderFailure as exc:
            if exc.kind == "permission":
                if after_consent:
                    return done(turn, say("REMINDER_NO_PERMISSION"), card=permissions_card())
                return self.ask_consent(turn, at)
            return done(turn, say("REMINDER_UNAVAILABLE"))
        try:
            self.store.update_meta(turn.key, reminder_meta(reminder_id, at))
        except StorageUnavailable as exc:
            log.warning("could not keep a reminder with its journal: %s", exc)
            self._undo(turn, api, reminder_id, state, at)
            return done(turn, say("REMINDER_SAVE_FAILED"))
        log.info("set a daily reminder (%s)", "replaced" if replaced else "new")
        spoken = turn.speech.clock(at)
        if vague:
            words_back = say("REMINDER_SET_VAGUE", time=spoken)  # the hour chosen for "evening" is said back
        elif replaced:
            words_back = say("REMINDER_REPLACED", time=spoken)
        else:
            words_back = say("REMINDER_SET", time=spoken)
        card = (turn.speech.text("CARD_REMINDER_TITLE"), turn.speech.text("CARD_REMINDER_SET", time=spoken))
        return done(turn, words_back, card=card)

    def _undo(self, turn: Turn, api: Reminders, reminder_id: str, state: ReminderState, at: time) -> None:
        """The journal could not keep the reminder: take it back, so nothing half-done is left."""
        try:
            if state.reminder_id == reminder_id and state.at is not None:
                words = turn.speech.text("REMINDER_TEXT")
                zone_name = getattr(turn.zone, "key", None) if turn.zone_known else None
                api.update(reminder_id, daily_reminder(state.at, turn.now, turn.zone, zone_name, turn.locale, words))
            else:
                api.delete(reminder_id)
        except ReminderFailure as exc:
            log.warning("could not take back a reminder the journal could not keep (%s)", exc.kind)

    def ask_consent(self, turn: Turn, at: time) -> Response:
        """Ask for the reminders permission by voice; never again in a session after a no."""
        say = turn.speech.say
        if turn.previous.get(CONSENT_REFUSED):
            return done(turn, say("REMINDER_NO_PERMISSION"), card=permissions_card())
        directive = SendRequestDirective(
            name=ASK_FOR,
            payload={"@type": CONSENT_REQUEST_TYPE, "@version": "1", "permissionScope": REMINDERS_SCOPE},
            token=consent_token(at),
        )
        # Alexa asks the question itself and answers with Connections.Response: no reprompt, no shouldEndSession.
        return turn.reply(say("REMINDER_CONSENT_LEAD"), end=None, directive=directive)


class SetReminderHandler(AbstractRequestHandler):
    """"Remind me every evening at eight": one daily reminder, replacing any earlier one."""

    def __init__(self, store: JournalStore):
        self.keeper = ReminderKeeper(store)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(SET_REMINDER_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        value = turn.slot_text(TIME_SLOT)
        daypart = turn.slot_resolution(DAYPART_SLOT)
        parsed = slot_time(value, daypart)
        if parsed is None:
            lead = turn.speech.say("REMINDER_TIME_NOT_UNDERSTOOD") if value else ""
            return ask_for_time(turn, lead)
        at, vague = parsed
        return self.keeper.set_daily(turn, at, vague)


class ConsentAnswerHandler(AbstractRequestHandler):
    """Alexa's ``Connections.Response`` to the ``AskFor`` request: set the reminder, or say how to allow it later."""

    def __init__(self, store: JournalStore):
        self.keeper = ReminderKeeper(store)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return is_request_type("Connections.Response")(handler_input) and getattr(request, "name", None) == ASK_FOR

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        request = handler_input.request_envelope.request
        payload = request.payload if isinstance(request.payload, dict) else {}
        status = payload.get("status")
        if status == CONSENT_ACCEPTED and payload.get("permissionScope", REMINDERS_SCOPE) == REMINDERS_SCOPE:
            at = time_from_token(request.token)
            if at is None:
                return done(turn, turn.speech.say("REMINDER_CONSENT_NO_TIME"))
            return self.keeper.set_daily(turn, at, vague=False, after_consent=True)
        log.info("reminders permission not given (%s)", status if isinstance(status, str) else "no status")
        return done(
            turn, turn.speech.say("REMINDER_CONSENT_DENIED"), card=permissions_card(), state={CONSENT_REFUSED: True}
        )


class CancelReminderHandler(AbstractRequestHandler):
    """"Stop reminding me": delete the reminder (one already deleted in the Alexa app counts as cancelled)."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(CANCEL_REMINDER_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        try:
            state = ReminderState.from_meta(self.store.meta(turn.key))
        except StorageUnavailable as exc:
            log.warning("could not read a journal's reminder: %s", exc)
            return done(turn, say("REMINDER_CANCEL_FAILED"))
        if state.reminder_id is None:
            return done(turn, say("REMINDER_NONE_TO_CANCEL"))
        try:
            Reminders(handler_input).delete(state.reminder_id)
        except ReminderFailure as exc:
            if exc.kind == "permission":
                return done(turn, say("REMINDER_CANCEL_NO_PERMISSION"))
            if exc.kind != "not_found":
                return done(turn, say("REMINDER_CANCEL_FAILED"))
        try:
            self.store.update_meta(turn.key, reminder_meta(None, None))
        except StorageUnavailable as exc:
            # The reminder is gone; the ID left behind reads as gone (404) next time and is forgotten then.
            log.warning("could not forget a cancelled reminder: %s", exc)
        log.info("cancelled a daily reminder")
        return done(turn, say("REMINDER_CANCELLED"))


class ReminderStatusHandler(AbstractRequestHandler):
    """"Do I have a reminder?": the time, or how to set one."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(REMINDER_STATUS_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        try:
            state = ReminderState.from_meta(self.store.meta(turn.key))
        except StorageUnavailable as exc:
            log.warning("could not read a journal's reminder: %s", exc)
            return done(turn, say("READ_FAILED"))
        if not state.has_reminder or state.reminder_id is None or state.at is None:
            return done(turn, say("REMINDER_STATUS_NONE"))
        try:
            still_there = Reminders(handler_input).exists(state.reminder_id)
        except ReminderFailure:
            still_there = True  # cannot ask now: what the journal knows is the best answer
        if not still_there:
            try:
                self.store.update_meta(turn.key, reminder_meta(None, None))
            except StorageUnavailable as exc:
                log.warning("could not forget a reminder deleted in the Alexa app: %s", exc)
            return done(turn, say("REMINDER_STATUS_NONE"))
        return done(turn, say("REMINDER_STATUS", time=turn.speech.clock(state.at)))


class ReminderOfferAnswerHandler(AbstractRequestHandler):
    """Yes or no to "Would you like a daily reminder to notice a glimmer?" (offered once, after a first glimmer)."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(n)(handler_input) for n in ("AMAZON.YesIntent", "AMAZON.NoIntent")) and (
            Turn.of(handler_input).question == OFFER_REMINDER
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        if is_intent_name("AMAZON.YesIntent")(handler_input):
            return ask_for_time(turn)
        try:
            self.store.update_meta(turn.key, {OFFER_META: DECLINED})
        except StorageUnavailable as exc:
            log.warning("could not remember a no to the reminder offer: %s", exc)
        return turn.reply(
            turn.speech.join(turn.speech.say("REMINDER_OFFER_DECLINED"), turn.speech.say("INVITE_ANOTHER")),
            reprompt=turn.speech.say("INVITE_ANOTHER_REPROMPT"),
        )


@dataclass(frozen=True)
class Practice:
    """What may follow a glimmer about to be saved, and what the journal keeps of it."""

    words: str | None = None  # a catalogue key
    offers_reminder: bool = False  # whether the words ask the reminder offer's question
    meta: dict[str, Any] = field(default_factory=dict)  # saved with the glimmer, in the same write


def practice_for(turn: Turn, store: JournalStore, in_session: bool) -> Practice:
    """Before a glimmer is saved: the one-time reminder offer, or once a day "maybe two tomorrow".

    The offer comes only in a session, with the first glimmer someone ever
    saves, never after a no to reminders in this session. The nudge comes with
    the first glimmer of the person's day, at most once that day, and only when
    their day is known. Decided before the save, so that what it remembers (the
    offer made, the day nudged) is saved with the glimmer in one write, and not
    at all when the save fails.
    """
    remembered: dict[str, Any] = {}
    try:
        state = ReminderState.from_meta(store.meta(turn.key))
        if in_session and state.offer is None and not state.has_reminder and not turn.previous.get(CONSENT_REFUSED):
            if store.count(turn.key) == 0:
                return Practice("OFFER_REMINDER", True, {OFFER_META: OFFERED})
            # A journal kept from before reminders: never its first glimmer again, and no count next time.
            remembered[OFFER_META] = NOT_FIRST
        if not turn.zone_known or state.nudged_on == turn.today:
            return Practice(meta=remembered)
        start = datetime.combine(turn.today, time(0), tzinfo=turn.zone)
        # From local midnight to the next, whatever a clock change does to the day's length.
        end = datetime.combine(turn.today + timedelta(days=1), time(0), tzinfo=turn.zone)
        if store.count(turn.key, between=(start, end)):
            return Practice(meta=remembered)
    except StorageUnavailable as exc:
        log.warning("could not read the practice's progress: %s", exc)
        return Practice()
    return Practice("NUDGE_TWO_TOMORROW", False, {**remembered, NUDGED_META: turn.today.isoformat()})


