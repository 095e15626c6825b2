"""Inspections: crash-safe store, lock, scoring, findings and audit trail (no UI)."""

from .findings import OPEN_STATUSES, SEVERITIES, STATUSES, Evidence, Finding
from .scoring import Result, ScoreReport, describe_value, earned_points, score_inspection, validate_value
from .store import (
    ARCHIVED,
    FINISHED,
    IN_PROGRESS,
    INSPECTION_STATUSES,
    Inspection,
    InspectionStore,
    InspectionSummary,
    read_summary,
    verify_file,
)

__all__ = [
    "ARCHIVED", "Evidence", "FINISHED", "Finding", "INSPECTION_STATUSES", "IN_PROGRESS", "Inspection",
    "InspectionStore", "InspectionSummary", "OPEN_STATUSES", "Result", "SEVERITIES", "STATUSES", "ScoreReport",
    "describe_value", "earned_points", "read_summary", "score_inspection", "validate_value", "verify_file",
]
