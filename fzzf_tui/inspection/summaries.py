"""What a list shows of an inspection file, read without building its checklist (cached).

Apart from :mod:`.folder` so that opening one inspection (the TUI's first frame) does not build
the summary class (#13); the list, the CLI and the exports import it on first use.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CorruptInspection
from . import trust
from .status import FILE_FORMAT, IN_PROGRESS
from .storage import load_file
from .store import Inspection, summary_of


@dataclass
class InspectionSummary:
    id: str
    path: Path
    unit: str
    type: str
    checklist_id: str
    checklist_title: str
    checklist_version: str
    status: str
    progress: float
    total: float
    percent: float
    grade: str
    findings: int
    open_findings: int
    inspectors: list[str]
    date: str
    updated_at: str
    error: str = ""
    valued: int = -1  # items with a value (0: nothing scored yet, show 未评); -1 unknown (old file)
    unscored: int = -1
    grade_label: str = ""  # 等次 as one cell: 不合格（一票否决）…; "" in files of earlier releases

    @property
    def grade_shown(self) -> str:
        """等次 as a list prints it (the same words as the summary and the ranking)."""
        if not self.grade:
            return "未评定"  # a list shows 进度 beside it
        return self.grade_label or self.grade

    @property
    def has_value(self) -> bool:
        return self.valued > 0 if self.valued >= 0 else self.progress > 0

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["path"] = str(self.path)
        return d


def _summary_from(path: Path, meta: dict[str, Any], s: dict[str, Any]) -> InspectionSummary:
    return InspectionSummary(
        id=meta["id"],
        path=path,
        unit=meta.get("unit", ""),
        type=meta.get("type", ""),
        checklist_id=meta.get("checklist_id", ""),
        checklist_title=meta.get("checklist_title", ""),
        checklist_version=meta.get("checklist_version", ""),
        status=meta.get("status", IN_PROGRESS),
        progress=float(s.get("progress", 0)),
        total=float(s.get("total", 0)),
        percent=float(s.get("percent", 0)),
        grade=s.get("grade", ""),
        findings=int(s.get("findings", 0)),
        open_findings=int(s.get("open_findings", 0)),
        inspectors=list(meta.get("inspectors", [])),
        date=meta.get("date", ""),
        updated_at=meta.get("updated_at", ""),
        valued=int(s.get("valued", -1)),
        unscored=int(s.get("unscored", -1)),
        grade_label=str(s.get("grade_label") or ""),
    )


def read_summary(path: Path) -> InspectionSummary:
    """Read a file's summary without building its checklist (cached by size, mtime, inode
    and ctime: a same-size change within the mtime's resolution must not show a stale score).

    A file with journal lines (open in another window, or left by a crash) has no up-to-date
    cached summary, and a file this machine has not written or verified in its current form is
    not taken at its word: both are opened read-only (replayed and verified) and scored.
    """
    from ..checklist.cache import _cache_path  # same cache folder, keyed by path

    try:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        cache = _cache_path(path).with_name("summary-" + _cache_path(path).name)
        try:
            blob = json.loads(cache.read_text(encoding="utf-8"))
            if blob.get("stamp") == stamp:
                d = blob["summary"]
                d["path"] = path
                return InspectionSummary(**d)
        except Exception:  # noqa: BLE001
            pass
        loaded = load_file(path)
        meta = loaded.state.meta
        if not meta or meta.get("format") != FILE_FORMAT:
            raise CorruptInspection("不是 fzzf 检查文件")
        trusted = trust.is_trusted(path, loaded.image.sha256)
        if not trusted or loaded.image.checkpoint < len(loaded.image.log) or not isinstance(meta.get("summary"), dict):
            # A file this machine did not write or verify in this form (copied in, or edited by
            # hand) is verified in full and scored from its record: a list must not show the
            # summary a file says of itself. One that fails is listed with the reason.
            with Inspection.open(path, readonly=True) as ins:
                summary = _summary_from(path, ins.meta, summary_of(ins.score(), ins.findings()))
        else:
            summary = _summary_from(path, meta, meta["summary"])
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            d = summary.to_dict()
            d.pop("path")
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"stamp": stamp, "summary": d}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass
        return summary
    except Exception as exc:  # noqa: BLE001 - listed with its error, never hidden
        return InspectionSummary(
            id=path.stem, path=path, unit="", type="", checklist_id="", checklist_title="", checklist_version="",
            status="无法读取", progress=0, total=0, percent=0, grade="", findings=0, open_findings=0,
            inspectors=[], date="", updated_at="", error=str(exc),
        )


__all__ = ["InspectionSummary", "read_summary"]
