"""The user's UI preferences, kept in ``<data dir>/settings.json`` (changed from the palette)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

FILE = "settings.json"


@dataclass
class Settings:
    # After a leaf is scored by key, put the cursor on the next unscored item.
    auto_advance: bool = True
    # 整改时限 of a new finding: this many days after the inspection date (a checklist's own
    # ``rectification_days`` wins).
    due_days: int = 30
    path: Path | None = field(default=None, compare=False, repr=False)

    @classmethod
    def load(cls, data_dir: Path) -> tuple["Settings", str]:
        """The settings and a message for the user ('' if fine or absent)."""
        path = data_dir / FILE
        settings = cls(path=path)
        if not path.is_file():
            return settings, ""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return settings, f"设置文件 {path} 无法读取，已使用默认设置：{exc}"
        if not isinstance(data, dict):
            return settings, f"设置文件 {path} 格式不对，已使用默认设置"
        bad = []
        for f in fields(cls):
            if f.name == "path" or f.name not in data:
                continue
            if isinstance(data[f.name], type(getattr(settings, f.name))):
                setattr(settings, f.name, data[f.name])
            else:
                bad.append(f.name)
        return settings, f"设置文件 {path} 中这些项的值无效，已用默认值：{'、'.join(bad)}" if bad else ""

    def save(self) -> str:
        """Write the settings; '' when saved, else the reason (the setting still applies now)."""
        if self.path is None:
            return ""
        from ..inspection.storage import atomic_write_bytes

        data = {k: v for k, v in asdict(self).items() if k != "path"}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        except OSError as exc:
            return f"设置未能保存到 {self.path}：{exc.strerror or exc}"
        return ""
