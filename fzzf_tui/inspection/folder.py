"""The folder of inspection files: create, find by id, list with cached summaries (:mod:`.summaries`).

Opening the folder (listing it) also removes temp files left by writers that were killed
(``.<name>.<pid>.tmp`` whose process is gone), so a crash leaves no litter for long.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .. import locations
from ..checklist.model import Checklist, canonical_json
from ..dates import parse_date
from ..errors import InspectionError, InvalidValue
from ..fileio import check_text, remove_stale_temps
from . import trust
from .lock import current_user
from .scoring import score_inspection
from .status import FILE_FORMAT, IN_PROGRESS, SUFFIX
from .storage import dumps, write_new
from .store import Inspection, now_iso, summary_of

if TYPE_CHECKING:
    from .summaries import InspectionSummary

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_filename(text: str, limit: int = 40) -> str:
    """A file name part that is valid on Windows and Linux (Chinese kept)."""
    cleaned = _UNSAFE.sub("_", text).strip(" ._") or "未命名"
    return cleaned[:limit]


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
        from .summaries import read_summary

        return [read_summary(p) for p in self.paths()]

    def iter_open(self, readonly: bool = True) -> Iterator[Inspection]:
        for p in self.paths():
            yield Inspection.open(p, readonly=readonly)


__all__ = ["InspectionStore", "safe_filename"]
