"""Spoken numbers: "twenty five", "25", "twenty fifth", "25th" as integers (AMAZON.NUMBER and dates)."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_ORDINAL_WORDS = {
    "first": "one", "second": "two", "third": "three", "fifth": "five", "eighth": "eight", "ninth": "nine",
    "twelfth": "twelve", "twentieth": "twenty", "thirtieth": "thirty", "fortieth": "forty",
    "fiftieth": "fifty", "sixtieth": "sixty", "seventieth": "seventy", "eightieth": "eighty",
    "ninetieth": "ninety", "hundredth": "hundred", "thousandth": "thousand",
}
_DIGITS = re.compile(r"\d+")
_DIGIT_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")


def parse_number(text: str) -> int | None:
    """A whole number said in digits or words ("3", "a hundred and five"); None if it is not one."""
    words = text.replace("-", " ").split()
    if len(words) == 1 and _DIGITS.fullmatch(words[0]):
        return int(words[0])
    words = [w for w in words if w != "and"]
    if not words:
        return None
    if words[0] == "a" and len(words) > 1 and words[1] in _SCALES:
        words[0] = "one"
    total, current, seen = 0, 0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_ordinal(text: str) -> int | None:
    """An ordinal said in digits or words ("25th", "twenty fifth", "first"); None if it is not one."""
    text = text.strip()
    match = _DIGIT_ORDINAL.fullmatch(text)
    if match:
        return int(match.group(1))
    words = text.replace("-", " ").split()
    if not words:
        return None
    last = words[-1]
    if last in _ORDINAL_WORDS:
        last = _ORDINAL_WORDS[last]
    elif last.endswith("th") and last[:-2] in _UNITS:
        last = last[:-2]
    else:
        return None
    return parse_number(" ".join([*words[:-1], last]))
