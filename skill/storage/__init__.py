"""Where glimmers live."""

from .store import Glimmer, GlimmerStore, JournalKey, Page, StorageUnavailable, hash_id

__all__ = ["Glimmer", "GlimmerStore", "JournalKey", "Page", "StorageUnavailable", "hash_id"]
