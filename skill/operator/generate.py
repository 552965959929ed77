"""Made-up journals for tests and benchmarks: the same seed gives the same journals on any engine."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from ..storage import Glimmer, JournalKey, JournalRef, JournalStore, open_store

_TEXTS = (
    "the smell of rain on warm stone",
    "a stranger held the door, smiling",
    'my daughter said "look, a rainbow!"',
    "coffee, still hot, on a cold morning",
    "the cat asleep in a patch of sun",
    "café au lait with an old friend ☕",
    "a song I had forgotten\ncame on the radio",
    "geese flying over, calling to each other",
)
_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
_SUGGESTIONS = ("nature-sky", "people-kindness", "senses-taste", "home-light")


def generated_user_id(seed: int, n: int) -> str:
    """The raw Alexa user ID ``generate_store`` gives its ``n``-th user."""
    return f"amzn1.ask.account.GENERATED{seed:06d}X{n:08d}"


def generated_journals(
    users: int,
    glimmers_per_user: int,
    seed: int = 0,
    start: datetime = datetime(2025, 1, 1, tzinfo=timezone.utc),
    days: int = 365,
) -> Iterator[tuple[JournalRef, list[Glimmer], dict[str, Any]]]:
    """One account journal per user, glimmers spread over ``days``; every tenth has recent suggestions."""
    rng = random.Random(seed)
    span_seconds = days * 86400
    for n in range(users):
        count = glimmers_per_user
        seconds = sorted(int(rng.random() * span_seconds) for _ in range(count))
        ids = rng.randbytes(16 * count).hex()
        texts = rng.choices(_TEXTS, k=count)
        locales = rng.choices(_LOCALES, k=count)
        glimmers = [
            Glimmer(ids[32 * i : 32 * i + 32], texts[i], start + timedelta(seconds=second), locales[i])
            for i, second in enumerate(seconds)
        ]
        meta = {"recent_suggestions": list(_SUGGESTIONS[: 1 + n % 4])} if n % 10 == 0 else {}
        yield JournalKey(generated_user_id(seed, n)).ref, glimmers, meta


def generate_store(
    target: JournalStore | str | os.PathLike[str],
    users: int,
    glimmers_per_user: int,
    seed: int = 0,
    start: datetime = datetime(2025, 1, 1, tzinfo=timezone.utc),
    days: int = 365,
) -> list[str]:
    """Fill an empty store (or data folder) with generated journals, fast; the raw user IDs.

    Same seed, same journals. For tests and benchmarks only: engines may skip
    locks and fsync here, and refuse a store that already holds journals.
    """
    store = open_store(target) if isinstance(target, (str, os.PathLike)) else target
    store.bulk_load(generated_journals(users, glimmers_per_user, seed, start, days))
    return [generated_user_id(seed, n) for n in range(users)]
