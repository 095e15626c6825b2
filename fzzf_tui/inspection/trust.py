"""Which inspection files this machine wrote or already verified, so only the others are replayed.

A file is *trusted* when the SHA-256 of its bytes is what this machine recorded the last time
it compacted or verified that file. Anything else — a file copied from a USB stick, received
by mail, edited by hand, or left with a journal after a crash — is verified in full when
opened. The record lives in the cache folder and is only an optimisation: losing it costs one
verification, never trust. (``fzzf verify`` always verifies in full.)
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .. import locations


def _record_path(path: Path) -> Path:
    try:
        key = str(Path(path).resolve())
    except OSError:
        key = str(Path(path).absolute())
    return locations.cache_dir() / "trusted" / (hashlib.sha1(key.encode("utf-8")).hexdigest()[:24] + ".json")


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def is_trusted(path: Path, content_digest: str) -> bool:
    if not content_digest or os.environ.get("FZZF_PARANOID") == "1":
        return False
    try:
        blob = json.loads(_record_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(blob, dict) and blob.get("sha256") == content_digest


def remember(path: Path, content_digest: str) -> None:
    """Record ``path`` as written or verified by us with these contents (best effort)."""
    try:
        record = _record_path(path)
        record.parent.mkdir(parents=True, exist_ok=True)
        tmp = record.with_name(f".{record.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"file": str(path), "sha256": content_digest}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, record)
    except OSError:
        pass


__all__ = ["digest", "is_trusted", "remember"]
