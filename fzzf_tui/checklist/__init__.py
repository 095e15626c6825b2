"""Checklist model, loading and validation (pure Python, no UI)."""

from .files import load_checklist_file, validate_file
from .loading import checklist_from_dict, load_checklist_text
from .model import (
    BUILTIN_TYPES,
    KIND_LABELS,
    KINDS,
    METHOD_LABELS,
    METHODS,
    Checklist,
    Deduction,
    GradeBand,
    Item,
    Level,
    Shortfall,
    canonical_json,
)

__all__ = [
    "BUILTIN_TYPES", "KIND_LABELS", "KINDS", "METHOD_LABELS", "METHODS", "Checklist", "Deduction",
    "GradeBand", "Item", "Level", "Shortfall", "canonical_json", "checklist_from_dict", "load_checklist_file",
    "load_checklist_text", "validate_file",
]
