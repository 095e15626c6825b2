"""不涉及 by condition: a unit profile (中直机构, 无立法计划 …) marks every item the source tags
as not applying to such a unit, in one audited step that undo reverses and redo re-applies.

The conditions are the checklist's own ``na_conditions`` tags, as printed in the source
(“（中直机构不涉及）”, “（无立法计划不涉及）”, a bare “（不涉及）”). A tag on a section (a
具体措施 in the annual checklist) applies to every leaf below it. The profile's name is the tag
without its trailing 不涉及 (中直机构, 无立法计划); a bare 不涉及 keeps its own name.

Marking never overwrites: items already scored, or already 不涉及 (for whatever reason), are left
as they are and counted. The unit's profile is recorded in the inspection's meta
(``na_profile``, a list of names) in the same audited step, so 检查信息, the summary and
`fzzf show` can say which conditions were applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from ..checklist.model import Checklist, Item
from ..errors import InvalidValue
from .scoring import Result

if TYPE_CHECKING:
    from .store import Inspection

ACTION = "na.condition"
META_KEY = "na_profile"
_SUFFIX = "不涉及"
_BRACKETS = "（）()[]【】 \t\u3000"


@dataclass(frozen=True)
class Condition:
    """One 不涉及 condition of a checklist and the leaves it applies to (checklist order)."""

    tag: str  # as printed in the source, e.g. 中直机构不涉及
    codes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The unit profile: 中直机构 for 中直机构不涉及; a bare 不涉及 is its own name."""
        return condition_name(self.tag)

    @property
    def reason(self) -> str:
        """The 不涉及 reason recorded on each item: the source's tag, said to be the source's."""
        return f"原文标注“{self.tag}”"

    @property
    def label(self) -> str:
        """How a picker lists it: 中直机构（原文标注“中直机构不涉及”，67 项）."""
        if self.name == self.tag:
            return f"原文标注“{self.tag}”的条目（{len(self.codes)} 项）"
        return f"{self.name}（原文标注“{self.tag}”，{len(self.codes)} 项）"


def condition_name(tag: str) -> str:
    tag = tag.strip(_BRACKETS)
    name = tag[: -len(_SUFFIX)].strip(_BRACKETS) if tag.endswith(_SUFFIX) else tag
    return name or tag


def conditions(checklist: Checklist) -> list[Condition]:
    """Every 不涉及 condition of the checklist, in order of first appearance, each with the
    leaves it applies to (its own tagged leaves and every leaf under a tagged section)."""
    found: dict[str, list[str]] = {}
    # Depth-first with an explicit stack: (item, tags inherited from its ancestors).
    stack: list[tuple[Item, tuple[str, ...]]] = [(item, ()) for item in reversed(checklist.items)]
    while stack:
        item, inherited = stack.pop()
        tags = inherited + tuple(t for t in item.na_conditions if t not in inherited)
        for t in item.na_conditions:
            found.setdefault(t, [])
        if item.is_leaf:
            for t in tags:
                found.setdefault(t, []).append(item.code)
        else:
            stack.extend((child, tags) for child in reversed(item.children))
    return [Condition(tag, tuple(codes)) for tag, codes in found.items()]


def tags_for(checklist: Checklist, code: str) -> tuple[str, ...]:
    """The 不涉及 tags that reach an item: its sections' (top down), then its own."""
    out: list[str] = []
    for node in [*checklist.ancestors(code), checklist.item(code)]:
        out.extend(t for t in node.na_conditions if t not in out)
    return tuple(out)


def reason_for(tag: str) -> str:
    """The 不涉及 reason a tag gives: 原文标注“中直机构不涉及” (the same words as a profile step)."""
    return Condition(tag).reason


def _key(text: str) -> str:
    return "".join(ch for ch in text if ch not in _BRACKETS)


def find_condition(checklist: Checklist, name: str) -> Condition:
    """The condition called ``name`` (中直机构) or tagged ``name`` (中直机构不涉及)."""
    wanted = _key(name or "")
    available = conditions(checklist)
    for cond in available:
        if wanted in (_key(cond.name), _key(cond.tag)):
            return cond
    if not available:
        raise InvalidValue(f"清单“{checklist.title}”没有标注不涉及情形，不能按情形批量标记")
    names = "、".join(c.name for c in available)
    raise InvalidValue(f"清单“{checklist.title}”中没有不涉及情形“{name}”；可选：{names}")


