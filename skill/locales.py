"""Which locales the skill speaks, and the one place a request's locale is read.

Alexa sends the device's locale with every request (``request.locale``,
such as ``en-GB`` or ``de-DE``). The skill ships an interaction model and
speech for each of ``SUPPORTED_LOCALES``. A request in another English
locale (``en-NZ``) is answered in US English, and this is logged once per
locale per process; a request in a language the skill does not speak at all
(``fr-FR``, ``ja-JP``) is answered briefly, in English, that the skill does
not speak it yet (``handlers/builtin.py``: ``UnsupportedLanguageHandler``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_LOCALE = "en-US"
# Every locale with its own interaction model, speech and store listing.
SUPPORTED_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE")
# English locales whose models are generated from en-US (interaction_models/regional/).
ENGLISH_REGIONS = ("en-GB", "en-CA", "en-AU", "en-IN")
SPOKEN_LANGUAGES = frozenset(locale.split("-")[0] for locale in SUPPORTED_LOCALES)

_warned: set[str] = set()
_warned_lock = threading.Lock()
# Never more than this many distinct locale strings are remembered (requests are untrusted).
_MAX_WARNED = 64


@dataclass(frozen=True)
class RequestLocale:
    """The locale a request came with, and how the skill answers it."""

    requested: str  # as the request said it (en-US when it said none)
    speech: str  # the supported locale whose speech answers it
    spoken: bool  # whether the skill speaks the request's language at all

    @property
    def language(self) -> str:
        return language_of(self.speech)


def language_of(locale: str | None) -> str:
    """"en" for "en-GB"; the default language for nothing."""
    return (locale or DEFAULT_LOCALE).split("-")[0].lower() or "en"


def canonical(locale: str) -> str:
    """"en-gb" and "en_GB" as "en-GB"."""
    language, _, country = locale.replace("_", "-").partition("-")
    return f"{language.lower()}-{country.upper()}" if country else language.lower()


def resolve_locale(raw: Any) -> RequestLocale:
    """How to answer a request in ``raw`` (the envelope's ``request.locale``; None or junk is en-US)."""
    if not isinstance(raw, str) or not raw.strip():
        return RequestLocale(DEFAULT_LOCALE, DEFAULT_LOCALE, True)
    locale = canonical(raw.strip())
    if locale in SUPPORTED_LOCALES:
        return RequestLocale(locale, locale, True)
    language = language_of(locale)
    if language not in SPOKEN_LANGUAGES:
        return RequestLocale(locale, DEFAULT_LOCALE, False)
    fallback = next(known for known in SUPPORTED_LOCALES if known.startswith(f"{language}-"))
    _warn_once(locale, fallback)
    return RequestLocale(locale, fallback, True)


def request_locale(envelope: Any) -> RequestLocale:
    """The locale of an ask-sdk ``RequestEnvelope`` (skill events carry none: en-US)."""
    request = getattr(envelope, "request", None)
    return resolve_locale(getattr(request, "locale", None))


def _warn_once(locale: str, fallback: str) -> None:
    with _warned_lock:
        if locale in _warned or len(_warned) >= _MAX_WARNED:
            return
        _warned.add(locale)
    log.warning("requests in %s are answered with %s speech (the skill has no %s model of its own)",
                locale, fallback, locale)
