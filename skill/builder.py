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
    UnsupportedLanguageHandler,
)
from .handlers.dates import GlimmersByDateHandler
from .handlers.delete import DeleteAllGlimmersHandler, DeleteLastGlimmerHandler, DeletionAnswerHandler
from .handlers.errors import ApologiseOnErrorHandler
from .handlers.events import SkillDisabledHandler
from .handlers.change import ChangeLastGlimmerHandler
from .handlers.crisis import CrisisHandler
from .handlers.grounding import GroundingHandler, GroundingOfferedHandler
from .handlers.launch import LaunchHandler
from .handlers.memories import OnThisDayHandler
from .handlers.progress import CountGlimmersHandler, StreakHandler
from .handlers.reminders import (
    CancelReminderHandler,
    ConsentAnswerHandler,
    ReminderOfferAnswerHandler,
    ReminderStatusHandler,
    SetReminderHandler,
)
from .handlers.recall import ReadGlimmersHandler, ReadMoreHandler
from .handlers.record import RecordGlimmerHandler
from .handlers.search import SearchGlimmersHandler, SuggestionOfferedHandler
from .handlers.suggest import BeAGlimmerHandler, SuggestAnotherHandler, SuggestGlimmerHandler
from .alexa_api import AlexaApiClient
from .device_time import TimeZoneLookup
from .storage import JournalStore
from .turn import Clock, TurnInterceptor, ZoneKeeper, utc_now


def build_skill(
    store: JournalStore,
    rng: random.Random | None = None,
    clock: Clock = utc_now,
    zones: TimeZoneLookup | None = None,
    allow_http_api: bool = False,
) -> CustomSkill:
    """The skill, with its store, random source, clock and time-zone lookup passed in.

    ``allow_http_api`` lets the skill call a plain-HTTP ``apiEndpoint`` (a local
    stand-in for the Alexa APIs): only for unsigned requests (``--dev``, chat,
    invoke), never on a server that verifies requests.
    """
    rng = rng or random.Random()
    builder = CustomSkillBuilder(api_client=AlexaApiClient(allow_http=allow_http_api))
    zones = zones or TimeZoneLookup(allow_http=allow_http_api)
    builder.add_global_request_interceptor(TurnInterceptor(rng, clock, zones, store))
    builder.add_global_response_interceptor(ZoneKeeper())
    # The first handler whose can_handle() is true answers; answers to a
    # pending question come before the general meaning of yes, no and more.
    # Words about suicide or self-harm come first of all, whatever intent they reached.
    for handler in (
        CrisisHandler(),
        UnsupportedLanguageHandler(),
        LaunchHandler(store),
        RecordGlimmerHandler(store),
        ReadGlimmersHandler(store),
        SuggestGlimmerHandler(store, rng),
        GlimmersByDateHandler(store),
        CountGlimmersHandler(store),
        StreakHandler(store),
        GroundingHandler(store, rng),
        BeAGlimmerHandler(store, rng),
        DeleteLastGlimmerHandler(store),
        DeleteAllGlimmersHandler(store),
        ChangeLastGlimmerHandler(store),
        SearchGlimmersHandler(store),
        OnThisDayHandler(store),
        SetReminderHandler(store),
        CancelReminderHandler(store),
        ReminderStatusHandler(store),
        ConsentAnswerHandler(store),
        DeletionAnswerHandler(store),
        ReminderOfferAnswerHandler(store),
        ReadMoreHandler(store),
        SuggestAnotherHandler(store, rng),
        SuggestionOfferedHandler(store, rng),
        GroundingOfferedHandler(store, rng),
        HelpAcceptedHandler(),
        DeclinedHandler(),
        HelpHandler(),
        ExitHandler(),
        CapabilitiesHandler(),
        FallbackHandler(),
        SessionEndedHandler(),
        SkillDisabledHandler(store),
        OtherRequestHandler(),
    ):
        builder.add_request_handler(handler)
    builder.add_exception_handler(ApologiseOnErrorHandler(rng))
    return builder.create()
