"""The Word deliverables: 反馈意见书 for one inspection (``fzzf export -f docx``) and the 通报 for a
consolidation (``fzzf consolidate --report 通报.docx``), opened again with python-docx."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.shared import Mm

from fzzf_tui.cli import cli
from fzzf_tui.cli_office import add_commands
from fzzf_tui.exporting import consolidation_formats, export_formats
from fzzf_tui.exporting.wording import points
from fzzf_tui.inspection import Inspection

add_commands(cli)

ISSUER = "某市法治政府建设督察办公室"


def run(*args: object, code: int = 0):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


def document_text(path: Path) -> str:
    """Every paragraph and table cell of a .docx, in order (what a reader of the file sees)."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def table_rows(path: Path, header: str) -> list[list[str]]:
    """The rows (without the header) of the first table whose first header cell is ``header``."""
    for table in Document(str(path)).tables:
        rows = [[c.text for c in r.cells] for r in table.rows]
        if rows and rows[0][0] == header:
            return rows[1:]
    raise AssertionError(f"no table headed {header}")


FINDINGS = (
    # (item, description, requirement, due)
    ("1.1", "行政执法公示平台信息更新不及时，部分执法决定未在 7 个工作日内公开", "建立执法信息公示台账，每月核查一次", "2026-09-30"),
    ("2.1", "重大执法决定法制审核记录缺失", "补齐 2025 年以来的法制审核记录", "2026-10-31"),
    (None, "执法人员培训台账不完整", "", ""),  # no 整改要求 or 时限: printed as 待明确, warned about
)


@pytest.fixture
def finished(store, special_checklist) -> Inspection:
    ins = store.create(special_checklist, "某市交通运输局", inspectors=["张明", "李华"], date_="2026-05-20")
    for n, leaf in enumerate(special_checklist.leaves()):
        ins.set_value(leaf.code, n % 3)
    for item, text, requirement, due in FINDINGS:
        ins.add_finding(text, item_code=item, requirement=requirement, due=due, severity="较重")
    ins.finalize()
    yield ins
    ins.close()


def test_docx_formats_are_registered_through_the_hook() -> None:
    assert export_formats()["docx"].plugin == "fzzf_tui.default_plugins.exporters"
    assert "bulletin" not in export_formats()  # a consolidation format is not offered for one inspection
    assert consolidation_formats()["bulletin"].suffix == ".docx"


def test_feedback_letter_has_the_unit_score_every_finding_and_its_requirement(finished, tmp_path) -> None:
    score = finished.score()
    result = run("export", finished.id, "-f", "docx", "-o", tmp_path / "反馈意见书.docx", "--issuer", ISSUER, "--json")
    data = json.loads(result.stdout)
    path = Path(data["file"])
    assert path.name == "反馈意见书.docx"
    assert data["warnings"] == ["第 3 项问题（“执法人员培训台账不完整”）缺少整改要求和整改时限"]
    text = document_text(path)
    assert "关于某市交通运输局法治政府建设专项督察情况的反馈意见" in text
    assert "某市交通运输局：" in text and "张明、李华" in text and "2026年5月20日" in text
    assert f"得分 {points(score.total)} 分" in text and score.grade in text
    for _item, description, requirement, _due in FINDINGS:
        assert description in text
        if requirement:
            assert requirement in text
    assert "整改要求待明确" in text and "整改时限：待明确" in text
    assert "2026年9月30日前" in text and ISSUER in text
    run("export", finished.id, "--issuer", ISSUER, code=2)  # a workbook has no 落款
    # the letter's sections, in order
    order = [text.index(h) for h in ("一、基本情况", "二、得分与等次", "三、主要问题", "四、整改要求")]
    assert order == sorted(order)


def test_feedback_letter_page_setup_is_a_government_document(finished, tmp_path) -> None:
    path = Path(json.loads(run("export", finished.id, "-f", "docx", "-o", tmp_path / "f.docx", "--json").stdout)["file"])
    doc = Document(str(path))
    section = doc.sections[0]
    def mm(*lengths):
        return tuple(round(x.mm) for x in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)  # A4
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (37, 35, 28, 26)
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ")
    title = doc.paragraphs[0]
    assert title.style.font.size.pt == 22 and title.style.font.name == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.text.startswith("根据法治政府建设督察工作安排"))
    assert body.style.font.size.pt == 16 and body.style.font.name == "仿宋_GB2312"
    # 落款: the issuer and the date close the letter, right-aligned
    assert [p.text for p in doc.paragraphs[-2:]][0] == "法治政府建设督察检查组"