@dataclass
class Outcome:
    """What marking a condition did (or would do)."""

    condition: Condition
    marked: list[str] = field(default_factory=list)  # now 不涉及
    skipped: list[str] = field(default_factory=list)  # already scored: left as they are
    already: list[str] = field(default_factory=list)  # already 不涉及: left as they are

    def message(self) -> str:
        """In plain words, e.g. 已按“中直机构”标记不涉及 64 项；跳过已评分的 3 项（1.2.1.1、…）."""
        c = self.condition
        if self.marked:
            text = f"已按“{c.name}”标记不涉及 {len(self.marked)} 项（理由：{c.reason}）"
        else:
            text = f"按“{c.name}”没有需要标记的条目"
        if self.skipped:
            text += f"；跳过已评分的 {len(self.skipped)} 项（{_codes(self.skipped)}），未改动"
        if self.already:
            text += f"；{len(self.already)} 项原已是不涉及"
        return text

    def to_dict(self) -> dict[str, object]:
        c = self.condition
        return {"condition": c.name, "tag": c.tag, "reason": c.reason, "applies_to": len(c.codes),
                "marked": list(self.marked), "skipped": list(self.skipped), "already_na": list(self.already)}


def _codes(codes: list[str], n: int = 5) -> str:
    shown = "、".join(codes[:n])
    return shown + (f" 等 {len(codes)} 项" if len(codes) > n else "")


def plan(checklist: Checklist, results: dict[str, Result], name: str) -> Outcome:
    """What marking ``name`` would do to these results (nothing is written)."""
    cond = find_condition(checklist, name)
    out = Outcome(cond)
    for code in cond.codes:
        r = results.get(code)
        if r is None or not r.is_scored:
            out.marked.append(code)
        elif r.na:
            out.already.append(code)
        else:
            out.skipped.append(code)
    return out


def profile(meta: dict) -> list[str]:
    """The conditions applied to this inspection's unit (names, in the order applied)."""
    value = meta.get(META_KEY) or []
    return [str(v) for v in value] if isinstance(value, list) else []


def mark(ins: "Inspection", name: str) -> Outcome:
    """Mark every unscored leaf of condition ``name`` 不涉及 in one audited, undoable step.

    Items already scored or already 不涉及 are left alone (see :class:`Outcome`). The unit's
    profile (meta ``na_profile``) gains the condition in the same step.
    """
    ins._require_writable()
    out = plan(ins.checklist, ins.results(), name)
    cond = out.condition
    names = profile(ins.meta)
    if not out.marked and cond.name in names:
        return out
    from .store import now_iso

    at = now_iso()
    results = ins.results()
    new = [
        Result(code, None, True, cond.reason, results[code].note if code in results else "", ins.who, at,
               results[code].evidence if code in results else ())
        for code in out.marked
    ]
    detail = {"condition": cond.name, "tag": cond.tag, "marked": len(out.marked), "skipped": list(out.skipped),
              "already_na": len(out.already)}
    meta = None if cond.name in names else {META_KEY: names + [cond.name]}
    ins.bulk_apply(ACTION, detail, results=new, meta=meta)
    return out


def mark_all(ins: "Inspection", names: Iterable[str]) -> list[Outcome]:
    """:func:`mark` for each name (validated first, so a typo marks nothing)."""
    names = list(dict.fromkeys(n for n in names if n and n.strip()))
    for n in names:
        find_condition(ins.checklist, n)
    return [mark(ins, n) for n in names]


def describe(entry: dict) -> str:
    """The words undo/redo use for a condition step: 按“中直机构”批量标记不涉及（64 项）."""
    new = entry.get("new") or {}
    return f"按“{new.get('condition', '')}”批量标记不涉及（{new.get('marked', 0)} 项）"


__all__ = ["ACTION", "META_KEY", "Condition", "Outcome", "conditions", "condition_name", "describe",
           "find_condition", "mark", "mark_all", "plan", "profile", "reason_for", "tags_for"]
