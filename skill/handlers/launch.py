"""Opening the skill: "Alexa, open glimmer journal"."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from ..storage import JournalStore, StorageUnavailable
from ..turn import Turn
from .memories import launch_memory
from .progress import streak

log = logging.getLogger(__name__)

# "Today so far" reaches a little past now, so a glimmer stamped by a clock slightly ahead still counts.
LATER = timedelta(days=1)


class LaunchHandler(AbstractRequestHandler):
    """Greets a newcomer with what glimmers are, a returning person with today's count.

    A glimmer from exactly a year ago may be mentioned too, at most once a day.
    With the person's time zone unknown, nothing about "today" is said (it
    could be their yesterday or tomorrow): only a welcome and a question.
    """

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        try:
            noted = self.store.days_noted(turn.key, turn.zone)
            local_midnight = datetime.combine(turn.today, time(), turn.zone)
            today = self.store.count(turn.key, (local_midnight, turn.now + LATER)) if turn.today in noted else 0
        except StorageUnavailable as exc:
            log.warning("could not read the journal to greet: %s", exc)
            return turn.reply(
                turn.speech.join(say("WELCOME_BACK_NONE_TODAY"), say("LAUNCH_ASK_NONE_TODAY")),
                reprompt=say("LAUNCH_REPROMPT"),
            )
        hello = say("GREET_PERSON", name=turn.name_tag()) if turn.key.person_id else ""
        if not noted:
            return turn.reply(turn.speech.join(hello, say("WELCOME_NEW")), reprompt=say("LAUNCH_REPROMPT"))
        if not turn.zone_known:
            return turn.reply(
                turn.speech.join(hello, say("WELCOME_BACK_NONE_TODAY"), say("LAUNCH_ASK_UNSURE")),
                reprompt=say("LAUNCH_REPROMPT"),
            )
        memory = launch_memory(turn, self.store, noted)
        days, noticed_today = streak(noted, turn.today)
        # Progress is mentioned only when it is good news; a broken streak is never brought up.
        progress = say("LAUNCH_STREAK", count=days) if noticed_today and days >= 2 else ""
        if today:
            greeting, ask = say("WELCOME_BACK", count=today), say("LAUNCH_ASK")
        else:
            greeting, ask = say("WELCOME_BACK_NONE_TODAY"), say("LAUNCH_ASK_NONE_TODAY")
        return turn.reply(turn.speech.join(hello, greeting, progress, memory, ask), reprompt=say("LAUNCH_REPROMPT"))
