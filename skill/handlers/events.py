"""Skill events: when someone disables the skill without keeping their data, delete it."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from ..storage import JournalStore, hash_id

log = logging.getLogger(__name__)


class SkillDisabledHandler(AbstractRequestHandler):
    """AlexaSkillEvent.SkillDisabled: NOT_PERSISTED deletes the account's journals, PERSISTED keeps them.

    Alexa issues a new user ID when a skill is enabled again without persisted
    data, so journals kept under the old ID could never be reached again.
    """

    def __init__(self, store: JournalStore):
        self.store = store

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        envelope = handler_input.request_envelope
        # ask-sdk-model has no type for this event's body: it arrives as the raw JSON object.
        body = getattr(envelope.request, "body", None)
        status = body.get("userInformationPersistenceStatus") if isinstance(body, dict) else None
        user_id = envelope.context.system.user.user_id
        account = hash_id(user_id)[:12]
        if status == "NOT_PERSISTED":
            removed = self.store.delete_account(user_id)
            log.info("skill disabled without persistence: deleted %d journal(s) of account %s", removed, account)
        else:
            log.info("skill disabled with persistence (%s): kept the journals of account %s", status, account)
        return handler_input.response_builder.response
