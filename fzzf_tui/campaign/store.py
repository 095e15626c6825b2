"""Campaign files: one per 督察任务, beside the inspections, with the inspections' guarantees.

A campaign file holds TinyDB-shaped tables, like an inspection file:

* ``meta``      one document: format, id, name, checklist id/title/version/hash, dates, note,
                created/updated
* ``checklist`` one document: the pinned checklist snapshot (canonical JSON) — every inspection
                the campaign creates is scored against exactly this checklist
* ``units``     one document per unit (name, team, 不涉及 profile), in the office's order
* ``teams``     one document per 检查组 (name, members)
* ``audit``     the hash-chained trail; every entry carries its change set (``set``: new
                ``meta`` keys and whole ``tables``), so the state can be rebuilt from the trail
                and :meth:`Campaign.verify` checks the file against it

Writes go through the inspection store's durable writer (temp file, fsync, atomic replace), a
change and its audit entry in one write; a writer holds the same OS lock as an inspection
writer. Nothing here knows about the units' inspections: see :mod:`.progress`.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Mapping

from .. import locations
from ..checklist.loading import checklist_from_dict
from ..checklist.model import Checklist, canonical_json, snapshot_hash
from ..errors import CorruptInspection, InspectionError, InspectionLocked, InvalidValue
from ..inspection import audit as audit_mod
from ..inspection.lock import InspectionLock, current_user, describe_holder
from ..inspection.storage import atomic_write_bytes, encode
from .model import (
    DATE_FIELDS,
    FORMAT,
    SUFFIX,
    CampaignSpec,
    CampaignUnit,
    Dates,
    Team,
    check_spec,
)

TABLES = ("units", "teams")
MAX_FILE_BYTES = 64 * 1024 * 1024


class CampaignError(InspectionError):
    """A campaign file cannot be opened, read or changed."""


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _docs(raw: Any, name: str, where: str) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise CorruptInspection(f"督察任务文件的“{name}”部分格式不对：{where}")
    return [raw[k] for k in sorted(raw, key=lambda k: (0, int(k)) if str(k).isdigit() else (1, str(k)))]


def _table(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i): d for i, d in enumerate(docs, start=1)}


def _read(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CorruptInspection(f"督察任务文件过大（{size // (1024 * 1024)} MB），不像督察任务文件：{path}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CampaignError(f"督察任务文件不存在：{path}") from None
    except PermissionError:
        raise CampaignError(f"没有权限读取督察任务文件：{path}") from None
    except IsADirectoryError:
        raise CampaignError(f"不是督察任务文件（是文件夹）：{path}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise CorruptInspection(f"督察任务文件已损坏，无法解析：{path}") from None
    if not isinstance(data, dict):
        raise CorruptInspection(f"督察任务文件格式不对（顶层不是对象）：{path}")
    return data


class _State:
    """The campaign's state as the trail builds it: meta keys and whole tables."""

    def __init__(self) -> None:
        self.meta: dict[str, Any] = {}
        self.tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}

    def apply(self, changes: Mapping[str, Any]) -> None:
        for key, value in (changes.get("meta") or {}).items():
            self.meta[key] = value
        for name, docs in (changes.get("tables") or {}).items():
            self.tables[name] = list(docs or [])


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


