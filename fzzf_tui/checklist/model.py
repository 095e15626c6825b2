"""The checklist model: immutable records for a checklist and its tree of items.

A checklist is a frozen dataclass; its items and the small values inside them (levels,
deductions, vetoes, shortfalls, grade bands) are named tuples, which Python builds at import in
a third of a frozen dataclass's time and instantiates without setting each field in turn (#13:
the classes and a 年度考核's 575 items are made before the TUI's first frame).

A checklist is built from a plain dict (the YAML file, a plugin's dict, an inspection's
snapshot) by :func:`checklist_from_dict`, which resolves every default so that two files
meaning the same thing build equal checklists with the same :attr:`Checklist.content_hash`.

Fields added after the first release (``veto``, ``grade_cap``, ``lead_units``,
``complete_levels``) are left out of the canonical dict when at their default, so the hash of a
checklist that does not use them — and every snapshot pinned in an existing inspection file —
is unchanged. Two keys have clearer names in files; the canonical dict keeps the historic key,
so the spelling never changes the hash: item ``source_note`` (canonical ``note``: the
maintainer's note on the source text, never an inspector's note) and ``scoring.pass_threshold``
(canonical ``completion_threshold``). A file that says nothing about the threshold keeps the
old default 0.9 (and so its hash); one whose source sets none says ``pass_threshold: null``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterator, NamedTuple

FORMAT = "fzzf-checklist/1"

BUILTIN_TYPES = ("示范创建", "年度考核", "专项督察")

METHODS = ("graded", "yesno", "deduction", "points", "findings", "itemized")
METHOD_LABELS = {
    "graded": "分档评分",
    "yesno": "是否达到",
    "deduction": "按处扣分",
    "points": "直接打分",
    "findings": "只记问题",
    "itemized": "逐项扣分",  # tick which listed shortfalls apply, each with its amount
}
KINDS = ("normal", "bonus", "penalty")
KIND_LABELS = {"normal": "指标", "bonus": "加分项", "penalty": "减分项"}


class Level(NamedTuple):
    name: str
    fraction: float


class Deduction(NamedTuple):
    per_case: float
    floor: float = 0.0


class Veto(NamedTuple):
    """一票否决: when its item loses points, the grade becomes ``grade`` (and the total
    ``total`` when given), whatever the score."""

    grade: str
    total: float | None = None


class Shortfall(NamedTuple):
    """One listed shortfall of an ``itemized`` item (未建立制度的扣2分): ticked when it applies."""

    text: str
    points: float


class GradeBand(NamedTuple):
    name: str
    min: float  # percent of the total, 0–100


DEFAULT_LEVELS: tuple[Level, ...] = (
    Level("完全达到", 1.0),
    Level("基本达到", 0.8),
    Level("部分达到", 0.5),
    Level("未达到", 0.0),
)
DEFAULT_GRADES: tuple[GradeBand, ...] = (
    GradeBand("优秀", 90),
    GradeBand("良好", 80),
    GradeBand("合格", 60),
    GradeBand("不合格", 0),
)
DEFAULT_DEDUCTION = Deduction(0.5, 0.0)


class Item(NamedTuple):
    """One node of the tree. A node with children is a section and is not scored itself."""

    code: str
    title: str
    label: str = ""
    text: str = ""
    points: float = 0.0
    method: str = ""  # "" for sections
    kind: str = "normal"
    levels: tuple[Level, ...] = ()
    deduction: Deduction | None = None
    shortfalls: tuple[Shortfall, ...] = ()  # method "itemized": the listed shortfalls
    floor: float = 0.0  # method "itemized": the least the item can earn (扣完为止: 0)
    criteria: str = ""
    evidence: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    na_conditions: tuple[str, ...] = ()
    source_note: str = ""  # the maintainer's note on the source text; never an inspector's note
    children: tuple["Item", ...] = ()
    veto: Veto | None = None
    grade_cap: str = ""  # when the item loses points the grade is at most this
    lead_units: tuple[str, ...] = ()  # the 牵头 units among ``units``

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def note(self) -> str:
        """Old name of :attr:`source_note` (read-only)."""
        return self.source_note

    @property
    def full_text(self) -> str:
        return self.text or self.title

    def walk(self) -> Iterator["Item"]:
        """This item and everything below it, in document order (one stack, no nested generators)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if node.children:
                stack.extend(reversed(node.children))

    def leaves(self) -> Iterator["Item"]:
        for node in self.walk():
            if node.is_leaf:
                yield node

    def level(self, name: str) -> Level | None:
        for lv in self.levels:
            if lv.name == name:
                return lv
        return None


