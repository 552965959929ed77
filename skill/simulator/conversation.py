"""A conversation with the skill, kept the way Alexa keeps it: session, attributes and dialog directives."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from ..speech import escape
from .builtin_phrases import FALLBACK_INTENT, NO_INTENT, YES_INTENT
from .envelopes import (
    Identity,
    connections_response,
    envelope,
    intent_json,
    intent_request,
    launch_request,
    new_session_id,
    session_ended_request,
    session_part,
    slot_json,
)
from .model import DialogIntent
from .resolver import Resolver, Understanding, normalise

Transport = Callable[[dict[str, Any]], dict[str, Any]]
Clock = Callable[[], datetime]
SILENCE = ("", "(silence)", "<silence>")
# A skill that keeps delegating a finished dialog would loop; Alexa gives up too.
MAX_DELEGATIONS = 8
CONSENT_MODES = ("ask", "yes", "no")
CONSENT_REQUEST = "AskForPermissionsConsentRequest"
# What Alexa herself asks when a skill sends Connections.SendRequest AskFor (the skill cannot change it).
CONSENT_QUESTION = "Do you give {skill} permission to update your reminders? You can say I approve or no."
APPROVALS = frozenset({"i approve", "approve", "yes i approve", "i allow it", "allow", "allow it", "i do"})
# The same, as Alexa asks and hears it in German.
CONSENT_QUESTIONS = {
    "en": CONSENT_QUESTION,
    "de": "Erlaubst du {skill}, deine Erinnerungen zu aktualisieren? Du kannst sagen: Ich stimme zu, oder: Nein.",
}
APPROVALS_BY_LANGUAGE = {
    "en": APPROVALS,
    "de": frozenset({"ich stimme zu", "zustimmen", "ja ich stimme zu", "ich erlaube es", "erlauben", "erlaubt",
                     "ich erlaube das"}),
}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Exchange:
    """One step of the conversation: a request and the skill's response, or Alexa speaking on her own."""

    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    alexa_ssml: str | None = None
    understanding: Understanding | None = None
    notes: list[str] = field(default_factory=list)
    session_ended: bool = False


@dataclass
class Pending:
    """What Alexa is waiting for after a dialog directive (or while running the dialog model herself)."""

    kind: str  # "elicit", "confirm_slot", "confirm_intent", or "consent" (``intent`` is then the SendRequest directive)
    intent: dict[str, Any]
    slot: str | None = None
    delegated: bool = False  # Alexa is following the dialog model (Dialog.Delegate)
    automatic: bool = False  # ...without asking the skill between turns (delegationStrategy ALWAYS)


@dataclass
class Consent:
    """How the chat answers a skill's request for a permission (``--reminder-consent``).

    ``mode`` is "yes" (the person allows it), "no" (they do not) or "ask"
    (Alexa's question is put to whoever is typing). ``grant`` is called with
    the permission scope when it is allowed and returns the consent token
    Alexa then puts in every request.
    """

    mode: str = "ask"
    grant: Callable[[str], str] | None = None


