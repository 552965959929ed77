"""The embedded engine: one small TinyDB file per journal, written atomically under a lock.

Only this module knows the layout of a data folder::

    DATA_DIR/journals/<account hash>/account.json           the account's journal
    DATA_DIR/journals/<account hash>/person-<hash>.json     a household member's journal
    DATA_DIR/journals/<account hash>/.lock                  held while any of these is written
    DATA_DIR/journals/<account hash>/.<name>.<pid>.<r>.tmp  a write in progress (or a killed one)
    DATA_DIR/quarantine/<account>-<journal>-<when>.json     damaged journals, moved aside, never deleted

Each write locks the account folder (``.lock``, across threads and
processes), reads that one small file, and atomically replaces it, so the
cost of a write depends on the size of one journal, never on everyone's.
Readers need no lock: a journal is always replaced whole.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import logging
import os
import random
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from .atomic import (
    AtomicJSONStorage,
    DamagedJournal,
    LockedJSONStorage,
    file_lock,
    fsync_directory,
    parse_document,
    write_atomically,
)
from .contract import (
    Glimmer,
    HealthReport,
    ImportOutcome,
    InvalidRecord,
    JournalContents,
    JournalKey,
    JournalRef,
    JournalSummary,
    Page,
    StorageUnavailable,
    decode_cursor,
    encode_cursor,
    hash_id,
    is_account_hash,
    is_journal_name,
    new_glimmer_id,
    search_terms,
    text_matches,
)

log = logging.getLogger(__name__)

GLIMMERS = "glimmers"
META = "meta"
META_DOC_ID = 1
KNOWN_TABLES = (GLIMMERS, META)
# The hash of the Alexa request that saved a glimmer, so a request delivered twice saves once.
REQUEST_FIELD = "request"
# A writer holds a temporary file for milliseconds; one this old was left by a killed process.
STALE_TEMP_SECONDS = 60
# Journals whose parsed form a store keeps, by a digest of the bytes they were parsed from (see ParsedJournals):
# enough for the reads of the requests in flight and a person's next request.
PARSED_ENTRIES = 64
PARSED_MAX_BYTES = 64 * 1024


def _is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp") and len(name) > len("..tmp")


class _Parsed:
    """A journal file's document: its meta at once, its glimmers built from their records when first asked for.

    A record needs only the meta (what the practice remembers, the time zone);
    building a ``Glimmer`` from every record is most of the cost of reading a
    long journal, so it waits until a reader wants the glimmers. Shared by the
    readers of the same bytes (see ``ParsedJournals``): nothing here is changed
    after it is built, and ``TinyDBStore.meta`` hands out copies of the meta.
    """

    def __init__(self, data: dict[str, Any]):
        self.records = list(data.get(GLIMMERS, {}).values())
        meta = data.get(META, {}).get(str(META_DOC_ID), {})
        self.meta: dict[str, Any] = dict(meta) if isinstance(meta, dict) else {}
        self._built: tuple[list[Glimmer], int] | None = None

    def built(self) -> tuple[list[Glimmer], int]:
        """The sound glimmers, and how many records were not sound."""
        if self._built is None:  # two threads may both build it: the same answer either way
            glimmers, unreadable = [], 0
            for record in self.records:
                try:
                    glimmers.append(Glimmer.from_record(record))
                except InvalidRecord:
                    unreadable += 1
            self._built = (glimmers, unreadable)
        return self._built


@dataclass
class _Journal:
    """What one read of a journal file found."""

    parsed: _Parsed
    name: str = ""
    damaged: bool = False

    @property
    def meta(self) -> dict[str, Any]:
        return self.parsed.meta

    @property
    def glimmers(self) -> list[Glimmer]:
        """The journal's sound glimmers (a list shared with other readers: not to be changed)."""
        glimmers, unreadable = self.parsed.built()
        if unreadable:
            log.error("skipped %d unreadable glimmer record(s) in journal %s", unreadable, self.name or "?")
        return glimmers

    @property
    def unreadable(self) -> int:
        return self.parsed.built()[1]


