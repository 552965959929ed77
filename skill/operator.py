"""Operator tools: list journals, export and import them, check their health, and build test stores.

Everything here works on the on-disk format of ``skill.storage`` (one TinyDB
file per journal at ``journals/<account hash>/<journal>.json``) without
knowing any raw Alexa ID. Reads need no lock, because every journal is
replaced atomically; writes take the account's ``.lock`` and go through
``AtomicJSONStorage``, exactly as the server's do, so these tools are safe
while the server runs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document

from .storage.atomic import AtomicJSONStorage, DamagedJournal, file_lock, fsync_directory
from .storage.store import (
    GLIMMERS,
    META,
    META_DOC_ID,
    format_timestamp,
    hash_id,
    parse_timestamp,
    quarantine_if_damaged,
)

log = logging.getLogger(__name__)

EXPORT_FORMAT = "glimmer-journal-export"
EXPORT_VERSION = 1
EXPORT_FORMATS = ("json", "csv", "markdown")
CSV_COLUMNS = ("account", "journal", "id", "created_at", "locale", "text")
RECORD_FIELDS = ("id", "text", "created_at", "locale")
KNOWN_TABLES = (GLIMMERS, META)
# A writer holds a temporary file for milliseconds; one this old was left by a killed process.
STALE_TEMP_SECONDS = 60
# A lone surrogate (no UTF-8 form) is written as \udXXX: in a JSON string that is the escape that reads it back.
UNENCODABLE = "backslashreplace"
# Below this many files a run is over before a progress bar would help.
PROGRESS_MIN_ITEMS = 100

ACCOUNT_NAME = re.compile(r"[0-9a-f]{32}\Z")
JOURNAL_NAME = re.compile(r"(account|person-[0-9a-f]{32})\Z")
TEMP_NAME = re.compile(r"\..+\.tmp\Z")

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


# -- finding journals -------------------------------------------------------


@dataclass(frozen=True)
class JournalFile:
    """One journal on disk: whose (account hash), which (``account`` or ``person-<hash>``), where."""

    account: str
    journal: str
    path: Path

    @property
    def name(self) -> str:
        return f"journals/{self.account}/{self.journal}.json"


def require_data_dir(data_dir: Path) -> Path:
    """The data folder, or an error saying it is not there."""
    if not data_dir.is_dir():
        raise OperatorError(f"no journals at {data_dir}; is --data-dir right?")
    return data_dir


def find_journals(data_dir: Path, account: str | None = None) -> list[JournalFile]:
    """Every journal file under ``data_dir``, by account hash then journal name."""
    root = require_data_dir(data_dir) / "journals"
    if account is not None:
        folders = [root / account] if (root / account).is_dir() else []
    else:
        folders = sorted(_entries(root, directories=True))
    found = []
    for folder in folders:
        if not ACCOUNT_NAME.match(folder.name):
            continue
        for path in sorted(_entries(folder, directories=False)):
            if path.suffix == ".json" and JOURNAL_NAME.match(path.stem):
                found.append(JournalFile(folder.name, path.stem, path))
    return found


def _entries(folder: Path, directories: bool) -> Iterator[Path]:
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                if entry.is_dir(follow_symlinks=False) == directories:
                    yield Path(entry.path)
    except FileNotFoundError:
        return


def record_problem(record: Any, require_locale: bool = True) -> str | None:
    """Why a glimmer record is faulty, or None when it is sound (never quotes its text).

    Without ``require_locale``, a record the server can still read (it
    treats a missing locale as unknown) is sound: exports keep such records
    and imports take them back.
    """
    if not isinstance(record, dict):
        return "is not an object"
    required = RECORD_FIELDS if require_locale else RECORD_FIELDS[:3]
    missing = [name for name in required if name not in record]
    if missing:
        return f"has no {', '.join(missing)}"
    wrong = [name for name in RECORD_FIELDS if name in record and not isinstance(record[name], str)]
    if wrong:
        return f"has a {', '.join(wrong)} that is not a string"
    if not record["id"]:
        return "has an empty id"
    try:
        parse_timestamp(record["created_at"])
    except ValueError:
        return "has a created_at that is not an ISO date-time"
    return None


def _moment(record: Any) -> datetime | None:
    """When a readable glimmer record was noted; None for a record ``record_problem`` faults even without locale.

    The fast path for reading every record of a store.
    """
    try:
        glimmer_id, text, created_at = record["id"], record["text"], record["created_at"]
    except (KeyError, TypeError, IndexError):
        return None
    if not (isinstance(record, dict) and isinstance(glimmer_id, str) and glimmer_id and isinstance(text, str)):
        return None
    if not isinstance(created_at, str) or not isinstance(record.get("locale", ""), str):
        return None
    try:
        return parse_timestamp(created_at)
    except ValueError:
        return None


@dataclass
class JournalContents:
    """One journal's readable glimmer records, oldest first, with when each was noted; its meta; how many were not."""

    file: JournalFile
    glimmers: list[dict[str, Any]]
    moments: list[datetime]
    meta: dict[str, Any]
    unreadable: int = 0


