"""The glimmer store: one small TinyDB file per journal, written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from .atomic import AtomicJSONStorage, DamagedJournal, LockedJSONStorage, file_lock, fsync_directory, write_atomically

log = logging.getLogger(__name__)

GLIMMERS = "glimmers"
META = "meta"
META_DOC_ID = 1
RECENT_SUGGESTIONS_KEPT = 10


class StorageUnavailable(Exception):
    """The data folder cannot be written or read right now (full, read-only, gone)."""


@dataclass(frozen=True)
class JournalKey:
    """Whose journal: a recognised household member's, or else the account's."""

    user_id: str
    person_id: str | None = None

    @property
    def account_folder(self) -> str:
        return hash_id(self.user_id)

    @property
    def file_name(self) -> str:
        return f"person-{hash_id(self.person_id)}.json" if self.person_id else "account.json"


@dataclass(frozen=True)
class Glimmer:
    """One noticed moment."""

    id: str
    text: str
    created_at: datetime
    locale: str

    def to_record(self) -> dict[str, str]:
        return {
            "id": self.id,
            "text": self.text,
            "created_at": format_timestamp(self.created_at),
            "locale": self.locale,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Glimmer:
        return cls(
            id=str(record["id"]),
            text=str(record["text"]),
            created_at=parse_timestamp(record["created_at"]),
            locale=str(record.get("locale") or ""),
        )

    @property
    def sort_key(self) -> tuple[datetime, str]:
        return (self.created_at, self.id)


@dataclass(frozen=True)
class Page:
    """A slice of a journal, newest first."""

    glimmers: list[Glimmer]
    has_more: bool
    damaged: bool = False


@dataclass
class JournalState:
    """What a read of one journal found."""

    glimmers: list[Glimmer] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    damaged: bool = False


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files of a journal whose lock we hold were left by a writer that died mid-write.

    (``os.scandir`` with a name test: ``Path.glob`` costs several times as much, on every write.)
    """
    prefix = f".{path.name}."
    try:
        with os.scandir(path.parent) as entries:
            stale = [entry.path for entry in entries if entry.name.startswith(prefix) and entry.name.endswith(".tmp")]
    except FileNotFoundError:
        return
    for name in stale:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def quarantine_if_damaged(quarantine_dir: Path, path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """Read a journal whose lock the caller holds; a damaged one is moved aside, never deleted.

    Returns the journal's document (None if there is none) and, when it was
    damaged, the name it now has in ``quarantine_dir``. A moved journal is
    replaced by an empty one whose meta names the quarantined file, so its
    reader hears that earlier glimmers can't be read right now.
    """
    try:
        return AtomicJSONStorage(path).read(), None
    except DamagedJournal as exc:
        reason = exc.reason
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = quarantine_dir / f"{path.parent.name}-{path.stem}-{stamp}.json"
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    log.error("journal %s is damaged (%s); moved it to %s", path, reason, target)
    fresh = {META: {str(META_DOC_ID): {"quarantined": [target.name]}}}
    AtomicJSONStorage(path).write(fresh)
    return fresh, target.name


def hash_id(raw: str) -> str:
    """A stable file-safe name for an Alexa ID that does not reveal it."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def new_glimmer_id() -> str:
    """32 hex digits, increasing with time, so glimmers noted in the same instant keep their order."""
    return f"{time.time_ns():016x}{secrets.token_hex(8)}"


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class GlimmerStore:
    """Journals kept as ``DATA_DIR/journals/<account hash>/<journal>.json``.

    Each write locks the account folder (``.lock``, across threads and
    processes), reads that one small file, and atomically replaces it, so the
    cost of a write depends on the size of one journal, never on everyone's.
    """

    def __init__(self, data_dir: str | os.PathLike[str]):
        self.data_dir = Path(data_dir)
        self.journals_dir = self.data_dir / "journals"
        self.quarantine_dir = self.data_dir / "quarantine"

    # -- reading -----------------------------------------------------------

    def glimmers(self, key: JournalKey) -> list[Glimmer]:
        """Every glimmer in the journal, oldest first."""
        return sorted(self._read(key).glimmers, key=lambda g: g.sort_key)

    def page(
        self,
        key: JournalKey,
        limit: int,
        before: tuple[str, str] | None = None,
        between: tuple[datetime, datetime] | None = None,
    ) -> Page:
        """Up to ``limit`` glimmers older than the ``before`` cursor, newest first.

        ``between`` keeps only glimmers noted from its first moment up to, not
        including, its second.
        """
        state = self._read(key)
        ordered = sorted(state.glimmers, key=lambda g: g.sort_key, reverse=True)
        if between is not None:
            start, end = between
            ordered = [g for g in ordered if start <= g.created_at < end]
        if before is not None:
            cursor = (parse_timestamp(before[0]), before[1])
            ordered = [g for g in ordered if g.sort_key < cursor]
        return Page(ordered[:limit], has_more=len(ordered) > limit, damaged=state.damaged)

    def recent_suggestions(self, key: JournalKey) -> list[str]:
        """IDs of the suggestions this journal heard most recently, oldest first."""
        return list(self._read(key).meta.get("recent_suggestions", []))

    # -- writing -----------------------------------------------------------

    def add(self, key: JournalKey, text: str, locale: str, now: datetime) -> Glimmer:
        """Save a glimmer; once this returns, it survives a crash."""
        glimmer = Glimmer(id=new_glimmer_id(), text=text, created_at=now, locale=locale)
        with self._writing(key) as db:
            db.table(GLIMMERS).insert(glimmer.to_record())
        return glimmer

    def remember_suggestion(self, key: JournalKey, suggestion_id: str) -> None:
        """Note that a suggestion was given, keeping the last few."""
        with self._writing(key) as db:
            meta = self._meta(db)
            recent = [s for s in meta.get("recent_suggestions", []) if s != suggestion_id]
            meta["recent_suggestions"] = (recent + [suggestion_id])[-RECENT_SUGGESTIONS_KEPT:]
            db.table(META).upsert(Document(meta, doc_id=META_DOC_ID))

    def delete(self, key: JournalKey, glimmer_id: str) -> Glimmer | None:
        """Remove one glimmer from storage; None if it was not there."""
        with self._writing(key) as db:
            table = db.table(GLIMMERS)
            for document in table.all():
                if document.get("id") == glimmer_id:
                    table.remove(doc_ids=[document.doc_id])
                    return Glimmer.from_record(document)
        return None

    def delete_journal(self, key: JournalKey) -> int:
        """Remove a whole journal, and any quarantined copies of it; the number of glimmers it held."""
        path = self._path(key)
        try:
            with file_lock(self._lock_path(key)):
                try:
                    count = len((AtomicJSONStorage(path).read() or {}).get(GLIMMERS, {}))
                except DamagedJournal:
                    count = 0
                path.unlink(missing_ok=True)
                fsync_directory(path.parent)
                for stale in self.quarantine_dir.glob(f"{key.account_folder}-{path.stem}-*"):
                    stale.unlink()
        except OSError as exc:
            raise StorageUnavailable(f"{path.name}: {exc.strerror or exc}") from None
        return count

    def delete_account(self, user_id: str) -> int:
        """Remove every journal of an Alexa account (its own and its household's); how many files."""
        folder = self.journals_dir / hash_id(user_id)
        removed = 0
        try:
            if folder.is_dir():
                # The folder and its .lock stay: removing a lock file that another
                # writer is waiting on would let two writers hold different locks.
                with file_lock(folder / ".lock"):
                    for journal in folder.glob("*.json"):
                        journal.unlink()
                        removed += 1
                    fsync_directory(folder)
            for stale in self.quarantine_dir.glob(f"{hash_id(user_id)}-*"):
                stale.unlink()
                removed += 1
        except OSError as exc:
            raise StorageUnavailable(f"{folder.name}: {exc.strerror or exc}") from None
        return removed

    # -- the data folder ---------------------------------------------------

    def check_writable(self) -> None:
        """Raise StorageUnavailable unless the data folder can be written and read back."""
        probe = self.data_dir / ".healthz"
        token = uuid.uuid4().hex.encode()
        try:
            write_atomically(probe, token)
            if probe.read_bytes() != token:
                raise StorageUnavailable("the data folder did not return what was written")
            probe.unlink()
        except OSError as exc:
            raise StorageUnavailable(f"{self.data_dir}: {exc.strerror or exc}") from None

    # -- internals ---------------------------------------------------------

    def _path(self, key: JournalKey) -> Path:
        return self.journals_dir / key.account_folder / key.file_name

    def _lock_path(self, key: JournalKey) -> Path:
        return self.journals_dir / key.account_folder / ".lock"

    def _read(self, key: JournalKey) -> JournalState:
        path = self._path(key)
        try:
            data = AtomicJSONStorage(path).read()
        except DamagedJournal:
            self._repair(key)
            data = AtomicJSONStorage(path).read()
        except OSError as exc:
            raise StorageUnavailable(f"{path.name}: {exc.strerror or exc}") from None
        return self._state(data or {})

    def _state(self, data: dict[str, Any]) -> JournalState:
        glimmers = []
        for record in data.get(GLIMMERS, {}).values():
            try:
                glimmers.append(Glimmer.from_record(record))
            except (KeyError, TypeError, ValueError):
                log.error("skipped an unreadable glimmer record (fields: %s)", sorted(record))
        meta = dict(data.get(META, {}).get(str(META_DOC_ID), {}))
        damaged = any((self.quarantine_dir / name).exists() for name in meta.get("quarantined", []))
        return JournalState(glimmers=glimmers, meta=meta, damaged=damaged)

    @staticmethod
    def _meta(db: TinyDB) -> dict[str, Any]:
        return dict(db.table(META).get(doc_id=META_DOC_ID) or {})

    @contextlib.contextmanager
    def _writing(self, key: JournalKey) -> Iterator[TinyDB]:
        """A TinyDB on one journal, locked for a read-modify-write."""
        path = self._path(key)
        try:
            with file_lock(self._lock_path(key)):
                _remove_stale_temporaries(path)
                document, _ = quarantine_if_damaged(self.quarantine_dir, path)
                # The file is read once per write: TinyDB's own re-reads are served from it.
                db = TinyDB(path, document, storage=LockedJSONStorage)
                try:
                    yield db
                finally:
                    db.close()
        except OSError as exc:
            raise StorageUnavailable(f"{path.name}: {exc.strerror or exc}") from None

    def _repair(self, key: JournalKey) -> None:
        """Quarantine a damaged journal found by a reader, under the writers' lock."""
        try:
            with file_lock(self._lock_path(key)):
                quarantine_if_damaged(self.quarantine_dir, self._path(key))
        except OSError as exc:
            raise StorageUnavailable(f"{key.file_name}: {exc.strerror or exc}") from None
