"""Deleting: "delete my last glimmer", "delete all my glimmers", always after an explicit yes."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Intent, IntentConfirmationStatus, Response
from ask_sdk_model.dialog import ConfirmIntentDirective

from ..reminders import OFFER_META, REMINDER_META
from ..storage import JournalStore, StorageUnavailable
from ..turn import Turn
from .record import spoken_form

log = logging.getLogger(__name__)

DELETE_LAST_INTENT = "DeleteLastGlimmerIntent"
DELETE_ALL_INTENT = "DeleteAllGlimmersIntent"
CONFIRM_DELETE_LAST = "confirm_delete_last"
CONFIRM_DELETE_ALL = "confirm_delete_all"


def _confirmation(handler_input: HandlerInput) -> str:
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    status = getattr(intent, "confirmation_status", None)
    return getattr(status, "value", status) or "NONE"


def _confirm(turn: Turn, intent_name: str, speech: str, reprompt: str, **state: object) -> Response:
    directive = ConfirmIntentDirective(
        updated_intent=Intent(name=intent_name, confirmation_status=IntentConfirmationStatus.NONE, slots={})
    )
    return turn.reply(speech, reprompt=reprompt, directive=directive, **state)


def _done(turn: Turn, speech: str) -> Response:
    if turn.one_shot:
        return turn.reply(speech, end=True)
    return turn.reply(turn.speech.join(speech, turn.speech.say("WHAT_NEXT")), reprompt=turn.speech.say("WHAT_NEXT_REPROMPT"))


def delete_last(turn: Turn, store: JournalStore, confirmed: bool) -> Response:
    """Delete the glimmer that was read back, if the person said yes; keep everything otherwise."""
    say = turn.speech.say
    glimmer_id = turn.previous.get("delete_id")
    if not confirmed or not isinstance(glimmer_id, str):
        return _done(turn, say("KEPT"))
    try:
        store.delete(turn.key, glimmer_id)
    except StorageUnavailable as exc:
        log.warning("could not delete a glimmer: %s", exc)
        return _done(turn, say("DELETE_FAILED"))
    log.info("deleted one glimmer at its owner's request")
    return _done(turn, say("DELETED_LAST"))


def delete_all(turn: Turn, store: JournalStore, confirmed: bool) -> Response:
    """Delete the whole journal, if the person said yes; keep everything otherwise."""
    say = turn.speech.say
    if not confirmed:
        return _done(turn, say("KEPT"))
    try:
        # The daily reminder is a setting, not a glimmer: it outlives the glimmers, so it can still be cancelled.
        kept = {name: value for name, value in store.meta(turn.key).items() if name in (REMINDER_META, OFFER_META)}
        count = store.delete_journal(turn.key)
    except StorageUnavailable as exc:
        log.warning("could not delete a journal: %s", exc)
        return _done(turn, say("DELETE_FAILED"))
    if kept:
        try:
            store.update_meta(turn.key, kept)
        except StorageUnavailable as exc:
            log.warning("could not keep the daily reminder of a deleted journal: %s", exc)
    log.info("deleted a whole journal (%d glimmers) at its owner's request", count)
    return _done(turn, say("DELETED_ALL", count=count))


class DeleteLastGlimmerHandler(AbstractRequestHandler):
    """Reads the last glimmer back and asks before deleting it."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(DELETE_LAST_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        status = _confirmation(handler_input)
        # A yes or no counts only as the answer to the question this skill asked.
        if status != "NONE" and turn.question == CONFIRM_DELETE_LAST:
            return delete_last(turn, self.store, confirmed=status == "CONFIRMED")
        say = turn.speech.say
        try:
            last = self.store.page(turn.key, 1).glimmers
        except StorageUnavailable as exc:
            log.warning("could not read a journal to delete from: %s", exc)
            return _done(turn, say("READ_FAILED"))
        if not last:
            return _done(turn, say("NOTHING_TO_DELETE"))
        return _confirm(
            turn,
            DELETE_LAST_INTENT,
            say("DELETE_LAST_CONFIRM", glimmer=spoken_form(last[0].text)),
            say("DELETE_LAST_REPROMPT"),
            question=CONFIRM_DELETE_LAST,
            delete_id=last[0].id,
        )


class DeleteAllGlimmersHandler(AbstractRequestHandler):
    """Says how many glimmers there are and needs an explicit yes before deleting them all."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(DELETE_ALL_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        status = _confirmation(handler_input)
        if status != "NONE" and turn.question == CONFIRM_DELETE_ALL:
            return delete_all(turn, self.store, confirmed=status == "CONFIRMED")
        say = turn.speech.say
        try:
            count = self.store.count(turn.key)
        except StorageUnavailable as exc:
            log.warning("could not read a journal to delete: %s", exc)
            return _done(turn, say("READ_FAILED"))
        if not count:
            return _done(turn, say("NOTHING_TO_DELETE"))
        return _confirm(
            turn,
            DELETE_ALL_INTENT,
            say("DELETE_ALL_CONFIRM", count=count),
            say("DELETE_ALL_REPROMPT"),
            question=CONFIRM_DELETE_ALL,
        )


class DeletionAnswerHandler(AbstractRequestHandler):
    """A plain "yes" or "no" to a deletion question (when Alexa sends it as its own intent)."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(n)(handler_input) for n in ("AMAZON.YesIntent", "AMAZON.NoIntent")) and Turn.of(
            handler_input
        ).question in (CONFIRM_DELETE_LAST, CONFIRM_DELETE_ALL)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        confirmed = is_intent_name("AMAZON.YesIntent")(handler_input)
        if turn.question == CONFIRM_DELETE_LAST:
            return delete_last(turn, self.store, confirmed)
        return delete_all(turn, self.store, confirmed)
