"""Where glimmers live: one contract (``JournalStore``), two engines.

``open_store`` picks the engine from the settings: PostgreSQL when
``DATABASE_URL`` is set, else TinyDB files in ``DATA_DIR``.
"""

from __future__ import annotations

import os
from typing import Any

from .contract import (
    Glimmer,
    HealthReport,
    ImportOutcome,
    InvalidRecord,
    JournalContents,
    JournalKey,
    JournalRef,
    JournalStore,
    JournalSummary,
    Page,
    StorageUnavailable,
    format_timestamp,
    hash_id,
    parse_timestamp,
)
from .tinydb_store import TinyDBStore

__all__ = [
    "Glimmer",
    "HealthReport",
    "ImportOutcome",
    "InvalidRecord",
    "JournalContents",
    "JournalKey",
    "JournalRef",
    "JournalStore",
    "JournalSummary",
    "Page",
    "StorageUnavailable",
    "TinyDBStore",
    "format_timestamp",
    "hash_id",
    "open_store",
    "parse_timestamp",
]


def open_store(data_dir: str | os.PathLike[str] | None = None, database_url: str | None = None, **options: Any) -> JournalStore:
    """The engine the settings choose: PostgreSQL at ``database_url``, else TinyDB files in ``data_dir``.

    Nothing is connected or created here; ``JournalStore.open`` does that at start.
    """
    if database_url:
        from .postgres import PostgresStore

        return PostgresStore(database_url, **options)
    if data_dir is None:
        raise ValueError("open_store needs a data_dir or a database_url")
    return TinyDBStore(data_dir)
