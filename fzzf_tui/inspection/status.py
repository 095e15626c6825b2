"""The inspection file's format marker, the inspection statuses and the time stamp (shared by store and verify)."""

from datetime import datetime

FILE_FORMAT = "fzzf-inspection/1"
IN_PROGRESS, FINISHED, ARCHIVED = "进行中", "已完成", "已归档"
INSPECTION_STATUSES = (IN_PROGRESS, FINISHED, ARCHIVED)
SUFFIX = ".fzzf"
SELF_RESULTS_TABLE = "self_results"  # the unit's 自查自评 (see self_check.py)


def now_iso() -> str:
    """The local time with its offset, to the second: what every record is stamped with."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


__all__ = ["ARCHIVED", "FILE_FORMAT", "FINISHED", "INSPECTION_STATUSES", "IN_PROGRESS", "SUFFIX", "now_iso"]
