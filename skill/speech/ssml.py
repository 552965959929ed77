"""SSML helpers: the one place where user text is made safe to speak."""

from __future__ import annotations

import html
import re

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})
# Characters SSML (XML 1.0) cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TAG = re.compile(r"<[^>]*>")
_NAME_TAG = re.compile(r"<alexa:name\b[^>]*/>")


class Ssml(str):
    """A fragment that is already valid SSML and must not be escaped again."""


def escape(text: str) -> Ssml:
    """Make any text safe to place inside ``<speak>``."""
    if isinstance(text, Ssml):
        return text
    return Ssml(_NOT_XML.sub("", str(text)).translate(_ESCAPES))


def pause(milliseconds: int) -> Ssml:
    return Ssml(f'<break time="{int(milliseconds)}ms"/>')


def to_plain_text(ssml: str, name: str = "friend") -> str:
    """What a listener hears, as text: tags dropped, ``<alexa:name>`` as ``name``, entities unescaped."""
    text = ssml
    if text.startswith("<speak>") and text.endswith("</speak>"):
        text = text[len("<speak>"):-len("</speak>")]
    text = _NAME_TAG.sub(lambda _: name, text)
    text = _TAG.sub(" ", text)
    text = re.sub(r"\s+([.,;:?!])", r"\1", re.sub(r"\s+", " ", html.unescape(text)))
    return text.strip()