class Campaign:
    """An open campaign. Use :meth:`CampaignStore.open` or ``Campaign.open(path)``."""

    def __init__(self, path: Path, readonly: bool = False, who: str | None = None) -> None:
        self.path = Path(path)
        self.who = who or current_user()
        self.readonly = readonly
        self.lock: InspectionLock | None = None
        if not readonly:
            self.lock = InspectionLock(self.path)
            try:
                self.lock.acquire()
            except InspectionLocked as exc:
                raise InspectionLocked(
                    f"督察任务“{self.path.name}”正由 {describe_holder(exc.holder)} 修改，请稍后再试", exc.holder
                ) from None
        try:
            self._load(_read(self.path))
            report = verify_data(self._data)
            if not report.ok:
                raise CorruptInspection(
                    f"督察任务文件未通过校验：{report.problems[0]}（文件可能在本工具之外被改动）：{self.path}")
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls, path: str | os.PathLike[str], readonly: bool = False, who: str | None = None) -> "Campaign":
        return cls(Path(path), readonly=readonly, who=who)

    def _load(self, data: dict[str, Any]) -> None:
        where = str(self.path)
        metas = _docs(data.get("meta"), "meta", where)
        if not metas or metas[0].get("format") != FORMAT:
            raise CorruptInspection(f"不是 fzzf 督察任务文件（格式标记不符）：{where}")
        snaps = _docs(data.get("checklist"), "checklist", where)
        snap = snaps[0].get("json") if snaps else None
        if not isinstance(snap, str) or snapshot_hash(snap) != metas[0].get("checklist_hash"):
            raise CorruptInspection(f"督察任务文件中的清单快照与记录的哈希不符（文件可能被改动）：{where}")
        try:
            checklist = checklist_from_dict(json.loads(snap), f"{where} 中的清单快照")
        except Exception as exc:  # noqa: BLE001 - any failure means the snapshot is unusable
            raise CorruptInspection(f"督察任务文件中的清单快照无法读取：{where}（{exc}）") from None
        object.__setattr__(checklist, "_hash", snapshot_hash(snap))
        self._data = data
        self.checklist: Checklist = checklist
        self.meta: dict[str, Any] = dict(metas[0])
        try:
            self.units: tuple[CampaignUnit, ...] = tuple(
                CampaignUnit.from_dict(d) for d in _docs(data.get("units"), "units", where))
            self.teams: tuple[Team, ...] = tuple(Team.from_dict(d) for d in _docs(data.get("teams"), "teams", where))
            self.dates: Dates = Dates.from_dict(self.meta.get("dates") or {})
        except (KeyError, TypeError, ValueError, InvalidValue) as exc:
            raise CorruptInspection(f"督察任务文件中的单位、检查组或日期无法读取（{exc}）：{where}") from None
        self._entries = _docs(data.get("audit"), "audit", where)

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> "Campaign":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def name(self) -> str:
        return str(self.meta.get("name", ""))

    @property
    def note(self) -> str:
        return str(self.meta.get("note", ""))

    def unit(self, name: str) -> CampaignUnit:
        key = " ".join(str(name or "").split())
        for u in self.units:
            if u.name == key:
                return u
        raise InvalidValue(f"督察任务“{self.name}”中没有被检查单位“{name}”")

    def team(self, name: str) -> Team | None:
        return next((t for t in self.teams if t.name == name), None)

    def team_of(self, unit: str) -> Team | None:
        u = self.unit(unit)
        return self.team(u.team) if u.team else None

    def audit(self) -> list[dict[str, Any]]:
        return [dict(e) for e in self._entries]

    def link(self) -> dict[str, Any]:
        """What an inspection of this campaign records about it (meta ``campaign``)."""
        return {"id": self.id, "name": self.name, "file": self.path.name, "checklist_hash": self.checklist.content_hash}

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "file": str(self.path), "note": self.note,
            "checklist": {"id": self.meta.get("checklist_id"), "title": self.meta.get("checklist_title"),
                          "version": self.meta.get("checklist_version"), "hash": self.meta.get("checklist_hash")},
            "dates": self.dates.to_dict(),
            "teams": [t.to_dict() for t in self.teams],
            "units": [u.to_dict() for u in self.units],
            "created_at": self.meta.get("created_at"), "created_by": self.meta.get("created_by"),
        }

    # -- writing ------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if self.readonly:
            raise CampaignError("督察任务以只读方式打开，不能修改")

    def _commit(self, action: str, target: str, old: Any, new: Any, changes: dict[str, Any]) -> None:
        """One change and its audit entry, written together (all or nothing)."""
        self._require_writable()
        head = self._entries[-1]["hash"] if self._entries else audit_mod.GENESIS
        ts = now_iso()
        changes = _plain(changes)
        changes.setdefault("meta", {})["updated_at"] = ts
        entry = audit_mod.make_entry(head, len(self._entries) + 1, ts, self.who, action, target, _plain(old), _plain(new),
                                     set=changes)
        data = dict(self._data)
        meta = {**self.meta, **changes["meta"]}
        data["meta"] = {"1": meta}
        for name, docs in (changes.get("tables") or {}).items():
            data[name] = _table(docs)
        data["audit"] = _table(self._entries + [entry])
        atomic_write_bytes(self.path, encode(data))
        self._load(data)

    def _units_table(self, units: tuple[CampaignUnit, ...]) -> list[dict[str, Any]]:
        return [u.to_dict() for u in units]

    def update(self, spec: CampaignSpec) -> None:
        """Replace name, units, teams, dates and note with ``spec`` (checked against the pinned
        checklist); the entry records the old and new values."""
        spec = check_spec(spec, self.checklist)
        old = {"name": self.name, "units": self._units_table(self.units), "teams": [t.to_dict() for t in self.teams],
               "dates": self.dates.to_dict(), "note": self.note}
        new = {"name": spec.name, "units": self._units_table(spec.units), "teams": [t.to_dict() for t in spec.teams],
               "dates": spec.dates.to_dict(), "note": spec.note}
        if old == new:
            return
        self._commit("campaign.update", "campaign", old, new, {
            "meta": {"name": spec.name, "dates": new["dates"], "note": spec.note},
            "tables": {"units": new["units"], "teams": new["teams"]},
        })

    def spec(self) -> CampaignSpec:
        return CampaignSpec(self.name, self.units, self.teams, self.dates, self.note)

    def add_units(self, units: list[CampaignUnit]) -> None:
        from dataclasses import replace

        self.update(replace(self.spec(), units=self.units + tuple(units)))

    def set_dates(self, **dates: Any) -> None:
        from dataclasses import replace

        known = {name for name, _ in DATE_FIELDS}
        unknown = set(dates) - known
        if unknown:
            raise InvalidValue(f"督察任务没有这些日期：{'、'.join(sorted(unknown))}")
        merged = {**self.dates.to_dict(), **dates}
        self.update(replace(self.spec(), dates=Dates.from_dict(merged)))

    # -- verification -------------------------------------------------------------------
    def verify(self) -> audit_mod.VerifyReport:
        return verify_data(self._data)


