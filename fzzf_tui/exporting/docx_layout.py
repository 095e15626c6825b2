"""Word documents laid out like a government document (GB/T 9704-2012, approximated) with
python-docx: shared by the 反馈意见书 (:mod:`.feedback_docx`) and the 通报 (:mod:`.bulletin_docx`).

* A4 portrait; type area 156 × 225 mm (top margin 37 mm, bottom 35 mm, left 28 mm, right 26 mm).
* Body in 仿宋 三号 (16 pt) at a fixed 28.95 pt line pitch: 22 lines of about 28 characters a page.
* Title in 小标宋 二号 (22 pt), centred, a blank line under it; 主送 flush left; paragraphs
  indented two characters; headings “一、” in 黑体, “（一）” in 楷体, “1.” in 仿宋.
* Tables in 仿宋 小四 (12 pt) with borders; the header row repeats on every page, rows never
  split over two pages.
* Page numbers “— 1 —” in 宋体 四号 (14 pt) under the type area: odd pages right, even pages left.
* 落款 (issuer and date) kept together with the last paragraph, so it never stands alone on a
  page.

Fonts are named as Chinese offices have them (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体, 宋体);
where one is missing, Word, WPS and LibreOffice substitute a CJK font. A plugin may pass its own
``template`` (.docx): its page setup and its styles named like ours (:data:`STYLE_NAMES`) are
kept, so an office can have its own 版头 or fonts without code.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..errors import ExportError
from .cells import clean_text
from .wording import chinese_date, chinese_number

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
TABLE_SIZE = 12  # 小四
PAGE_NUMBER_SIZE = 14  # 四号
LINE_PITCH = 28.95  # 225 mm / 22 lines, in points
INDENT = Pt(2 * BODY_SIZE)  # two characters

# Our paragraph styles; a template that defines a style of the same name keeps its own.
STYLE_TITLE, STYLE_BODY, STYLE_H1, STYLE_H2, STYLE_H3 = "fzzf 标题", "fzzf 正文", "fzzf 一级标题", "fzzf 二级标题", "fzzf 三级标题"
STYLE_ADDRESSEE, STYLE_TABLE, STYLE_TABLE_HEAD, STYLE_SIGN = "fzzf 主送", "fzzf 表格", "fzzf 表头", "fzzf 落款"
STYLE_NAMES = (STYLE_TITLE, STYLE_BODY, STYLE_H1, STYLE_H2, STYLE_H3, STYLE_ADDRESSEE, STYLE_TABLE, STYLE_TABLE_HEAD,
               STYLE_SIGN)
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024


def text(value: Any) -> str:
    """A value as document text: XML-safe, whitespace runs inside a line kept."""
    return clean_text("" if value is None else str(value))


def _east_asian(element: Any, font: str) -> None:
    """Set all four font slots (a CJK font must be named for eastAsia or Word ignores it)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)


class OfficialDocument:
    """A python-docx document with the layout above and a few writing helpers."""

    def __init__(self, template: str | Path | None = None) -> None:
        if template is not None:
            self.doc = _open_template(Path(template))
        else:
            self.doc = Document()
            self._page_setup()
        self._styles()
        self._page_numbers()

    # -- set-up -----------------------------------------------------------------------------
    def _page_setup(self) -> None:
        for section in self.doc.sections:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.top_margin, section.bottom_margin = Mm(37), Mm(35)
            section.left_margin, section.right_margin = Mm(28), Mm(26)
            section.header_distance, section.footer_distance = Mm(15), Mm(22)
            grid = section._sectPr.find(qn("w:docGrid"))
            if grid is None:
                grid = OxmlElement("w:docGrid")
                section._sectPr.append(grid)
            grid.set(qn("w:type"), "lines")
            grid.set(qn("w:linePitch"), str(round(LINE_PITCH * 20)))

    def _style(self, name: str, font: str, size: float, bold: bool = False, align: Any = None,
               first_indent: Any = None, pitch: float | None = LINE_PITCH, keep_next: bool = False) -> None:
        styles = self.doc.styles
        if name in [s.name for s in styles]:
            return  # a template's own style wins
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = styles["Normal"]
        st.font.name, st.font.size, st.font.bold = font, Pt(size), bold
        _east_asian(st.element, font)
        pf = st.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        if pitch is None:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
            pf.space_before = pf.space_after = Pt(2)  # air inside the table's cells
            # not on the page's 28.95 pt line grid: table text is set solid, in its own size
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            st.element.get_or_add_pPr().append(snap)
        else:
            pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(pitch)
        if align is not None:
            pf.alignment = align
        if first_indent is not None:
            pf.first_line_indent = first_indent
        pf.widow_control = True
        pf.keep_with_next = keep_next

    def _styles(self) -> None:
        justify, center = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
        self._style(STYLE_TITLE, TITLE_FONT, TITLE_SIZE, align=center, pitch=36, keep_next=True)
        self._style(STYLE_BODY, BODY_FONT, BODY_SIZE, align=justify, first_indent=INDENT)
        self._style(STYLE_ADDRESSEE, BODY_FONT, BODY_SIZE, align=justify, keep_next=True)
        self._style(STYLE_H1, HEADING_FONT, BODY_SIZE, align=justify, first_indent=INDENT, keep_next=True)
        self._style(STYLE_H2, SUBHEADING_FONT, BODY_SIZE, align=justify, first_indent=INDENT, keep_next=True)
        self._style(STYLE_H3, BODY_FONT, BODY_SIZE, bold=True, align=justify, first_indent=INDENT, keep_next=True)
        self._style(STYLE_TABLE, BODY_FONT, TABLE_SIZE, pitch=None)
        self._style(STYLE_TABLE_HEAD, HEADING_FONT, TABLE_SIZE, align=center, pitch=None)
        self._style(STYLE_SIGN, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)

    def _page_numbers(self) -> None:
        """“— 1 —”: odd pages at the right, even pages at the left, one character in from the edge."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        for section in self.doc.sections:
            for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
                footer.is_linked_to_previous = False
                p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
                if p.text or p._p.xpath(".//w:fldSimple|.//w:fldChar"):
                    continue  # a template's own page number
                p.alignment = align
                if align == WD_ALIGN_PARAGRAPH.RIGHT:
                    p.paragraph_format.right_indent = Pt(PAGE_NUMBER_SIZE)
                else:
                    p.paragraph_format.left_indent = Pt(PAGE_NUMBER_SIZE)
                self._font_run(p.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
                self._field(p, "PAGE")
                self._font_run(p.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)

    @staticmethod
    def _font_run(run: Any, font: str, size: float, bold: bool | None = None) -> Any:
        run.font.name, run.font.size = font, Pt(size)
        if bold is not None:
            run.font.bold = bold
        _east_asian(run._r, font)
        return run

    def _field(self, paragraph: Any, instruction: str) -> None:
        """A Word field (PAGE, NUMPAGES) as begin/instr/separate/result/end runs."""
        def fld(kind: str) -> Any:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            return el

        parts: list[Any] = [fld("begin")]
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        parts += [instr, fld("separate")]
        result = OxmlElement("w:t")
        result.text = "1"
        parts += [result, fld("end")]
        for el in parts:
            run = self._font_run(paragraph.add_run(), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
            run._r.append(el)

    # -- writing ------------------------------------------------------------------------------
    def title(self, value: str) -> None:
        self.doc.add_paragraph(text(value), style=STYLE_TITLE)
        self.doc.add_paragraph("", style=STYLE_BODY)  # 标题下空一行

    def addressee(self, value: str) -> None:
        self.doc.add_paragraph(text(value), style=STYLE_ADDRESSEE)

    def heading(self, value: str, level: int = 1) -> Any:
        return self.doc.add_paragraph(text(value), style={1: STYLE_H1, 2: STYLE_H2}.get(level, STYLE_H3))

    def para(self, value: str, keep_next: bool = False) -> Any:
        p = self.doc.add_paragraph(text(value), style=STYLE_BODY)
        if keep_next:
            p.paragraph_format.keep_with_next = True
        return p

    def runs(self, parts: Iterable[tuple[str, bool]]) -> Any:
        """A body paragraph of runs (text, bold): a lead-in in bold, then plain text."""
        p = self.doc.add_paragraph(style=STYLE_BODY)
        for value, bold in parts:
            r = p.add_run(text(value))
            if bold:
                r.bold = True
        return p

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths_mm: Sequence[float],
              align: Sequence[str] = ()) -> Any:
        """A bordered table; the header row repeats on each page and rows do not split."""
        rows = [list(r) for r in rows]
        t = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        _borders(t)
        aligns = {"c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT, "l": WD_ALIGN_PARAGRAPH.LEFT}
        for r, values in enumerate([list(headers), *rows]):
            tr = t.rows[r]._tr
            trpr = tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))
            if r == 0:
                trpr.append(OxmlElement("w:tblHeader"))
            for c, value in enumerate(values):
                cell = t.rows[r].cells[c]
                cell.width = Mm(widths_mm[c])
                p = cell.paragraphs[0]
                p.style = self.doc.styles[STYLE_TABLE_HEAD if r == 0 else STYLE_TABLE]
                if r and c < len(align) and align[c] in aligns:
                    p.alignment = aligns[align[c]]
                lines = text(value).split("\n")
                p.add_run(lines[0])
                for extra in lines[1:]:
                    p.add_run().add_break(WD_BREAK.LINE)
                    p.add_run(extra)
        # column widths on the grid too (LibreOffice reads tblGrid, Word the cells)
        grid = t._tbl.tblGrid
        for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm):
            col.set(qn("w:w"), str(int(Mm(w).twips)))
        self.doc.add_paragraph("", style=STYLE_TABLE).paragraph_format.space_after = Pt(6)
        return t

    def signature(self, issuer: str, when: date | str) -> None:
        """落款: issuer and date, the date four characters in from the right, the issuer centred
        over it; kept on the page of the paragraph before (keep-with-next on the lines above)."""
        last = self.doc.paragraphs[-1] if self.doc.paragraphs else None
        if last is not None:
            last.paragraph_format.keep_with_next = True
        self.doc.add_paragraph("", style=STYLE_SIGN)
        self.doc.add_paragraph("", style=STYLE_SIGN)
        day = chinese_date(when)
        right = 4 * BODY_SIZE
        p = self.doc.add_paragraph(text(issuer), style=STYLE_SIGN)
        offset = (_width(day) - _width(issuer)) / 2 * BODY_SIZE
        p.paragraph_format.right_indent = Pt(max(0.0, right + offset))
        d = self.doc.add_paragraph(day, style=STYLE_SIGN)
        d.paragraph_format.keep_with_next = False
        d.paragraph_format.right_indent = Pt(right)

    def save(self, path: str | Path) -> None:
        self.doc.core_properties.author = ""
        self.doc.core_properties.last_modified_by = ""
        self.doc.save(str(path))


def _width(value: str) -> float:
    """Printed width in characters (a digit or Latin letter is half a CJK character)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in value)


