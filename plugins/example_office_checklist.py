"""Example local plugin: adds a small custom checklist (行政执法案卷评查) and a new inspection type.

Copy this file into your plugins folder (``./plugins`` or the data dir's ``plugins``) and edit
it. A plugin only needs ``from fzzf_tui import hookimpl``.
"""

from fzzf_tui import hookimpl

CASE_FILE_REVIEW = {
    "format": "fzzf-checklist/1",
    "id": "example-case-review",
    "title": "行政执法案卷评查（示例插件）",
    "type": "案卷评查",
    "version": "2026.1",
    "source": "示例：由 plugins/example_office_checklist.py 提供",
    "description": "演示如何用插件增加一份清单。分值为示例值。",
    "provisional": ["points"],
    "scoring": {"total": 20, "default_method": "yesno"},
    "items": [
        {
            "code": "1",
            "title": "案卷基本要素",
            "children": [
                {"code": "1.1", "title": "案卷封面、目录齐全", "points": 4,
                 "evidence": ["抽查案卷"], "units": ["被检查单位"]},
                {"code": "1.2", "title": "执法文书填写规范，要素齐备", "points": 6,
                 "method": "deduction", "deduction": {"per_case": 1, "floor": 0},
                 "criteria": "每发现1处不规范扣1分，扣完为止"},
            ],
        },
        {
            "code": "2",
            "title": "程序合法",
            "children": [
                {"code": "2.1", "title": "重大执法决定经法制审核", "points": 10,
                 "method": "graded", "na_conditions": ["本年度无重大执法决定不涉及"]},
            ],
        },
    ],
}


@hookimpl
def register_inspection_types(register):
    register("案卷评查", "行政执法案卷评查")


@hookimpl
def register_checklists(register):
    register(CASE_FILE_REVIEW)
