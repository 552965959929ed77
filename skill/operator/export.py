"""``glimmers export``: journals as re-importable JSON, as CSV, or as Markdown to read."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from ..storage import JournalContents, JournalRef, JournalStore, StorageUnavailable, format_timestamp, hash_id
from ..storage.atomic import fsync_directory
from .common import OperatorError, Progress, counted, no_progress

EXPORT_FORMAT = "glimmer-journal-export"
EXPORT_VERSION = 1
EXPORT_FORMATS = ("json", "csv", "markdown")
CSV_COLUMNS = ("account", "journal", "id", "created_at", "locale", "text")
# A lone surrogate (no UTF-8 form) is written as \udXXX: in a JSON string that is the escape that reads it back.
UNENCODABLE = "backslashreplace"


@dataclass
class ExportResult:
    """What an export wrote, and what it had to leave out."""

    journals: int = 0
    glimmers: int = 0
    warnings: list[str] = field(default_factory=list)

    def describe(self, target: Path | None) -> str:
        where = f" to {target}" if target else ""
        return f"exported {counted(self.glimmers, 'glimmer')} from {counted(self.journals, 'journal')}{where}"


def journals_to_export(store: JournalStore, user_id: str | None) -> list[JournalRef]:
    """Every journal (``user_id`` None), or the journals of one account, found by hashing its raw ID."""
    if user_id is None:
        return [summary.ref for summary in store.journals()]
    account = hash_id(user_id)
    refs = [summary.ref for summary in store.journals(account)]
    if not refs:
        raise OperatorError(
            f"no journals for that user in {store.description} (account {account}); "
            "give the full Alexa user ID (amzn1.ask.account...), or see `glimmers users`"
        )
    return refs


def export_journals(
    store: JournalStore,
    refs: Sequence[JournalRef],
    out: IO[str],
    fmt: str = "json",
    now: datetime | None = None,
    progress: Progress = no_progress,
) -> ExportResult:
    """Write journals to ``out`` as json (re-importable), csv or markdown, one journal in memory at a time."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    now = now or datetime.now(timezone.utc)
    result = ExportResult()
    writer = {"json": _JSONExport, "csv": _CSVExport, "markdown": _MarkdownExport}[fmt](out, now)
    writer.begin()
    with progress(refs, "Exporting") as bar:
        for ref in bar:
            try:
                contents = store.contents(ref)
            except StorageUnavailable as exc:
                result.warnings.append(f"left out {ref.name}: {exc}; run `glimmers doctor`")
                continue
            if contents.unreadable:
                result.warnings.append(
                    f"left out {contents.unreadable} unreadable record(s) of {ref.name}; run `glimmers doctor`"
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
        head = {"account": contents.ref.account, "journal": contents.ref.journal, "meta": contents.meta}
        self.out.write(("\n" if self.first else ",\n") + json.dumps(head, ensure_ascii=False)[:-1] + ', "glimmers": [')
        self.first = False
        self.out.write(",".join("\n" + json.dumps(g.to_record(), ensure_ascii=False) for g in contents.glimmers))
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
        account, journal = contents.ref.account, contents.ref.journal
        self.writer.writerows(
            (account, journal, g.id, format_timestamp(g.created_at), g.locale, g.text) for g in contents.glimmers
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
        whose = "account journal" if contents.ref.journal == "account" else f"journal of {contents.ref.journal}"
        count = len(contents.glimmers)
        self.out.write(f"\n## Account {contents.ref.account}, {whose}\n\n{counted(count, 'glimmer')}.\n")
        day = None
        for glimmer in contents.glimmers:
            moment = glimmer.created_at
            if moment.date() != day:
                day = moment.date()
                self.out.write(f"\n### {day.strftime('%A, %d %B %Y')}\n\n")
            text = "\n  ".join(markdown_escape(line) for line in glimmer.text.splitlines() or [""])
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
