"""Asking by date: "what did I notice yesterday / on Monday / last week / in October"."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Intent, IntentConfirmationStatus, Response, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective

from ..periods import Period, parse_amazon_date, toward_the_past
from ..storage import JournalStore
from ..turn import Turn
from .recall import read_page

BY_DATE_INTENT = "GlimmersByDateIntent"
DATE_SLOT = "date"
MAX_ASKS = 2


def period_asked_for(turn: Turn) -> tuple[Period | None, bool]:
    """The period the ``date`` slot names, read toward the past; and whether a date was said at all.

    Alexa resolves the words in the device's own time: with the zone unknown,
    a date up to the latest day it may be there is not in the future.
    """
    value = turn.slot_text(DATE_SLOT)
    period = parse_amazon_date(value, turn.today)
    return (toward_the_past(period, turn.latest_today) if period else None), value is not None


def ask_for_date(turn: Turn, intent_name: str, not_understood: bool) -> Response:
    """Ask which day, with the slot elicited so Alexa expects a date next."""
    say = turn.speech.say
    asked = turn.previous.get("asked_for_date", 0)
    if not isinstance(asked, int) or asked >= MAX_ASKS:
        return turn.reply(say("WHAT_NEXT"), reprompt=say("WHAT_NEXT_REPROMPT"))
    elicit = ElicitSlotDirective(
        slot_to_elicit=DATE_SLOT,
        updated_intent=Intent(
            name=intent_name,
            confirmation_status=IntentConfirmationStatus.NONE,
            slots={DATE_SLOT: Slot(name=DATE_SLOT, confirmation_status=SlotConfirmationStatus.NONE)},
        ),
    )
    speech = say("DATE_NOT_UNDERSTOOD") if not_understood else say("ASK_WHICH_DAY")
    return turn.reply(speech, reprompt=say("ASK_WHICH_DAY_REPROMPT"), directive=elicit, asked_for_date=asked + 1)


class GlimmersByDateHandler(AbstractRequestHandler):
    """Reads the glimmers from a day, week, weekend, month or year, in the person's time zone."""

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(BY_DATE_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        period, said = period_asked_for(turn)
        if period is None:
            return ask_for_date(turn, BY_DATE_INTENT, not_understood=said)
        if period.start > turn.latest_today:
            speech = turn.speech.say("DATE_IN_FUTURE")
            if turn.one_shot:
                return turn.reply(speech, end=True)
            return turn.reply(
                turn.speech.join(speech, turn.speech.say("WHAT_NEXT")), reprompt=turn.speech.say("WHAT_NEXT_REPROMPT")
            )
        return read_page(turn, self.store, before=None, period=period)
