"""Everything the skill says: the message catalogue and SSML helpers."""

from .catalogue import Catalogue, MissingMessage, Speech, Suggestion, load_catalogue
from .ssml import Ssml, escape, pause, to_plain_text

__all__ = [
    "Catalogue",
    "MissingMessage",
    "Speech",
    "Ssml",
    "Suggestion",
    "escape",
    "load_catalogue",
    "pause",
    "to_plain_text",
]
