"""佐证材料 in the TUI: a keyboard-first file picker and the list of an item's evidence files.

The picker hands the chosen path to a ``choose`` callable (the screen copies it into the
evidence store and records it); a refusal (too large, unreadable…) is shown in the picker,
which stays open, so the inspector can pick another file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...inspection import Evidence
from ...inspection import evidence as ev_mod
from . import SCREENS_CSS

ChooseFn = Callable[[Path], "str | None"]

CSS_FILE = Path(__file__).with_name("evidence.tcss")


class FileTree(DirectoryTree):
    """A DirectoryTree without emoji icons (ambiguous width in CJK terminals) or hidden files."""

    ICON_NODE = "+ "
    ICON_NODE_EXPANDED = "- "
    ICON_FILE = "  "

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")]

    def _populate_node(self, node, content) -> None:
        super()._populate_node(node, content)
        if node is self.root:
            # The root is hidden: put the cursor on the folder's first entry, so enter works
            # at once, and say when there is nothing to pick here.
            self.cursor_line = 0
            self.post_message(self.Listed(not node.children))

    class Listed(Message):
        def __init__(self, empty: bool) -> None:
            super().__init__()
            self.empty = empty

    def on_key(self, event) -> None:
        """A letter or digit jumps to the next entry whose name starts with it."""
        ch = event.character
        if not ch or not ch.isprintable() or ch.isspace() or event.key in ("backspace",):
            return
        count = self.last_line + 1
        if count <= 0:
            return
        start = max(self.cursor_line, 0)
        for k in range(1, count + 1):
            line = (start + k) % count
            node = self.get_node_at_line(line)
            if node is not None and node.data is not None and Path(node.data.path).name.lower().startswith(ch.lower()):
                self.cursor_line = line
                event.stop()
                return


def start_folder(app: Any) -> Path:
    last = getattr(app, "evidence_folder", None)
    if last is not None and Path(last).is_dir():
        return Path(last)
    home = Path.home()
    for name in ("Pictures", "图片", "Desktop", "桌面"):
        if (home / name).is_dir():
            return home / name
    return home


class EvidencePicker(ModalScreen[bool]):
    """Choose a file: arrows move, enter opens a folder or takes a file, backspace goes up;
    a folder or file path can be typed (or pasted) in the path line."""

    CSS_PATH = [SCREENS_CSS, CSS_FILE]
    BINDINGS = [
        Binding("escape", "cancel", "取消", id="picker.cancel"),
        Binding("backspace", "parent", "上一级", id="picker.parent", show=False),
        Binding("ctrl+u", "parent", "上一级", show=False),
    ]

    def __init__(self, choose: ChooseFn, title: str, start: Path | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.choose = choose
        self.title_text = title
        self.start = start

    def compose(self) -> ComposeResult:
        folder = self.start or start_folder(self.app)
        with Vertical(classes="dialog wide", id="picker"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Input(str(folder), id="picker-path", compact=True, placeholder="文件夹或文件路径，回车前往")
            tree = FileTree(folder, id="picker-tree")
            tree.show_root = False  # the path line names the folder; the cursor starts on its first entry
            yield tree
            yield Static("", id="picker-info", markup=False)
            yield Static("", classes="form-error", id="picker-error", markup=False)
            yield Static("↑↓ 移动 · 字母键 跳到以它开头的文件 · 回车 打开文件夹或选定文件\n"
                         "backspace 上一级文件夹 · tab 输入路径（可粘贴） · esc 取消", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(FileTree).focus()

    @property
    def tree(self) -> FileTree:
        return self.query_one(FileTree)

    def go(self, folder: Path) -> None:
        self.tree.path = folder
        self.query_one("#picker-path", Input).value = str(folder)
        self.show_error("")

    def show_error(self, message: str) -> None:
        error = self.query_one("#picker-error", Static)
        error.update(message)
        error.display = bool(message)

    def action_parent(self) -> None:
        if self.focused is self.query_one("#picker-path", Input):
            return  # backspace edits the path line
        current = Path(self.tree.path)
        if current.parent != current:
            self.go(current.parent)
            self.tree.focus()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_tree_node_highlighted(self, event) -> None:
        entry = event.node.data
        info = self.query_one("#picker-info", Static)
        if entry is None:
            info.update("")
            return
        path = Path(entry.path)
        try:
            if path.is_dir():
                info.update(f"文件夹：{path.name or path}")
                return
            size = path.stat().st_size
        except OSError as exc:
            info.update(f"无法读取：{exc.strerror or exc}")
            return
        parts = [ev_mod.human_size(size)]
        image = ev_mod.image_info(path)
        if image is not None:
            parts.append(image.describe())
        info.update(f"{path.name}（{'，'.join(parts)}）")

    def on_file_tree_listed(self, event: FileTree.Listed) -> None:
        if event.empty:
            self.query_one("#picker-info", Static).update(
                "（此文件夹中没有文件。backspace 回到上一级，或按 tab 输入路径）")

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.take(Path(event.path))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        raw = event.value.strip().strip('"')
        if not raw:
            return
        path = Path(raw).expanduser()
        if path.is_dir():
            self.go(path)
            self.tree.focus()
        elif path.is_file():
            self.take(path)
        else:
            self.show_error(f"找不到文件或文件夹：{path}")

    def take(self, path: Path) -> None:
        error = self.choose(path)
        if error:
            self.show_error(error)
            return
        self.app.evidence_folder = path.parent  # the next pick starts here
        self.dismiss(True)


class ItemEvidenceDialog(ModalScreen[None]):
    """The evidence files of one item: a 添加 (picker), delete 移除, esc 返回."""

    CSS_PATH = [SCREENS_CSS, CSS_FILE]
    BINDINGS = [
        Binding("a,ctrl+o", "add", "添加文件", id="evidence.add"),
        Binding("delete", "remove", "移除", id="evidence.remove"),
        Binding("escape", "close", "返回", id="evidence.close"),
    ]

    def __init__(self, title: str, files: Callable[[], Sequence[tuple[Evidence, Path | None]]],
                 add: ChooseFn, remove: Callable[[Evidence], "str | None"], writable: bool, picker_title: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.files = files
        self.add_fn = add
        self.remove_fn = remove
        self.writable = writable
        self.picker_title = picker_title
        self._shown: list[Evidence] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="item-evidence"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(id="evidence-list", compact=True)
            yield Static("", classes="form-error", id="evidence-error", markup=False)
            hint = "a 添加文件 · delete 移除 · esc 返回" if self.writable else "只读：不能添加或移除 · esc 返回"
            yield Static("文件已复制到检查旁的佐证材料库，原文件移动或删除不影响记录。\n" + hint,
                         classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()
        if not self._shown and self.writable:
            self.action_add()

    def reload(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        rows = list(self.files())
        self._shown = [e for e, _ in rows]
        if not rows:
            options.add_option(Option("（还没有佐证材料文件）", disabled=True))
            return
        for n, (e, local) in enumerate(rows, 1):
            line = f"{n}. {ev_mod.describe_file(e, local)}  SHA-256 {e.sha256[:12]}…"
            if e.text:
                line += f"  {e.text}"
            options.add_option(Option(line))
        options.highlighted = len(rows) - 1

    def action_add(self) -> None:
        if not self.writable:
            self.show_error("只读或已封存：不能添加佐证材料")
            return

        def chosen(_: bool | None) -> None:
            self.reload()

        self.app.push_screen(EvidencePicker(self.add_fn, self.picker_title), chosen)

    def action_remove(self) -> None:
        if not self.writable:
            self.show_error("只读或已封存：不能移除佐证材料")
            return
        index = self.query_one(OptionList).highlighted
        if index is None or not self._shown:
            return
        error = self.remove_fn(self._shown[index])
        self.show_error(error or "")
        if not error:
            self.reload()

    def show_error(self, message: str) -> None:
        error = self.query_one("#evidence-error", Static)
        error.update(message)
        error.display = bool(message)

    def action_close(self) -> None:
        self.dismiss(None)
