"""Opening the skill: "Alexa, open glimmer journal"."""

from __future__ import annotations

import logging
from datetime import datetime, time

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from ..storage import GlimmerStore, StorageUnavailable
from ..turn import Turn

log = logging.getLogger(__name__)


class LaunchHandler(AbstractRequestHandler):
    """Greets a newcomer with what glimmers are, a returning person with today's count."""

    def __init__(self, store: GlimmerStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        try:
            glimmers = self.store.glimmers(turn.key)
        except StorageUnavailable as exc:
            log.warning("could not read the journal to greet: %s", exc)
            return turn.reply(say("WELCOME_BACK_NONE_TODAY"), reprompt=say("LAUNCH_REPROMPT"))
        if not glimmers:
            return turn.reply(say("WELCOME_NEW"), reprompt=say("LAUNCH_REPROMPT"))
        local_midnight = datetime.combine(turn.now.astimezone(turn.zone).date(), time(), turn.zone)
        today = sum(1 for g in glimmers if g.created_at >= local_midnight)
        greeting = say("WELCOME_BACK", count=today) if today else say("WELCOME_BACK_NONE_TODAY")
        return turn.reply(greeting, reprompt=say("LAUNCH_REPROMPT"))
