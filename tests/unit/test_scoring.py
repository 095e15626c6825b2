"""The scoring engine: small examples and property-based invariants (the hand-worked examples
per built-in checklist are in test_builtin_scoring.py)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fzzf_tui.checklist import checklist_from_dict
from fzzf_tui.errors import InvalidValue
from fzzf_tui.inspection.scoring import Result, score_inspection, validate_value


def R(code, value=None, na=False):
    return Result(code=code, value=value, na=na, na_reason="理由" if na else "")


# -- hand-worked examples -------------------------------------------------------------------

def test_special_example(special_checklist) -> None:
    c = special_checklist
    item = c.item("1.1")
    per = item.deduction.per_case
    rep = score_inspection(c, [R("1.1", 2), R("1.2", na=True)])
    expected_11 = item.points - 2 * per
    sec_max = c.item("1").points
    applicable = sec_max - c.item("1.2").points
    assert rep.nodes["1.1"].earned == pytest.approx(expected_11)
    assert rep.nodes["1"].earned == pytest.approx(expected_11 / applicable * sec_max)
    assert rep.nodes["1.2"].applicable is False


def test_all_na_section_is_excluded_and_total_renormalised(special_checklist) -> None:
    c = special_checklist
    na_all = [R(leaf.code, na=True) for leaf in c.item("6").leaves()]
    clean = [R(leaf.code, 0) for leaf in c.leaves() if not leaf.code.startswith("6.")]
    rep = score_inspection(c, na_all + clean)
    assert rep.nodes["6"].applicable is False
    assert rep.total == pytest.approx(100)  # the rest is all met: still full marks


# -- value validation ----------------------------------------------------------------------

def test_values_are_validated_per_method(demo_checklist, special_checklist) -> None:
    graded = demo_checklist.item("1.1.1")
    assert validate_value(graded, "2") == "基本达到"
    assert validate_value(graded, "未达到") == "未达到"
    with pytest.raises(InvalidValue, match="1=完全达到"):
        validate_value(graded, "9")
    yn = demo_checklist.item("B.1")
    assert validate_value(yn, "是") == "符合" and validate_value(yn, "n") == "不符合"
    with pytest.raises(InvalidValue):
        validate_value(yn, "maybe")
    ded = special_checklist.item("1.1")
    assert validate_value(ded, "3") == 3
    for bad in ("-1", "1.5", "abc", True):
        with pytest.raises(InvalidValue):
            validate_value(ded, bad)
    with pytest.raises(InvalidValue, match="分类"):
        validate_value(demo_checklist.item("1.1"), "1")


def test_points_method_bounds() -> None:
    c = checklist_from_dict({
        "format": "fzzf-checklist/1", "id": "p", "title": "t", "type": "x", "version": "1",
        "items": [{"code": "1", "title": "a", "points": 5, "method": "points"}],
    })
    assert validate_value(c.item("1"), "4.5") == 4.5
    for bad in ("5.5", "-0.1", "nan", "x"):
        with pytest.raises(InvalidValue):
            validate_value(c.item("1"), bad)


# -- properties ------------------------------------------------------------------------------

@st.composite
def trees(draw):
    """Random checklists: sections of random depth, leaves of every method."""
    counter = [0]

    def leaf(prefix):
        method = draw(st.sampled_from(["graded", "yesno", "deduction", "points", "findings"]))
        pts = draw(st.integers(min_value=0, max_value=10))
        d = {"code": prefix, "title": "x", "points": pts, "method": method}
        if method == "deduction":
            d["deduction"] = {"per_case": draw(st.sampled_from([0.5, 1, 2])), "floor": draw(st.sampled_from([0, 0, 1]))}
        return d

    def node(prefix, depth):
        counter[0] += 1
        if depth == 0 or draw(st.booleans()):
            return leaf(prefix)
        n = draw(st.integers(min_value=1, max_value=3))
        return {"code": prefix, "title": "s", "children": [node(f"{prefix}.{i + 1}", depth - 1) for i in range(n)]}

    tops = [node(str(i + 1), 3) for i in range(draw(st.integers(min_value=1, max_value=4)))]
    data = {"format": "fzzf-checklist/1", "id": "h", "title": "t", "type": "x", "version": "1",
            "scoring": {"children_sum": True}, "items": tops}
    if draw(st.booleans()):
        data["items"].append({"code": "B", "title": "加分", "kind": "bonus", "children": [leaf("B.1")]})
        data["items"].append({"code": "P", "title": "减分", "kind": "penalty", "children": [leaf("P.1")]})
    return checklist_from_dict(data)


@st.composite
def scored(draw):
    c = draw(trees())
    results = {}
    for lf in c.leaves():
        choice = draw(st.sampled_from(["none", "na", "value"]))
        if choice == "na":
            results[lf.code] = R(lf.code, na=True)
        elif choice == "value":
            if lf.method == "graded":
                v = draw(st.sampled_from([lv.name for lv in lf.levels]))
            elif lf.method == "yesno":
                v = draw(st.booleans())
            elif lf.method == "deduction":
                v = draw(st.integers(min_value=0, max_value=50))
            elif lf.method == "points":
                v = draw(st.floats(min_value=0, max_value=lf.points))
            else:
                v = True
            results[lf.code] = R(lf.code, v)
    return c, results


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scored())
def test_scores_stay_within_bounds(case) -> None:
    c, results = case
    rep = score_inspection(c, results)
    for node in c.walk():
        ns = rep.nodes[node.code]
        assert -1e-9 <= ns.earned <= ns.max + 1e-9
        if node.children and all(not rep.nodes[ch.code].applicable for ch in node.children):
            assert not ns.applicable
    bonus_cap = sum(i.points for i in c.items if i.kind == "bonus")
    assert 0 <= rep.total <= c.total + bonus_cap + 1e-9
    assert rep.completion is None or 0 <= rep.completion <= 1
    assert 0 <= rep.progress <= 1
    # every number is already rounded by the one rule
    for x in [rep.total, rep.base, rep.percent] + [ns.earned for ns in rep.nodes.values()]:
        assert round(x, 2) == x


@settings(max_examples=100, deadline=None)
@given(scored(), st.randoms())
def test_order_of_results_does_not_matter(case, rnd: random.Random) -> None:
    c, results = case
    items = list(results.values())
    rnd.shuffle(items)
    a = score_inspection(c, results)
    b = score_inspection(c, items)
    assert a.total == b.total and a.completion == b.completion
    assert {k: v.earned for k, v in a.nodes.items()} == {k: v.earned for k, v in b.nodes.items()}


@settings(max_examples=100, deadline=None)
@given(scored())
def test_all_not_applicable_section_equals_removing_it(case) -> None:
    c, results = case
    sections = [i for i in c.items if i.kind == "normal" and i.children]
    if len([i for i in c.items if i.kind == "normal"]) < 2 or not sections:
        return
    sec = sections[0]
    with_na = dict(results)
    for lf in sec.leaves():
        with_na[lf.code] = R(lf.code, na=True)
    rep = score_inspection(c, with_na)
    assert not rep.nodes[sec.code].applicable
    others = [i for i in c.items if i.kind == "normal" and i.code != sec.code and rep.nodes[i.code].applicable]
    amax = sum(i.points for i in others)
    if amax > 0:
        expected = sum(rep.nodes[i.code].earned for i in others) / amax * c.total
        assert rep.base == pytest.approx(expected, abs=0.005 + 1e-9)  # rounded once, half-up
