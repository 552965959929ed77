"""The locales the skill ships, and where each one's held-out phrasings are (shared by the tests)."""

from __future__ import annotations

from pathlib import Path

from skill.locales import SUPPORTED_LOCALES

TESTS = Path(__file__).parent
LOCALES = SUPPORTED_LOCALES
ENGLISH_LOCALES = tuple(locale for locale in LOCALES if locale.startswith("en-"))


def held_out_path(locale: str) -> Path:
    """en-US keeps its first set where it always was; every other locale's is tests/held_out/<locale>.txt."""
    if locale == "en-US":
        return TESTS / "held_out_phrasings.txt"
    return TESTS / "held_out" / f"{locale}.txt"


def held_out_lines(locale: str, intent: str) -> list[str]:
    lines, inside = [], False
    for line in held_out_path(locale).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            inside = line == f"[{intent}]"
        elif inside and line and not line.startswith("#"):
            lines.append(line)
    return lines
