"""Output helpers shared by the ``fzzf`` sub-command modules (a leaf: it imports no command)."""

from __future__ import annotations

import json
from typing import Any

import click


def echo_json(data: Any) -> None:
    """``--json`` output: UTF-8 text, indented, non-JSON values as text."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