def read_journal(journal: JournalFile) -> JournalContents:
    """Read a journal without a lock (writers replace it whole); DamagedJournal if it cannot be read."""
    data = AtomicJSONStorage(journal.path).read() or {}
    noted, unreadable = [], 0
    for record in data.get(GLIMMERS, {}).values():
        moment = _moment(record)
        if moment is None:
            unreadable += 1
        else:
            noted.append((moment, record["id"], record))
    noted.sort(key=lambda entry: entry[:2])
    meta = data.get(META, {}).get(str(META_DOC_ID), {})
    return JournalContents(
        journal,
        [record for _, _, record in noted],
        [moment for moment, _, _ in noted],
        dict(meta) if isinstance(meta, dict) else {},
        unreadable,
    )


# -- glimmers users ---------------------------------------------------------


@dataclass(frozen=True)
class JournalSummary:
    """What ``glimmers users`` says about one journal."""

    account: str
    journal: str
    glimmers: int
    first_noted: datetime | None
    last_noted: datetime | None
    unreadable: int = 0
    damaged: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "journal": self.journal,
            "glimmers": self.glimmers,
            "first_noted": _iso(self.first_noted),
            "last_noted": _iso(self.last_noted),
            "unreadable_records": self.unreadable,
            "damaged": self.damaged,
        }


def summarise_journals(data_dir: Path, progress: Progress = no_progress) -> list[JournalSummary]:
    """Counts and first and last dates for every journal."""
    summaries = []
    journals = find_journals(data_dir)
    with progress(journals, "Reading journals") as bar:
        for journal in bar:
            try:
                contents = read_journal(journal)
            except DamagedJournal as exc:
                summaries.append(JournalSummary(journal.account, journal.journal, 0, None, None, damaged=exc.reason))
                continue
            except OSError as exc:
                why = f"cannot be opened ({exc.strerror or exc})"
                summaries.append(JournalSummary(journal.account, journal.journal, 0, None, None, damaged=why))
                continue
            moments = contents.moments
            summaries.append(
                JournalSummary(
                    journal.account,
                    journal.journal,
                    len(moments),
                    moments[0] if moments else None,
                    moments[-1] if moments else None,
                    contents.unreadable,
                )
            )
    return summaries


def users_report(summaries: Sequence[JournalSummary]) -> dict[str, Any]:
    """The ``users --json`` document."""
    return {"journals": [s.to_json() for s in summaries], "total": _totals(summaries)}


def _totals(summaries: Sequence[JournalSummary]) -> dict[str, Any]:
    firsts = [s.first_noted for s in summaries if s.first_noted]
    lasts = [s.last_noted for s in summaries if s.last_noted]
    return {
        "accounts": len({s.account for s in summaries}),
        "journals": len(summaries),
        "glimmers": sum(s.glimmers for s in summaries),
        "first_noted": _iso(min(firsts)) if firsts else None,
        "last_noted": _iso(max(lasts)) if lasts else None,
        "damaged_journals": sum(1 for s in summaries if s.damaged),
    }


