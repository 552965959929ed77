"""Operator tools, one module per job: ``users``, ``export``, ``imports`` (``glimmers import``), ``doctor``.

They work on any engine through the journal contract (``skill.storage``),
never on an engine's own layout, and know no raw Alexa ID but the one an
operator types to export one account. ``generate`` makes stores for tests
and benchmarks.
"""

from .common import InvalidExport, OperatorError, no_progress, stderr_progress
from .doctor import doctor_text
from .export import export_journals, journals_to_export, output_stream
from .generate import generate_store, generated_user_id
from .imports import import_journals, parse_export
from .users import summarise_journals, users_report, users_table

__all__ = [
    "InvalidExport",
    "OperatorError",
    "doctor_text",
    "export_journals",
    "generate_store",
    "generated_user_id",
    "import_journals",
    "journals_to_export",
    "no_progress",
    "output_stream",
    "parse_export",
    "stderr_progress",
    "summarise_journals",
    "users_report",
    "users_table",
]
