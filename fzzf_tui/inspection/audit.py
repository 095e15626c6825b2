"""The hash-chained audit trail and the seal of a finalised inspection.

Each entry stores the hash of the previous one; its own hash covers its content and that link,
so editing, removing or reordering any entry breaks the chain from that point on. The seal,
written when an inspection is finalised, hashes the results and findings and names the audit
head, so changing a sealed inspection outside the app is detected too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..checklist.model import canonical_json

GENESIS = "0" * 64


def entry_hash(entry: Mapping[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def make_entry(prev: str, seq: int, at: str, who: str, action: str, target: str, old: Any, new: Any, **extra: Any) -> dict[str, Any]:
    entry = {"seq": seq, "at": at, "who": who, "action": action, "target": target, "old": old, "new": new, "prev": prev}
    entry.update(extra)
    entry["hash"] = entry_hash(entry)
    return entry


SEALED_FINDING_FIELDS = ("id", "description", "item_code", "evidence", "severity", "requirement", "units", "due", "created_by", "created_at")


def content_digest(results: Iterable[Mapping[str, Any]], findings: Iterable[Mapping[str, Any]]) -> str:
    """Hash of what a seal protects: every result, and what each finding says.

    A finding's rectification progress (status, 复查意见, history) is not sealed: 整改 goes on
    after the inspection is finished, and each step is still in the audit chain.
    """
    body = {
        "results": sorted((dict(r) for r in results), key=lambda r: r["code"]),
        "findings": sorted(
            ({k: f.get(k) for k in SEALED_FINDING_FIELDS} for f in findings), key=lambda f: str(f["id"])
        ),
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


@dataclass
class VerifyReport:
    ok: bool
    entries: int
    problems: list[str]
    first_broken_seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "problems": self.problems, "first_broken_seq": self.first_broken_seq}


def verify_chain(entries: list[Mapping[str, Any]]) -> VerifyReport:
    problems: list[str] = []
    first: int | None = None
    prev = GENESIS
    for index, entry in enumerate(entries, start=1):
        seq = entry.get("seq")
        if seq != index:
            problems.append(f"审计记录第 {index} 条的序号为 {seq}，应为 {index}（记录被删除或调换）")
        elif entry.get("prev") != prev:
            problems.append(f"审计记录第 {index} 条与上一条衔接不上（上一条被修改或删除）")
        elif entry_hash(entry) != entry.get("hash"):
            problems.append(f"审计记录第 {index} 条（{entry.get('action')} {entry.get('target')}）内容被改动，哈希不符")
        if problems:
            first = index
            break
        prev = str(entry.get("hash"))
    return VerifyReport(not problems, len(entries), problems, first)