def users_table(summaries: Sequence[JournalSummary]) -> str:
    """The ``users`` table: one line per journal and a total line; dates are UTC."""
    journal_width = max([len("journal")] + [len(s.journal) for s in summaries])
    header = ("account", "journal", "glimmers", "first noted", "last noted")
    line = "{:<32}  {:<%d}  {:>9}  {:<11}  {:<11}  {}" % journal_width
    lines = [line.format(*header, "").rstrip()]
    for s in summaries:
        if s.damaged:
            note = f"damaged: {s.damaged}; run glimmers doctor"
        elif s.unreadable:
            note = f"{s.unreadable} unreadable record(s); run glimmers doctor"
        else:
            note = ""
        count = "?" if s.damaged else f"{s.glimmers:,}"
        lines.append(line.format(s.account, s.journal, count, _day(s.first_noted), _day(s.last_noted), note).rstrip())
    total = _totals(summaries)
    span = ""
    if total["first_noted"]:
        span = f", first noted {total['first_noted'][:10]}, last noted {total['last_noted'][:10]}"
    damaged = f", {total['damaged_journals']:,} damaged" if total["damaged_journals"] else ""
    lines.append(
        f"total: {counted(total['accounts'], 'account')}, {counted(total['journals'], 'journal')}{damaged}, "
        f"{counted(total['glimmers'], 'glimmer')}{span}"
    )
    return "\n".join(lines)


def counted(number: int, noun: str) -> str:
    """``1 glimmer``, ``1,000 glimmers``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _iso(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment else None


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "-"


# -- glimmers export --------------------------------------------------------


@dataclass
class ExportResult:
    """What an export wrote, and what it had to leave out."""

    journals: int = 0
    glimmers: int = 0
    warnings: list[str] = field(default_factory=list)

    def describe(self, target: Path | None) -> str:
        where = f" to {target}" if target else ""
        return f"exported {counted(self.glimmers, 'glimmer')} from {counted(self.journals, 'journal')}{where}"


def journals_to_export(data_dir: Path, user_id: str | None) -> list[JournalFile]:
    """Every journal (``user_id`` None), or the journals of one account, found by hashing its raw ID."""
    if user_id is None:
        return find_journals(data_dir)
    account = hash_id(user_id)
    journals = find_journals(data_dir, account)
    if not journals:
        raise OperatorError(
            f"no journals for that user at {data_dir} (looked in journals/{account}); "
            "give the full Alexa user ID (amzn1.ask.account...), or see `glimmers users`"
        )
    return journals


def export_journals(
    journals: Sequence[JournalFile],
    out: IO[str],
    fmt: str = "json",
    now: datetime | None = None,
    progress: Progress = no_progress,
) -> ExportResult:
    """Write ``journals`` to ``out`` as json (re-importable), csv or markdown, one journal in memory at a time."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    now = now or datetime.now(timezone.utc)
    result = ExportResult()
    writer = {"json": _JSONExport, "csv": _CSVExport, "markdown": _MarkdownExport}[fmt](out, now)
    writer.begin()
    with progress(journals, "Exporting") as bar:
        for journal in bar:
            try:
                contents = read_journal(journal)
            except DamagedJournal as exc:
                result.warnings.append(f"left out {journal.name}: {exc.reason}; run `glimmers doctor`")
                continue
            if contents.unreadable:
                result.warnings.append(
                    f"left out {contents.unreadable} unreadable record(s) of {journal.name}; run `glimmers doctor`"
                )
            writer.journal(contents)
            result.journals += 1
            result.glimmers += len(contents.glimmers)
    writer.end()
    return result


