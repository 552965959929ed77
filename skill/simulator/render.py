"""What the person sees: Alexa's words as plain text, the reprompt, the card, and the envelopes on request."""

from __future__ import annotations

import json
import re
from typing import Any

from ..speech import escape, to_plain_text
from .conversation import Exchange

_NAME_TAG = re.compile(r"<alexa:name\b[^>]*/>|<alexa:name\b[^>]*>.*?</alexa:name>", re.DOTALL)
_BREAK_TAG = re.compile(r"<break\b[^>]*/>|<break\b[^>]*>\s*</break>")
_AUDIO_TAG = re.compile(r"<audio\b[^>]*/>|<audio\b[^>]*>.*?</audio>", re.DOTALL)
_PAUSE = "\ue000"  # stands in for a <break> until the text is plain


def with_name(ssml: str, name: str) -> str:
    """The SSML with each ``<alexa:name .../>`` replaced by ``name`` (as Alexa says the person's name)."""
    return _NAME_TAG.sub(lambda _: escape(name), ssml)


def speech_text(ssml: str, name: str = "friend") -> str:
    """What a listener hears, as text: the name filled in, pauses as "…", entities unescaped."""
    marked = _BREAK_TAG.sub(f" {_PAUSE} ", with_name(ssml, name))
    marked = _AUDIO_TAG.sub(" [sound] ", marked)
    text = to_plain_text(marked)
    text = re.sub(rf"([.!?,:;…])\s*(?:{_PAUSE}\s*)+", r"\1 ", text)
    text = re.sub(rf"(?:\s*{_PAUSE})+\s*", " … ", text)
    return text.strip(" …") if text.strip(" …") else ""


def output_speech(speech: dict[str, Any] | None) -> str | None:
    """The SSML (or plain text, escaped) of an ``outputSpeech`` object."""
    if not speech:
        return None
    if speech.get("ssml"):
        return speech["ssml"]
    if speech.get("text"):
        return f"<speak>{escape(speech['text'])}</speak>"
    return None


def spoken_ssml(exchange: Exchange) -> str | None:
    """What Alexa says aloud in this step, as SSML."""
    if exchange.alexa_ssml:
        return exchange.alexa_ssml
    if exchange.response is None:
        return None
    return output_speech((exchange.response.get("response") or {}).get("outputSpeech"))


def card_lines(card: dict[str, Any] | None) -> list[str]:
    if not card:
        return []
    kind = card.get("type")
    if kind in ("Simple", "Standard"):
        body = card.get("content") if kind == "Simple" else card.get("text")
        lines = str(body or "").splitlines() or [""]
        head = f"  [card] {card.get('title', '')}: {lines[0]}".rstrip()
        return [head, *[f"         {line}" for line in lines[1:]]]
    if kind == "AskForPermissionsConsent":
        return [f"  [card] {kind}: asks in the Alexa app for {', '.join(card.get('permissions') or [])}"]
    return [f"  [card] {kind}"]


def format_exchange(exchange: Exchange, name: str = "friend", show_json: bool = False) -> str:
    """The transcript lines for one step; with ``show_json`` the resolver's reading and both envelopes too."""
    lines: list[str] = []
    if show_json:
        if exchange.understanding is not None:
            lines.append("  (resolver) " + json.dumps(exchange.understanding.describe(), ensure_ascii=False))
        if exchange.request is not None:
            lines.append(">>> request")
            lines.append(json.dumps(exchange.request, indent=2, ensure_ascii=False))
        if exchange.response is not None:
            lines.append("<<< response")
            lines.append(json.dumps(exchange.response, indent=2, ensure_ascii=False))
    ssml = spoken_ssml(exchange)
    if ssml is not None:
        lines.append(f"alexa> {speech_text(ssml, name)}")
    if exchange.response is not None and exchange.request and exchange.request["request"]["type"] != "SessionEndedRequest":
        body = exchange.response.get("response") or {}
        reprompt = output_speech((body.get("reprompt") or {}).get("outputSpeech"))
        if reprompt is not None:
            lines.append(f"  (reprompt) {speech_text(reprompt, name)}")
        lines.extend(card_lines(body.get("card")))
    lines.extend(f"  (note) {note}" for note in exchange.notes)
    if exchange.session_ended:
        lines.append("(session ended)")
    return "\n".join(lines)
