"""Where things live on disk: data dir, inspections, plugins, checklists, exports.

Every path is derived here, so one environment variable (``FZZF_HOME``) or one CLI option
moves everything (tests rely on it).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "fzzf-tui"


def data_dir() -> Path:
    """The user data dir, ``$FZZF_HOME`` if set."""
    env = os.environ.get("FZZF_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    env = os.environ.get("FZZF_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    if os.environ.get("FZZF_HOME"):
        return data_dir() / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def inspections_dir() -> Path:
    return data_dir() / "inspections"


def evidence_dir() -> Path:
    return data_dir() / "evidence"


def plugin_dirs() -> list[Path]:
    """Local plugin folders: ``$FZZF_PLUGINS_DIR`` (``os.pathsep``-separated) if set, else
    ``./plugins`` and the data dir's ``plugins``."""
    env = os.environ.get("FZZF_PLUGINS_DIR")
    if env is not None:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return _unique([Path.cwd() / "plugins", data_dir() / "plugins"])


def checklist_dirs() -> list[Path]:
    """Folders of checklist data files: ``$FZZF_CHECKLISTS_DIR`` if set, else
    ``./checklists`` and the data dir's ``checklists``."""
    env = os.environ.get("FZZF_CHECKLISTS_DIR")
    if env is not None:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return _unique([Path.cwd() / "checklists", data_dir() / "checklists"])


def exports_dir() -> Path:
    """Default export folder: ``$FZZF_EXPORT_DIR`` or ``./exports``."""
    env = os.environ.get("FZZF_EXPORT_DIR")
    if env:
        return Path(env).expanduser()
    return Path.cwd() / "exports"


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    out = []
    for p in paths:
        key = p.resolve() if p.exists() else p
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