class ParsedJournals:
    """The journals read lately, parsed, each with the exact bytes it was parsed from.

    A read-back reads one journal two or three times (its newest glimmers, its
    remembered time zone, a count); parsing it and building every ``Glimmer``
    is most of a read's cost. A reader still reads the file every time, and
    reuses a parse only when the bytes are the same (their BLAKE2b digest), so
    a journal replaced by any thread or process is parsed afresh: nothing here
    can be stale. Bounded by entries and by file size.
    """

    def __init__(self, entries: int = PARSED_ENTRIES, max_bytes: int = PARSED_MAX_BYTES):
        self.entries = entries
        self.max_bytes = max_bytes
        self._parsed: OrderedDict[str, tuple[bytes, _Parsed]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str, raw: bytes) -> _Parsed | None:
        digest = _digest(raw)
        with self._lock:
            found = self._parsed.get(name)
            if found is None or found[0] != digest:
                return None
            self._parsed.move_to_end(name)
            return found[1]

    def put(self, name: str, raw: bytes, parsed: _Parsed) -> None:
        if len(raw) > self.max_bytes or self.entries < 1:
            return
        digest = _digest(raw)
        with self._lock:
            self._parsed[name] = (digest, parsed)
            self._parsed.move_to_end(name)
            while len(self._parsed) > self.entries:
                self._parsed.popitem(last=False)


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=20).digest()


