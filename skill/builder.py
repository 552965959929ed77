"""Assembles the Alexa skill: handlers in the order they are tried, and interceptors."""

from __future__ import annotations

import random

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from .handlers.builtin import (
    CapabilitiesHandler,
    DeclinedHandler,
    ExitHandler,
    FallbackHandler,
    HelpAcceptedHandler,
    HelpHandler,
    OtherRequestHandler,
    SessionEndedHandler,
)
from .handlers.errors import ApologiseOnErrorHandler
from .handlers.launch import LaunchHandler
from .handlers.recall import ReadGlimmersHandler, ReadMoreHandler
from .handlers.record import RecordGlimmerHandler
from .handlers.suggest import SuggestAnotherHandler, SuggestGlimmerHandler
from .storage import GlimmerStore
from .turn import Clock, TurnInterceptor, utc_now


def build_skill(store: GlimmerStore, rng: random.Random | None = None, clock: Clock = utc_now) -> CustomSkill:
    """The skill, with its store, random source and clock passed in (tests pass their own)."""
    rng = rng or random.Random()
    builder = CustomSkillBuilder()
    builder.add_global_request_interceptor(TurnInterceptor(rng, clock))
    # The first handler whose can_handle() is true answers; answers to a
    # pending question come before the general meaning of yes, no and more.
    for handler in (
        LaunchHandler(store),
        RecordGlimmerHandler(store),
        ReadGlimmersHandler(store),
        SuggestGlimmerHandler(store, rng),
        ReadMoreHandler(store),
        SuggestAnotherHandler(store, rng),
        HelpAcceptedHandler(),
        DeclinedHandler(),
        HelpHandler(),
        ExitHandler(),
        CapabilitiesHandler(),
        FallbackHandler(),
        SessionEndedHandler(),
        OtherRequestHandler(),
    ):
        builder.add_request_handler(handler)
    builder.add_exception_handler(ApologiseOnErrorHandler(rng))
    return builder.create()
