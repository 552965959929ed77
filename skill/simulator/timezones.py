"""Which IANA time zone the simulated device is in."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UnknownTimeZone(ValueError):
    """Not an IANA time zone name; the message gives an example of one."""


def check_timezone(name: str) -> str:
    """``name`` if it is an IANA zone ZoneInfo knows; UnknownTimeZone otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(
            f"unknown time zone {name!r}; give an IANA name such as America/Los_Angeles or Europe/Berlin"
        ) from None
    return name


def local_timezone() -> str:
    """This computer's zone (from TZ, /etc/localtime or /etc/timezone), else UTC."""
    guesses = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            guesses.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    try:
        guesses.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for guess in guesses:
        if guess:
            try:
                return check_timezone(guess)
            except UnknownTimeZone:
                continue
    return "UTC"
