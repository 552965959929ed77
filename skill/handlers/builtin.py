"""Alexa's built-in intents: help, stop, yes and no, fallback, and the end of a session."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from ..turn import Turn

log = logging.getLogger(__name__)

OFFERED_HELP = "help"
# After this many misunderstandings in a row, offer help instead of guessing again.
FALLBACKS_BEFORE_HELP = 2


def _intent_is(handler_input: HandlerInput, *names: str) -> bool:
    return any(is_intent_name(name)(handler_input) for name in names)


# Help inside a step explains that step and keeps the step going: the message,
# and the session state that step carries.
CONTEXT_HELP = {
    "more_glimmers": ("HELP_READING", ("cursor", "period", "topic")),
    "offer_suggestion": ("HELP_OFFERED_SUGGESTION", ()),
    "offer_grounding": ("HELP_OFFERED_GROUNDING", ()),
    "confirm_delete_last": ("HELP_DELETING", ("delete_id",)),
    "confirm_delete_all": ("HELP_DELETING", ()),
    "another_suggestion": ("HELP_SUGGESTING", ("category",)),
    "offer_reminder": ("HELP_OFFERED_REMINDER", ("saved_id",)),
}


def _help(turn: Turn) -> Response:
    step = CONTEXT_HELP.get(turn.question or "")
    if step is not None:
        key, carried = step
        state = {name: turn.previous[name] for name in carried if name in turn.previous}
        help_text = turn.speech.say(key)
        return turn.reply(help_text, reprompt=help_text, question=turn.question, state=state)
    if turn.previous.get("asked_for_glimmer"):
        help_text = turn.speech.say("HELP_RECORDING")
        return turn.reply(help_text, reprompt=turn.speech.say("ASK_GLIMMER_REPROMPT"))
    if turn.previous.get("asked_for_change"):
        help_text = turn.speech.say("HELP_CHANGING")
        return turn.reply(help_text, reprompt=turn.speech.say("CHANGE_ASK_REPROMPT"))
    if turn.previous.get("asked_for_time"):
        help_text = turn.speech.say("HELP_REMINDER_TIME")
        return turn.reply(help_text, reprompt=turn.speech.say("REMINDER_ASK_TIME_REPROMPT"))
    if turn.previous.get("asked_for_topic"):
        help_text = turn.speech.say("HELP_SEARCHING")
        return turn.reply(help_text, reprompt=turn.speech.say("SEARCH_ASK_REPROMPT"))
    return turn.reply(turn.speech.say("HELP"), reprompt=turn.speech.say("HELP_REPROMPT"))


class HelpHandler(AbstractRequestHandler):
    """Says what the skill does and a few things to say."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _intent_is(handler_input, "AMAZON.HelpIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        return _help(Turn.of(handler_input))


class HelpAcceptedHandler(AbstractRequestHandler):
    """"Yes" after "Would you like some help?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            _intent_is(handler_input, "AMAZON.YesIntent")
            and Turn.of(handler_input).question == OFFERED_HELP
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return _help(Turn.of(handler_input))


class ExitHandler(AbstractRequestHandler):
    """Stop and cancel: a short, warm goodbye."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _intent_is(handler_input, "AMAZON.StopIntent", "AMAZON.CancelIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        return turn.reply(turn.speech.say("GOODBYE"), end=True)


class DeclinedHandler(AbstractRequestHandler):
    """"No" to a question the skill asked: leave it there, kindly."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _intent_is(handler_input, "AMAZON.NoIntent") and Turn.of(handler_input).question is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        return turn.reply(turn.speech.join(turn.speech.say("OKAY"), turn.speech.say("GOODBYE")), end=True)


class CapabilitiesHandler(AbstractRequestHandler):
    """Go home, or yes / no / more / next with nothing asked: say what the skill can do."""

    INTENTS = (
        "AMAZON.NavigateHomeIntent",
        "AMAZON.YesIntent",
        "AMAZON.NoIntent",
        "AMAZON.MoreIntent",
        "AMAZON.NextIntent",
    )

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _intent_is(handler_input, *self.INTENTS)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        return turn.reply(turn.speech.say("CAPABILITIES"), reprompt=turn.speech.say("WHAT_NEXT_REPROMPT"))


class FallbackHandler(AbstractRequestHandler):
    """Anything not understood (including intents this skill does not know): gently steer."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        say = turn.speech.say
        previous = turn.previous.get("fallbacks", 0)
        fallbacks = (previous if isinstance(previous, int) else 0) + 1
        if fallbacks >= FALLBACKS_BEFORE_HELP:
            return turn.reply(
                say("FALLBACK_OFFER_HELP"), reprompt=say("FALLBACK_OFFER_HELP_REPROMPT"), question=OFFERED_HELP
            )
        return turn.reply(say("FALLBACK"), reprompt=say("WHAT_NEXT_REPROMPT"), fallbacks=fallbacks)


class SessionEndedHandler(AbstractRequestHandler):
    """The session ended (the person left, or an error): nothing to say, only a log line."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        error = getattr(request, "error", None)
        if error is not None:
            log.warning(
                "session ended: request %s, reason %s, error %s: %s",
                request.request_id, reason, getattr(error.object_type, "value", error.object_type), error.message,
            )
        else:
            log.info("session ended: request %s, reason %s", request.request_id, reason)
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Request types this skill has no use for (display events, for example): answer quietly."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("no handler for a %s request; answered with no speech", handler_input.request_envelope.request.object_type)
        return handler_input.response_builder.response


class UnsupportedLanguageHandler(AbstractRequestHandler):
    """A launch or request in a language the skill does not speak (fr-FR, ja-JP): a short answer in English.

    Tried right after the crisis handler (which answers words about self-harm
    whatever the language), before anything is read or saved.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not (is_request_type("LaunchRequest")(handler_input) or is_request_type("IntentRequest")(handler_input)):
            return False
        turn = Turn.of(handler_input)
        return turn.answered_in is not None and not turn.answered_in.spoken

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        log.info("request %s in a language the skill does not speak: answered in English", turn.request_id)
        return turn.reply(turn.speech.say("LANGUAGE_NOT_SPOKEN"), end=True)