def method_label(item: Item) -> str:
    """评分方法 as inspectors and clerks read it: a 是/否 加分项 is answered 符合/不符合 and a 是/否
    减分项 发生/未发生 (“是否达到” reads both ways there)."""
    if item.method == "yesno" and item.kind == "bonus":
        return "符合/不符合"
    if item.method == "yesno" and item.kind == "penalty":
        return "发生/未发生"
    return METHOD_LABELS.get(item.method, item.method)


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    type: str
    version: str
    items: tuple[Item, ...]
    source: str = ""
    description: str = ""
    provisional: tuple[str, ...] = ()
    total: float = 100.0
    children_sum: bool = True
    # 完成度 the source requires (e.g. 示范创建 “完成度达90%以上”); None where it sets none.
    # 0.9 is the historic default of files that do not say (see the module docstring).
    completion_threshold: float | None = 0.9
    # Graded levels that count as 完成 for 完成度; empty: a leaf is 完成 when it earns full points.
    complete_levels: tuple[str, ...] = ()
    grades: tuple[GradeBand, ...] = DEFAULT_GRADES
    levels: tuple[Level, ...] = DEFAULT_LEVELS
    default_method: str = "graded"
    deduction: Deduction = DEFAULT_DEDUCTION
    # Where it came from (file path or plugin name); not part of the content hash.
    origin: str = field(default="", compare=False)
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Every item in document order, once; the index by code and each child's parent from it.
        index = self._index
        order = [node for top in self.items for node in top.walk()]
        parents: dict[str, str] = {}
        for node in order:
            index.setdefault(node.code, node)
            for child in node.children:
                parents[child.code] = node.code
        object.__setattr__(self, "_order", tuple(order))
        object.__setattr__(self, "_leaf_order", tuple(n for n in order if not n.children))
        object.__setattr__(self, "_parents", parents)

    # -- navigation ---------------------------------------------------------
    def walk(self) -> Iterator[Item]:
        """Every item in document order."""
        return iter(self._order)  # type: ignore[attr-defined]

    def leaves(self) -> Iterator[Item]:
        """Every leaf (scored item) in document order."""
        return iter(self._leaf_order)  # type: ignore[attr-defined]

    def item(self, code: str) -> Item:
        try:
            return self._index[code]
        except KeyError:
            raise KeyError(f"清单 {self.id} 中没有编号为 {code} 的指标") from None

    def has_item(self, code: str) -> bool:
        return code in self._index

    def parent_code(self, code: str) -> str | None:
        return self._parents.get(code)  # type: ignore[attr-defined]

    def ancestors(self, code: str) -> list[Item]:
        out = []
        parent = self.parent_code(code)
        while parent is not None:
            out.append(self._index[parent])
            parent = self.parent_code(parent)
        return out[::-1]

    def depth(self, code: str) -> int:
        return len(self.ancestors(code))

    @property
    def leaf_count(self) -> int:
        return len(self._leaf_order)  # type: ignore[attr-defined]

    @property
    def item_count(self) -> int:
        return len(self._index)

    @property
    def points_provisional(self) -> bool:
        """分值暂定: the points are not from the source document."""
        return "points" in self.provisional

    def grade_rank(self, name: str) -> int:
        """Position of a grade, 0 the highest; unknown names rank below every band."""
        for i, band in enumerate(self.grades):
            if band.name == name:
                return i
        return len(self.grades)

    # -- serialisation ------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return checklist_to_dict(self)

    @property
    def content_hash(self) -> str:
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = snapshot_hash(canonical_json(self.to_dict()))
            object.__setattr__(self, "_hash", cached)
        return cached

    @property
    def short_hash(self) -> str:
        return self.content_hash.split(":", 1)[1][:12]