def verify_data(data: Mapping[str, Any]) -> audit_mod.VerifyReport:
    """Check the chain, then that replaying it gives the file's meta, units and teams."""
    entries = _docs(data.get("audit"), "audit", "")
    report = audit_mod.verify_chain(entries)
    if not report.ok:
        return report
    state = _State()
    for e in entries:
        if isinstance(e.get("set"), dict):
            state.apply(e["set"])
    meta = (_docs(data.get("meta"), "meta", "") or [{}])[0]
    for key in sorted(set(state.meta) | set(meta)):
        if key == "updated_at":
            continue
        if _plain(state.meta.get(key)) != _plain(meta.get(key)):
            report.ok = False
            report.problems.append(f"督察任务信息“{key}”与审计记录不符（文件被改动）")
    for name in TABLES:
        if _plain(state.tables.get(name)) != _plain(_docs(data.get(name), name, "")):
            report.ok = False
            report.problems.append(f"督察任务的{'被检查单位' if name == 'units' else '检查组'}与审计记录不符（文件被改动）")
    snaps = _docs(data.get("checklist"), "checklist", "")
    snap = snaps[0].get("json") if snaps else None
    pinned = (entries[0].get("new") or {}).get("checklist_hash") if entries else None
    if not isinstance(snap, str) or snapshot_hash(snap) != meta.get("checklist_hash") or pinned != meta.get("checklist_hash"):
        report.ok = False
        report.problems.append("清单快照与创建时记录的清单哈希不符（快照被替换）")
    return report


def verify_file(path: str | os.PathLike[str]) -> audit_mod.VerifyReport:
    return verify_data(_read(Path(path)))


class CampaignSummary:
    """A campaign as listed (read without a lock); ``error`` names why a file cannot be read."""

    def __init__(self, path: Path, campaign: Campaign | None = None, error: str = "") -> None:
        self.path = path
        self.error = error
        self.id = campaign.id if campaign else path.stem
        self.name = campaign.name if campaign else ""
        self.checklist_title = str(campaign.meta.get("checklist_title", "")) if campaign else ""
        self.checklist_version = str(campaign.meta.get("checklist_version", "")) if campaign else ""
        self.units = len(campaign.units) if campaign else 0
        self.teams = len(campaign.teams) if campaign else 0
        self.dates = campaign.dates if campaign else Dates()
        self.updated_at = str(campaign.meta.get("updated_at", "")) if campaign else ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "file": str(self.path), "checklist": self.checklist_title,
                "checklist_version": self.checklist_version, "units": self.units, "teams": self.teams,
                "dates": self.dates.to_dict(), "updated_at": self.updated_at, "error": self.error}


