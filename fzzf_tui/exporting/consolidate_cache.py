"""A local cache of what consolidation computed from each inspection file, so a file that has not
changed since the last consolidation is not parsed and scored again.

An office consolidates again and again as teams send files in; most files are the same as last
time. Each entry is keyed by the SHA-256 of the file's bytes: a changed file (one byte) misses and
is read and scored from scratch. The cache lives in the user's cache folder (``cache_dir()/
consolidate``), written only by fzzf from its own scoring — nothing in it comes from the files'
authors — and every entry is also bound to the code that computed it (:data:`CODE_KEY`, a hash of
the scoring and checklist sources), so an upgrade never reuses an old score.

Not cached: bundles (verified on every read), ``--verify`` runs (the check itself is wanted), and
inspections carrying a campaign's 自查自评 (their comparison needs every result). A cached score
report keeps the nodes of the top-level sections only (what the 汇总 and 通报 show). A cache entry
that cannot be read for any reason is a miss; writing one never fails the consolidation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checklist.model import snapshot_hash
from ..inspection import Finding
from ..inspection.scoring import NodeScore, Override, ScoreReport

if TYPE_CHECKING:
    from .consolidate_model import Entry

FORMAT = "fzzf-consolidate-cache/1"
MAX_ENTRIES = 5000  # oldest entries are dropped past this (a few hundred KB each at most)
_PACKAGE = Path(__file__).resolve().parent.parent


def _code_key() -> str:
    """A hash of the sources that decide an entry's content (scoring, checklist model, reading)."""
    h = hashlib.sha256(FORMAT.encode())
    files = sorted((_PACKAGE / "inspection").glob("*.py")) + sorted((_PACKAGE / "checklist").glob("*.py"))
    files += [_PACKAGE / "exporting" / "consolidate.py", _PACKAGE / "exporting" / "consolidate_model.py",
              Path(__file__).resolve()]
    for f in files:
        try:
            h.update(f.name.encode() + b"\0" + f.read_bytes())
        except OSError:
            h.update(f.name.encode() + b"\0?")
    return h.hexdigest()[:16]


CODE_KEY = _code_key()


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def report_to_dict(report: ScoreReport, codes: Any = None) -> dict[str, Any]:
    """The report as JSON-ready data; ``codes``: keep only these nodes (consolidation reads the
    top-level sections only, and converting every scoring node would cost more than scoring)."""
    d = {f.name: getattr(report, f.name) for f in dataclasses.fields(ScoreReport)}
    nodes = report.nodes if codes is None else {c: report.nodes[c] for c in codes if c in report.nodes}
    d["nodes"] = {code: dataclasses.asdict(n) for code, n in nodes.items()}
    d["overrides"] = [o.to_dict() for o in report.overrides]
    d["provisional"] = list(report.provisional)
    d["extra"] = json.loads(json.dumps(report.extra))  # a copy; fails (no cache) if not JSON data
    return d


def report_from_dict(d: dict[str, Any]) -> ScoreReport:
    names = {f.name for f in dataclasses.fields(ScoreReport)}
    if set(d) != names:
        raise ValueError("score fields differ")
    d = dict(d)
    d["nodes"] = {code: NodeScore(**n) for code, n in d["nodes"].items()}
    d["overrides"] = tuple(Override(**o) for o in d["overrides"])
    d["provisional"] = tuple(d["provisional"])
    return ScoreReport(**d)


class ConsolidateCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.hits = self.misses = 0
        self._written = 0

    def _entry_path(self, digest: str) -> Path:
        return self.root / f"{digest}.json"

    def _snapshot_path(self, checklist_hash: str) -> Path:
        return self.root / "checklists" / f"{checklist_hash.replace(':', '-')}.json"

    # -- reading ----------------------------------------------------------------------------------
    def get(self, path: Path, digest: str) -> dict[str, Any] | None:
        """The cached figures for a file with these bytes, or None (a miss)."""
        try:
            d = json.loads(self._entry_path(digest).read_text(encoding="utf-8"))
            if d.get("format") != FORMAT or d.get("code") != CODE_KEY or d.get("digest") != digest:
                raise ValueError("stale")
            d["report"] = report_from_dict(d["report"])
            d["findings"] = [Finding.from_dict(f) for f in d["findings"]]
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.misses += 1
            return None
        self.hits += 1
        return d

    def snapshot(self, checklist_hash: str) -> str | None:
        """A checklist snapshot stored with an entry, proved by its hash (None if missing or wrong)."""
        try:
            snap = self._snapshot_path(checklist_hash).read_text(encoding="utf-8")
        except OSError:
            return None
        return snap if snapshot_hash(snap) == checklist_hash else None

    # -- writing ----------------------------------------------------------------------------------
    def put(self, digest: str, entry: Entry, snapshot: str) -> None:
        """Store what was computed for a file; failures are ignored (the cache is an optimisation)."""
        data = {
            "format": FORMAT, "code": CODE_KEY, "digest": digest,
            "meta": entry.meta, "findings": [f.to_dict() for f in entry.findings],
            "report": report_to_dict(entry.report, (i.code for i in entry.checklist.items)),
            "audit_entries": entry.audit_entries,
            "audit_head": entry.audit_head,
        }
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            key = str(entry.meta.get("checklist_hash", ""))
            snap_path = self._snapshot_path(key)
            if not snap_path.exists():
                snap_path.parent.mkdir(exist_ok=True)
                _write(snap_path, snapshot)
            _write(self._entry_path(digest), json.dumps(data, ensure_ascii=False))
            self._written += 1
        except (OSError, TypeError, ValueError):
            return

    def prune(self) -> None:
        """Keep at most :data:`MAX_ENTRIES` entries, dropping the least recently written."""
        if not self._written:
            return
        try:
            entries = [p for p in self.root.glob("*.json")]
            if len(entries) <= MAX_ENTRIES:
                return
            entries.sort(key=lambda p: p.stat().st_mtime)
            for p in entries[: len(entries) - MAX_ENTRIES]:
                p.unlink(missing_ok=True)
        except OSError:
            return


def _write(path: Path, text: str) -> None:
    """Write then rename (no fsync: a torn entry after a crash is only a miss)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def default_cache() -> ConsolidateCache | None:
    """The cache in the user's cache folder; None when ``FZZF_CONSOLIDATE_CACHE=0``."""
    if os.environ.get("FZZF_CONSOLIDATE_CACHE", "").strip() == "0":
        return None
    from ..locations import cache_dir

    return ConsolidateCache(cache_dir() / "consolidate")


__all__ = ["CODE_KEY", "ConsolidateCache", "default_cache", "file_digest", "report_from_dict", "report_to_dict"]
