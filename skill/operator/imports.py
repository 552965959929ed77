"""``glimmers import``: a JSON export back into any store, adding only what each journal lacks."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..storage import Glimmer, InvalidRecord, JournalRef, JournalStore
from ..storage.contract import is_account_hash, is_journal_name
from .common import InvalidExport, Progress, counted, no_progress
from .export import EXPORT_FORMAT, EXPORT_VERSION

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportJournal:
    """One journal from an export file, checked and ready to import."""

    ref: JournalRef
    glimmers: list[Glimmer]
    meta: dict[str, Any]


@dataclass
class ImportResult:
    """What an import did."""

    journals: int = 0
    created: int = 0
    imported: int = 0
    skipped: int = 0
    quarantined: list[str] = field(default_factory=list)

    def describe(self, where: str) -> str:
        return (
            f"imported {counted(self.imported, 'glimmer')} into {counted(self.journals, 'journal')} "
            f"({self.created:,} new) in {where}; skipped {self.skipped:,} already there"
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
        if not is_account_hash(account):
            raise invalid(f"{where}.account is not a 32-character account hash")
        if not is_journal_name(journal):
            raise invalid(f'{where}.journal is not "account" or "person-<hash>"')
        records, meta = entry.get("glimmers"), entry.get("meta", {})
        if not isinstance(records, list):
            raise invalid(f"{where}.glimmers is not a list")
        if not isinstance(meta, dict):
            raise invalid(f"{where}.meta is not an object")
        glimmers = []
        for i, record in enumerate(records):
            try:
                glimmers.append(Glimmer.from_record(record))
            except InvalidRecord as exc:
                raise invalid(f"{where}.glimmers[{i}] {exc}") from None
        checked.append(ImportJournal(JournalRef(account, journal), glimmers, meta))
    return checked


def import_journals(
    store: JournalStore, journals: Sequence[ImportJournal], progress: Progress = no_progress
) -> ImportResult:
    """Add the glimmers each journal does not have yet (by id), journal by journal.

    Each journal is written whole, so stopping half way leaves whole
    journals, and running the import again finishes the job without doubles.
    Meta (recent suggestions...) fills only keys the journal does not have.
    """
    result = ImportResult()
    with progress(journals, "Importing") as bar:
        for entry in bar:
            outcome = store.import_journal(entry.ref, entry.glimmers, entry.meta)
            if outcome.quarantined:
                result.quarantined.append(f"{entry.ref.name} -> quarantine/{outcome.quarantined}")
            result.journals += 1
            result.created += outcome.created
            result.imported += outcome.imported
            result.skipped += outcome.skipped
    log.info("imported %d glimmers into %d journals, skipped %d", result.imported, result.journals, result.skipped)
    return result
