"""Findings (问题) and their rectification (整改) lifecycle, plus evidence references."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Mapping, NamedTuple

from ..dates import parse_date
from ..errors import InvalidValue

SEVERITIES = ("一般", "较重", "严重")
STATUSES = ("待整改", "整改中", "已整改", "已销号")
OPEN_STATUSES = ("待整改", "整改中", "已整改")

# 已销号 only after 复查 of an item reported 已整改; a failed 复查 sends it back to 整改中.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "待整改": ("整改中", "已整改"),
    "整改中": ("已整改", "待整改"),
    "已整改": ("已销号", "整改中"),
    "已销号": ("整改中",),
}


def file_sha256(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


class Evidence(NamedTuple):
    """One piece of 佐证材料: free text, or a file reference pinned by size and SHA-256.

    ``path`` is where the file came from; ``stored`` says a copy was put in the evidence
    store beside the inspection (:mod:`.evidence`), found there by its SHA-256. References
    written by earlier releases have neither ``name`` nor ``stored`` and serialise as before.
    """

    text: str = ""
    path: str = ""
    size: int | None = None
    sha256: str = ""
    name: str = ""
    stored: bool = False

    @property
    def is_file(self) -> bool:
        return bool(self.path)

    def describe(self) -> str:
        if self.is_file:
            shown = self.name or self.path
            return f"{shown}（{self.size} 字节，SHA-256 {self.sha256[:16]}…）"
        return self.text

    def to_dict(self) -> dict[str, Any]:
        if self.is_file:
            d: dict[str, Any] = {"path": self.path, "size": self.size, "sha256": self.sha256, "text": self.text}
            if self.name:
                d["name"] = self.name
            if self.stored:
                d["stored"] = True
            return d
        return {"text": self.text}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Evidence":
        return cls(
            text=str(d.get("text") or ""),
            path=str(d.get("path") or ""),
            size=d.get("size"),
            sha256=str(d.get("sha256") or ""),
            name=str(d.get("name") or ""),
            stored=d.get("stored") is True,
        )

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], text: str = "") -> "Evidence":
        p = Path(path).expanduser()
        try:
            digest, size = file_sha256(p)
        except FileNotFoundError:
            raise InvalidValue(f"佐证材料文件不存在：{p}") from None
        except IsADirectoryError:
            raise InvalidValue(f"佐证材料应为文件，不是文件夹：{p}") from None
        except OSError as exc:
            raise InvalidValue(f"无法读取佐证材料文件 {p}：{exc.strerror or exc}") from None
        return cls(text=text, path=str(p.resolve()), size=size, sha256=digest)

    def check(self) -> str | None:
        """None if the referenced file is unchanged, else a Chinese description of the problem."""
        if not self.is_file:
            return None
        p = Path(self.path)
        if not p.is_file():
            return f"佐证材料文件已不存在：{self.path}"
        current = Evidence.from_file(p)
        if current.sha256 != self.sha256:
            return f"佐证材料文件已被修改（SHA-256 不符）：{self.path}"
        return None


class Finding(NamedTuple):
    id: str
    description: str
    item_code: str | None = None
    evidence: tuple[Evidence, ...] = ()
    severity: str = "一般"
    requirement: str = ""  # 整改要求
    units: tuple[str, ...] = ()  # 责任单位
    due: str = ""  # 整改时限, ISO date
    status: str = "待整改"
    review: str = ""  # 复查意见: the inspectors' verdict on the rectification
    history: tuple[dict[str, Any], ...] = ()
    created_by: str = ""
    created_at: str = ""
    updated_at: str = ""
    origin: str = ""  # for 回头看: the original finding's id
    # 整改措施及完成情况: what the inspected unit reports it did (taken from its returned 整改清单);
    # never the inspectors' 复查意见
    measures: str = ""
    # the same problem recorded by other inspectors, merged into this one: [{id, by, at, source}]
    provenance: tuple[dict[str, Any], ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status != "已销号"

    @property
    def recorders(self) -> tuple[str, ...]:
        """Everyone who recorded this problem: the recorder, then the inspectors whose identical
        finding a merge joined to it (``provenance``), each once."""
        names = [self.created_by] + [str(p.get("by") or "") for p in self.provenance]
        return tuple(dict.fromkeys(n for n in names if n))

    @property
    def recorded_by(self) -> str:
        """记录人 as printed: “张明、李华” when two inspectors recorded the same problem."""
        return "、".join(self.recorders)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.id,
            "description": self.description,
            "item_code": self.item_code,
            "evidence": [e.to_dict() for e in self.evidence],
            "severity": self.severity,
            "requirement": self.requirement,
            "units": list(self.units),
            "due": self.due,
            "status": self.status,
            "review": self.review,
            "history": list(self.history),
            "created_by": self.created_by,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "origin": self.origin,
        }
        if self.measures:  # omitted while empty: findings written before the field read the same
            d["measures"] = self.measures
        if self.provenance:  # only when merged, so earlier findings keep their exact form
            d["provenance"] = [dict(p) for p in self.provenance]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Finding":
        return cls(
            id=str(d["id"]),
            description=str(d.get("description") or ""),
            item_code=d.get("item_code") or None,
            evidence=tuple(Evidence.from_dict(e) for e in d.get("evidence") or ()),
            severity=str(d.get("severity") or "一般"),
            requirement=str(d.get("requirement") or ""),
            units=tuple(d.get("units") or ()),
            due=str(d.get("due") or ""),
            status=str(d.get("status") or "待整改"),
            review=str(d.get("review") or ""),
            history=tuple(d.get("history") or ()),
            created_by=str(d.get("created_by") or ""),
            created_at=str(d.get("created_at") or ""),
            updated_at=str(d.get("updated_at") or ""),
            origin=str(d.get("origin") or ""),
            measures=str(d.get("measures") or ""),
            provenance=tuple(dict(p) for p in d.get("provenance") or () if isinstance(p, Mapping)),
        )


def validate_severity(value: str) -> str:
    v = (value or "").strip()
    if v not in SEVERITIES:
        raise InvalidValue(f"问题严重程度应为 {'、'.join(SEVERITIES)} 之一，收到“{value}”")
    return v


def validate_status(value: str) -> str:
    v = (value or "").strip()
    if v not in STATUSES:
        raise InvalidValue(f"整改状态应为 {'、'.join(STATUSES)} 之一，收到“{value}”")
    return v


def validate_due(value: Any) -> str:
    """整改时限 as an ISO date string ('' for none). Accepts 2026-12-31, 2026/12/31, 2026年12月31日."""
    return parse_date(value, "整改时限", "2026-12-31")


def status_path(old: str, new: str) -> list[str]:
    """Shortest allowed sequence of statuses from ``old`` to ``new`` ([] if none or equal).

    >>> status_path("待整改", "已销号")
    ['已整改', '已销号']
    """
    frontier = [[old]]
    seen = {old}
    while frontier:
        path = frontier.pop(0)
        if path[-1] == new:
            return path[1:]
        for nxt in TRANSITIONS.get(path[-1], ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(path + [nxt])
    return []


def check_transition(old: str, new: str, review: str) -> None:
    if old == new:
        return
    if new not in TRANSITIONS.get(old, ()):
        allowed = "、".join(TRANSITIONS.get(old, ())) or "无"
        raise InvalidValue(f"整改状态不能从“{old}”改为“{new}”（可改为：{allowed}）")
    if new == "已销号" and not review.strip():
        raise InvalidValue("销号须填写复查意见")
    if old == "已销号" and not review.strip():
        raise InvalidValue("已销号的问题重新打开时须说明原因（复查意见）")
