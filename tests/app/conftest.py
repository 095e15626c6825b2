"""Fixtures for driving the real app: fixed clock and timestamps, helpers to type and wait."""

from __future__ import annotations

import asyncio
import inspect
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    """Run ``async def`` tests with asyncio.run (no async plugin needed for Pilot tests)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


FIXED = datetime(2026, 5, 1, 9, 30, 0, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Every timestamp the store writes is 2026-05-01 09:30 (+08:00); snapshots depend on it."""
    import fzzf_tui.inspection.store as store_mod

    monkeypatch.setattr(store_mod, "now_iso", lambda: FIXED.isoformat(timespec="seconds"))
    return FIXED


@pytest.fixture
def make_app(store, plugins, fixed_time):
    """Build an FzzfApp on the test's data dir, plugins loaded, clock fixed."""
    from fzzf_tui.ui.app import FzzfApp

    def make(**kwargs: Any) -> FzzfApp:
        kwargs.setdefault("store", store)
        kwargs.setdefault("plugins", plugins)
        kwargs.setdefault("clock", lambda: FIXED.replace(tzinfo=None))
        return FzzfApp(**kwargs)

    return make


async def type_text(pilot, text: str) -> None:
    """Type characters one by one, as from a keyboard (Chinese included).

    Pilot cannot synthesise full-width punctuation (、，：) as keys (a real terminal sends it
    fine), so those few characters are inserted at the cursor of the focused field.
    """
    from textual.widgets import Input, TextArea

    for ch in text:
        if not ch.isascii() and not ch.isalnum():
            focused = pilot.app.focused
            if isinstance(focused, Input):
                focused.insert_text_at_cursor(ch)
                continue
            if isinstance(focused, TextArea):
                focused.insert(ch)
                continue
        await pilot.press(ch)


async def settle(pilot, times: int = 2) -> None:
    for _ in range(times):
        await pilot.pause()


def new_inspection(store, checklist, unit: str = "测试单位", **kwargs) -> Path:
    ins = store.create(checklist, unit, kwargs.pop("inspectors", ["张明"]), kwargs.pop("date_", "2026-05-01"))
    try:
        for code, value in kwargs.pop("scores", {}).items():
            ins.set_value(code, value)
        for code, reason in kwargs.pop("na", {}).items():
            ins.set_na(code, reason)
        for finding in kwargs.pop("findings", []):
            ins.add_finding(**finding)
    finally:
        ins.close()
    return ins.path
