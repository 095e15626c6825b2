"""Modal dialogs: confirm, one-line prompts, choices, and the form base that keeps its content.

A form is given a ``save`` callable by the screen that owns the domain object. ``save`` returns
``None`` when the change is on disk, or the Chinese error; on error the form stays open with
everything typed still in it (a failed save never loses an entry).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import keymap
from . import SCREENS_CSS

SaveFn = Callable[[dict[str, Any]], "str | None"]


def field(label: str, widget, hint: str = "") -> Horizontal:
    row = Horizontal(Label(label, classes="field-label"), widget, classes="field")
    if hint:
        widget.tooltip = hint
    return row


class ConfirmDialog(ModalScreen[bool]):
    """Yes/no question; nothing destructive happens without it."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.CONFIRM

    def __init__(self, title: str, message: str, confirm: str = "确定", danger: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.message = message
        self.confirm_label = confirm
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.message, classes="dialog-body", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.confirm_label} y", id="yes", compact=True,
                             variant="error" if self.danger else "primary")
                yield Button("取消 n", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ChoiceDialog(ModalScreen["str | None"]):
    """Pick one of a few choices (档次, 是/否); digits pick directly."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.FORM[1:]  # escape

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], current: str | None = None,
                 note: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.choices = list(choices)  # (value, display)
        self.current = current
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="dialog-hint", markup=False)
            yield OptionList(
                *(Option(f"{i} {display}", id=value) for i, (value, display) in enumerate(self.choices, 1)),
                compact=True, id="choices",
            )
            yield Static("数字键或回车选择 · esc 取消", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        index = next((i for i, (v, _) in enumerate(self.choices) if v == self.current), 0)
        options.highlighted = index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit():
            n = int(event.character)
            if 1 <= n <= len(self.choices):
                event.stop()
                self.dismiss(self.choices[n - 1][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


class FormDialog(ModalScreen[bool]):
    """Base of dialogs that save through a callable and stay open on error."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = keymap.FORM
    TITLE_TEXT = ""
    SAVE_LABEL = "保存"
    CANCELLED: Any = False  # what dismiss() returns when the form is left unsaved

    def __init__(self, save: SaveFn, title: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.save_fn = save
        self.title_text = title or self.TITLE_TEXT
        self._initial: dict[str, Any] | None = None

    # subclasses: compose_fields() and values()
    def compose_fields(self) -> ComposeResult:  # pragma: no cover - abstract
        yield from ()

    def values(self) -> dict[str, Any]:  # pragma: no cover - abstract
        return {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield from self.compose_fields()
            yield Static("", classes="form-error", id="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.SAVE_LABEL} ^s", id="save", variant="primary", compact=True)
                yield Button("取消 esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        # Runs after a subclass's on_mount (Textual calls handlers up the MRO), so the
        # initial values include whatever the subclass set up.
        self._initial = self.values()

    def is_dirty(self) -> bool:
        return self._initial is not None and self.values() != self._initial

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(message)
        error.display = bool(message)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        error = self.save_fn(self.values())
        if error:
            self.show_error(error)
        else:
            self.dismiss(True)

    def action_cancel(self) -> None:
        if not self.is_dirty():
            self.dismiss(self.CANCELLED)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(self.CANCELLED)

        self.app.push_screen(ConfirmDialog("放弃填写的内容？", "表单中有未保存的内容，确定放弃吗？", "放弃", danger=True), answered)


class PromptDialog(FormDialog):
    """One line of text: 不涉及理由, 备注, 得分, 处数, 重新打开原因."""

    def __init__(self, save: SaveFn, title: str, label: str, value: str = "", *, hint: str = "",
                 suggestions: Sequence[str] = (), placeholder: str = "", select: bool = True) -> None:
        super().__init__(save, title)
        self.label = label
        self.value = value
        self.hint = hint
        self.suggestions = list(suggestions)
        self.placeholder = placeholder
        self.select = select  # False: keep typing after a pre-filled first digit

    def compose_fields(self) -> ComposeResult:
        if self.hint:
            yield Static(self.hint, classes="dialog-hint", markup=False)
        suggester = SuggestFromList(self.suggestions, case_sensitive=False) if self.suggestions else None
        yield field(self.label, Input(self.value, id="prompt", compact=True, suggester=suggester,
                                      placeholder=self.placeholder, select_on_focus=self.select))

    def on_mount(self) -> None:
        self.query_one("#prompt", Input).focus()

    def values(self) -> dict[str, Any]:
        return {"text": self.query_one("#prompt", Input).value}
