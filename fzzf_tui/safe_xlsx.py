"""The one way to open an untrusted .xlsx file: size and zip checks first, then openpyxl.

A workbook arriving by e-mail or USB stick can be a zip bomb, a renamed or password-protected
file, or carry XML entity tricks. :func:`open_workbook` therefore

1. reads the file once into memory (refusing files larger than :data:`MAX_FILE_SIZE`), so what
   is checked is exactly what is parsed;
2. inspects the zip directory *before* any XML is parsed: member count, total uncompressed size
   (:data:`MAX_UNCOMPRESSED`), compression ratio (:data:`MAX_RATIO`), encryption and
   compression method, and the area of merged ranges (:data:`MAX_MERGED_CELLS`). The sizes checked are the declared ones, and :mod:`zipfile` never
   returns more than a member's declared size (it truncates and the CRC check fails), so a
   lying directory cannot smuggle more data past the check. Only stored and deflated members
   are accepted: :mod:`zipfile` decompresses bzip2/lzma without an output limit;
3. refuses to parse at all unless openpyxl parses with defusedxml (``openpyxl.DEFUSEDXML``),
   which forbids entity declarations and external references;
4. loads with ``data_only=True`` so formulas are read as their cached values, never evaluated,
   and without VBA or external links. ``read_only`` stays False because merged cells are only
   available on normal worksheets.

Every refusal is a :class:`WorkbookRejected` with a Chinese message naming the file.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExportError

MAX_FILE_SIZE = 50 * 1024 * 1024  # bytes on disk
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # sum of all members, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, per member and overall
RATIO_MIN_SIZE = 1024 * 1024  # below this a member's ratio is not checked (tiny parts compress oddly)
MAX_MEMBERS = 10_000
MAX_MERGED_CELLS = 500_000  # openpyxl materialises every cell of a merged range

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
_ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_FORMULA_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


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


def check_xlsx(data: bytes, name: str) -> list[zipfile.ZipInfo]:
    """Check the zip container of an .xlsx without decompressing anything; return its members."""
    if not data:
        raise WorkbookRejected(f"文件 {name} 是空文件，不是 Excel 工作簿")
    if data.startswith(_OLE_MAGIC):
        raise WorkbookRejected(
            f"文件 {name} 是设了打开密码的工作簿或旧版 .xls 文件，无法读取；"
            "请在 Excel 中取消密码，另存为 .xlsx 后再导入"
        )
    if not data.startswith(b"PK"):
        raise WorkbookRejected(f"文件 {name} 不是 Excel 工作簿（.xlsx）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookRejected(f"文件 {name} 不是有效的 Excel 工作簿（.xlsx）：压缩包已损坏（{exc}）") from None
    if len(infos) > MAX_MEMBERS:
        raise WorkbookRejected(f"文件 {name} 含 {len(infos)} 个部件，超过 {MAX_MEMBERS} 的上限，拒绝打开")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise WorkbookRejected(f"文件 {name} 是压缩包，但不是 Excel 工作簿（缺少 [Content_Types].xml）")
    total = 0
    total_compressed = 0
    for info in infos:
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


_MERGE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b([^>]*)>")
_REF_RE = re.compile(
    rb"""\bref\s*=\s*(["'])\s*\$?([A-Za-z]{1,3})\$?(\d{1,7})(?:\s*:\s*\$?([A-Za-z]{1,3})\$?(\d{1,7}))?\s*\1"""
)
_MAX_TAG = 1 << 20


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def _scan_worksheets(data: bytes, infos: list[zipfile.ZipInfo], name: str) -> tuple[bool, int]:
    """Stream every worksheet XML once: (any formula element?, total merged-cell area).

    A ``mergeCell`` whose ``ref`` is not a plain ``A1:B2`` range (character references, odd
    spelling) is refused rather than guessed, so the area check cannot be side-stepped.
    """
    formulas = False
    merged = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            tail = b""
            with zf.open(info) as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    buf = tail + chunk
                    if not formulas and _FORMULA_RE.search(buf):
                        formulas = True
                    for m in _MERGE_RE.finditer(buf):
                        ref = _REF_RE.search(m.group(1))
                        if ref is None:
                            raise WorkbookRejected(f"文件 {name} 的合并单元格范围无法识别（{info.filename}），拒绝打开")
                        c1, r1 = _col_number(ref.group(2)), int(ref.group(3))
                        c2 = _col_number(ref.group(4)) if ref.group(4) else c1
                        r2 = int(ref.group(5)) if ref.group(5) else r1
                        merged += (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)
                    # Keep only an unfinished tag for the next chunk, so no tag is seen twice.
                    lt = buf.rfind(b"<")
                    tail = buf[lt:] if lt >= 0 and buf.find(b">", lt) < 0 else b""
                    if len(tail) > _MAX_TAG:
                        raise WorkbookRejected(f"文件 {name} 的 {info.filename} 含有异常的超长标记，拒绝打开")
    return formulas, merged


@dataclass
class CheckedXlsx:
    """An .xlsx file that passed every check before parsing; :meth:`load` parses it."""

    name: str
    data: bytes
    has_formulas: bool
    merged_cells: int

    def load(self, *, data_only: bool = True) -> Any:
        return load_checked(self.data, self.name, data_only=data_only)


def check_file(path: str | os.PathLike[str]) -> CheckedXlsx:
    """Read and check an .xlsx file without handing any of it to an XML parser."""
    name = Path(path).name
    data = read_xlsx_bytes(path)
    infos = check_xlsx(data, name)
    try:
        formulas, merged = _scan_worksheets(data, infos, name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise WorkbookRejected(f"文件 {name} 的压缩包已损坏：{exc}") from None
    if merged > MAX_MERGED_CELLS:
        # openpyxl creates one object per merged cell: one tiny "A1:XFD1048576" would hang it.
        raise WorkbookRejected(
            f"文件 {name} 的合并单元格共覆盖 {merged} 个单元格，超过 {MAX_MERGED_CELLS} 的上限，拒绝打开"
        )
    return CheckedXlsx(name, data, formulas, merged)


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
