"""Stream the parts of an .xlsx once, checking every limit while reading, before anything is loaded.

:mod:`fzzf_tui.safe_xlsx` checks the zip container; this module then walks the XML with expat,
chunk by chunk, so work and memory stay proportional to what the limits allow:

* the workbook's sheet list (``xl/workbook.xml`` and its relationships), so a caller can refuse a
  workbook by its sheet names before anything else is read;
* shared strings and, per worksheet, rows, cells, merged ranges and formulas. Rows, cells, the
  text length of one cell and the merged area are counted as they stream past and the file is
  refused (:class:`~fzzf_tui.safe_xlsx.WorkbookRejected`, a Chinese message naming the limit)
  the moment one is exceeded.

With ``read_values=True`` the non-blank cell values are kept (numbers as int/float, dates as
``datetime`` when the cell's style is a date format, booleans, text), which is all the table
import needs: no openpyxl objects per cell, so a 20,000-row table reads in well under a second.

The parser forbids DTDs, entity declarations and external references, as defusedxml does
(the same exception classes are raised), so no entity expansion can happen.
"""

from __future__ import annotations

import datetime as _dt
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Callable
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

Box = tuple[int, int, int, int]

EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COL = 16_384
CHUNK = 1 << 20

_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_RANGE_RE = re.compile(r"^\s*\$?([A-Za-z]{1,3})\$?(\d{1,7})(?:\s*:\s*\$?([A-Za-z]{1,3})\$?(\d{1,7}))?\s*$")
_WORKSHEET_REL = "/worksheet"


class StreamLimitError(Exception):
    """A limit was exceeded or a part is malformed; the message is Chinese and final."""


@dataclass(frozen=True)
class StreamLimits:
    rows: int  # <row> elements per worksheet
    cells: int  # <c> elements in the whole workbook (also caps the shared-string count)
    cell_text: int  # characters in one cell or shared string
    merged_cells: int  # total area of merged ranges in the workbook
    part_xml: int  # uncompressed bytes of one XML part


@dataclass
class SheetInfo:
    name: str
    part: str  # zip member, e.g. xl/worksheets/sheet1.xml


@dataclass
class SheetCells:
    """One worksheet as streamed: counts always; values and formulas with ``read_values``."""

    name: str
    part: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    merges: list[Box] = field(default_factory=list)
    uncached: dict[tuple[int, int], str] = field(default_factory=dict)  # formula without saved result
    rows: int = 0
    cells: int = 0
    formulas: int = 0


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _local(name: str) -> str:
    """Element or attribute name without its namespace (expat gives ``uri local``)."""
    return name.rsplit(" ", 1)[-1]


def _forbid_dtd(*_: Any) -> None:
    raise DTDForbidden(None, None, None)


def _forbid_entity(*args: Any) -> None:
    raise EntitiesForbidden(args[0] if args else None, None, None, None, None, None)


def _forbid_external(*args: Any) -> None:
    raise ExternalReferenceForbidden(*(list(args) + [None] * 4)[:4])


def _parser(start: Callable[[str, dict[str, str]], None], end: Callable[[str], None] | None = None,
            text: Callable[[str], None] | None = None) -> Any:
    p = expat.ParserCreate(namespace_separator=" ")
    p.buffer_text = True
    p.buffer_size = 1 << 16
    p.StartDoctypeDeclHandler = _forbid_dtd
    p.EntityDeclHandler = _forbid_entity
    p.UnparsedEntityDeclHandler = _forbid_entity
    p.ExternalEntityRefHandler = _forbid_external
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartElementHandler = lambda name, attrs: start(_local(name), {_local(k): v for k, v in attrs.items()})
    if end is not None:
        p.EndElementHandler = lambda name: end(_local(name))
    if text is not None:
        p.CharacterDataHandler = text
    return p


def _raw_parser() -> Any:
    """An expat parser without namespace processing (element names may carry a prefix)."""
    p = expat.ParserCreate()
    p.buffer_text = True
    p.buffer_size = 1 << 16
    p.StartDoctypeDeclHandler = _forbid_dtd
    p.EntityDeclHandler = _forbid_entity
    p.UnparsedEntityDeclHandler = _forbid_entity
    p.ExternalEntityRefHandler = _forbid_external
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return p


