"""Writing an imported checklist as a YAML checklist file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..model import Checklist

def checklist_yaml(checklist: Checklist, comment: str = "") -> str:
    """The canonical dict of ``checklist`` as YAML (multi-line text as ``|`` blocks)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    body = yaml.dump(checklist.to_dict(), Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)
    head = "".join(f"# {line}\n" for line in comment.splitlines() if line.strip())
    return head + body


def write_yaml(checklist: Checklist, path: str | os.PathLike[str], *, comment: str = "") -> Path:
    """Write ``checklist`` as a checklist YAML file (atomically: a crash leaves no half file)."""
    from ...errors import ExportError

    from ...fileio import atomic_write_bytes  # the project's one atomic writer

    p = Path(path)
    text = checklist_yaml(checklist, comment)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(p, text.encode("utf-8"))
    except OSError as exc:
        raise ExportError(f"无法写入 {p}：{exc.strerror or exc}") from None
    return p

