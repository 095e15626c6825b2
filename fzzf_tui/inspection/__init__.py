"""Inspections: crash-safe journalled store, lock, scoring, findings, audit trail and replay (no UI)."""

from . import scorer
from .findings import OPEN_STATUSES, SEVERITIES, STATUSES, Evidence, Finding
from .scoring import Result, ScoreReport, describe_value, earned_points, score_inspection, validate_value
from .status import ARCHIVED, FINISHED, IN_PROGRESS, INSPECTION_STATUSES
from .folder import InspectionStore, InspectionSummary, read_summary
from .store import Inspection, TamperedInspection
from .verify import verify_file

__all__ = [
    "ARCHIVED", "Evidence", "FINISHED", "Finding", "INSPECTION_STATUSES", "IN_PROGRESS", "Inspection",
    "InspectionStore", "InspectionSummary", "OPEN_STATUSES", "Result", "SEVERITIES", "STATUSES", "ScoreReport",
    "TamperedInspection", "describe_value", "earned_points", "read_summary", "score_inspection", "scorer",
    "validate_value", "verify_file",
]
