"""The one way to open an untrusted .xlsx file: size and zip checks, a streaming check, then openpyxl.

A workbook arriving by e-mail or USB stick can be a zip bomb, a renamed or password-protected
file, a small file holding a huge sheet, or carry XML entity tricks. :func:`check_file` therefore

1. reads the file once into memory (refusing files larger than :data:`MAX_FILE_SIZE`), so what
   is checked is exactly what is parsed;
2. inspects the zip directory *before* any XML is parsed: member count, total uncompressed size
   (:data:`MAX_UNCOMPRESSED`), the size of each XML part (:data:`MAX_PART_XML`), compression
   ratio (:data:`MAX_RATIO`), encryption and compression method. The sizes checked are the
   declared ones, and :mod:`zipfile` never returns more than a member's declared size (it
   truncates and the CRC check fails), so a lying directory cannot smuggle more data past the
   check. Only stored and deflated members are accepted: :mod:`zipfile` decompresses bzip2/lzma
   without an output limit;
3. streams the workbook once with :mod:`fzzf_tui.xlsx_stream` (expat, DTDs and entities
   forbidden), counting rows (:data:`MAX_ROWS`), cells (:data:`MAX_CELLS`), the text of each
   cell (:data:`MAX_CELL_TEXT`) and the merged area (:data:`MAX_MERGED_CELLS`), refusing the
   file the moment a limit is passed — before anything is loaded. The table import takes its
   cell values from this same pass (``read_values=True``) and never loads the workbook;
4. only then, for callers that need openpyxl (:meth:`CheckedXlsx.load`, :func:`open_workbook`),
   parses with defusedxml (``openpyxl.DEFUSEDXML`` is required), ``data_only=True`` so formulas
   are read as their cached values, never evaluated, and without VBA or external links.

Every refusal is a :class:`WorkbookRejected` with a Chinese message naming the file and the limit.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from .errors import ExportError
from .xlsx_stream import SheetCells, StreamLimitError, StreamLimits, WorkbookStream

MAX_FILE_SIZE = 50 * 1024 * 1024  # bytes on disk
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # sum of all members, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, per member and overall
RATIO_MIN_SIZE = 1024 * 1024  # below this a member's ratio is not checked (tiny parts compress oddly)
MAX_MEMBERS = 10_000
MAX_MERGED_CELLS = 500_000  # openpyxl materialises every cell of a merged range
MAX_PART_XML = 32 * 1024 * 1024  # one worksheet (or other XML part), uncompressed
MAX_ROWS = 50_000  # rows of one worksheet
MAX_CELLS = 400_000  # cells of the whole workbook (also the number of shared strings)
MAX_CELL_TEXT = 32_767  # characters in one cell: Excel's own limit

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
_ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class WorkbookRejected(ExportError):
    """An .xlsx file was refused before or while parsing; the message names the file."""


def _mb(n: float) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.0f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n:.0f} 字节"


def read_xlsx_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, refusing unreadable, empty or oversized files."""
    p = Path(path)
    name = p.name
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise WorkbookRejected(f"无法读取文件 {name}：{exc.strerror or exc}") from None
    if size > MAX_FILE_SIZE:
        raise WorkbookRejected(f"文件 {name} 有 {_mb(size)}，超过 {_mb(MAX_FILE_SIZE)}的上限，拒绝打开")
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_FILE_SIZE + 1)
    except OSError as exc:
        raise WorkbookRejected(f"无法读取文件 {name}：{exc.strerror or exc}") from None
    if len(data) > MAX_FILE_SIZE:  # grew between stat and read
        raise WorkbookRejected(f"文件 {name} 超过 {_mb(MAX_FILE_SIZE)}的上限，拒绝打开")
    return data


@dataclass(frozen=True)
class ZipKind:
    """How an Office zip container is named in messages (the checks are the same)."""

    noun: str  # Excel 工作簿
    ext: str  # .xlsx
    legacy: str  # .xls
    app: str  # Excel
    own_parts: str  # parts checked elsewhere, by name, with the same size limit


XLSX = ZipKind("Excel 工作簿", ".xlsx", ".xls", "Excel", "xl/worksheets/")


def check_xlsx(data: bytes, name: str) -> list[zipfile.ZipInfo]:
    """Check the zip container of an .xlsx without decompressing anything; return its members."""
    return check_container(data, name, XLSX)


