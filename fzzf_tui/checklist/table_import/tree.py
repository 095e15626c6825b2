"""The tree being built from a table, and the passes run once it is built: kinds (加分项/减分项
from a 类型 column or the words of a heading), 附加项 hoisting, and codes (1, 1.1, 1.1.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from .grid import Report
from .numbering import Numbering
from .rules import section_kind
from .text import parse_kind


@dataclass
class Node:
    title: str = ""
    label: str = ""
    numbering: Numbering | None = None
    group: int = 0  # heading level it came from: -1 a full-width section row, 0… the heading columns
    code: str = ""
    row: int = 0
    ref: str = ""  # the cell that created it (heading or title cell)
    values: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # field → cell
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None
    tree: Any = None  # the TreeBuilder (table) it came from, for naming its cells

    def add(self, child: "Node") -> "Node":
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterator["Node"]:
        """Every node below this one, parents first (iterative: a table can nest deeply)."""
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    @property
    def style(self) -> str:
        return self.numbering.style if self.numbering else ""

    @property
    def heading(self) -> str:
        return f"{self.label}{self.title}"


def ancestors(node: Node) -> list[Node]:
    out = []
    n: Node | None = node
    while n is not None and n.parent is not None:
        out.append(n)
        n = n.parent
    return out[::-1]


# -- codes -------------------------------------------------------------------------------------

def _code_candidates(node: Node, position: int, use_numbers: bool) -> Iterable[str]:
    """The printed number, then the position, then ``{position}n2``, ``n3``… until one is free.

    A generator: the first candidate nearly always fits, so deriving codes stays linear.
    """
    if use_numbers and node.numbering:
        yield str(node.numbering.number)
    yield str(position)
    n = 2
    while True:
        yield f"{position}n{n}"
        n += 1


def derive_codes(root: Node) -> None:
    """Codes for nodes without one: the printed numbers when they are distinct, else positions."""
    todo: list[tuple[Node, str]] = [(root, "")]
    while todo:
        parent, prefix = todo.pop()
        kids = parent.children
        pending = [k for k in kids if not k.code]
        numbers = [k.numbering.number if k.numbering and k.numbering.number > 0 else None for k in pending]
        use_numbers = bool(pending) and None not in numbers and len(set(numbers)) == len(numbers)
        taken = {k.code for k in kids if k.code}
        for i, k in enumerate(kids, 1):
            if not k.code:
                for seg in _code_candidates(k, i, use_numbers):
                    code = f"{prefix}.{seg}" if prefix else seg
                    if code not in taken:
                        break
                k.code = code
                taken.add(code)
            todo.append((k, k.code))


# -- kinds -------------------------------------------------------------------------------------

def resolve_kinds(root: Node, report: Report, exact: bool) -> None:
    """``kind_resolved`` on every node that says its kind: a 类型 cell, or (published tables) a
    heading such as 加分项 / 减分项（最多扣10分）. A 附加项 heading holding plain items takes the
    kind its cap or its rules point to."""
    for node in list(root.walk()):
        text = node.values.get("kind")
        if text is not None:
            kind = parse_kind(text)
            if kind is None:
                report.error(node.refs["kind"], f"类型 “{text}” 无法识别（可用：加分项、减分项，普通指标留空）")
            else:
                node.values["kind_resolved"] = kind
            continue
        if exact:
            continue
        word = section_kind(node.title)
        cap_kind = node.values.get("cap_kind")
        if word in ("bonus", "penalty"):
            node.values["kind_resolved"] = word
        elif word == "extra" or (cap_kind and node.children):
            if any(section_kind(c.title) in ("bonus", "penalty") or "kind" in c.values for c in node.children):
                continue  # a container: its 加分项/减分项 are moved up by hoist_bonus_penalty
            kind = cap_kind or _kind_from_rules(node)
            if kind is None:
                kind = "bonus"
                report.warn(node.ref, f"“{node.heading}”下面的指标既没有写“加X分”也没有写“扣X分”，已按加分项处理，请核对")
            node.values["kind_resolved"] = kind


def _kind_from_rules(node: Node) -> str | None:
    texts = [n.values.get("criteria", "") + n.title for n in [node, *node.walk()]]
    joined = "".join(texts)
    adds = "加" in joined and "分" in joined
    takes = any(w in joined for w in ("扣", "减")) and "分" in joined
    if adds and not takes:
        return "bonus"
    if takes and not adds:
        return "penalty"
    return None


def hoist_bonus_penalty(root: Node, report: Report) -> None:
    """附件 tables put 加分项/减分项 under one 附加项 heading; the model wants them top-level."""
    new: list[Node] = []
    for top in root.children:
        if top.values.get("kind_resolved", "normal") != "normal":
            new.append(top)
            continue
        moved = [c for c in top.children if c.values.get("kind_resolved", "normal") != "normal"]
        if not moved:
            new.append(top)
            continue
        kept = [c for c in top.children if c not in moved]
        top.children = kept
        if kept:
            new.append(top)
        for c in moved:
            c.parent = root
            origin = f"原文{top.label}{top.title}之{c.label}{c.title}"
            c.values["note"] = f"{origin}\n{c.values['note']}" if c.values.get("note") else origin
            report.warn(c.ref, f"“{c.label}{c.title}”移到第一级（加分项/减分项只能在第一级），原上级为“{top.label}{top.title}”")
            new.append(c)
    root.children = new