class TinyDBStore:
    """The journal contract on TinyDB files in ``data_dir`` (see the module's docstring for the layout)."""

    def __init__(self, data_dir: str | os.PathLike[str]):
        self.data_dir = Path(data_dir)
        self.journals_dir = self.data_dir / "journals"
        self.quarantine_dir = self.data_dir / "quarantine"
        self.description = str(self.data_dir)
        self.parsed = ParsedJournals()

    # -- reading ------------------------------------------------------------

    def page(
        self,
        key: JournalKey,
        limit: int,
        cursor: str | None = None,
        between: tuple[datetime, datetime] | None = None,
    ) -> Page:
        after = decode_cursor(cursor) if cursor is not None else None
        journal = self._read(key.ref)
        ordered = sorted(journal.glimmers, key=lambda g: g.sort_key, reverse=True)
        if between is not None:
            start, end = between
            ordered = [g for g in ordered if start <= g.created_at < end]
        if after is not None:
            ordered = [g for g in ordered if g.sort_key < after]
        shown = ordered[:limit]
        more = len(ordered) > limit and bool(shown)
        return Page(shown, encode_cursor(shown[-1]) if more else None, damaged=journal.damaged)

    def search(self, key: JournalKey, words: Sequence[str], limit: int, cursor: str | None = None) -> Page:
        after = decode_cursor(cursor) if cursor is not None else None
        terms = search_terms(words)
        if not terms or limit < 1:
            return Page([])
        journal = self._read(key.ref)
        ordered = sorted(journal.glimmers, key=lambda g: g.sort_key, reverse=True)
        if after is not None:
            ordered = [g for g in ordered if g.sort_key < after]
        found = []
        for glimmer in ordered:
            if text_matches(glimmer.text, terms):
                found.append(glimmer)
                if len(found) > limit:
                    break
        shown = found[:limit]
        more = len(found) > limit
        return Page(shown, encode_cursor(shown[-1]) if more else None, damaged=journal.damaged)

    def glimmers(self, key: JournalKey, between: tuple[datetime, datetime] | None = None) -> list[Glimmer]:
        found = self._read(key.ref).glimmers
        if between is not None:
            start, end = between
            found = [g for g in found if start <= g.created_at < end]
        return sorted(found, key=lambda g: g.sort_key)

    def count(self, key: JournalKey, between: tuple[datetime, datetime] | None = None) -> int:
        found = self._read(key.ref).glimmers
        if between is None:
            return len(found)
        start, end = between
        return sum(1 for g in found if start <= g.created_at < end)

    def days_noted(self, key: JournalKey, zone: tzinfo, since: datetime | None = None) -> set[date]:
        return {
            g.created_at.astimezone(zone).date()
            for g in self._read(key.ref).glimmers
            if since is None or g.created_at >= since
        }

    def sample(self, key: JournalKey, k: int, rng: random.Random) -> list[Glimmer]:
        ordered = self.glimmers(key)
        return [ordered[i] for i in rng.sample(range(len(ordered)), min(k, len(ordered)))]

    def meta(self, key: JournalKey) -> dict[str, Any]:
        return copy.deepcopy(self._read(key.ref).meta)

    # -- writing ------------------------------------------------------------

    def add(
        self,
        key: JournalKey,
        text: str,
        locale: str,
        now: datetime,
        request_id: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Glimmer:
        glimmer = Glimmer(id=new_glimmer_id(), text=text, created_at=now, locale=locale)
        record: dict[str, Any] = glimmer.to_record()
        with self._writing(key.ref) as db:
            table = db.table(GLIMMERS)
            if request_id is not None:
                record[REQUEST_FIELD] = hash_id(request_id)
                for document in table.all():
                    if document.get(REQUEST_FIELD) == record[REQUEST_FIELD]:
                        log.info("a request delivered again saved nothing more")
                        return Glimmer.from_record(document)
            table.insert(record)
            if meta:
                _change_meta(db, meta)
        return glimmer

    def replace(self, key: JournalKey, glimmer_id: str, text: str) -> Glimmer | None:
        with self._writing(key.ref) as db:
            table = db.table(GLIMMERS)
            for document in table.all():
                if document.get("id") == glimmer_id:
                    table.update({"text": text}, doc_ids=[document.doc_id])
                    return Glimmer.from_record({**document, "text": text})
        return None

    def delete(self, key: JournalKey, glimmer_id: str) -> Glimmer | None:
        with self._writing(key.ref) as db:
            table = db.table(GLIMMERS)
            for document in table.all():
                if document.get("id") == glimmer_id:
                    table.remove(doc_ids=[document.doc_id])
                    try:
                        return Glimmer.from_record(document)
                    except InvalidRecord:
                        return None
        return None

    def update_meta(self, key: JournalKey, changes: Mapping[str, Any]) -> dict[str, Any]:
        with self._writing(key.ref) as db:
            return _change_meta(db, changes)

    def remember_suggestion(self, key: JournalKey, suggestion_id: str, kept: int = 10) -> None:
        with self._writing(key.ref) as db:
            meta = _meta_of(db)
            recent = meta.get("recent_suggestions")
            recent = [s for s in recent if s != suggestion_id] if isinstance(recent, list) else []
            meta["recent_suggestions"] = (recent + [suggestion_id])[-kept:]
            _put_meta(db, meta)

    def delete_journal(self, key: JournalKey) -> int:
        ref = key.ref
        path = self._path(ref)
        try:
            with file_lock(self._lock_path(ref)):
                try:
                    count = len((AtomicJSONStorage(path).read() or {}).get(GLIMMERS, {}))
                except DamagedJournal:
                    count = 0
                path.unlink(missing_ok=True)
                fsync_directory(path.parent)
                for stale in self.quarantine_dir.glob(f"{ref.account}-{ref.journal}-*"):
                    stale.unlink()
        except OSError as exc:
            raise StorageUnavailable(f"{path.name}: {exc.strerror or exc}") from None
        return count

    def delete_account(self, user_id: str) -> int:
        account = hash_id(user_id)
        folder = self.journals_dir / account
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
            for stale in self.quarantine_dir.glob(f"{account}-*"):
                stale.unlink()
        except OSError as exc:
            raise StorageUnavailable(f"{folder.name}: {exc.strerror or exc}") from None
        return removed

    # -- running ------------------------------------------------------------

    def open(self) -> None:
        """Nothing to prepare: folders are made by the first write that needs them."""

    def check_available(self) -> None:
        probe = self.data_dir / ".healthz"
        token = uuid.uuid4().hex.encode()
        try:
            write_atomically(probe, token)
            if probe.read_bytes() != token:
                raise StorageUnavailable("the data folder did not return what was written")
            probe.unlink()
        except OSError as exc:
            raise StorageUnavailable(f"{self.data_dir}: {exc.strerror or exc}") from None

    def close(self) -> None:
        """Nothing stays open between calls."""

    # -- operator tools -----------------------------------------------------

    def journals(self, account: str | None = None) -> Iterator[JournalSummary]:
        for ref, path in self._journal_files(account):
            try:
                journal = self._parse(AtomicJSONStorage(path).read() or {})
            except DamagedJournal as exc:
                yield JournalSummary(ref, 0, None, None, damaged=exc.reason)
                continue
            except OSError as exc:
                yield JournalSummary(ref, 0, None, None, damaged=f"cannot be opened ({exc.strerror or exc})")
                continue
            moments = [g.created_at for g in journal.glimmers]
            yield JournalSummary(
                ref, len(moments), min(moments, default=None), max(moments, default=None), journal.unreadable
            )

    def contents(self, ref: JournalRef) -> JournalContents:
        path = self._path(ref)
        try:
            journal = self._parse(AtomicJSONStorage(path).read() or {})
        except DamagedJournal as exc:
            raise StorageUnavailable(f"{ref.name} is damaged: {exc.reason}") from None
        except OSError as exc:
            raise StorageUnavailable(f"{ref.name} cannot be opened ({exc.strerror or exc})") from None
        glimmers = sorted(journal.glimmers, key=lambda g: g.sort_key)
        # Which quarantined file a journal came from means nothing to another store.
        meta = {name: value for name, value in journal.meta.items() if name != "quarantined"}
        return JournalContents(ref, glimmers, meta, journal.unreadable)

    def import_journal(self, ref: JournalRef, glimmers: list[Glimmer], meta: Mapping[str, Any]) -> ImportOutcome:
        outcome = ImportOutcome()
        path = self._path(ref)
        try:
            with file_lock(self._lock_path(ref)):
                document, outcome.quarantined = self._quarantine_if_damaged(path)
                outcome.created = document is None
                db = TinyDB(path, document, storage=LockedJSONStorage)
                try:
                    table = db.table(GLIMMERS)
                    seen = {record.get("id") for record in table.all()}
                    new = []
                    for glimmer in glimmers:
                        if glimmer.id not in seen:
                            seen.add(glimmer.id)
                            new.append(glimmer.to_record())
                    if new:
                        table.insert_multiple(new)
                    current = _meta_of(db)
                    merged = {**meta, **current}
                    if merged != current:
                        _put_meta(db, merged)
                    if document is None and not new and merged == current:
                        db.storage.write({GLIMMERS: {}})  # the journal exists from now on, even if empty
                    db.storage.flush()
                finally:
                    db.close()
        except OSError as exc:
            raise StorageUnavailable(f"{ref.name}: {exc.strerror or exc}") from None
        outcome.imported = len(new)
        outcome.skipped = len(glimmers) - len(new)
        return outcome

    def bulk_load(self, journals: Iterable[tuple[JournalRef, list[Glimmer], Mapping[str, Any]]]) -> None:
        """Fill an empty store fast, for tests and benchmarks: no locks, no fsync; refuses a store with journals."""
        if self.journals_dir.is_dir() and any(self.journals_dir.iterdir()):
            raise FileExistsError(f"{self.journals_dir} already holds journals; bulk_load only fills an empty store")

        def write(ref: JournalRef, payload: bytes) -> None:
            path = self._path(ref)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(payload)

        with ThreadPoolExecutor(max_workers=4) as pool:  # creating files waits on the disk, not the CPU
            writes = []
            for ref, glimmers, meta in journals:
                document: dict[str, Any] = {
                    GLIMMERS: {str(n): g.to_record() for n, g in enumerate(glimmers, start=1)}
                }
                if meta:
                    document[META] = {str(META_DOC_ID): dict(meta)}
                payload = json.dumps(document, ensure_ascii=False).encode("utf-8")
                writes.append(pool.submit(write, ref, payload))
            for done in writes:
                done.result()

    def check(self, fix: bool = False) -> HealthReport:
        report = HealthReport()
        now = time.time()
        if not self.data_dir.is_dir():
            report.problem(str(self.data_dir), "no data folder here; is --data-dir right?")
            return report
        for stray in sorted(_entries(self.journals_dir, directories=False)):
            report.note(f"journals/{stray.name}", "unexpected file; the server ignores it")
        self._check_temporaries(self.data_dir, "", fix, now, report, lock=None)
        for folder in sorted(_entries(self.journals_dir, directories=True)):
            where = f"journals/{folder.name}"
            if not is_account_hash(folder.name):
                report.note(where, "unexpected folder (not an account hash); the server ignores it")
                continue
            report.accounts += 1
            self._check_temporaries(folder, where + "/", fix, now, report, lock=folder / ".lock")
            for path in sorted(_entries(folder, directories=False)):
                if path.suffix == ".json" and is_journal_name(path.stem):
                    report.journals += 1
                    self._check_journal(f"{where}/{path.name}", path, report)
                elif path.name != ".lock" and not _is_temporary(path.name):
                    report.note(f"{where}/{path.name}", "unexpected file; the server ignores it")
        quarantined = sorted(_entries(self.quarantine_dir, directories=False))
        if quarantined:
            report.problem(
                "quarantine/",
                f"holds {len(quarantined)} damaged journal(s) the server moved aside; recover what you can "
                "from them or from a backup (glimmers import), then move them out of quarantine/",
            )
            report.details.append(f"quarantine holds {len(quarantined)} file(s):")
            for path in quarantined:
                with contextlib.suppress(OSError):
                    stat = path.stat()
                    written = datetime.fromtimestamp(stat.st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                    report.details.append(
                        f"  quarantine/{path.name}  {stat.st_size:,} bytes, last written {written}"
                    )
        return report

    # -- the layout ---------------------------------------------------------

    def _path(self, ref: JournalRef) -> Path:
        return self.journals_dir / ref.account / f"{ref.journal}.json"

    def _lock_path(self, ref: JournalRef) -> Path:
        return self.journals_dir / ref.account / ".lock"

    def _journal_files(self, account: str | None) -> Iterator[tuple[JournalRef, Path]]:
        if account is not None:
            folders = [self.journals_dir / account] if is_account_hash(account) else []
        else:
            folders = sorted(_entries(self.journals_dir, directories=True))
        for folder in folders:
            if not is_account_hash(folder.name):
                continue
            for path in sorted(_entries(folder, directories=False)):
                if path.suffix == ".json" and is_journal_name(path.stem):
                    yield JournalRef(folder.name, path.stem), path

    def _read(self, ref: JournalRef) -> _Journal:
        path = self._path(ref)
        name = f"{ref.account}/{ref.journal}"
        try:
            raw = AtomicJSONStorage(path).read_bytes()
            parsed = self.parsed.get(name, raw) if raw is not None else None
            if parsed is None:
                try:
                    data = parse_document(path, raw) if raw is not None else {}
                except DamagedJournal:
                    self._repair(ref)
                    raw = AtomicJSONStorage(path).read_bytes()
                    data = parse_document(path, raw) if raw is not None else {}
                parsed = _Parsed(data)
                if raw is not None:
                    self.parsed.put(name, raw, parsed)
        except (OSError, DamagedJournal) as exc:
            raise StorageUnavailable(f"{path.name}: {getattr(exc, 'strerror', None) or exc}") from None
        journal = _Journal(parsed, ref.name)
        self._note_damage(journal)
        return journal

    def _parse(self, data: dict[str, Any]) -> _Journal:
        journal = _Journal(_Parsed(data))
        self._note_damage(journal)
        return journal

    def _note_damage(self, journal: _Journal) -> None:
        """Whether a quarantined copy of the journal is still waiting in quarantine/ (asked on every read)."""
        journal.damaged = False
        quarantined = journal.meta.get("quarantined", [])
        if isinstance(quarantined, list):
            journal.damaged = any(
                isinstance(name, str) and (self.quarantine_dir / name).exists() for name in quarantined
            )

    @contextlib.contextmanager
    def _writing(self, ref: JournalRef) -> Iterator[TinyDB]:
        """A TinyDB on one journal, locked for a read-modify-write that is saved whole when the block succeeds."""
        path = self._path(ref)
        try:
            with file_lock(self._lock_path(ref)):
                _remove_stale_temporaries(path)
                document, _ = self._quarantine_if_damaged(path)
                # The file is read once and written once per block (see LockedJSONStorage).
                db = TinyDB(path, document, storage=LockedJSONStorage)
                try:
                    yield db
                    db.storage.flush()
                finally:
                    db.close()
        except OSError as exc:
            raise StorageUnavailable(f"{path.name}: {exc.strerror or exc}") from None

    def _repair(self, ref: JournalRef) -> None:
        """Quarantine a damaged journal found by a reader, under the writers' lock."""
        with file_lock(self._lock_path(ref)):
            self._quarantine_if_damaged(self._path(ref))

    def _quarantine_if_damaged(self, path: Path) -> tuple[dict[str, Any] | None, str | None]:
        """Read a journal whose lock the caller holds; a damaged one is moved aside, never deleted.

        Returns the journal's document (None if there is none) and, when it
        was damaged, the name it now has in ``quarantine/``. A moved journal
        is replaced by an empty one whose meta names the quarantined file, so
        its reader hears that earlier glimmers can't be read right now.
        """
        try:
            return AtomicJSONStorage(path).read(), None
        except DamagedJournal as exc:
            reason = exc.reason
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.quarantine_dir / f"{path.parent.name}-{path.stem}-{stamp}.json"
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        log.error("journal %s is damaged (%s); moved it to %s", path, reason, target)
        fresh = {META: {str(META_DOC_ID): {"quarantined": [target.name]}}}
        AtomicJSONStorage(path).write(fresh)
        return fresh, target.name

    def _check_journal(self, where: str, path: Path, report: HealthReport) -> None:
        try:
            data = AtomicJSONStorage(path).read() or {}
        except DamagedJournal as exc:
            report.problem(
                where,
                f"cannot be read: {exc.reason}; the server moves it to quarantine/ the next time it is used; "
                "restore it from a backup with `glimmers import`",
            )
            return
        except OSError as exc:
            report.problem(where, f"cannot be opened ({exc.strerror or exc}); check its owner and permissions")
            return
        for table in sorted(set(data) - set(KNOWN_TABLES)):
            report.note(where, f"has a table this version does not know ({table!r})")
        ids: set[str] = set()
        duplicates = 0
        for doc_id, record in data.get(GLIMMERS, {}).items():
            try:
                Glimmer.from_record(record)
                if "locale" not in record:
                    raise InvalidRecord("has no locale")
            except InvalidRecord as exc:
                report.problem(where, f"glimmer record {doc_id} {exc}")
                continue
            report.glimmers += 1
            if record["id"] in ids:
                duplicates += 1
            ids.add(record["id"])
        if duplicates:
            report.problem(where, f"{duplicates} glimmer(s) share an id with another in the same journal")
        meta = data.get(META, {})
        if set(meta) - {str(META_DOC_ID)}:
            report.note(where, "meta table has documents other than the first")
        first = meta.get(str(META_DOC_ID), {})
        for name in ("recent_suggestions", "quarantined"):
            value = first.get(name, [])
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                report.problem(where, f"meta {name} is not a list of strings")

    def _check_temporaries(
        self, folder: Path, where: str, fix: bool, now: float, report: HealthReport, lock: Path | None
    ) -> None:
        stale = []
        for path in sorted(_entries(folder, directories=False)):
            if _is_temporary(path.name):
                with contextlib.suppress(FileNotFoundError):
                    age = now - path.stat().st_mtime
                    if age > STALE_TEMP_SECONDS:
                        stale.append((path, age))
        if not stale:
            return
        if not fix:
            for path, age in stale:
                report.problem(
                    where + path.name,
                    f"temporary file left by a killed writer {_age(age)} ago; remove it with `glimmers doctor --fix`",
                )
            return
        # Holding the writers' lock means no write is in progress here, so the file is surely orphaned.
        with file_lock(lock) if lock else contextlib.nullcontext():
            for path, _ in stale:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                report.removed.append(where + path.name)


def _meta_of(db: TinyDB) -> dict[str, Any]:
    return dict(db.table(META).get(doc_id=META_DOC_ID) or {})


def _change_meta(db: TinyDB, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Set (or, with a None value, remove) keys of the meta document; the meta after."""
    meta = _meta_of(db)
    for name, value in changes.items():
        if value is None:
            meta.pop(name, None)
        else:
            meta[name] = value
    _put_meta(db, meta)
    return meta


def _put_meta(db: TinyDB, meta: dict[str, Any]) -> None:
    """Replace the meta document whole (an upsert would keep keys that were removed)."""
    table = db.table(META)
    table.truncate()
    table.insert(Document(meta, doc_id=META_DOC_ID))


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


def _entries(folder: Path, directories: bool) -> Iterator[Path]:
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                if entry.is_dir(follow_symlinks=False) == directories:
                    yield Path(entry.path)
    except FileNotFoundError:
        return


def _age(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{int(seconds)} seconds"
