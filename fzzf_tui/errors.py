"""One exception hierarchy; every error carries a Chinese message a user can act on."""

from __future__ import annotations

from typing import NamedTuple


class FzzfError(Exception):
    """Base of all errors shown to users. ``str(err)`` is the Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class Problem(NamedTuple):
    """One located problem in a file: ``where`` is ``file:line`` or ``file [code]``."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ChecklistError(FzzfError):
    """A checklist file (or plugin-supplied checklist) is malformed; lists every problem."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"清单文件 {source} 有 {len(self.problems)} 处错误：\n{lines}")


class PluginError(FzzfError):
    """A plugin failed to import or raised inside a hook."""


class InspectionError(FzzfError):
    """An inspection cannot be opened, read or changed."""


class InspectionLocked(InspectionError):
    """Another process holds the inspection's write lock."""

    def __init__(self, message: str, holder: dict | None = None) -> None:
        super().__init__(message)
        self.holder = holder or {}


class CorruptInspection(InspectionError):
    """The inspection file cannot be parsed; it is left untouched."""


class InvalidValue(FzzfError):
    """A value entered for an item or finding is refused; nothing was stored."""


class ReadOnlyInspection(InspectionError):
    """A change was attempted on an inspection opened read-only or sealed."""


class ExportError(FzzfError):
    """An export or import of a workbook / bundle failed."""