def test_feedback_letter_takes_the_issuer_and_a_template(finished, tmp_path) -> None:
    from fzzf_tui.exporting.data import as_data
    from fzzf_tui.exporting.feedback_docx import build_feedback

    template = tmp_path / "模板.docx"
    tdoc = Document()
    tdoc.add_paragraph("模板里的文字不应出现在意见书中")
    tdoc.sections[0].left_margin = Mm(30)
    tdoc.save(str(template))
    doc = build_feedback(as_data(finished), issuer=ISSUER, template=template).doc
    texts = [p.text for p in doc.paragraphs]
    assert ISSUER in texts and "模板里的文字不应出现在意见书中" not in texts
    assert round(doc.sections[0].left_margin.mm) == 30  # the template's page setup is kept
    bad = tmp_path / "坏模板.docx"
    bad.write_bytes(b"not a zip")
    from fzzf_tui.errors import ExportError

    with pytest.raises(ExportError, match="不是可用的 Word 文档"):
        build_feedback(as_data(finished), template=bad)


@pytest.fixture
def campaign_files(store, special_checklist, finished, tmp_path) -> list[str]:
    """The finished inspection above, a second finished one and one still in progress."""
    other = store.create(special_checklist, "某市市场监督管理局", date_="2026-05-22")
    for leaf in special_checklist.leaves():
        other.set_value(leaf.code, 0)
    other.add_finding("行政处罚裁量基准未及时修订", item_code="1.2", requirement="年内完成修订", due="2026-03-31")
    other.finalize()
    other.close()
    busy = store.create(special_checklist, "某市生态环境局", date_="2026-05-25")
    busy.set_value("1.1", 0)
    busy.add_finding("环境执法案卷归档不规范", item_code="1.1", requirement="规范案卷归档", due="2026-12-31")
    busy.close()
    return [finished.unit, "某市市场监督管理局", "某市生态环境局"]


def test_bulletin_ranks_only_finished_inspections_by_default(campaign_files, store, tmp_path) -> None:
    done_a, done_b, busy = campaign_files
    out = run("consolidate", store.root, "-o", tmp_path / "汇总.xlsx", "--report", tmp_path / "通报.docx",
              "--issuer", ISSUER, "--today", "2026-06-01")
    assert f"通报：{tmp_path / '通报.docx'}" in out.stdout
    path = tmp_path / "通报.docx"
    ranked = table_rows(path, "名次")
    assert [r[1] for r in ranked] == [done_b, done_a]  # all 0 deductions first; the unfinished one is not ranked
    assert [r[0] for r in ranked] == ["1", "2"]
    text = document_text(path)
    assert f"未参与排名：{busy}（检查进行中" in text
    assert ISSUER in text and "2026年6月1日" in text
    assert "逾期未整改" in text and done_b in text.split("以下单位有逾期未整改的问题")[1]
    # the annex: every finding of every unit with its 整改要求
    annex = table_rows(path, "序号")
    assert len(annex) == len(FINDINGS) + 2
    for row in annex:
        assert row[3]  # 整改要求 (or 待明确)
    assert {r[2] for r in annex} >= {"行政处罚裁量基准未及时修订", "环境执法案卷归档不规范", FINDINGS[0][1]}

    out = run("consolidate", store.root, "-o", tmp_path / "汇总2.xlsx", "--report", tmp_path / "通报2.docx",
              "--include-unfinished", "--today", "2026-06-01")
    ranked = table_rows(tmp_path / "通报2.docx", "名次")
    assert [r[1] for r in ranked][-1] == busy and ranked[-1][0].endswith("（临时）")


def test_report_format_must_exist_and_output_is_never_half_written(campaign_files, store, tmp_path) -> None:
    out = run("consolidate", store.root, "-o", tmp_path / "汇总.xlsx", "--report", tmp_path / "通报.docx",
              "--report-format", "nope", code=1)
    assert "没有名为“nope”的汇总报告格式" in out.output and "bulletin" in out.output
    assert not (tmp_path / "通报.docx").exists()
    run("consolidate", store.root, "-o", tmp_path / "汇总.xlsx", "--report", tmp_path / "通报.xlsx", code=1)
    assert not (tmp_path / "通报.xlsx").exists()
