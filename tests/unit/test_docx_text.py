"""Text of Word paragraphs as Word prints it (docx_reader._paragraph_text), and a published
table whose words sit inside 修订 (tracked insertions), smart tags and content controls."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.text.paragraph import Paragraph
from lxml import etree

from fzzf_tui.checklist.table_import import import_table
from fzzf_tui.checklist.table_import.docx_reader import _paragraph_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def para(inner: str):
    return etree.fromstring(f"<w:p {NS}>{inner}</w:p>")


@pytest.mark.parametrize("inner", [
    "<w:r><w:t>依法</w:t></w:r><w:r><w:t xml:space='preserve'> 行政</w:t></w:r>",
    "<w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr><w:r><w:t>一、</w:t><w:tab/><w:t>执法</w:t></w:r>",
    "<w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t><w:br w:type='page'/><w:cr/><w:noBreakHyphen/><w:ptab/></w:r>",
    "<w:hyperlink><w:r><w:t>链接文字</w:t></w:r></w:hyperlink><w:r><w:rPr><w:b/></w:rPr><w:t>粗体</w:t></w:r>",
    "",
])
def test_plain_paragraphs_read_as_python_docx_reads_them(inner: str) -> None:
    p = para(inner)
    assert _paragraph_text(p) == Paragraph(docx.oxml.parse_xml(etree.tostring(p)), None).text


def test_inserted_smart_tag_and_field_text_is_read_deleted_and_text_box_text_is_not() -> None:
    p = para(
        "<w:r><w:t>考核</w:t></w:r>"
        "<w:ins w:id='1' w:author='a'><w:r><w:t>内容</w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='a'><w:r><w:delText>旧字</w:delText></w:r></w:del>"
        "<w:smartTag w:uri='u' w:element='e'><w:r><w:t>（一）</w:t></w:r></w:smartTag>"
        "<w:fldSimple w:instr='PAGE'><w:r><w:t>3</w:t></w:r></w:fldSimple>"
        "<w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><w:txbxContent><w:p><w:r><w:t>框</w:t>"
        "</w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r>"
        "<w:t>框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    assert _paragraph_text(p) == "考核内容（一）3"


def _with_tracked_header(path: Path) -> Path:
    """A Word 评分表 whose header word 督察事项 and title were typed with 修订 on (WPS/Word keep
    them in w:ins until accepted), the title's year inside a smart tag."""
    d = docx.Document()
    d.add_paragraph("TITLE")
    rows = [["HEADER", "督察标准", "分值"], ["一、执法检查（10分）", "", ""],
            ["制定年度执法计划", "未制定的扣4分；未报备的扣2分", "6分"], ["现场检查记录", "每份不规范扣0.5分，扣完为止", "4分"]]
    t = d.add_table(rows=4, cols=3)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(1, 0).merge(t.cell(1, 2))
    d.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts["word/document.xml"].decode()
    ins = '<w:ins w:id="9" w:author="办公室" w:date="2026-03-01T00:00:00Z"><w:r><w:t>{}</w:t></w:r></w:ins>'
    xml = xml.replace("<w:r><w:t>HEADER</w:t></w:r>", ins.format("督察事项"))
    xml = xml.replace("<w:r><w:t>TITLE</w:t></w:r>",
                      '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chsdate">'
                      '<w:r><w:t>2026年</w:t></w:r></w:smartTag>' + ins.format("安全生产执法专项督察评分表"))
    assert "HEADER" not in xml and "TITLE" not in xml
    parts["word/document.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_a_table_typed_with_tracked_changes_imports(tmp_path: Path) -> None:
    result = import_table(_with_tracked_header(tmp_path / "督察评分表.docx"))
    c = result.checklist
    assert (c.title, c.type, c.total) == ("2026年安全生产执法专项督察评分表", "专项督察", 10)
    assert [(i.code, i.title, i.points, i.method) for i in c.walk()] == [
        ("1", "执法检查", 10, ""), ("1.1", "制定年度执法计划", 6, "itemized"), ("1.2", "现场检查记录", 4, "deduction")]


def test_a_cell_inside_a_content_control_is_read(tmp_path: Path) -> None:
    """Forms made in Word wrap a cell's paragraph in a content control (w:sdt)."""
    path = _with_tracked_header(tmp_path / "表.docx")
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    xml = parts["word/document.xml"].decode()
    old = "<w:p><w:r><w:t>6分</w:t></w:r></w:p>"
    assert xml.count(old) == 1
    parts["word/document.xml"] = xml.replace(old, f"<w:sdt><w:sdtPr/><w:sdtContent>{old}</w:sdtContent></w:sdt>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert import_table(path).checklist.item("1.1").points == 6
