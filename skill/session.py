"""Running the skill in-process, without HTTP: for ``glimmers invoke`` and tests."""

from __future__ import annotations

import copy
import random
from typing import Any

from .builder import build_skill
from .envelope import NotAnEnvelope, RequestSerializer, to_request_envelope
from .speech import to_plain_text
from .storage import JournalStore
from .turn import Clock, utc_now


class LocalSkill:
    """The skill on a store, taking and returning envelopes as plain JSON values."""

    def __init__(self, store: JournalStore, rng: random.Random | None = None, clock: Clock = utc_now):
        self.store = store
        # Requests here are unsigned, made on this machine: a local stand-in API over plain HTTP is fine.
        self.skill = build_skill(self.store, rng=rng, clock=clock, allow_http_api=True)
        self.serializer = RequestSerializer()

    def invoke(self, envelope: dict[str, Any], user: str | None = None) -> dict[str, Any]:
        """The response envelope for one request; ValueError if it is not a request envelope."""
        if user is not None:
            envelope = with_user(envelope, user)
        try:
            model = to_request_envelope(envelope, self.serializer)
        except NotAnEnvelope as exc:
            raise ValueError(f"not an Alexa request envelope: {exc}") from None
        return self.serializer.serialize(self.skill.invoke(request_envelope=model, context=None))

    @staticmethod
    def spoken(response: dict[str, Any]) -> str:
        """What Alexa would say for a response envelope, as plain text."""
        speech = (response.get("response") or {}).get("outputSpeech") or {}
        return to_plain_text(speech.get("ssml") or speech.get("text") or "")


def with_user(envelope: dict[str, Any], user_id: str) -> dict[str, Any]:
    """A copy of ``envelope`` sent by another Alexa user."""
    changed = copy.deepcopy(envelope)
    if not isinstance(changed, dict):
        return changed
    for path in (("context", "System", "user"), ("session", "user")):
        node: Any = changed
        for name in path[:-1]:
            node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.setdefault(path[-1], {})
            if isinstance(node[path[-1]], dict):
                node[path[-1]]["userId"] = user_id
    return changed
