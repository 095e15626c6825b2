"""The checklist tree: one node per item, a marker per leaf, progress and score per section.

Built once per view. After a change the screen passes fresh :class:`NodeView` values and only
the nodes whose view changed are repainted, so a 340-leaf checklist stays instant. Labels are
rendered at paint time to the tree's current width (code + title cut to fit + marker/stats),
so a resize never rebuilds anything.
"""

from __future__ import annotations

from typing import Callable, Iterable, NamedTuple

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...checklist import Checklist
from .. import keymap
from ...inspection.scoring import format_signed
from ..text import cell_len, fmt_points, pad, truncate

# Marker per leaf state: ASCII only, three cells each, so columns never shift.
MARKERS = {
    "todo": ("[ ]", "marker-todo"),
    "done": ("[v]", "marker-done"),
    "na": ("[-]", "marker-na"),
    "issue": ("[!]", "marker-issue"),
}
MARKER_NAMES = {"todo": "未评", "done": "已评", "na": "不涉及", "issue": "有问题"}
TOGGLE = Style.from_meta({"toggle": True})


class NodeView(NamedTuple):
    """What the tree shows for one item. Leaves use ``marker``; sections the counts.

    A named tuple: one is made per item on every full refresh (575 for 年度考核)."""

    marker: str = "todo"
    scored: int = 0
    leaves: int = 0
    earned: float = 0.0
    max: float = 0.0
    applicable: bool = True
    has_value: bool = True  # False: nothing scored below, shown as 未评 rather than 0
    signed: float | None = None  # 加分项/减分项: the signed amount instead of earned/max
    kind: str = "normal"