def snapshot_hash(canonical: str) -> str:
    """The content hash of a checklist given its canonical JSON (as stored in an inspection)."""
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def canonical_json(data: Any) -> str:
    """The one JSON spelling used for hashing: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _num(x: float) -> float | int:
    """Numbers hash the same whether written 10 or 10.0."""
    f = float(x)
    return int(f) if f.is_integer() else f


def _levels_to_list(levels: tuple[Level, ...]) -> list[dict]:
    return [{"name": lv.name, "fraction": _num(lv.fraction)} for lv in levels]


def _deduction_to_dict(d: Deduction) -> dict:
    return {"per_case": _num(d.per_case), "floor": _num(d.floor)}


def item_to_dict(item: Item, checklist: Checklist, parent_kind: str = "normal") -> dict[str, Any]:
    """Canonical dict of an item: only what differs from the checklist's defaults."""
    out: dict[str, Any] = {"code": item.code, "title": item.title}
    if item.label:
        out["label"] = item.label
    if item.text and item.text != item.title:
        out["text"] = item.text
    if item.points or item.is_leaf:
        out["points"] = _num(item.points)
    if item.kind != parent_kind:
        out["kind"] = item.kind
    if item.is_leaf:
        if item.method != checklist.default_method:
            out["method"] = item.method
        if item.method == "graded" and item.levels != checklist.levels:
            out["levels"] = _levels_to_list(item.levels)
        if item.method == "deduction" and item.deduction != checklist.deduction and item.deduction:
            out["deduction"] = _deduction_to_dict(item.deduction)
        if item.method == "itemized":  # only this method has these keys: other hashes are unchanged
            out["shortfalls"] = [{"text": s.text, "points": _num(s.points)} for s in item.shortfalls]
            if item.floor:
                out["floor"] = _num(item.floor)
    if item.criteria:
        out["criteria"] = item.criteria
    if item.source_note:
        out["note"] = item.source_note  # canonical key of source_note (see the module docstring)
    for key in ("evidence", "units", "offices", "na_conditions", "lead_units"):
        value = getattr(item, key)
        if value:
            out[key] = list(value)
    if item.veto is not None:
        veto: dict[str, Any] = {"grade": item.veto.grade}
        if item.veto.total is not None:
            veto["total"] = _num(item.veto.total)
        out["veto"] = veto
    if item.grade_cap:
        out["grade_cap"] = item.grade_cap
    if item.children:
        out["children"] = [item_to_dict(c, checklist, item.kind) for c in item.children]
    return out


def checklist_to_dict(c: Checklist) -> dict[str, Any]:
    scoring: dict[str, Any] = {
        "total": _num(c.total),
        "children_sum": c.children_sum,
        "grades": [{"name": g.name, "min": _num(g.min)} for g in c.grades],
        "levels": _levels_to_list(c.levels),
        "default_method": c.default_method,
        "deduction": _deduction_to_dict(c.deduction),
    }
    # canonical key of pass_threshold; null: the source sets none
    scoring["completion_threshold"] = None if c.completion_threshold is None else _num(c.completion_threshold)
    if c.complete_levels:
        scoring["complete_levels"] = list(c.complete_levels)
    return {
        "format": FORMAT,
        "id": c.id,
        "title": c.title,
        "type": c.type,
        "version": c.version,
        "source": c.source,
        "description": c.description,
        "provisional": list(c.provisional),
        "scoring": scoring,
        "items": [item_to_dict(i, c) for i in c.items],
    }
