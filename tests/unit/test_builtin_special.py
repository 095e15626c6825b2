"""The built-in 专项督察 checklist (哈政综〔2008〕58号 检查重点)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHECKLIST = REPO / "fzzf_tui" / "default_plugins" / "checklists" / "special_2008.yaml"
SEED_NAME = "003_2003bb5b26e72aa6.txt"
SEED_CANDIDATES = (
    Path("/work/shared/seeds") / SEED_NAME,
    REPO.parent / "shared" / "seeds" / SEED_NAME,
)

# The six 检查重点 in the order of the document's closing paragraph.
SECTIONS = ["决策机制", "权力运行制约监督", "规范行政执法行为", "行政裁量权基准", "行政监督机制", "矛盾化解机制"]
# The phrase each one quotes from the closing paragraph.
SECTION_TEXTS = [
    "健全完善决策机制",
    "强化权力运行的制约和监督",
    "规范行政执法行为",
    "量化和执行行政裁量权标准",
    "完善行政监督机制",
    "探索高效、便捷和成本低廉的防范、缓解社会矛盾的机制",
]
ITEM_COUNTS = [6, 5, 5, 5, 6, 4]
SECTION_POINTS = [20, 15, 15, 20, 15, 15]


def normalise(text: str) -> str:
    """Whitespace normalisation for Chinese text: drop all whitespace."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def data() -> dict:
    with CHECKLIST.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def walk(items):
    for item in items:
        yield item
        yield from walk(item.get("children") or [])


def leaves(items):
    return [i for i in walk(items) if not i.get("children")]


@pytest.fixture(scope="module")
def seed_text() -> str:
    for path in SEED_CANDIDATES:
        if path.is_file():
            return normalise(path.read_text(encoding="utf-8"))
    pytest.skip(f"seed document {SEED_NAME} not available")


def test_header(data):
    assert data["format"] == "fzzf-checklist/1"
    assert data["id"] == "special-2008"
    assert data["type"] == "专项督察"
    assert data["version"] == "2008"
    assert "哈政综〔2008〕58号" in data["source"]
    assert data["title"]
    assert set(data["provisional"]) == {"points", "grades", "deduction"}
    scoring = data["scoring"]
    assert scoring["total"] == 100
    assert scoring["children_sum"] is True
    assert scoring["default_method"] == "deduction"
    assert scoring["deduction"] == {"per_case": 0.5, "floor": 0}
    assert [(g["name"], g["min"]) for g in scoring["grades"]] == [
        ("优秀", 90),
        ("良好", 80),
        ("合格", 60),
        ("不合格", 0),
    ]


def test_six_sections_in_order(data):
    top = data["items"]
    assert [i["title"] for i in top] == SECTIONS
    assert [i["code"] for i in top] == ["1", "2", "3", "4", "5", "6"]
    assert [i["text"] for i in top] == SECTION_TEXTS
    assert all(i.get("kind", "normal") == "normal" for i in top)


def test_item_counts(data):
    assert [len(i["children"]) for i in data["items"]] == ITEM_COUNTS
    assert len(leaves(data["items"])) == sum(ITEM_COUNTS) == 31
    # Items are exactly one level below the sections.
    for section in data["items"]:
        for item in section["children"]:
            assert not item.get("children")


def test_codes_unique_and_well_formed(data):
    codes = [i["code"] for i in walk(data["items"])]
    assert len(codes) == len(set(codes))
    for k, section in enumerate(data["items"], start=1):
        assert section["code"] == str(k)
        assert [c["code"] for c in section["children"]] == [
            f"{k}.{n}" for n in range(1, len(section["children"]) + 1)
        ]


def test_leaves_are_deduction_items(data):
    for leaf in leaves(data["items"]):
        code = leaf["code"]
        assert leaf["method"] == "deduction", code
        assert leaf["deduction"] == {"per_case": 0.5, "floor": 0}, code
        assert isinstance(leaf["points"], (int, float)) and leaf["points"] > 0, code
        assert leaf["title"] and leaf["text"], code
        assert "扣0.5分" in leaf["criteria"] and "扣完为止" in leaf["criteria"], code
        assert isinstance(leaf["evidence"], list) and leaf["evidence"], code
        assert all(isinstance(e, str) and e for e in leaf["evidence"]), code
        assert isinstance(leaf["units"], list) and leaf["units"], code


def test_points_sum_to_100(data):
    top = data["items"]
    assert [s["points"] for s in top] == SECTION_POINTS
    assert sum(s["points"] for s in top) == data["scoring"]["total"] == 100
    for section in top:
        assert sum(c["points"] for c in section["children"]) == section["points"], section["code"]


def test_named_units(data):
    by_code = {i["code"]: i for i in walk(data["items"])}
    assert by_code["4.5"]["units"] == ["市政府法制办", "区、县(市)人民政府法制机构"]
    assert by_code["2.2"]["units"] == ["各区、县(市)政府", "市政府各部门"]


def test_texts_are_verbatim(data, seed_text):
    for item in walk(data["items"]):
        text = normalise(item["text"])
        assert text, item["code"]
        assert text in seed_text, f"{item['code']}: text not found verbatim in the seed: {item['text']}"


def test_seed_names_the_six_focuses(seed_text):
    focus = normalise(
        "要把健全完善决策机制,强化权力运行的制约和监督,规范行政执法行为,量化和执行行政裁量权标准,"
        "完善行政监督机制,探索高效、便捷和成本低廉的防范、缓解社会矛盾的机制等作为检查重点"
    )
    assert focus in seed_text


def test_loads_with_project_loader():
    try:
        from fzzf_tui.checklist import load_checklist_file, validate_file
    except ImportError:  # pragma: no cover - the loader is developed alongside this file
        pytest.skip("fzzf_tui.checklist.load_checklist_file not available")
    assert validate_file(CHECKLIST) == []
    checklist = load_checklist_file(CHECKLIST)
    assert checklist.id == "special-2008"
    assert checklist.type == "专项督察"
    assert checklist.total == 100
    assert [i.title for i in checklist.items] == SECTIONS
    assert checklist.leaf_count == sum(ITEM_COUNTS)
    assert {leaf.method for leaf in checklist.leaves()} == {"deduction"}
    assert all(leaf.deduction is not None and leaf.deduction.per_case == 0.5 for leaf in checklist.leaves())
