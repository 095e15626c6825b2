"""Inspections: crash-safe journalled store, lock, scoring, findings, audit trail and replay (no UI)."""

from . import scorer
from .findings import OPEN_STATUSES, SEVERITIES, STATUSES, Evidence, Finding
from .scoring import Result, ScoreReport, describe_value, earned_points, score_inspection, validate_value
from .status import ARCHIVED, FINISHED, IN_PROGRESS, INSPECTION_STATUSES
from .folder import InspectionStore
from .store import Inspection, TamperedInspection

__all__ = [
    "ARCHIVED", "Evidence", "FINISHED", "Finding", "INSPECTION_STATUSES", "IN_PROGRESS", "Inspection",
    "InspectionStore", "InspectionSummary", "OPEN_STATUSES", "Result", "SEVERITIES", "STATUSES", "ScoreReport",
    "TamperedInspection", "describe_value", "earned_points", "read_summary", "score_inspection", "scorer",
    "validate_value", "verify_file",
]


def __getattr__(name: str):
    # Imported on first use: opening an inspection this machine wrote needs neither verify (and
    # the audit module behind it) nor the list's summaries.
    if name == "verify_file":
        from .verify import verify_file

        return verify_file
    if name in ("InspectionSummary", "read_summary"):
        from . import summaries

        return getattr(summaries, name)
    raise AttributeError(name)
