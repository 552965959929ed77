"""``glimmers users``: every journal by hashed account, with counts and first and last dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..storage import JournalStore, JournalSummary
from .common import Progress, counted, iso, no_progress


def summarise_journals(store: JournalStore, progress: Progress = no_progress) -> list[JournalSummary]:
    """Counts and first and last dates for every journal, by account hash then journal name."""
    summaries = []
    with progress(list(store.journals()), "Reading journals") as bar:
        summaries.extend(bar)
    return summaries


def summary_json(s: JournalSummary) -> dict[str, Any]:
    return {
        "account": s.ref.account,
        "journal": s.ref.journal,
        "glimmers": s.glimmers,
        "first_noted": iso(s.first_noted),
        "last_noted": iso(s.last_noted),
        "unreadable_records": s.unreadable,
        "damaged": s.damaged,
    }


def users_report(summaries: Sequence[JournalSummary]) -> dict[str, Any]:
    """The ``users --json`` document."""
    return {"journals": [summary_json(s) for s in summaries], "total": _totals(summaries)}


def _totals(summaries: Sequence[JournalSummary]) -> dict[str, Any]:
    firsts = [s.first_noted for s in summaries if s.first_noted]
    lasts = [s.last_noted for s in summaries if s.last_noted]
    return {
        "accounts": len({s.ref.account for s in summaries}),
        "journals": len(summaries),
        "glimmers": sum(s.glimmers for s in summaries),
        "first_noted": iso(min(firsts)) if firsts else None,
        "last_noted": iso(max(lasts)) if lasts else None,
        "damaged_journals": sum(1 for s in summaries if s.damaged),
    }


def users_table(summaries: Sequence[JournalSummary]) -> str:
    """The ``users`` table: one line per journal and a total line; dates are UTC."""
    journal_width = max([len("journal")] + [len(s.ref.journal) for s in summaries])
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
        lines.append(
            line.format(s.ref.account, s.ref.journal, count, _day(s.first_noted), _day(s.last_noted), note).rstrip()
        )
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


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "-"
