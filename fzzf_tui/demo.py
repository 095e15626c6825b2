"""The bundled example: a few inspections, one per built-in type, partly scored."""

from __future__ import annotations

from .inspection import InspectionStore
from .plugins import get_plugins

DEMO = [
    {
        "checklist": "demonstration-2020",
        "unit": "洛阳市司法局",
        "inspectors": ["张明", "李华"],
        "scores": {"1.1.1": "完全达到", "1.1.2": "基本达到", "1.1.3": "部分达到", "1.1.4": "完全达到", "B.1": "是"},
        "na": {"1.1.5": "本单位不承担企业开办职责"},
        "findings": [
            {"item_code": "1.1.3", "description": "行政审批中介服务清单未向社会公开", "severity": "较重",
             "requirement": "30日内在门户网站公开中介服务清单", "due": "2026-12-31"},
        ],
    },
    {
        "checklist": "annual-2019",
        "unit": "哈尔滨市某区人民政府",
        "inspectors": ["王强"],
        "scores": {"1.1.1.1": 0, "1.1.2.1": 1, "1.1.2.2": 0},
        "na": {},
        "findings": [
            {"item_code": "1.1.2.1", "description": "规范性文件中存在变相设定行政许可的条款", "severity": "严重",
             "requirement": "立即清理并报送清理结果", "due": "2026-12-15"},
        ],
    },
    {
        "checklist": "special-2008",
        "unit": "某县市场监督管理局",
        "inspectors": ["赵敏"],
        "scores": {"1.1": 0, "1.2": 2},
        "na": {},
        "findings": [
            {"item_code": "1.2", "description": "两项重大行政决策未经合法性审查即提交讨论", "severity": "严重",
             "requirement": "补充合法性审查程序并建立台账", "due": "2027-01-31"},
        ],
    },
]


def write_demo(store: InspectionStore) -> list[str]:
    """Create the example inspections unless the store already has inspections."""
    if store.paths():
        return []
    plugins = get_plugins()
    created = []
    for spec in DEMO:
        checklist = plugins.get_checklist(spec["checklist"])
        ins = store.create(checklist, spec["unit"], spec["inspectors"], who="示例")
        try:
            for code, value in spec["scores"].items():
                if checklist.has_item(code):
                    ins.set_value(code, value)
            for code, reason in spec["na"].items():
                if checklist.has_item(code):
                    ins.set_na(code, reason)
            for f in spec["findings"]:
                if checklist.has_item(f["item_code"]):
                    ins.add_finding(**f)
            created.append(ins.id)
        finally:
            ins.close()
    return created