def _feed(zf: zipfile.ZipFile, member: str, parser: Any) -> None:
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


class WorkbookStream:
    """The parts of one (already container-checked) workbook, read on demand."""

    def __init__(self, data: bytes, file_name: str, limits: StreamLimits) -> None:
        self.file = file_name
        self.limits = limits
        self.zf = zipfile.ZipFile(io.BytesIO(data))
        self.members = {i.filename: i for i in self.zf.infolist()}
        self.date1904 = False
        self.cells_seen = 0
        self.merged_area = 0

    def close(self) -> None:
        self.zf.close()

    # -- structure ----------------------------------------------------------------------------
    def sheets(self) -> list[SheetInfo]:
        """Worksheets in workbook order (chart sheets and the like are left out)."""
        names: list[tuple[str, str]] = []  # (name, relationship id)

        def wb_start(tag: str, a: dict[str, str]) -> None:
            if tag == "sheet":
                names.append((a.get("name", ""), a.get("id", "")))
            elif tag == "workbookPr" and a.get("date1904", "").lower() in ("1", "true"):
                self.date1904 = True

        self._parse_small("xl/workbook.xml", wb_start)
        targets: dict[str, tuple[str, str]] = {}

        def rel_start(tag: str, a: dict[str, str]) -> None:
            if tag == "Relationship":
                targets[a.get("Id", "")] = (a.get("Type", ""), a.get("Target", ""))

        if "xl/_rels/workbook.xml.rels" in self.members:
            self._parse_small("xl/_rels/workbook.xml.rels", rel_start)
        out = []
        for name, rid in names:
            rel_type, target = targets.get(rid, ("", ""))
            if not rel_type.endswith(_WORKSHEET_REL):
                continue
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if part not in self.members:
                raise StreamLimitError(f"文件 {self.file} 的工作表“{name}”缺少内容部件 {part}，无法读取")
            size = self.members[part].file_size
            if size > self.limits.part_xml:
                raise StreamLimitError(
                    f"文件 {self.file} 的工作表“{name}”解压后有 {_mb(size)}，超过单个工作表 {_mb(self.limits.part_xml)} 的上限"
                    "（工作表 XML 大小），拒绝打开"
                )
            out.append(SheetInfo(name, part))
        return out

    def _parse_small(self, member: str, start: Callable[[str, dict[str, str]], None]) -> None:
        if member not in self.members:
            raise StreamLimitError(f"文件 {self.file} 无法作为 Excel 工作簿读取：缺少 {member}")
        _feed(self.zf, member, _parser(start))

    # -- shared strings and styles ------------------------------------------------------------
    def shared_strings(self, keep: bool) -> list[str]:
        """The shared-string table (checked for length and count; kept only if ``keep``)."""
        member = self._related("sharedStrings")
        if member is None:
            return []
        out: list[str] = []
        parts: list[str] = []
        state = {"in_t": False, "rph": 0, "length": 0, "count": 0}
        limit = self.limits.cell_text

        def start(tag: str, a: dict[str, str]) -> None:
            if tag == "si":
                parts.clear()
                state["length"] = 0
            elif tag == "rPh":
                state["rph"] += 1
            elif tag == "t" and not state["rph"]:
                state["in_t"] = True

        def end(tag: str) -> None:
            if tag == "t":
                state["in_t"] = False
            elif tag == "rPh":
                state["rph"] -= 1
            elif tag == "si":
                state["count"] += 1
                if state["count"] > self.limits.cells:
                    raise StreamLimitError(
                        f"文件 {self.file} 的共享字符串超过 {self.limits.cells} 项的上限（单元格数），拒绝打开"
                    )
                if keep:
                    out.append("".join(parts))

        def text(data: str) -> None:
            if state["in_t"]:
                state["length"] += len(data)
                if state["length"] > limit:
                    raise StreamLimitError(
                        f"文件 {self.file} 的共享字符串第 {state['count'] + 1} 项超过 {limit} 字的上限"
                        "（Excel 单元格的最大长度），拒绝打开"
                    )
                if keep:
                    parts.append(data)

        _feed(self.zf, member, _parser(start, end, text))
        return out

    def date_styles(self) -> set[int]:
        """Indexes of cell formats (``s`` attribute) that show a date."""
        member = self._related("styles")
        if member is None:
            return set()
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        custom: dict[int, str] = {}
        xf_formats: list[int] = []
        state = {"in_xfs": False}

        def start(tag: str, a: dict[str, str]) -> None:
            if tag == "numFmt":
                try:
                    custom[int(a.get("numFmtId", ""))] = a.get("formatCode", "")
                except ValueError:
                    pass
            elif tag == "cellXfs":
                state["in_xfs"] = True
            elif tag == "xf" and state["in_xfs"]:
                try:
                    xf_formats.append(int(a.get("numFmtId", "0")))
                except ValueError:
                    xf_formats.append(0)
                if len(xf_formats) > 65_536:
                    raise StreamLimitError(f"文件 {self.file} 的单元格格式过多，拒绝打开")

        def end(tag: str) -> None:
            if tag == "cellXfs":
                state["in_xfs"] = False

        _feed(self.zf, member, _parser(start, end))
        return {i for i, fmt_id in enumerate(xf_formats) if is_date_format(custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id)))}

    def _related(self, kind: str) -> str | None:
        """The workbook part of a relationship type (sharedStrings, styles)."""
        rels = "xl/_rels/workbook.xml.rels"
        found: list[str] = []

        def start(tag: str, a: dict[str, str]) -> None:
            if tag == "Relationship" and a.get("Type", "").endswith("/" + kind):
                t = a.get("Target", "")
                found.append(t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t)))

        if rels in self.members:
            _feed(self.zf, rels, _parser(start))
        for part in found:
            if part in self.members:
                return part
        default = f"xl/{kind}.xml"
        return default if default in self.members else None

    # -- one worksheet --------------------------------------------------------------------------
    def sheet(self, info: SheetInfo, strings: list[str], dates: set[int], read_values: bool) -> SheetCells:
        """Stream one worksheet, counting (and with ``read_values`` keeping) its cells.

        The handlers are written for speed (no namespace processing, closure variables): they run
        once per XML element of what may be the largest part of the file.
        """
        lim = self.limits
        out = SheetCells(info.name, info.part)
        values = out.values
        where = f"文件 {self.file} 的工作表“{info.name}”"
        parts: list[str] = []
        fparts: list[str] = []
        row = col = style = length = rph = 0
        ctype = "n"
        inside = ""  # "v", "t" or "f": whose text is being read
        formula: str | None = None
        has_v = False
        workbook = self
        cell_limit, row_limit, text_limit = lim.cells, lim.rows, lim.cell_text

        def start(name: str, a: dict[str, str]) -> None:
            nonlocal row, col, style, length, rph, ctype, inside, formula, has_v
            if ":" in name:
                name = name.rpartition(":")[2]
            if name == "c":
                workbook.cells_seen += 1
                out.cells += 1
                if workbook.cells_seen > cell_limit:
                    raise StreamLimitError(f"文件 {workbook.file} 的单元格超过 {cell_limit} 个的上限，拒绝打开")
                ref = a.get("r")
                if ref:
                    m = _REF_RE.match(ref)
                    if m is None:
                        raise StreamLimitError(f"{where}有无法识别的单元格位置“{ref[:20]}”，拒绝打开")
                    col, row = col_number(m.group(1)), int(m.group(2))
                else:
                    col += 1
                if col > EXCEL_MAX_COL or not 1 <= row <= EXCEL_MAX_ROW:
                    raise StreamLimitError(f"{where}有超出 Excel 范围的单元格（{ref or col}），拒绝打开")
                ctype = a.get("t", "n")
                s = a.get("s")
                style = int(s) if s and s.isdigit() else 0
                formula = None
                has_v = False
                length = 0
                parts.clear()
            elif name == "v":
                inside = "v"
                has_v = True
            elif name == "t":
                if not rph:
                    inside = "t"
            elif name == "row":
                out.rows += 1
                if out.rows > row_limit:
                    raise StreamLimitError(f"{where}超过 {row_limit} 行的上限，拒绝打开")
                r = a.get("r")
                if r is not None:
                    if not r.isdigit() or not 1 <= int(r) <= EXCEL_MAX_ROW:
                        raise StreamLimitError(f"{where}有无法识别的行号“{r[:20]}”，拒绝打开")
                    row = int(r)
                else:
                    row += 1
                col = 0
            elif name == "rPh":
                rph += 1
            elif name == "f":
                inside = "f"
                formula = ""
                fparts.clear()
                out.formulas += 1
            elif name == "mergeCell":
                box = _merge_box(a.get("ref", ""))
                if box is None:
                    raise StreamLimitError(f"{where}的合并单元格范围“{a.get('ref', '')[:40]}”无法识别，拒绝打开")
                workbook.merged_area += (box[2] - box[0] + 1) * (box[3] - box[1] + 1)
                if workbook.merged_area > lim.merged_cells:
                    raise StreamLimitError(
                        f"文件 {workbook.file} 的合并单元格共覆盖 {workbook.merged_area} 个单元格，"
                        f"超过 {lim.merged_cells} 的上限，拒绝打开"
                    )
                out.merges.append(box)

        def end(name: str) -> None:
            nonlocal rph, inside, formula
            if ":" in name:
                name = name.rpartition(":")[2]
            if name == "c":
                if formula is not None and not (has_v and parts):
                    out.uncached[(row, col)] = "=" + formula if formula else "=（共享公式）"
                elif read_values and parts:
                    value = workbook._value(ctype, "".join(parts), style, strings, dates, where)
                    if value is not None and value != "":
                        values[(row, col)] = value
            elif name == "v" or name == "t":
                inside = ""
            elif name == "f":
                formula = "".join(fparts)[:8192]
                inside = ""
            elif name == "rPh":
                rph -= 1

        def text(data: str) -> None:
            nonlocal length
            if inside == "v" or inside == "t":
                length += len(data)
                if length > text_limit:
                    raise StreamLimitError(
                        f"{where}单元格 {_letters(col)}{row} 的文字超过 {text_limit} 字的上限"
                        "（Excel 单元格的最大长度），拒绝打开"
                    )
                parts.append(data)
            elif inside == "f" and len(fparts) < 64:
                fparts.append(data)

        p = _raw_parser()
        p.StartElementHandler = start
        p.EndElementHandler = end
        p.CharacterDataHandler = text
        _feed(self.zf, info.part, p)
        return out

    def _value(self, t: str, raw: str, style: int, strings: list[str], dates: set[int], where: str) -> Any:
        if t == "s":
            try:
                return strings[int(raw)]
            except (ValueError, IndexError):
                raise StreamLimitError(f"{where}引用了不存在的共享字符串（{raw[:20]}），文件已损坏") from None
        if t in ("inlineStr", "str", "e"):
            return raw
        if t == "b":
            return raw.strip() in ("1", "true")
        if t == "d":
            try:
                return _dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        text = raw.strip()
        try:
            number: float | int = float(text) if any(ch in text for ch in ".eE") else int(text)
        except ValueError:
            return raw
        if style in dates:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

            try:
                return from_excel(number, CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900)
            except (ValueError, OverflowError):
                return number
        return number


def _merge_box(ref: str) -> Box | None:
    m = _RANGE_RE.match(ref)
    if m is None:
        return None
    c1, r1 = col_number(m.group(1)), int(m.group(2))
    c2 = col_number(m.group(3)) if m.group(3) else c1
    r2 = int(m.group(4)) if m.group(4) else r1
    return (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _letters(c: int) -> str:
    out = ""
    while c > 0:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def _mb(n: float) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.0f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n:.0f} 字节"