class Conversation:
    """Turns typed lines into requests, sends them, and keeps the session the way Alexa would."""

    def __init__(
        self,
        resolver: Resolver,
        identity: Identity,
        transport: Transport,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        consent: Consent | None = None,
    ):
        self.consent = consent or Consent()
        self.resolver = resolver
        self.model = resolver.model
        self.identity = identity
        self.transport = transport
        self.clock = clock
        self.rng = rng or random.Random()
        self.session_id: str | None = None
        self.new = True
        self.attributes: dict[str, Any] = {}
        self.pending: Pending | None = None
        self.last_intent: dict[str, Any] | None = None
        self.last_reprompt: str | None = None
        self.silences = 0
        self.delegations = 0

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def today(self) -> date:
        """Today where the device is: dates like "yesterday" depend on it."""
        return self.clock().astimezone(ZoneInfo(self.identity.timezone)).date()

    # ------------------------------------------------------------------ turns

    def say(self, line: str) -> list[Exchange]:
        """Everything that happens after the person says ``line`` (an empty line is silence)."""
        line = line.strip()
        if line.lower() in SILENCE:
            return self._silence()
        self.silences = 0
        self.delegations = 0
        if self.pending is not None and self.pending.kind == "consent":
            return self._consent_answer(self.pending.intent, self._approval(line), f"your answer to Alexa: {line}")
        if self.pending is not None:
            answered = self._answer(line)
            if answered is not None:
                return answered
        return self._act(self.resolver.understand(line, self.today()))

    def understand(self, line: str) -> Understanding:
        return self.resolver.understand(line, self.today())

    def request_for(
        self, line: str, in_session: bool = True, attributes: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], Understanding]:
        """The envelope ``line`` becomes, without sending it (for ``glimmers request``).

        A plain utterance is said inside an open session (``new: false``) unless
        ``in_session`` is false; a launch or one-shot always starts a new one.
        """
        understanding = self.understand(line)
        if understanding.kind not in ("launch", "intent"):
            raise ValueError(_NOT_A_REQUEST.get(understanding.kind, understanding.kind))
        self._start_session()
        if in_session and understanding.kind == "intent" and not understanding.one_shot:
            self.new = False
            self.attributes = dict(attributes or {})
        return self._envelope(self._request_for(understanding)), understanding

    def end(self) -> list[Exchange]:
        """The person walks away: Alexa tells the skill the session ended."""
        if not self.in_session:
            return []
        return [self._end_session("USER_INITIATED")]

    # ------------------------------------------------------------- internals

    def _act(self, understanding: Understanding) -> list[Exchange]:
        if understanding.kind == "exit":
            if not self.in_session:
                return [Exchange(understanding=understanding, notes=["no session is open, so there is nothing to exit"])]
            return [self._end_session("USER_INITIATED", understanding)]
        if understanding.kind == "not_understood":
            note = f"not understood, and the model declares no {FALLBACK_INTENT}: Alexa would have guessed an intent"
            return [Exchange(understanding=understanding, notes=[note])]
        # Said with no session open, a plain line reaches the skill the way a one-shot does.
        implicit = understanding.kind == "intent" and not understanding.one_shot and not self.in_session
        if understanding.kind == "launch" or understanding.one_shot or implicit:
            self._start_session()
        self.pending = None
        dialog = self.model.dialog.get(understanding.intent or "")
        if dialog is not None and dialog.delegation_strategy == "ALWAYS":
            intent = intent_json(self.model, self.identity.skill_id, dialog.name, understanding.slots)
            exchanges = self._delegate(intent, understanding, automatic=True)
        else:
            exchanges = self._send(self._request_for(understanding), understanding)
        if implicit:
            name = self.model.invocation_name
            exchanges[0].notes.insert(0, f'no session was open: sent as a one-shot, like "ask {name} ..."')
        return exchanges

    def _request_for(self, understanding: Understanding) -> dict[str, Any]:
        now = self.clock()
        if understanding.kind == "launch":
            return launch_request(self.identity, now)
        name = understanding.intent or FALLBACK_INTENT
        intent = intent_json(self.model, self.identity.skill_id, name, understanding.slots)
        return intent_request(self.identity, now, intent, "STARTED" if name in self.model.dialog else None)

    def _answer(self, line: str) -> list[Exchange] | None:
        """The line as the answer Alexa is waiting for; None when it is something else entirely."""
        pending = self.pending
        assert pending is not None
        today = self.today()
        name = pending.intent["name"]
        if pending.kind == "elicit":
            if self.resolver.specific_match(line, today) is not None:
                self.pending = None
                return None
            fill = self.resolver.fill_slot(line, name, pending.slot or "", today)
            if fill is None:
                self.pending = None
                return None
            intent = copy.deepcopy(pending.intent)
            intent.setdefault("slots", {})[fill.name] = slot_json(fill, self.identity.skill_id)
            understanding = Understanding(normalise(line), "intent", name, {fill.name: fill}, f"answer to: which {fill.name}?")
            return self._continue(pending, intent, understanding)
        answer = self._yes_or_no(line)
        if answer is None:
            self.pending = None
            return None
        intent = copy.deepcopy(pending.intent)
        if pending.kind == "confirm_slot":
            slot = intent.setdefault("slots", {}).setdefault(pending.slot, {"name": pending.slot})
            slot["confirmationStatus"] = answer
            if answer == "DENIED" and pending.delegated:
                slot.pop("value", None)
                slot.pop("slotValue", None)
                slot.pop("resolutions", None)
        else:
            intent["confirmationStatus"] = answer
        understanding = Understanding(normalise(line), "intent", name, {}, f"{answer.lower()} ({pending.kind.replace('_', ' ')})")
        return self._continue(pending, intent, understanding)

    def _continue(self, pending: Pending, intent: dict[str, Any], understanding: Understanding) -> list[Exchange]:
        self.pending = None
        if pending.automatic:
            return self._delegate(intent, understanding, automatic=True)
        # The skill runs its own dialog: Alexa calls it IN_PROGRESS until the skill finishes it.
        # Only when Alexa follows the dialog model (Dialog.Delegate) does she say COMPLETED.
        state = "COMPLETED" if pending.delegated and pending.kind == "confirm_intent" else "IN_PROGRESS"
        return self._send(intent_request(self.identity, self.clock(), intent, state), understanding)

    def _yes_or_no(self, line: str) -> str | None:
        said = self.resolver.heard(line)
        if said in self.resolver.phrases(YES_INTENT):
            return "CONFIRMED"
        if said in self.resolver.phrases(NO_INTENT):
            return "DENIED"
        return None

    def _send(self, request: dict[str, Any], understanding: Understanding | None) -> list[Exchange]:
        sent = self._envelope(request)
        response = self.transport(sent)
        exchange = Exchange(request=sent, response=response, understanding=understanding)
        exchanges = [exchange]
        if request["type"] == "IntentRequest":
            self.last_intent = request["intent"]
        self._after(response, exchange, exchanges)
        return exchanges

    def _envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        session = None
        if self.session_id is not None:
            session = session_part(self.identity, self.session_id, self.new, copy.deepcopy(self.attributes))
            self.new = False
        return envelope(self.identity, request, session)

    def _after(self, response: dict[str, Any], exchange: Exchange, exchanges: list[Exchange]) -> None:
        """Do what the response asks: keep or end the session, and follow a dialog directive."""
        body = response.get("response") or {}
        self.attributes = response.get("sessionAttributes") or {}
        reprompt = ((body.get("reprompt") or {}).get("outputSpeech")) or {}
        self.last_reprompt = reprompt.get("ssml") or reprompt.get("text")
        end = body.get("shouldEndSession")
        send = next((d for d in body.get("directives") or [] if d.get("type") == "Connections.SendRequest"), None)
        if send is not None:
            exchanges.extend(self._connection(send, end, exchange))
            return
        directive = next(
            (d for d in body.get("directives") or [] if str(d.get("type", "")).startswith("Dialog.")), None
        )
        if directive is not None and end is True:
            exchange.notes.append("a Dialog directive with shouldEndSession true: Alexa rejects this response")
        if directive is None or end is True:
            if end is not False:
                if end is None:
                    exchange.notes.append("shouldEndSession is not set: on a device without a screen the session ends")
                self._close_session()
                exchange.session_ended = True
            return
        kind = directive["type"]
        intent = copy.deepcopy(directive.get("updatedIntent") or self.last_intent or {"name": FALLBACK_INTENT})
        if kind == "Dialog.ElicitSlot":
            self.pending = Pending("elicit", intent, directive.get("slotToElicit"))
        elif kind == "Dialog.ConfirmSlot":
            self.pending = Pending("confirm_slot", intent, directive.get("slotToConfirm"))
        elif kind == "Dialog.ConfirmIntent":
            self.pending = Pending("confirm_intent", intent)
        elif kind == "Dialog.Delegate":
            exchanges.extend(self._delegate(intent, None, automatic=False))
        else:
            exchange.notes.append(f"{kind} is not simulated; the session stays open")

    def _connection(self, send: dict[str, Any], end: Any, exchange: Exchange) -> list[Exchange]:
        """Alexa takes over for a moment (``Connections.SendRequest``), then answers the skill with ``Connections.Response``."""
        if body_has(exchange.response, "reprompt"):
            exchange.notes.append("a reprompt with Connections.SendRequest: Alexa rejects this response")
        if end is True:
            exchange.notes.append("shouldEndSession true: the answer comes in a new session")
            self._close_session()
            exchange.session_ended = True
        payload = send.get("payload") if isinstance(send.get("payload"), dict) else {}
        if send.get("name") != "AskFor" or payload.get("@type") != CONSENT_REQUEST:
            exchange.notes.append(f"Connections.SendRequest {send.get('name')!r} is not simulated")
            return []
        self.pending = None
        if self.consent.mode == "ask":
            name = " ".join(word.capitalize() for word in self.model.invocation_name.split())
            question = CONSENT_QUESTIONS.get(self.resolver.lex.code, CONSENT_QUESTION)
            ssml = f"<speak>{escape(question.format(skill=name))}</speak>"
            self.pending = Pending("consent", send)
            self.last_reprompt = None
            return [Exchange(alexa_ssml=ssml, notes=["Alexa asks for the permission herself (Connections.SendRequest AskFor)"])]
        status = "ACCEPTED" if self.consent.mode == "yes" else "DENIED"
        return self._consent_answer(send, status, f"answered {status} (--reminder-consent {self.consent.mode})")

    def _approval(self, line: str) -> str:
        said = self.resolver.heard(line)
        approvals = APPROVALS_BY_LANGUAGE.get(self.resolver.lex.code, APPROVALS)
        if said in approvals or said in self.resolver.phrases(YES_INTENT):
            return "ACCEPTED"
        if said in self.resolver.phrases(NO_INTENT):
            return "DENIED"
        return "NOT_ANSWERED"

    def _consent_answer(self, send: dict[str, Any], status: str, note: str) -> list[Exchange]:
        """Send the skill Alexa's ``Connections.Response`` to its ``AskFor``."""
        self.pending = None
        payload = send.get("payload") if isinstance(send.get("payload"), dict) else {}
        scope = payload.get("permissionScope")
        if status == "ACCEPTED" and self.consent.grant is not None and isinstance(scope, str):
            self.identity = self.identity.with_consent(self.consent.grant(scope))
        if not self.in_session:
            self._start_session()
        token = send.get("token") if isinstance(send.get("token"), str) else None
        request = connections_response(
            self.identity, self.clock(), "AskFor", {"permissionScope": scope, "status": status}, token
        )
        exchanges = self._send(request, None)
        exchanges[0].notes.insert(0, f"Alexa answers the skill's AskFor: {status}; {note}")
        return exchanges

    def _delegate(self, intent: dict[str, Any], understanding: Understanding | None, automatic: bool) -> list[Exchange]:
        """Alexa runs the dialog model: ask for the next required slot or confirmation, or finish."""
        dialog = self.model.dialog.get(intent["name"])
        if dialog is None:
            return [self._end_session("ERROR", note=f"Dialog.Delegate for {intent['name']}, which has no dialog model: Alexa rejects it")]
        step = _next_step(dialog, intent)
        if step is None:
            self.delegations += 1
            if self.delegations > MAX_DELEGATIONS:
                return [self._end_session("ERROR", note="the skill keeps delegating a finished dialog; Alexa gives up")]
            request = intent_request(self.identity, self.clock(), intent, "COMPLETED")
            return self._send(request, understanding)
        kind, slot, prompt_id = step
        if kind == "elicit" and slot:
            for key in ("value", "slotValue", "resolutions"):
                intent["slots"][slot].pop(key, None)
            intent["slots"][slot]["confirmationStatus"] = "NONE"
        ssml = self._prompt(prompt_id, intent, slot)
        self.pending = Pending(kind, intent, slot, delegated=True, automatic=automatic)
        self.last_reprompt = ssml
        return [Exchange(alexa_ssml=ssml, understanding=understanding, notes=[f"Alexa asks, from the dialog model ({prompt_id or 'no prompt'})"])]

    def _prompt(self, prompt_id: str | None, intent: dict[str, Any], slot: str | None) -> str:
        variations = self.model.prompts.get(prompt_id or "") or ()
        if not variations:
            words = f"What is the {slot}?" if slot else "Is that right?"
            return f"<speak>{escape(words)}</speak>"
        chosen = self.rng.choice(variations)
        values = {name: (s.get("value") or "") for name, s in (intent.get("slots") or {}).items()}

        def fill(text: str, escaped: bool) -> str:
            for name, value in values.items():
                text = text.replace("{" + name + "}", escape(value) if escaped else value)
            return text

        if chosen.type == "SSML":
            text = fill(chosen.value, escaped=True)
            return text if text.startswith("<speak>") else f"<speak>{text}</speak>"
        return f"<speak>{escape(fill(chosen.value, escaped=False))}</speak>"

    def _silence(self) -> list[Exchange]:
        if self.pending is not None and self.pending.kind == "consent":
            return self._consent_answer(self.pending.intent, "NOT_ANSWERED", "no answer: Alexa tells the skill so")
        if not self.in_session:
            return []
        if self.silences == 0 and self.last_reprompt:
            self.silences = 1
            return [Exchange(alexa_ssml=self.last_reprompt, notes=["no answer: Alexa says the reprompt"])]
        return [self._end_session("EXCEEDED_MAX_REPROMPTS", note="no answer again: Alexa ends the session")]

    def _end_session(self, reason: str, understanding: Understanding | None = None, note: str | None = None) -> Exchange:
        request = session_ended_request(self.identity, self.clock(), reason)
        if reason == "ERROR":
            request["error"] = {"type": "INVALID_RESPONSE", "message": note or "the skill's response was not valid"}
        sent = self._envelope(request)
        response = self.transport(sent)  # Alexa ignores what the skill answers here
        self._close_session()
        return Exchange(sent, response, understanding=understanding, notes=[note] if note else [], session_ended=True)

    def _start_session(self) -> None:
        self.session_id = new_session_id()
        self.new = True
        self.attributes = {}
        self.pending = None
        self.last_reprompt = None

    def _close_session(self) -> None:
        self.session_id = None
        self.attributes = {}
        self.pending = None
        self.last_reprompt = None
        self.silences = 0


