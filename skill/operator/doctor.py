"""``glimmers doctor``: a health check of every journal, in words for people."""

from __future__ import annotations

from ..storage import HealthReport
from .common import counted


def doctor_text(report: HealthReport, where: str) -> str:
    """The ``doctor`` report for people."""
    lines = [
        f"checked {counted(report.journals, 'journal')} ({counted(report.glimmers, 'glimmer')}) "
        f"in {counted(report.accounts, 'account')} in {where}"
    ]
    lines += [f"removed: {name} (stale temporary file)" for name in report.removed]
    lines += [f"{f.severity}: {f.where}: {f.message}" for f in report.findings]
    lines += report.details
    problems = len(report.problems)
    lines.append(f"summary: {counted(problems, 'problem')} found" if problems else "summary: healthy")
    return "\n".join(lines)