class ChecklistTree(Tree[str]):
    """A :class:`Tree` whose node data is the item code."""

    BINDINGS = keymap.TREE
    COMPONENT_CLASSES = Tree.COMPONENT_CLASSES | {
        "marker-todo", "marker-done", "marker-na", "marker-issue", "section-stats", "code",
    }
    # ASCII guides: box-drawing characters are ambiguous-width and drift in CJK terminals.
    LINES = {
        "default": ("  ", "| ", "`-", "|-"),
        "bold": ("  ", "| ", "`-", "|-"),
        "double": ("  ", "| ", "`-", "|-"),
    }

    _bulk = False  # class-level: Tree.__init__ invalidates before ours has run

    def __init__(self, checklist: Checklist, *, id: str | None = None) -> None:
        super().__init__("root", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False  # enter on a section toggles it through our own handler
        self.checklist = checklist
        self.views: dict[str, NodeView] = {}
        self.nodes: dict[str, TreeNode[str]] = {}
        self._depth = {code: n for code, n in self._depths(checklist)}
        self._visible: Callable[[str], bool] | None = None
        self._styles: dict[str, Style] | None = None
        self._styles_key: object = None

    @staticmethod
    def _depths(checklist: Checklist) -> Iterable[tuple[str, int]]:
        def walk(items, depth):
            for it in items:
                yield it.code, depth
                yield from walk(it.children, depth + 1)

        return walk(checklist.items, 0)

    # -- building (once per view) --------------------------------------------------
    def build(self, views: dict[str, NodeView], visible: Callable[[str], bool] | None = None) -> None:
        """(Re)build the nodes; ``visible(code)`` limits the leaves shown (a filter view)."""
        self.views = dict(views)
        self._visible = visible
        self.clear()
        self.nodes = {}

        def add(parent: TreeNode[str], items) -> bool:
            shown = False
            for item in items:
                label = Text(item.code)  # a Text label skips markup parsing; render_label draws it
                if item.is_leaf:
                    if visible is None or visible(item.code):
                        self.nodes[item.code] = parent.add_leaf(label, data=item.code)
                        shown = True
                else:
                    node = parent.add(label, data=item.code, expand=True)
                    self.nodes[item.code] = node
                    if add(node, item.children):
                        shown = True
                    elif visible is not None:
                        node.remove()
                        del self.nodes[item.code]
            return shown

        # One invalidation for the whole build instead of one per node added.
        self._bulk = True
        try:
            add(self.root, self.checklist.items)
        finally:
            self._bulk = False
        self._invalidate()

    def _invalidate(self) -> None:
        if not self._bulk:
            super()._invalidate()

    def update_views(self, views: dict[str, NodeView]) -> list[str]:
        """Take new views; repaint only the nodes whose view changed. Returns their codes."""
        changed = [code for code, view in views.items() if self.views.get(code) != view]
        self.views.update(views)
        for code in changed:
            node = self.nodes.get(code)
            if node is not None:
                node.refresh()
        return changed

    # -- mouse ---------------------------------------------------------------------------
    _click_chain = 0

    def on_click(self, event) -> None:
        # Runs before the NodeSelected the click posts is handled: a single click only moves
        # the cursor (to read an item), a double click opens the scoring dialog like enter.
        self._click_chain = getattr(event, "chain", 2)

    def take_click_chain(self) -> int:
        """How the last selection was made: 0 keyboard, 1 single click, 2+ double click."""
        chain, self._click_chain = self._click_chain, 0
        return chain

    # -- navigation ------------------------------------------------------------------
    @property
    def cursor_code(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def visible_leaf_codes(self) -> list[str]:
        return [code for code in self.nodes if self.checklist.item(code).is_leaf]

    def select_code(self, code: str) -> bool:
        """Move the cursor to ``code``, expanding its sections. False if not in this view."""
        node = self.nodes.get(code)
        if node is None:
            return False
        parent = node.parent
        expanded = False
        while parent is not None and not parent.is_root:
            if not parent.is_expanded:
                parent.expand()
                expanded = True
            parent = parent.parent
        if expanded or node.line < 0:
            _ = self.last_line  # lines are laid out lazily; this makes node.line current
        if self.size.height:
            self.move_cursor(node)
            self._center(node)
        else:
            # Not laid out yet: place the cursor without scrolling (there is no size to scroll
            # against), and centre after the first layout only if it would be off the middle.
            self.cursor_line = node.line
            if node.line >= max(1, (self.app.size.height - 4) // 2):
                self.call_after_refresh(self._center, node)
        return True

    def _center(self, node: TreeNode[str]) -> None:
        # A jump lands mid-screen so the items around it are visible; arrow keys do not centre.
        self.center_scroll = True
        try:
            self.scroll_to_node(node, animate=False)
        finally:
            self.center_scroll = False

    # -- rendering --------------------------------------------------------------------
    def process_label(self, label) -> Text:
        # Labels are drawn by render_label from the node's item; the stored label is only the
        # code (one line already), so Tree's markup parse and line split are skipped.
        return label if isinstance(label, Text) else Text(str(label))

    def get_label_width(self, node: TreeNode[str]) -> int:
        # Labels are cut to the width available, so they never need horizontal scrolling.
        return 1

    def _label_width(self, code: str) -> int:
        width = self.size.width or 40
        guide = (self._depth.get(code, 0) + 1) * self.guide_depth
        return max(8, width - guide - 1)

    def _style(self, name: str) -> Style:
        # Component styles are looked up once per theme/pseudo-class state, not per line.
        key = (self.app.theme, self.get_pseudo_class_state())
        if self._styles is None or self._styles_key != key:
            self._styles = {}
            self._styles_key = key
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        code = node.data
        if code is None:
            return Text("")
        item = self.checklist.item(code)
        view = self.views.get(code, NodeView())
        width = self._label_width(code)
        text = Text(no_wrap=True, end="")
        code_style = self._style("code")
        if item.is_leaf:
            mark, component = MARKERS.get(view.marker, MARKERS["todo"])
            text.append(mark, self._style(component))
            text.append(" ")
            text.append(code, code_style)
            room = width - cell_len(mark) - 1 - cell_len(code) - 1
            if room > 2:
                text.append(" " + truncate(item.title, room))
        else:
            toggle = "- " if node.is_expanded else "+ "
            text.append(toggle, base_style + TOGGLE)
            text.append(code, code_style)
            stats = f"{view.scored}/{view.leaves}"
            if not view.applicable:
                stats += " 不涉及"
            elif view.kind != "normal":
                stats += " 未评" if view.signed is None else f" {format_signed(view.signed)}"
            elif not view.has_value:
                stats += f" 未评/{fmt_points(view.max)}"
            else:
                stats += f" {fmt_points(view.earned)}/{fmt_points(view.max)}"
            room = width - 2 - cell_len(code) - 1
            if room - cell_len(stats) - 1 >= 6:
                text.append(" " + pad(item.title, room - cell_len(stats) - 1) + " ")
                text.append(stats, self._style("section-stats"))
            elif room > 2:
                text.append(" " + truncate(item.title, room))
        text.stylize(style)
        return text
