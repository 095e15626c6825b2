"""A JSON cache of parsed checklist files, so start-up does not re-parse large YAML or tables.

Keyed by the file's absolute path, size and mtime; a miss or any cache problem falls back to
parsing the file (the cache is only ever an optimisation, never a source of truth). A file that
failed is cached as failed, with its problems, so a broken or hostile table dropped into a
checklists folder costs its parse once, not at every start; changing the file retries it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .. import locations
from ..errors import ChecklistError, Problem
from .files import load_checklist_file
from .loading import checklist_from_dict
from .model import Checklist

CACHE_VERSION = 2  # 2: failures are cached too


def _cache_path(path: Path) -> Path:
    key = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:20]
    return locations.cache_dir() / "checklists" / f"{key}.json"


def load_cached(path: Path) -> Checklist:
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return load_checklist_file(path)  # raises a located ChecklistError
    stamp = [CACHE_VERSION, st.st_size, st.st_mtime_ns]
    cache = _cache_path(path)
    if os.environ.get("FZZF_NO_CACHE") != "1":
        try:
            blob = json.loads(cache.read_text(encoding="utf-8"))
            if blob.get("stamp") == stamp:
                if "error" in blob:
                    failed = blob["error"]
                    problems = [Problem(str(w), str(m)) for w, m in failed["problems"]]
                    raise ChecklistError(str(failed["source"]), problems)
                return checklist_from_dict(blob["data"], str(path))
        except ChecklistError:
            raise
        except Exception:  # noqa: BLE001 - any cache problem means "parse the file"
            pass
    try:
        checklist = load_checklist_file(path)
    except ChecklistError as exc:
        _store(cache, {"stamp": stamp, "error": {"source": exc.source, "problems": [[p.where, p.message] for p in exc.problems]}})
        raise
    _store(cache, {"stamp": stamp, "data": checklist.to_dict()})
    return checklist


def _store(cache: Path, blob: dict) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(blob, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass
