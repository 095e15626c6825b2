"""The one way to open an untrusted .docx file: the same container checks as for .xlsx, a
streaming check of the document's XML, then python-docx.

A Word document is a zip of XML parts like a workbook, so :mod:`fzzf_tui.safe_xlsx` checks its
container (file size, member count, total and per-part size, compression ratio and method,
encryption). The main document part is then streamed once with expat, DTDs and entities
forbidden as defusedxml forbids them, counting table rows, cells and the text of each cell; the
file is refused the moment a limit is passed, before python-docx parses anything.

Every refusal is a :class:`~fzzf_tui.safe_xlsx.WorkbookRejected` with a Chinese message.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from . import safe_xlsx
from .safe_xlsx import WorkbookRejected, ZipKind, check_container, read_xlsx_bytes
from .xlsx_stream import _feed, _raw_parser

DOCX = ZipKind("Word 文档", ".docx", ".doc", "Word", "word/document.xml")
DOCUMENT = "word/document.xml"


@dataclass
class CheckedDocx:
    name: str
    data: bytes
    tables: int
    rows: int
    cells: int

    def load(self) -> Any:
        """The python-docx ``Document`` (only after every check passed)."""
        import docx

        try:
            return docx.Document(io.BytesIO(self.data))
        except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on malformed parts
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise WorkbookRejected(f"文件 {self.name} 无法作为 Word 文档读取：{type(exc).__name__}: {first}") from None


def check_docx(path: str | os.PathLike[str]) -> CheckedDocx:
    """Read and check a .docx file without handing any of it to python-docx."""
    name = Path(path).name
    data = read_xlsx_bytes(path)
    infos = check_container(data, name, DOCX)
    members = {i.filename: i for i in infos}
    if DOCUMENT not in members:
        raise WorkbookRejected(f"文件 {name} 是压缩包，但不是 Word 文档（缺少 {DOCUMENT}）")
    size = members[DOCUMENT].file_size
    if size > safe_xlsx.MAX_PART_XML:
        raise WorkbookRejected(
            f"文件 {name} 的正文解压后有 {safe_xlsx._mb(size)}，超过 {safe_xlsx._mb(safe_xlsx.MAX_PART_XML)} 的上限，拒绝打开"
        )
    counts = _Counter(name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parser = _raw_parser()
            parser.StartElementHandler = counts.start
            parser.EndElementHandler = counts.end
            parser.CharacterDataHandler = counts.text
            _feed(zf, DOCUMENT, parser)
            for member in members:  # every other XML part: no DTD, no entities (python-docx reads some)
                if member != DOCUMENT and member.endswith((".xml", ".rels")):
                    _feed(zf, member, _raw_parser())
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise WorkbookRejected(f"文件 {name} 含有不安全的 XML 内容（{type(exc).__name__}），拒绝打开") from None
    except expat.ExpatError as exc:
        raise WorkbookRejected(f"文件 {name} 无法作为 Word 文档读取：XML 格式错误（{exc}）") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise WorkbookRejected(f"文件 {name} 的压缩包已损坏：{exc}") from None
    return CheckedDocx(name, data, counts.tables, counts.rows, counts.cells)


class _Counter:
    """Counts tables, rows, cells and the text of each cell while the XML streams past."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tables = self.rows = self.cells = 0
        self.cell_text: list[int] = []  # text length of each open cell (tables nest)
        self.in_text = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local == "tr":
            self.rows += 1
            if self.rows > safe_xlsx.MAX_ROWS:
                raise WorkbookRejected(f"文件 {self.name} 的表格超过 {safe_xlsx.MAX_ROWS} 行的上限，拒绝打开")
        elif local == "tc":
            self.cells += 1
            self.cell_text.append(0)
            if self.cells > safe_xlsx.MAX_CELLS:
                raise WorkbookRejected(f"文件 {self.name} 的表格单元格超过 {safe_xlsx.MAX_CELLS} 个的上限，拒绝打开")
        elif local == "t":
            self.in_text = True
        elif local == "tbl":
            self.tables += 1

    def end(self, tag: str) -> None:
        local = tag.rpartition(":")[2]
        if local == "t":
            self.in_text = False
        elif local == "tc" and self.cell_text:
            self.cell_text.pop()

    def text(self, data: str) -> None:
        if self.in_text and self.cell_text:
            self.cell_text[-1] += len(data)
            if self.cell_text[-1] > safe_xlsx.MAX_CELL_TEXT:
                raise WorkbookRejected(
                    f"文件 {self.name} 的表格中有单元格的文字超过 {safe_xlsx.MAX_CELL_TEXT} 字的上限，拒绝打开"
                )
