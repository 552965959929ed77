"""What every operator command shares: its errors, progress bars and counted nouns."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TypeVar

from ..storage import format_timestamp

# Below this many journals a run is over before a progress bar would help.
PROGRESS_MIN_ITEMS = 100

T = TypeVar("T")
Progress = Callable[[Sequence[T], str], AbstractContextManager[Iterable[T]]]


class OperatorError(Exception):
    """An operator command cannot go on; the message says what to do."""

    exit_code = 1


class InvalidExport(OperatorError):
    """A file given to import is not a Glimmer Journal export; nothing was written."""

    exit_code = 2


def no_progress(items: Sequence[T], label: str) -> AbstractContextManager[Iterable[T]]:
    """Iterate silently."""
    return contextlib.nullcontext(items)


def stderr_progress(items: Sequence[T], label: str) -> AbstractContextManager[Iterable[T]]:
    """A progress bar on stderr when a person is watching a run long enough to need one.

    Never on stdout (exports go there), and not into logs or pipes: click
    draws the bar only on a terminal.
    """
    import click

    stream = sys.stderr
    if len(items) < PROGRESS_MIN_ITEMS or stream is None or not stream.isatty():
        return contextlib.nullcontext(items)
    return click.progressbar(items, label=label, file=stream)


def counted(number: int, noun: str) -> str:
    """``1 glimmer``, ``1,000 glimmers``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def iso(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment else None
