"""When a handler fails: apologise without blaming the person, and log the request ID."""

from __future__ import annotations

import logging
import random

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Response, SessionEndedRequest

from ..locales import request_locale
from ..speech import Speech, load_catalogue
from ..turn import REQUEST_ATTRIBUTE, Turn

log = logging.getLogger(__name__)


class ApologiseOnErrorHandler(AbstractExceptionHandler):
    """Any exception: a valid response that says sorry, and a log line naming the request."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        # The exception's message may quote what the person said: keep it out of INFO+ logs.
        log.error("request %s failed: %s", getattr(request, "request_id", None), type(exception).__name__)
        log.debug("request failed", exc_info=exception)
        builder = ResponseFactory()  # start clean: the failed handler may have half-built one
        if isinstance(request, SessionEndedRequest):
            return builder.response
        turn = handler_input.attributes_manager.request_attributes.get(REQUEST_ATTRIBUTE)
        if isinstance(turn, Turn):
            speech, one_shot = turn.speech, turn.one_shot
        else:
            speech = Speech(load_catalogue(request_locale(handler_input.request_envelope).speech), self.rng)
            session = handler_input.request_envelope.session
            one_shot = session is None or bool(session.new)
        if one_shot:
            builder.speak(speech.say("ERROR"))
        else:
            # The microphone stays open, so the answer asks what next.
            builder.speak(speech.join(speech.say("ERROR"), speech.say("WHAT_NEXT")))
            builder.ask(speech.say("WHAT_NEXT_REPROMPT"))
        builder.set_should_end_session(one_shot)
        return builder.response
