"""Choosing who scores when an inspection is opened (from its team, remembered on this machine)."""

from __future__ import annotations

import pytest

from fzzf_tui.inspection import Inspection
from fzzf_tui.ui.screens.dialogs import ChoiceDialog
from fzzf_tui.ui.screens.inspection import InspectionScreen

from .conftest import settle


@pytest.fixture
def no_env_user(monkeypatch):
    monkeypatch.delenv("FZZF_USER", raising=False)


async def test_open_asks_who_scores_and_remembers(no_env_user, make_app, store, special_checklist) -> None:
    ins = store.create(special_checklist, "某县司法局", ["张明", "李华"], "2026-05-01", who="张明")
    path = ins.path
    ins.close()
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        assert isinstance(app.screen, ChoiceDialog)  # 你是哪位检查人员？
        assert [v for v, _ in app.screen.choices][:2] == ["张明", "李华"]
        await pilot.press("2")
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen)
        assert "评分人 李华" in app.screen.header.title_text
        app.screen.goto("1.1")
        await pilot.press("1")  # one case
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    with Inspection.open(path, readonly=True) as done:
        assert done.result("1.1").by == "李华" and done.audit()[-1]["who"] == "李华"
    app = make_app(open_path=path)  # the same machine: no question the second time
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        assert isinstance(app.screen, InspectionScreen)
        assert app.screen.inspection.who == "李华"
        await pilot.press("escape")
        await settle(pilot)


async def test_leaving_the_question_does_not_open(no_env_user, make_app, store, special_checklist) -> None:
    ins = store.create(special_checklist, "某县", ["张明", "李华"], "2026-05-01", who="张明")
    path = ins.path
    ins.close()
    app = make_app(open_path=path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot, 3)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")
        await settle(pilot, 3)
        assert not isinstance(app.screen, InspectionScreen)
    with Inspection.open(path) as again:  # the lock was released
        assert again.results() == {}