class CampaignStore:
    """The folder of campaign files (``<data dir>/campaigns``, beside ``inspections``)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else locations.data_dir() / "campaigns"

    def paths(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob(f"*{SUFFIX}") if p.is_file() and not p.name.startswith("."))

    def create(self, spec: CampaignSpec, checklist: Checklist, who: str | None = None) -> Campaign:
        """Write a new campaign file (checklist snapshot pinned) and return it open for writing."""
        spec = check_spec(spec, checklist)
        who = who or current_user()
        cid = datetime.now().strftime("%Y%m%d") + "-" + uuid.uuid4().hex[:6]
        from ..inspection.folder import safe_filename

        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"{safe_filename(spec.name)}-{cid}{SUFFIX}"
        if path.exists():  # pragma: no cover - ids are random
            raise CampaignError(f"文件已存在：{path}")
        ts = now_iso()
        meta = {
            "format": FORMAT, "id": cid, "name": spec.name, "note": spec.note,
            "checklist_id": checklist.id, "checklist_title": checklist.title, "checklist_version": checklist.version,
            "checklist_type": checklist.type, "checklist_hash": checklist.content_hash,
            "dates": spec.dates.to_dict(), "created_at": ts, "created_by": who, "updated_at": ts,
        }
        units = [u.to_dict() for u in spec.units]
        teams = [t.to_dict() for t in spec.teams]
        first = audit_mod.make_entry(
            audit_mod.GENESIS, 1, ts, who, "campaign.create", "campaign", None,
            {"name": spec.name, "checklist": checklist.id, "checklist_hash": checklist.content_hash, "units": len(units)},
            set=_plain({"meta": meta, "tables": {"units": units, "teams": teams}}),
        )
        data = {
            "meta": {"1": meta},
            "checklist": {"1": {"json": canonical_json(checklist.to_dict()), "hash": checklist.content_hash}},
            "units": _table(units),
            "teams": _table(teams),
            "audit": {"1": first},
        }
        atomic_write_bytes(path, encode(data))
        return Campaign.open(path, who=who)

    def resolve(self, ref: str | os.PathLike[str]) -> Path:
        """A campaign id, id prefix, name, or file path → the file."""
        p = Path(ref)
        if p.is_file():
            return p
        text = str(ref).strip()
        paths = self.paths()
        exact = [q for q in paths if q.stem.endswith("-" + text) or q.stem == text]
        if len(exact) == 1:
            return exact[0]
        by_name = [s.path for s in self.summaries() if not s.error and (s.name == text or s.id == text)]
        if len(by_name) == 1:
            return by_name[0]
        partial = [q for q in paths if text and text in q.stem]
        if len(partial) == 1:
            return partial[0]
        if len(by_name) > 1 or len(partial) > 1:
            raise CampaignError(f"“{text}”对应多个督察任务，请写完整编号或文件路径")
        raise CampaignError(f"找不到督察任务“{text}”（{self.root}）；用 fzzf campaign list 查看")

    def open(self, ref: str | os.PathLike[str], readonly: bool = False, who: str | None = None) -> Campaign:
        return Campaign.open(self.resolve(ref), readonly=readonly, who=who)

    def summaries(self) -> list[CampaignSummary]:
        out = []
        for p in self.paths():
            try:
                c = Campaign.open(p, readonly=True)
            except (InspectionError, OSError) as exc:
                out.append(CampaignSummary(p, error=str(exc)))
                continue
            out.append(CampaignSummary(p, c))
        return out

    def iter_open(self) -> Iterator[Campaign]:
        for p in self.paths():
            yield Campaign.open(p, readonly=True)


__all__ = ["Campaign", "CampaignError", "CampaignStore", "CampaignSummary", "verify_data", "verify_file"]
