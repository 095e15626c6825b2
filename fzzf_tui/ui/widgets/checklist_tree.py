"""The checklist tree: one node per item, a marker per leaf, progress and score per section.

Built lazily: a section's children become tree nodes when it is first expanded. The full view
opens only the branch that holds the cursor (the other sections show as an outline with their
progress and score); a filter view opens every section with something in it. So the first
frame of a 575-item 年度考核 makes ~30 nodes, not 575. After a change the screen passes fresh
:class:`NodeView` values and only the nodes whose view changed are repainted. Labels are
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
        self.nodes: dict[str, TreeNode[str]] = {}  # the nodes made so far (see in_view)
        self._depth = {code: n for code, n in self._depths(checklist)}
        self._in_view: set[str] | None = None  # None: every item (the full view)
        self._populated: set[str] = set()  # sections whose children are nodes
        self._styles: dict[str, Style] | None = None
        self._styles_key: object = None

    @staticmethod
    def _depths(checklist: Checklist) -> Iterable[tuple[str, int]]:
        def walk(items, depth):
            for it in items:
                yield it.code, depth
                yield from walk(it.children, depth + 1)

        return walk(checklist.items, 0)

    # -- building (once per view; sections filled in when first expanded) -----------------
    def build(self, views: dict[str, NodeView], visible: Callable[[str], bool] | None = None,
              open_to: str | None = None) -> None:
        """(Re)build the view; ``visible(code)`` limits the leaves shown (a filter view, whose
        sections all open); in the full view only the branch down to ``open_to`` opens."""
        self.views = dict(views)
        self.clear()
        self.nodes = {}
        self._populated = set()
        if visible is None:
            self._in_view = None
        else:
            shown: set[str] = set()
            for leaf in self.checklist.leaves():
                if visible(leaf.code):
                    shown.add(leaf.code)
                    shown.update(a.code for a in self.checklist.ancestors(leaf.code))
            self._in_view = shown
        # One invalidation for the whole build instead of one per node added.
        self._bulk = True
        try:
            self._fill(self.root, self.checklist.items)
            if visible is not None:
                self._open_all_below()
            elif open_to is not None:
                self._open_path(open_to)
        finally:
            self._bulk = False
        self._invalidate()

    def in_view(self, code: str) -> bool:
        """Whether ``code`` is shown in this view (made into a node yet or not)."""
        return self.checklist.has_item(code) if self._in_view is None else code in self._in_view

    def _fill(self, parent: TreeNode[str], items) -> list[str]:
        """Nodes for ``items`` under ``parent`` (those in this view); returns their codes."""
        added = []
        for item in items:
            if not self.in_view(item.code):
                continue
            label = Text(item.code)  # a Text label skips markup parsing; render_label draws it
            if item.is_leaf:
                self.nodes[item.code] = parent.add_leaf(label, data=item.code)
            else:
                self.nodes[item.code] = parent.add(label, data=item.code, expand=False)
            added.append(item.code)
        if parent.data is not None:
            self._populated.add(parent.data)
        return added

    def _populate(self, code: str) -> list[str]:
        """Make section ``code``'s children nodes if they are not yet; returns those made."""
        if code in self._populated:
            return []
        return self._fill(self.nodes[code], self.checklist.item(code).children)

    def _open(self, code: str) -> list[str]:
        """Open section ``code``, making its children nodes if not yet; returns those made."""
        added = self._populate(code)
        node = self.nodes[code]
        if not node.is_expanded:
            node.expand()
        return added

    def _open_all_below(self) -> None:
        # a filter view: every section in it opens (its leaves are what the user asked to see)
        pending = [code for code in self.nodes if not self.checklist.item(code).is_leaf]
        while pending:
            pending.extend(c for c in self._open(pending.pop()) if not self.checklist.item(c).is_leaf)

    def _open_path(self, code: str) -> bool:
        """Make nodes down to ``code`` and open its sections; False if it is not in this view."""
        if not self.in_view(code):
            return False
        for ancestor in self.checklist.ancestors(code):
            self._open(ancestor.code)
        return code in self.nodes

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        # A section opened by the user (space, enter, a click): its children become nodes now.
        code = event.node.data
        if code in self.nodes and self._populate(code):
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
        """The leaves in this view, in checklist order."""
        return [leaf.code for leaf in self.checklist.leaves() if self.in_view(leaf.code)]

    def select_code(self, code: str) -> bool:
        """Move the cursor to ``code``, expanding its sections. False if not in this view."""
        closed = any(a.code not in self.nodes or not self.nodes[a.code].is_expanded for a in self.checklist.ancestors(code))
        made = code in self.nodes
        if not self._open_path(code):
            return False
        node = self.nodes[code]
        if closed or not made or node.line < 0:
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
