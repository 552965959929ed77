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


def parse_number(text: str, language: str = "en") -> int | None:
    """A whole number said in digits or words ("3", "a hundred and five", "dreiundzwanzig"); None if it is not one."""
    if language == "de":
        return _german_number(text)
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


def parse_ordinal(text: str, language: str = "en") -> int | None:
    """An ordinal said in digits or words ("25th", "twenty fifth", "first", "dritten", "3."); None if it is not one."""
    if language == "de":
        return _german_ordinal(text)
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


# -- German ------------------------------------------------------------------------

_DE_UNITS = {
    "null": 0, "ein": 1, "eins": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "zwei": 2, "zwo": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
    "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17,
    "achtzehn": 18, "neunzehn": 19,
}
_DE_TENS = {"zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
            "siebzig": 70, "achtzig": 80, "neunzig": 90}
_DE_ORDINAL_STEMS = {"ers": 1, "erst": 1, "drit": 3, "dritt": 3, "sieb": 7, "siebt": 7, "ach": 8, "acht": 8}


def _german_below_hundred(word: str) -> int | None:
    if word in _DE_UNITS:
        return _DE_UNITS[word]
    if word in _DE_TENS:
        return _DE_TENS[word]
    unit, sep, tens = word.partition("und")
    if sep and unit in _DE_UNITS and tens in _DE_TENS and 1 <= _DE_UNITS[unit] <= 9:
        return _DE_UNITS[unit] + _DE_TENS[tens]
    return None


def _german_below_thousand(word: str) -> int | None:
    if not word:
        return 0
    head, sep, tail = word.partition("hundert")
    if sep:
        hundreds = 1 if head in ("", "ein", "eins") else _german_below_hundred(head)
        rest = _german_below_hundred(tail.removeprefix("und")) if tail else 0
        if hundreds is None or rest is None:
            return None
        return hundreds * 100 + rest
    return _german_below_hundred(word)


def _german_number(text: str) -> int | None:
    """Digits, or German number words written as one word or several ("drei", "zwei und zwanzig", "tausend")."""
    word = "".join(text.lower().replace("-", " ").split())
    if _DIGITS.fullmatch(word):
        return int(word)
    if not word:
        return None
    head, sep, tail = word.partition("tausend")
    if sep:
        thousands = 1 if head in ("", "ein", "eins") else _german_below_thousand(head)
        rest = _german_below_thousand(tail.removeprefix("und"))
        if thousands is None or rest is None:
            return None
        return thousands * 1000 + rest
    return _german_below_thousand(word)


def _german_ordinal(text: str) -> int | None:
    """"3.", "3", "dritte", "dritten", "dreiundzwanzigsten", "ersten"."""
    word = "".join(text.lower().split()).rstrip(".")
    if _DIGITS.fullmatch(word):
        return int(word)
    for ending in ("sten", "ster", "stem", "stes", "ste", "ten", "ter", "tem", "tes", "te"):
        if word.endswith(ending):
            stem = word[: -len(ending)]
            if stem in _DE_ORDINAL_STEMS:
                return _DE_ORDINAL_STEMS[stem]
            number = _german_number(stem)
            if number is not None and number > 0:
                return number
    return None