def check_container(data: bytes, name: str, kind: ZipKind) -> list[zipfile.ZipInfo]:
    """Check an Office zip container (.xlsx, .docx) without decompressing anything."""
    short = kind.noun[-2:]  # 工作簿 / 文档
    if not data:
        raise WorkbookRejected(f"文件 {name} 是空文件，不是 {kind.noun}")
    if data.startswith(_OLE_MAGIC):
        raise WorkbookRejected(
            f"文件 {name} 是设了打开密码的{'工作簿' if kind is XLSX else short}或旧版 {kind.legacy} 文件，无法读取；"
            f"请在 {kind.app} 中取消密码，另存为 {kind.ext} 后再导入"
        )
    if not data.startswith(b"PK"):
        raise WorkbookRejected(f"文件 {name} 不是 {kind.noun}（{kind.ext}）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookRejected(f"文件 {name} 不是有效的 {kind.noun}（{kind.ext}）：压缩包已损坏（{exc}）") from None
    if len(infos) > MAX_MEMBERS:
        raise WorkbookRejected(f"文件 {name} 含 {len(infos)} 个部件，超过 {MAX_MEMBERS} 的上限，拒绝打开")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise WorkbookRejected(f"文件 {name} 是压缩包，但不是 {kind.noun}（缺少 [Content_Types].xml）")
    total = 0
    total_compressed = 0
    for info in infos:
        if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_PART_XML and not info.filename.startswith(
            kind.own_parts
        ):  # worksheets are checked by name in xlsx_stream, with the same limit
            raise WorkbookRejected(
                f"文件 {name} 的部件 {info.filename} 解压后有 {_mb(info.file_size)}，超过 {_mb(MAX_PART_XML)} 的上限，拒绝打开"
            )
        if info.flag_bits & 0x1:
            raise WorkbookRejected(f"文件 {name} 的内容已加密（{info.filename}），无法读取")
        if info.compress_type not in _ALLOWED_COMPRESSION:
            raise WorkbookRejected(
                f"文件 {name} 的部件 {info.filename} 使用了 Excel 不会使用的压缩方式，拒绝打开"
            )
        total += info.file_size
        total_compressed += info.compress_size
        if total > MAX_UNCOMPRESSED:
            raise WorkbookRejected(
                f"文件 {name} 解压后超过 {_mb(MAX_UNCOMPRESSED)}，可能是“压缩炸弹”，拒绝打开"
            )
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookRejected(
                f"文件 {name} 的部件 {info.filename} 压缩比超过 {MAX_RATIO} 倍"
                f"（{info.compress_size} 字节解压为 {_mb(info.file_size)}），可能是“压缩炸弹”，拒绝打开"
            )
    if total > RATIO_MIN_SIZE and total > MAX_RATIO * max(total_compressed, 1):
        raise WorkbookRejected(f"文件 {name} 的整体压缩比超过 {MAX_RATIO} 倍，可能是“压缩炸弹”，拒绝打开")
    return infos


def current_limits() -> StreamLimits:
    """The limits in force (read at call time, so tests and callers can lower them)."""
    return StreamLimits(
        rows=MAX_ROWS, cells=MAX_CELLS, cell_text=MAX_CELL_TEXT, merged_cells=MAX_MERGED_CELLS, part_xml=MAX_PART_XML
    )


@dataclass
class CheckedXlsx:
    """An .xlsx file that passed every check before parsing; :meth:`load` parses it with openpyxl.

    ``sheet_names`` lists the worksheets in order; ``sheets`` holds their streamed cells (values
    only when checked with ``read_values=True``).
    """

    name: str
    data: bytes
    has_formulas: bool
    merged_cells: int
    sheet_names: list[str] = field(default_factory=list)
    sheets: list[SheetCells] = field(default_factory=list)

    def load(self, *, data_only: bool = True) -> Any:
        return load_checked(self.data, self.name, data_only=data_only)


def check_file(
    path: str | os.PathLike[str],
    *,
    read_values: bool = False,
    accept_sheets: Callable[[list[str]], None] | None = None,
) -> CheckedXlsx:
    """Read and check an .xlsx file by streaming it once; nothing is handed to openpyxl.

    ``accept_sheets`` is called with the worksheet names before any worksheet is read, so a
    caller can refuse a workbook that is not the one it expects without reading its sheets.
    """
    name = Path(path).name
    data = read_xlsx_bytes(path)
    check_xlsx(data, name)
    limits = current_limits()
    stream = WorkbookStream(data, name, limits)
    try:
        infos = stream.sheets()
        if accept_sheets is not None:
            accept_sheets([i.name for i in infos])
        strings = stream.shared_strings(keep=read_values)
        dates = stream.date_styles() if read_values else set()
        sheets = [stream.sheet(info, strings, dates, read_values) for info in infos]
    except StreamLimitError as exc:
        raise WorkbookRejected(str(exc)) from None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise WorkbookRejected(f"文件 {name} 含有不安全的 XML 内容（{type(exc).__name__}），拒绝打开") from None
    except expat.ExpatError as exc:
        raise WorkbookRejected(f"文件 {name} 无法作为 Excel 工作簿读取：XML 格式错误（{exc}）") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise WorkbookRejected(f"文件 {name} 的压缩包已损坏：{exc}") from None
    finally:
        stream.close()
    return CheckedXlsx(
        name,
        data,
        has_formulas=any(s.formulas for s in sheets),
        merged_cells=stream.merged_area,
        sheet_names=[i.name for i in infos],
        sheets=sheets,
    )


def _require_defusedxml() -> None:
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise WorkbookRejected(
            "openpyxl 未启用 defusedxml（未安装 defusedxml，或设置了 OPENPYXL_DEFUSEDXML=False），"
            "为安全起见拒绝打开来源不明的工作簿"
        )


def load_checked(data: bytes, name: str, *, data_only: bool = True) -> Any:
    """Parse bytes that passed :func:`check_xlsx` with openpyxl (defusedxml, no VBA, no links)."""
    import openpyxl
    from defusedxml import DefusedXmlException

    _require_defusedxml()
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=data_only, keep_vba=False, keep_links=False
        )
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on malformed parts
        cause: BaseException | None = exc
        while cause is not None:  # openpyxl re-raises parser errors as ValueError
            if isinstance(cause, DefusedXmlException):
                raise WorkbookRejected(f"文件 {name} 含有不安全的 XML 内容（{type(cause).__name__}），拒绝打开") from None
            cause = cause.__cause__ or cause.__context__
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        raise WorkbookRejected(f"文件 {name} 无法作为 Excel 工作簿读取：{type(exc).__name__}: {first_line}") from None


def open_workbook(path: str | os.PathLike[str], *, data_only: bool = True) -> Any:
    """Open an untrusted .xlsx file safely; returns an openpyxl ``Workbook``.

    With ``data_only=True`` (the default) formula cells hold their cached values.
    """
    return check_file(path).load(data_only=data_only)