def body_has(response: dict[str, Any] | None, name: str) -> bool:
    return bool(((response or {}).get("response") or {}).get(name))


_NOT_A_REQUEST = {
    "exit": "saying that only ends an open session: Alexa sends SessionEndedRequest, not an intent",
    "not_understood": f"not understood, and the model declares no {FALLBACK_INTENT}",
}


def _next_step(dialog: DialogIntent, intent: dict[str, Any]) -> tuple[str, str | None, str | None] | None:
    """What the dialog model still needs: ("elicit" | "confirm_slot" | "confirm_intent", slot, prompt id)."""
    slots = intent.setdefault("slots", {})
    for rule in dialog.slots:
        slot = slots.setdefault(rule.name, {"name": rule.name, "confirmationStatus": "NONE"})
        filled = bool(slot.get("value"))
        status = slot.get("confirmationStatus", "NONE")
        if rule.elicitation_required and (not filled or status == "DENIED"):
            return "elicit", rule.name, rule.prompts.get("elicitation")
        if filled and rule.confirmation_required and status == "NONE":
            return "confirm_slot", rule.name, rule.prompts.get("confirmation")
    if dialog.confirmation_required and intent.get("confirmationStatus", "NONE") == "NONE":
        return "confirm_intent", None, dialog.prompts.get("confirmation")
    return None

