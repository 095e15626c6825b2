"""Messages people read show local times, never a raw ISO timestamp."""

from __future__ import annotations

import time

import pytest

from fzzf_tui.inspection.lock import describe_holder


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset (POSIX)")
def test_lock_holder_since_is_local_time(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        text = describe_holder({"user": "李四", "host": "笔记本", "pid": 42, "since": "2026-04-30T10:00:00+00:00"})
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "自 2026-04-30 18:00 起" in text
    assert "T10:00" not in text and "+00:00" not in text
    assert "自 ? 起" in describe_holder({"user": "李四", "since": "昨天"})