class _JSONExport:
    """The re-importable export: one glimmer per line, so it diffs and streams well."""

    def __init__(self, out: IO[str], now: datetime):
        self.out, self.now, self.first = out, now, True

    def begin(self) -> None:
        head = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": format_timestamp(self.now)}
        self.out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "journals": [')

    def journal(self, contents: JournalContents) -> None:
        head = {"account": contents.file.account, "journal": contents.file.journal, "meta": contents.meta}
        self.out.write(("\n" if self.first else ",\n") + json.dumps(head, ensure_ascii=False)[:-1] + ', "glimmers": [')
        self.first = False
        self.out.write(",".join("\n" + json.dumps(record, ensure_ascii=False) for record in contents.glimmers))
        self.out.write("\n]}" if contents.glimmers else "]}")

    def end(self) -> None:
        self.out.write("\n]}\n")


class _CSVExport:
    """One row per glimmer, RFC 4180 quoting (commas, quotes and newlines in text survive)."""

    def __init__(self, out: IO[str], now: datetime):
        self.writer = csv.writer(out)

    def begin(self) -> None:
        self.writer.writerow(CSV_COLUMNS)

    def journal(self, contents: JournalContents) -> None:
        account, journal = contents.file.account, contents.file.journal
        self.writer.writerows(
            (account, journal, r["id"], r["created_at"], r["locale"], r["text"]) for r in contents.glimmers
        )

    def end(self) -> None:
        pass


class _MarkdownExport:
    """A document to read: a section per journal, a heading per day, a line per glimmer."""

    def __init__(self, out: IO[str], now: datetime):
        self.out, self.now = out, now

    def begin(self) -> None:
        self.out.write(f"# Glimmer Journal\n\nExported {self.now.strftime('%Y-%m-%d %H:%M')} UTC. Times are UTC.\n")

    def journal(self, contents: JournalContents) -> None:
        whose = "account journal" if contents.file.journal == "account" else f"journal of {contents.file.journal}"
        count = len(contents.glimmers)
        self.out.write(
            f"\n## Account {contents.file.account}, {whose}\n\n{counted(count, 'glimmer')}.\n"
        )
        day = None
        for record, moment in zip(contents.glimmers, contents.moments):
            if moment.date() != day:
                day = moment.date()
                self.out.write(f"\n### {day.strftime('%A, %d %B %Y')}\n\n")
            text = "\n  ".join(markdown_escape(line) for line in record["text"].splitlines() or [""])
            self.out.write(f"- {moment.strftime('%H:%M')} {text}\n")

    def end(self) -> None:
        pass


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def markdown_escape(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, links or HTML from what someone said)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


@contextlib.contextmanager
def output_stream(path: Path | None, stdout: IO[str] | None = None, force: bool = False) -> Iterator[IO[str]]:
    """A UTF-8 text stream to ``path``, written atomically, or to ``stdout`` when ``path`` is None.

    The file appears complete or not at all (temporary file, fsync, link or
    rename) and is readable only by its owner, since it holds journals.
    """
    if path is None:
        stdout = stdout or sys.stdout
        binary = getattr(stdout, "buffer", None)
        if binary is None:  # already a plain text stream (an embedding caller's StringIO)
            yield stdout
            return
        # UTF-8 whatever the terminal's locale, and no newline translation (CSV writes its own \r\n).
        stdout.flush()
        stream = io.TextIOWrapper(binary, encoding="utf-8", errors=UNENCODABLE, newline="")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    if path.exists() and not force:
        raise OperatorError(f"{path} already exists; choose another file or add --force to replace it")
    if not path.parent.is_dir():
        raise OperatorError(f"cannot write {path}: folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise OperatorError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with open(fd, "w", encoding="utf-8", errors=UNENCODABLE, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _publish(tmp, path, force)
        fsync_directory(path.parent)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _publish(tmp: Path, path: Path, force: bool) -> None:
    if force:
        os.replace(tmp, path)
        return
    try:
        # A hard link never replaces an existing file, so a file made meanwhile is not overwritten.
        os.link(tmp, path)
    except FileExistsError:
        raise OperatorError(f"{path} already exists; choose another file or add --force to replace it") from None
    except OSError:
        if path.exists():
            raise OperatorError(f"{path} already exists; choose another file or add --force to replace it") from None
        os.replace(tmp, path)


# -- glimmers import --------------------------------------------------------


@dataclass(frozen=True)
class ImportJournal:
    """One journal from an export file, checked and ready to import."""

    account: str
    journal: str
    glimmers: list[dict[str, Any]]
    meta: dict[str, Any]


@dataclass
class ImportResult:
    """What an import did."""

    journals: int = 0
    created: int = 0
    imported: int = 0
    skipped: int = 0
    quarantined: list[str] = field(default_factory=list)

    def describe(self, data_dir: Path) -> str:
        return (
            f"imported {counted(self.imported, 'glimmer')} into {counted(self.journals, 'journal')} "
            f"({self.created:,} new) at {data_dir}; skipped {self.skipped:,} already there"
        )


def parse_export(raw: bytes, source: str) -> list[ImportJournal]:
    """The journals of a JSON export, fully checked before anything is written; InvalidExport if it is not one."""

    def invalid(why: str) -> InvalidExport:
        return InvalidExport(f"{source} is not a Glimmer Journal export: {why}; nothing was imported")

    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(f"not valid JSON ({type(exc).__name__}), perhaps cut short") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise invalid(f'it has no "format": "{EXPORT_FORMAT}"; make one with `glimmers export --format json`')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise invalid("its version is missing")
    if version > EXPORT_VERSION:
        raise InvalidExport(
            f"{source} is export version {version}, newer than this glimmers understands ({EXPORT_VERSION}); "
            "upgrade glimmer-journal; nothing was imported"
        )
    journals = document.get("journals")
    if not isinstance(journals, list):
        raise invalid('it has no "journals" list')
    checked = []
    for n, entry in enumerate(journals):
        where = f"journals[{n}]"
        if not isinstance(entry, dict):
            raise invalid(f"{where} is not an object")
        account, journal = entry.get("account"), entry.get("journal")
        if not isinstance(account, str) or not ACCOUNT_NAME.match(account):
            raise invalid(f"{where}.account is not a 32-character account hash")
        if not isinstance(journal, str) or not JOURNAL_NAME.match(journal):
            raise invalid(f'{where}.journal is not "account" or "person-<hash>"')
        glimmers, meta = entry.get("glimmers"), entry.get("meta", {})
        if not isinstance(glimmers, list):
            raise invalid(f"{where}.glimmers is not a list")
        if not isinstance(meta, dict):
            raise invalid(f"{where}.meta is not an object")
        for i, record in enumerate(glimmers):
            problem = None if _moment(record) is not None else record_problem(record, require_locale=False)
            if problem:
                raise invalid(f"{where}.glimmers[{i}] {problem}")
        checked.append(ImportJournal(account, journal, glimmers, meta))
    return checked


def import_journals(
    data_dir: Path, journals: Sequence[ImportJournal], progress: Progress = no_progress
) -> ImportResult:
    """Add the glimmers each journal does not have yet (by id), journal by journal, under the server's lock.

    Each journal is replaced atomically, so stopping half way leaves whole
    journals, and running the import again finishes the job without doubles.
    Meta (recent suggestions...) fills only keys the journal does not have.
    """
    result = ImportResult()
    with progress(journals, "Importing") as bar:
        for entry in bar:
            folder = data_dir / "journals" / entry.account
            path = folder / f"{entry.journal}.json"
            with file_lock(folder / ".lock"):
                _, moved = quarantine_if_damaged(data_dir / "quarantine", path)
                if moved:
                    result.quarantined.append(f"journals/{entry.account}/{path.name} -> quarantine/{moved}")
                existing = AtomicJSONStorage(path).read()
                if existing is not None and not _loadable(existing):
                    raise OperatorError(
                        f"journals/{entry.account}/{path.name} holds records TinyDB cannot load; see "
                        "`glimmers doctor`, fix or move it, then import again (safe to repeat). "
                        f"So far: {result.describe(data_dir)}"
                    )
                db = TinyDB(path, storage=AtomicJSONStorage)
                try:
                    imported, skipped = _merge_journal(db, entry)
                    if not path.exists():
                        db.storage.write({GLIMMERS: {}})
                finally:
                    db.close()
            result.journals += 1
            result.created += existing is None
            result.imported += imported
            result.skipped += skipped
    log.info("imported %d glimmers into %d journals, skipped %d", result.imported, result.journals, result.skipped)
    return result


def _loadable(data: dict[str, Any]) -> bool:
    """Whether TinyDB can open every table (numeric document ids, object documents)."""
    return all(
        doc_id.isdigit() and isinstance(document, dict) for table in data.values() for doc_id, document in table.items()
    )


def _merge_journal(db: TinyDB, entry: ImportJournal) -> tuple[int, int]:
    table = db.table(GLIMMERS)
    seen = {record.get("id") for record in table.all()}
    new = []
    for record in entry.glimmers:
        if record["id"] not in seen:
            seen.add(record["id"])
            new.append(record)
    if new:
        table.insert_multiple(new)
    meta_table = db.table(META)
    current = dict(meta_table.get(doc_id=META_DOC_ID) or {})
    merged = {**entry.meta, **current}
    if merged != current:
        meta_table.upsert(Document(merged, doc_id=META_DOC_ID))
    return len(new), len(entry.glimmers) - len(new)


# -- glimmers doctor --------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """Something ``doctor`` found: a problem (exit 1) or a note (worth knowing, not failing)."""

    severity: str
    where: str
    message: str


@dataclass
class DoctorReport:
    """What a health check found."""

    accounts: int = 0
    journals: int = 0
    glimmers: int = 0
    findings: list[Finding] = field(default_factory=list)
    quarantined: list[Path] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "problem"]

    @property
    def healthy(self) -> bool:
        return not self.problems

    def problem(self, where: str, message: str) -> None:
        self.findings.append(Finding("problem", where, message))

    def note(self, where: str, message: str) -> None:
        self.findings.append(Finding("note", where, message))


def examine_store(
    data_dir: Path, fix: bool = False, now: float | None = None, progress: Progress = no_progress
) -> DoctorReport:
    """Check every journal, temporary file and the quarantine; with ``fix``, remove stale temporary files."""
    require_data_dir(data_dir)
    now = time.time() if now is None else now
    report = DoctorReport()
    root = data_dir / "journals"
    folders = sorted(_entries(root, directories=True))
    for stray in sorted(_entries(root, directories=False)):
        report.note(f"journals/{stray.name}", "unexpected file; the server ignores it")
    _check_temp_files(data_dir, "", fix, now, report, lock=None)
    with progress(folders, "Checking journals") as bar:
        for folder in bar:
            where = f"journals/{folder.name}"
            if not ACCOUNT_NAME.match(folder.name):
                report.note(where, "unexpected folder (not an account hash); the server ignores it")
                continue
            report.accounts += 1
            _check_temp_files(folder, where + "/", fix, now, report, lock=folder / ".lock")
            for path in sorted(_entries(folder, directories=False)):
                if path.suffix == ".json" and JOURNAL_NAME.match(path.stem):
                    report.journals += 1
                    _check_journal(JournalFile(folder.name, path.stem, path), report)
                elif path.name != ".lock" and not TEMP_NAME.match(path.name):
                    report.note(f"{where}/{path.name}", "unexpected file; the server ignores it")
    report.quarantined = sorted(_entries(data_dir / "quarantine", directories=False))
    if report.quarantined:
        report.problem(
            "quarantine/",
            f"holds {len(report.quarantined)} damaged journal(s) the server moved aside; recover what you can "
            "from them or from a backup (glimmers import), then move them out of quarantine/",
        )
    return report


def _check_journal(journal: JournalFile, report: DoctorReport) -> None:
    where = journal.name
    try:
        data = AtomicJSONStorage(journal.path).read() or {}
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
    for table, documents in data.items():
        bad_ids = [doc_id for doc_id in documents if not doc_id.isdigit()]
        if bad_ids:
            report.problem(where, f"table {table!r} has {len(bad_ids)} document id(s) that are not numbers")
    ids: set[str] = set()
    duplicates = 0
    for doc_id, record in data.get(GLIMMERS, {}).items():
        sound = _moment(record) is not None and isinstance(record.get("locale"), str)
        problem = None if sound else record_problem(record)
        if problem:
            report.problem(where, f"glimmer record {doc_id} {problem}")
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
    if not isinstance(first, dict):
        report.problem(where, "meta document is not an object")
        return
    for key in ("recent_suggestions", "quarantined"):
        value = first.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            report.problem(where, f"meta {key} is not a list of strings")


def _check_temp_files(folder: Path, where: str, fix: bool, now: float, report: DoctorReport, lock: Path | None) -> None:
    stale = []
    for path in sorted(_entries(folder, directories=False)):
        if TEMP_NAME.match(path.name):
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


def _age(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{int(seconds)} seconds"


def doctor_text(report: DoctorReport, data_dir: Path) -> str:
    """The ``doctor`` report for people."""
    lines = [
        f"checked {counted(report.journals, 'journal')} ({counted(report.glimmers, 'glimmer')}) "
        f"in {counted(report.accounts, 'account')} at {data_dir}"
    ]
    lines += [f"removed: {name} (stale temporary file)" for name in report.removed]
    lines += [f"{f.severity}: {f.where}: {f.message}" for f in report.findings]
    if report.quarantined:
        lines.append(f"quarantine holds {len(report.quarantined)} file(s):")
        for path in report.quarantined:
            with contextlib.suppress(OSError):
                stat = path.stat()
                written = datetime.fromtimestamp(stat.st_mtime, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                lines.append(f"  quarantine/{path.name}  {stat.st_size:,} bytes, last written {written}")
    problems = len(report.problems)
    lines.append(f"summary: {counted(problems, 'problem')} found" if problems else "summary: healthy")
    return "\n".join(lines)


# -- test and benchmark stores ----------------------------------------------

_GENERATED_TEXTS = (
    "the smell of rain on warm stone",
    "a stranger held the door, smiling",
    'my daughter said "look, a rainbow!"',
    "coffee, still hot, on a cold morning",
    "the cat asleep in a patch of sun",
    "café au lait with an old friend ☕",
    "a song I had forgotten\ncame on the radio",
    "geese flying over, calling to each other",
)
_GENERATED_LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
_GENERATED_SUGGESTIONS = ("nature-sky", "people-kindness", "senses-taste", "home-light")


def generated_user_id(seed: int, n: int) -> str:
    """The raw Alexa user ID ``generate_store`` gives its ``n``-th user."""
    return f"amzn1.ask.account.GENERATED{seed:06d}X{n:08d}"


def generate_store(
    data_dir: str | os.PathLike[str],
    users: int,
    glimmers_per_user: int,
    seed: int = 0,
    start: datetime = datetime(2025, 1, 1, tzinfo=timezone.utc),
    days: int = 365,
) -> list[str]:
    """Write a store of ``users`` account journals straight in the on-disk format; the raw user IDs.

    Same seed, same journals. For tests and benchmarks on an empty data
    folder only: it skips locks and fsync, and refuses a folder that already
    holds journals. Every tenth journal also has recent suggestions in meta.
    """
    journals = Path(data_dir) / "journals"
    if journals.is_dir() and any(journals.iterdir()):
        raise FileExistsError(f"{journals} already holds journals; generate_store only fills an empty data folder")
    rng = random.Random(seed)
    span_seconds = days * 86400
    days_text = [(start + timedelta(days=d)).strftime("%Y-%m-%dT") for d in range(days)]
    clock_text = ["%02d:%02d:%02d" % (h, m, s) for h in range(24) for m in range(60) for s in range(60)]
    user_ids = []
    with ThreadPoolExecutor(max_workers=4) as pool:  # creating files waits on the disk, not the CPU
        writes = []
        for n in range(users):
            user_id = generated_user_id(seed, n)
            user_ids.append(user_id)
            count = glimmers_per_user
            seconds = sorted(int(rng.random() * span_seconds) for _ in range(count))
            ids = rng.randbytes(16 * count).hex()
            texts = rng.choices(_GENERATED_TEXTS, k=count)
            locales = rng.choices(_GENERATED_LOCALES, k=count)
            glimmers = {
                str(i + 1): {
                    "id": ids[32 * i : 32 * i + 32],
                    "text": texts[i],
                    "created_at": days_text[second // 86400] + clock_text[second % 86400] + ".000000Z",
                    "locale": locales[i],
                }
                for i, second in enumerate(seconds)
            }
            document: dict[str, Any] = {GLIMMERS: glimmers}
            if n % 10 == 0:
                document[META] = {str(META_DOC_ID): {"recent_suggestions": list(_GENERATED_SUGGESTIONS[: 1 + n % 4])}}
            payload = json.dumps(document, ensure_ascii=False).encode("utf-8")
            writes.append(pool.submit(_write_generated, journals / hash_id(user_id), payload))
        for write in writes:
            write.result()
    return user_ids


def _write_generated(folder: Path, payload: bytes) -> None:
    folder.mkdir(parents=True)
    (folder / "account.json").write_bytes(payload)
