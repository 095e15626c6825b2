"""Where an export goes: the default file name, and placing the finished file without ever
overwriting an existing one silently (a new name ``…(2).xlsx``, or an explicit ``force``).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from .. import locations
from ..errors import ExportError
from ..fileio import fsync_dir, replace_with_retry
from ..inspection.folder import safe_filename

MAX_COPIES = 999
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{1,4}")


def default_stem(unit: str, type_: str, date_: str) -> str:
    """``<unit>-<type>-<date>``, valid on Windows and Linux."""
    parts = [safe_filename(unit, 40), safe_filename(type_, 10)]
    if date_:
        parts.append(safe_filename(date_, 10))
    return "-".join(parts)


def has_suffix(path: Path, suffix: str) -> bool:
    return path.name.lower().endswith(suffix.lower()) and len(path.name) > len(suffix)


def target_path(out: str | os.PathLike[str] | None, stem: str, suffix: str) -> Path:
    """The file an export is meant to write (before any renaming to avoid a clash).

    ``out`` may be None (the exports folder), an existing folder or one written with a
    trailing separator, or a file name; a file name without the suffix gets it added.
    """
    if out is None:
        return locations.exports_dir() / f"{stem}{suffix}"
    text = os.fspath(out)
    p = Path(text).expanduser()
    if p.is_dir() or text.endswith(("/", os.sep)):
        return p / f"{stem}{suffix}"
    if has_suffix(p, suffix):
        return p
    if _EXTENSION.fullmatch(p.suffix):
        if suffix.lower().endswith(p.suffix.lower()):  # x.zip for a .fzzf.zip format
            return p
        raise ExportError(f"输出文件“{p.name}”的扩展名与导出格式不符，应为“{suffix}”")
    return p.with_name(p.name + suffix)


def numbered(path: Path, suffix: str, n: int) -> Path:
    """``name(2).xlsx`` for ``name.xlsx`` (the suffix may have two parts, e.g. ``.fzzf.zip``)."""
    stem = path.name[: -len(suffix)] if has_suffix(path, suffix) else path.stem
    real_suffix = path.name[len(stem):]
    return path.with_name(f"{stem}({n}){real_suffix}")


def temp_path(target: Path, suffix: str) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp{suffix}")


def place(tmp: Path, target: Path, suffix: str, force: bool) -> Path:
    """Move a finished temporary file to ``target``, or to the first free ``target(n)``.

    Without ``force`` a name is reserved with an exclusive create before the move, so two
    exports at the same moment cannot take the same name either.
    """
    if force:
        _replace(tmp, target)
        return target
    for n in range(1, MAX_COPIES + 1):
        candidate = target if n == 1 else numbered(target, suffix, n)
        try:
            fd = os.open(str(candidate), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise ExportError(f"无法在 {candidate.parent} 中创建文件：{exc.strerror or exc}") from None
        os.close(fd)
        try:
            _replace(tmp, candidate)
        except BaseException:
            with contextlib.suppress(OSError):
                candidate.unlink()
            raise
        return candidate
    raise ExportError(f"{target.parent} 中已有太多同名文件（{target.name}），请指定其他文件名")


def _replace(tmp: Path, target: Path) -> None:
    try:
        replace_with_retry(tmp, target)
    except PermissionError:
        raise ExportError(f"无法写入 {target}：文件可能正被 Excel/WPS 等程序打开，请关闭后重试") from None
    except OSError as exc:
        raise ExportError(f"无法写入 {target}：{exc.strerror or exc}") from None
    fsync_dir(target.parent)