def _borders(table: Any) -> None:
    """Single borders on every edge and inside (not relying on a template's table style)."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)


def _open_template(path: Path) -> Any:
    """A plugin's template, checked like any file from elsewhere (size, a real .docx)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExportError(f"无法读取模板 {path}：{exc.strerror or exc}") from None
    if size > MAX_TEMPLATE_BYTES:
        raise ExportError(f"模板 {path} 过大（{size // (1024 * 1024)} MB）")
    try:
        doc = Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises several kinds for a bad file
        raise ExportError(f"模板 {path} 不是可用的 Word 文档（.docx）：{type(exc).__name__}") from None
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)  # a template gives layout and styles, not text
    return doc


FILE_REFERENCE = re.compile(r"[\\/]")


def evidence_reference(finding: Any) -> str:
    """佐证材料 as a reader of the letter can look them up: file names and short hashes, texts."""
    parts = []
    for ev in finding.evidence:
        if ev.is_file:
            name = FILE_REFERENCE.split(ev.path)[-1]
            parts.append(f"{name}（SHA-256 {ev.sha256[:12]}…）" if ev.sha256 else name)
        elif ev.text:
            parts.append(ev.text)
    return "；".join(parts)


__all__ = [
    "BODY_SIZE", "OfficialDocument", "STYLE_NAMES", "TABLE_SIZE", "TITLE_SIZE", "chinese_date", "chinese_number",
    "evidence_reference", "text",
]
