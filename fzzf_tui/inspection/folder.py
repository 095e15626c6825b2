"""The folder of inspection files: create, find by id, list with cached summaries.

Opening the folder (listing it) also removes temp files left by writers that were killed
(``.<name>.<pid>.tmp`` whose process is gone), so a crash leaves no litter for long.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from .. import locations
from ..checklist.model import Checklist, canonical_json
from ..dates import parse_date
from ..errors import CorruptInspection, InspectionError, InvalidValue
from ..fileio import check_text, remove_stale_temps
from . import trust
from .lock import current_user
from .scoring import score_inspection
from .status import FILE_FORMAT, IN_PROGRESS, SUFFIX
from .storage import dumps, load_file, write_new
from .store import Inspection, now_iso, summary_of

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_filename(text: str, limit: int = 40) -> str:
    """A file name part that is valid on Windows and Linux (Chinese kept)."""
    cleaned = _UNSAFE.sub("_", text).strip(" ._") or "未命名"
    return cleaned[:limit]


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


class InspectionStore:
    """The folder of inspection files (``<data dir>/inspections``)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else locations.inspections_dir()
        self._swept = False

    def sweep(self) -> list[Path]:
        """Remove temp files whose writer process is dead (once per store object)."""
        if self._swept or not self.root.is_dir():
            return []
        self._swept = True
        return remove_stale_temps(self.root)

    def paths(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        self.sweep()
        return sorted(p for p in self.root.glob(f"*{SUFFIX}") if p.is_file())

    def create(
        self,
        checklist: Checklist,
        unit: str,
        inspectors: Iterable[str] = (),
        date_: str | date | None = None,
        who: str | None = None,
        title: str = "",
        extra_meta: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> Inspection:
        """Create a new inspection file and return it open (locked for writing).

        ``path`` chooses the file (e.g. ``fzzf merge -o``); by default it goes in the store.
        """
        unit = check_text((unit or "").strip(), "被检查单位")
        if not unit:
            raise InvalidValue("被检查单位不能为空")
        check_text(title or "", "检查名称")
        who = who or current_user()
        if isinstance(date_, date):
            date_s = date_.isoformat()
        else:
            date_s = parse_date(date_, "检查日期") if date_ else date.today().isoformat()
        ins_id = datetime.now().strftime("%Y%m%d") + "-" + uuid.uuid4().hex[:6]
        self.root.mkdir(parents=True, exist_ok=True)
        if path is None:
            name = f"{safe_filename(unit)}-{safe_filename(checklist.type, 10)}-{ins_id}{SUFFIX}"
            path = self.root / name
        else:
            path = Path(path)
            if path.exists():
                raise InspectionError(f"文件已存在，不会覆盖：{path}")
            path.parent.mkdir(parents=True, exist_ok=True)
        ts = now_iso()
        meta: dict[str, Any] = {
            "format": FILE_FORMAT,
            "id": ins_id,
            "unit": unit,
            "title": title,
            "type": checklist.type,
            "checklist_id": checklist.id,
            "checklist_title": checklist.title,
            "checklist_version": checklist.version,
            "checklist_hash": checklist.content_hash,
            "inspectors": [check_text(i.strip(), "检查人员") for i in inspectors if i and i.strip()],
            "date": date_s,
            "status": IN_PROGRESS,
            "created_at": ts,
            "created_by": who,
            "seal": None,
            "reopens": [],
        }
        if extra_meta:
            meta.update(extra_meta)
        meta = json.loads(dumps(meta))
        snapshot = canonical_json(checklist.to_dict())
        # the creation entry records the whole initial meta, so the chain replays from nothing
        from . import audit as audit_mod

        first = audit_mod.make_entry(audit_mod.GENESIS, 1, ts, who, "create", "inspection", None,
                                     {"unit": unit, "checklist": checklist.id, "hash": checklist.content_hash},
                                     set={"meta": meta})
        stored_meta = {**meta, "updated_at": ts, "summary": summary_of(score_inspection(checklist, {}, set()), [])}
        data = {
            "meta": {"1": stored_meta},
            "checklist": {"1": {"json": snapshot, "hash": checklist.content_hash}},
            "results": {},
            "findings": {},
        }
        if path.exists():  # pragma: no cover - ids are random
            raise InspectionError(f"文件已存在：{path}")
        write_new(path, data, first)
        trust.remember(path, trust.digest(path.read_bytes()))
        return Inspection.open(path, who=who)

    def resolve(self, ref: str | os.PathLike[str]) -> Path:
        """An inspection id, id prefix, or file path → the file path."""
        p = Path(ref)
        if p.suffix == SUFFIX and p.exists():
            return p
        if p.exists() and p.is_file():
            return p
        ref_s = str(ref)
        matches = [q for q in self.paths() if q.stem.endswith(ref_s) or ref_s in q.stem.split("-", 1)[-1]]
        exact = [q for q in self.paths() if q.stem.endswith("-" + ref_s)]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InspectionError(f"“{ref_s}”对应多个检查，请写完整编号或文件路径")
        raise InspectionError(f"找不到检查“{ref_s}”（数据目录：{self.root}）")

    def open(self, ref: str | os.PathLike[str], readonly: bool = False, who: str | None = None) -> Inspection:
        return Inspection.open(self.resolve(ref), readonly=readonly, who=who)

    def summaries(self) -> list[InspectionSummary]:
        """Summaries of every inspection; unreadable files are listed with their error."""
        return [read_summary(p) for p in self.paths()]

    def iter_open(self, readonly: bool = True) -> Iterator[Inspection]:
        for p in self.paths():
            yield Inspection.open(p, readonly=readonly)


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
    cached summary: it is opened read-only (replayed and verified) and scored.
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
        if loaded.image.checkpoint < len(loaded.image.log) or not isinstance(meta.get("summary"), dict):
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


__all__ = ["InspectionStore", "InspectionSummary", "read_summary", "safe_filename"]
