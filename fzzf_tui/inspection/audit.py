"""The hash-chained audit trail, the seal of a finalised inspection and the office key.

Each entry stores the hash of the previous one; its own hash covers its content and that link,
so editing, removing or reordering any entry breaks the chain from that point on. Entries also
say what they changed (:mod:`.replay`), so the state can be checked against the chain.

The seal, written when an inspection is finalised, binds the content (results and what each
finding says) to the chain head before the finalize entry, and is itself part of that entry.
Anyone holding the file and this program can still rewrite a whole chain consistently; only
a key they do not have stops that. An office can set one (``FZZF_OFFICE_KEY``, or a key file):
seals are then also signed with HMAC-SHA256 under that key, and ``verify`` checks the
signature. docs/verify.md says what each of these proves.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .. import locations
from ..checklist.model import canonical_json
from ..errors import FzzfError

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


# -- the office key -------------------------------------------------------------------------
KEY_ENV, KEY_FILE_ENV, KEY_FILE_NAME = "FZZF_OFFICE_KEY", "FZZF_OFFICE_KEY_FILE", "office.key"
MIN_KEY_BYTES = 16


@dataclass(frozen=True)
class OfficeKey:
    secret: bytes = field(repr=False)
    source: str

    @property
    def id(self) -> str:
        """A short fingerprint naming the key (safe to show and store; not the key)."""
        return hashlib.sha256(b"fzzf-office-key:" + self.secret).hexdigest()[:16]

    def sign(self, body: Mapping[str, Any]) -> str:
        return hmac.new(self.secret, canonical_json(dict(body)).encode("utf-8"), hashlib.sha256).hexdigest()


class OfficeKeyError(FzzfError):
    """The configured office key cannot be used."""


def office_key() -> OfficeKey | None:
    """The office key: ``$FZZF_OFFICE_KEY`` (the key text), ``$FZZF_OFFICE_KEY_FILE``, or
    ``office.key`` in the data dir; None when none is configured."""
    text = os.environ.get(KEY_ENV)
    if text:
        key = OfficeKey(text.strip().encode("utf-8"), f"环境变量 {KEY_ENV}")
    else:
        env_file = os.environ.get(KEY_FILE_ENV)
        path = Path(env_file).expanduser() if env_file else locations.data_dir() / KEY_FILE_NAME
        try:
            raw = path.read_bytes()[:4096].strip()
        except FileNotFoundError:
            if env_file:
                raise OfficeKeyError(f"办公室密钥文件不存在：{path}") from None
            return None
        except OSError as exc:
            raise OfficeKeyError(f"无法读取办公室密钥文件 {path}：{exc.strerror or exc}") from None
        key = OfficeKey(raw, f"密钥文件 {path}")
    if len(key.secret) < MIN_KEY_BYTES:
        raise OfficeKeyError(f"办公室密钥（{key.source}）过短：至少 {MIN_KEY_BYTES} 个字符")
    return key


# -- the seal ---------------------------------------------------------------------------------
def seal_body(inspection_id: str, audit_seq: int, head: str, content: str) -> dict[str, Any]:
    return {"inspection": inspection_id, "audit_seq": audit_seq, "head": head, "content": content}


def make_seal(inspection_id: str, audit_seq: int, head: str, content: str, at: str, by: str,
              key: OfficeKey | None) -> dict[str, Any]:
    """The seal of a finalize entry numbered ``audit_seq`` whose predecessor's hash is ``head``."""
    body = seal_body(inspection_id, audit_seq, head, content)
    seal: dict[str, Any] = {"at": at, "by": by, "audit_seq": audit_seq, "head": head, "content": content}
    if key is not None:
        seal["key_id"] = key.id
        seal["mac"] = key.sign(body)
    return seal


@dataclass
class SealCheck:
    problems: list[str] = field(default_factory=list)  # the seal does not hold
    notes: list[str] = field(default_factory=list)  # what could not be checked
    signed_by: str = ""  # office key id whose signature was checked and holds


def check_seal(seal: Mapping[str, Any], inspection_id: str, entries: list[Mapping[str, Any]], content: str,
               key: OfficeKey | None) -> SealCheck:
    out = SealCheck()
    problems, notes = out.problems, out.notes
    if content != seal.get("content"):
        problems.append("检查已封存后，评分或问题被改动（封存哈希不符）")
        return out
    try:
        seq = int(seal.get("audit_seq", 0))
    except (TypeError, ValueError):
        seq = 0
    if not 1 <= seq <= len(entries):
        problems.append("封存记录指向不存在的审计记录")
        return out
    if "head" not in seal:
        notes.append("旧版封存未绑定审计链，仅核对了内容哈希")
    else:
        finalize = entries[seq - 1]
        before = str(entries[seq - 2].get("hash", "")) if seq >= 2 else GENESIS
        if finalize.get("action") != "finalize" or seal.get("head") != before:
            problems.append(f"封存记录与审计链不符（第 {seq} 条不是对应的“完成”记录）")
            return out
    mac = seal.get("mac")
    if mac:
        kid = str(seal.get("key_id", ""))
        if key is None:
            notes.append(f"封存带有办公室密钥签名（密钥编号 {kid}），本机未配置密钥，签名未核对")
        elif key.id != kid:
            notes.append(f"封存所用办公室密钥（编号 {kid}）与本机密钥（编号 {key.id}）不同，签名未核对")
        elif not hmac.compare_digest(str(mac), key.sign(seal_body(inspection_id, seq, str(seal.get("head", "")), content))):
            problems.append(f"封存的办公室密钥签名不符（密钥编号 {kid}）：封存内容被改动或签名是伪造的")
        else:
            out.signed_by = kid
    elif key is not None:
        notes.append(f"封存未用办公室密钥签名（本机密钥编号 {key.id}）")
    return out


@dataclass
class VerifyReport:
    ok: bool
    entries: int
    problems: list[str]
    first_broken_seq: int | None = None
    notes: list[str] = field(default_factory=list)  # what could not be checked, and why
    signed: str = ""  # the office key id whose signature on the seal was checked

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "problems": self.problems,
                "first_broken_seq": self.first_broken_seq, "notes": self.notes, "signed": self.signed}


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
