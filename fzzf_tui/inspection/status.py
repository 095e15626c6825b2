"""The inspection file's format marker and the inspection statuses (shared by store and verify)."""

FILE_FORMAT = "fzzf-inspection/1"
IN_PROGRESS, FINISHED, ARCHIVED = "进行中", "已完成", "已归档"
INSPECTION_STATUSES = (IN_PROGRESS, FINISHED, ARCHIVED)
SUFFIX = ".fzzf"

__all__ = ["ARCHIVED", "FILE_FORMAT", "FINISHED", "INSPECTION_STATUSES", "IN_PROGRESS", "SUFFIX"]
