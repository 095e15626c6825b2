"""Consolidate many inspections (files, bundles, folders) into one workbook for the 督察办.

Inputs are ``.fzzf`` inspection files, ``.fzzf.zip`` bundles, or folders searched
recursively for both. They are only read: no lock is taken and nothing is written, so a
colleague may have an inspection open while the office consolidates. Each file is scored with
the same engine as the app (:func:`score_inspection` on its own checklist snapshot), so the
totals are the app's totals. An input that cannot be read is listed with the reason and the
run goes on.

The workbook is written in openpyxl's write-only mode (300 inspections stay fast and small in
memory). Sheets, each with a title in row 1 and the header in row 2:

``排名``        data from row 3, one block per checklist (id + version), units ranked by 得分率
               (ties: 完成度, then unit name). Only inspections with every item answered are ranked;
               the others follow with 名次 “—” and 备注 “尚有 N 项未评，不参与排名”:
               A 名次 | B 被检查单位 | C 检查类型 | D 检查清单 (“分值暂定” when the points are
               provisional) | E 得分 (“未评” when nothing is scored) | F 满分 | G 得分率 | H 等次 |
               I 完成度 | J 进度 | K–M 一般/较重/严重问题 | N 未销号 | O 逾期 | P 检查状态 |
               Q 检查日期 | R 检查编号 | S 审计校验 (bundles always; .fzzf files with ``verify``,
               else 未校验) | T 文件 | U 备注 (未评 items; another copy not counted)
``分项对比``    per checklist a block: its title row, a header row 被检查单位 | 总得分率 | one column per
               top-level (normal) section, then one row per unit in ranking order with each
               section's 得分率 (“不涉及” where no item applied, “未评” where none is scored yet);
               a colour scale per block
``整改台账``    data from row 3, every finding of every unit (units by name, findings in checklist
               order as in each unit's 整改清单):
               A 序号 | B 被检查单位 | C 检查类型 | D 指标编号 | E 问题 | F 整改要求 | G 责任单位 |
               H 整改时限 | I 状态 | J 复查意见 | K 是否逾期 | L 严重程度 | M 检查编号 | N 问题编号
               (M–N hidden). Overdue (整改时限 before “today” and 状态 not 已整改/已销号) rows are
               filled red by one conditional format on ``$K="逾期"``; auto-filter, A4 landscape.
``未纳入文件``  A 文件 | B 原因: every input not consolidated (unreadable, not an inspection,
               tampered bundle, a copy of an inspection counted elsewhere, copies that disagree).
``自评虚高``    (after 分项对比) only when some unit's 自查自评 is in its file: per checklist a block (title row,
               header row 被检查单位 | 自评分 | 督察分 | 自评虚高 | 自评进度 | then one column per
               top-level section with that section's 自评虚高), units in ranking order.
               自评虚高 = 自评分 − 督察分 (each scored by the engine on its own answers), given
               once the inspectors have answered every item (“督察未评完” before, as 排名).

The 排名 sheet also gets, right of 备注: V 自评分 | W 自评虚高 (blank for a unit without
自评). The figures are on :class:`Entry` (:attr:`Entry.self_comparison`) and in
:meth:`ConsolidateReport.to_dict` (``self_total``, ``self_excess``, ``self_excess_sections``).

Copies of one inspection (same id) are verified in full and counted once when they agree (see
:func:`_dedupe`); copies that disagree are all listed under 未纳入文件 with why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from ..checklist.model import Checklist, snapshot_hash
from ..errors import ExportError, FzzfError
from ..inspection import Finding, Result, ScoreReport, score_inspection
from ..inspection.self_check import SelfAssessment, SelfComparison
from ..inspection.self_check import compare as compare_self
from ..inspection.self_check import from_tables as self_assessments_from
from ..inspection.store import FILE_FORMAT, SUFFIX
from .data import MetaFields, sort_findings
from .files import place, target_path, temp_path

BUNDLE_SUFFIX = ".fzzf.zip"
MAX_FILE_BYTES = 256 * 1024 * 1024  # an inspection file is read whole; refuse absurd ones
RANKING, COMPARISON, LEDGER, SKIPPED = "排名", "分项对比", "整改台账", "未纳入文件"
SELF_EXCESS = "自评虚高"
SHEET_NAMES = (RANKING, COMPARISON, LEDGER, SKIPPED)
SEVERITIES = ("一般", "较重", "严重")
DONE_STATUSES = ("已整改", "已销号")  # rectified: no longer overdue
OVERDUE = "逾期"
FIRST_DATA_ROW = 3

RANKING_HEADERS = (
    "名次", "被检查单位", "检查类型", "检查清单", "得分", "满分", "得分率", "等次", "完成度", "进度",
    "一般问题", "较重问题", "严重问题", "未销号", "逾期", "检查状态", "检查日期", "检查编号", "审计校验", "文件", "备注",
    "自评分", "自评虚高",
)
RANKING_WIDTHS = (6, 28, 10, 30, 9, 8, 9, 12, 9, 8, 9, 9, 9, 8, 6, 9, 12, 18, 10, 40, 40, 9, 9)
LEDGER_HEADERS = (
    "序号", "被检查单位", "检查类型", "指标编号", "问题", "整改要求", "责任单位", "整改时限", "状态", "复查意见",
    "是否逾期", "严重程度", "检查编号", "问题编号",
)
LEDGER_WIDTHS = (6, 24, 10, 10, 44, 34, 20, 12, 8, 28, 9, 9, 18, 14)
LEDGER_OVERDUE_COLUMN = "K"


@dataclass
class Entry(MetaFields):
    """One inspection as read for consolidation (scored, findings in 整改清单 order)."""

    source: Path
    meta: dict[str, Any]
    checklist: Checklist
    findings: list[Finding]
    report: ScoreReport
    audit_entries: int
    audit_head: str
    verification: str  # 通过 / 未通过：… / "" (not checked)
    notes: list[str] = field(default_factory=list)
    # the unit's 自查自评 (table ``self_results``), never mixed with the inspectors' results
    self_assessments: dict[str, SelfAssessment] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict, repr=False)
    _comparison: SelfComparison | None = field(default=None, repr=False)

    @property
    def has_self(self) -> bool:
        return any(a.answered for a in self.self_assessments.values())

    @property
    def self_comparison(self) -> SelfComparison:
        """自评分 vs 督察分 of this unit, per section (自评虚高 = 自评 − 督察)."""
        if self._comparison is None:
            self._comparison = compare_self(self.checklist, self.results, self.self_assessments, self.report)
        return self._comparison

    @property
    def group(self) -> tuple[str, str]:
        """Inspections are comparable only when they share a checklist id and version."""
        return (str(self.meta.get("checklist_id", self.checklist.id)), str(self.meta.get("checklist_version", self.checklist.version)))

    @property
    def group_title(self) -> str:
        title = f"{self.meta.get('checklist_title') or self.checklist.title}（{self.group[1]}）"
        return title + ("（分值暂定）" if self.checklist.points_provisional else "")

    @property
    def rankable(self) -> bool:
        """Every item answered: a near-empty inspection is not ranked as if it were complete."""
        return self.report.unscored == 0

    def overdue(self, today: date) -> int:
        return sum(1 for f in self.findings if is_overdue(f, today))


@dataclass
class ConsolidateReport:
    output: Path
    included: list[Entry] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    overdue: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds: read, write

    @property
    def findings(self) -> int:
        return sum(len(e.findings) for e in self.included)

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "included": [
                {
                    "file": str(e.source), "id": e.id, "unit": e.unit, "type": e.type,
                    "checklist": e.group[0], "checklist_version": e.group[1],
                    "total": e.report.total if e.report.has_value else None, "max": e.report.max_total,
                    "percent": e.report.percent if e.report.has_value else None,
                    "grade": e.report.grade, "completion": e.report.completion,
                    "progress": e.report.progress, "unscored": e.report.unscored, "ranked": e.rankable,
                    "points_provisional": e.report.points_provisional,
                    "findings": len(e.findings), "open_findings": sum(1 for f in e.findings if f.is_open),
                    "verification": e.verification, "notes": e.notes,
                    **self_excess_dict(e),
                }
                for e in self.included
            ],
            "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
            "findings": self.findings,
            "overdue": self.overdue,
        }


def self_excess_dict(e: Entry) -> dict[str, Any]:
    """自评虚高 figures of one entry: None where the unit has no 自评, and (like the ranking)
    until the inspectors have answered every item; ``self_complete``: the unit answered every
    item too."""
    if not e.has_self:
        return {"self_total": None, "self_excess": None, "self_excess_sections": {}, "self_complete": None}
    comp = e.self_comparison
    final = e.rankable
    return {
        "self_total": comp.self_total,
        "self_excess": comp.total_gap if final else None,
        "self_excess_sections": {s.code: (s.gap if final else None) for s in comp.sections},
        "self_complete": comp.self_report.unscored == 0,
    }


# -- inputs ----------------------------------------------------------------------------------
def is_input_name(name: str) -> bool:
    return (name.endswith(SUFFIX) or name.endswith(BUNDLE_SUFFIX)) and not name.startswith(".")


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given (in order), folders searched recursively; each file once."""
    out: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve() if p.exists() else p.absolute()
        if key not in seen:
            seen.add(key)
            out.append(p)

    for p in map(Path, paths):
        if p.is_dir():
            for q in sorted(p.rglob("*")):
                if q.is_file() and is_input_name(q.name) and not any(part.startswith(".") for part in q.relative_to(p).parts):
                    add(q)
        else:
            add(p)
    return out


def is_overdue(f: Finding, today: date) -> bool:
    """整改时限 passed and not yet rectified."""
    if not f.due or f.status in DONE_STATUSES:
        return False
    try:
        return date.fromisoformat(f.due) < today
    except ValueError:
        return False


class Reader:
    """Reads inspections for consolidation; builds each distinct checklist snapshot once."""

    def __init__(self, verify: bool = False) -> None:
        self.verify = verify
        self._checklists: dict[str, Checklist] = {}

    def _tables(self, path: Path) -> tuple[dict[str, Any], str]:
        if path.name.endswith(BUNDLE_SUFFIX):
            from .bundle import read_bundle

            # a bundle is checked on reading (audit chain, seal, checklist hash) or refused
            return read_bundle(path).tables, "通过"
        if not path.name.endswith(SUFFIX):
            raise ExportError("不是检查文件（.fzzf）或数据包（.fzzf.zip）")
        if not path.is_file():
            raise ExportError("文件不存在")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ExportError(f"文件过大（{size // (1024 * 1024)} MB），不像检查文件")
        from ..fileio import MAX_JSON_DEPTH
        from ..inspection.storage import load_file

        loaded = load_file(path, max_depth=MAX_JSON_DEPTH)
        verification = ""
        if self.verify:
            from ..inspection.verify import verify_loaded

            v = verify_loaded(loaded, deep=False)
            verification = "通过" if v.ok else "未通过：" + "；".join(v.problems)
        return loaded.tables(), verification

    def read(self, path: Path) -> Entry:
        import json

        from ..checklist.loading import checklist_from_dict

        tables, verification = self._tables(path)
        meta = (tables.get("meta") or {}).get("1")
        if not isinstance(meta, dict) or meta.get("format") != FILE_FORMAT:
            raise ExportError("不是 fzzf 检查文件（格式标记不符）")
        if not str(meta.get("id") or "").strip():
            raise ExportError("检查文件缺少检查编号")
        snap = ((tables.get("checklist") or {}).get("1") or {}).get("json")
        if not isinstance(snap, str):
            raise ExportError("检查文件缺少清单快照")
        # The snapshot is canonical JSON, so hashing the string proves it (as Inspection does).
        key = snapshot_hash(snap)
        if key != meta.get("checklist_hash"):
            raise ExportError("清单快照与记录的哈希不符（文件可能被改动）")
        checklist = self._checklists.get(key)
        if checklist is None:
            checklist = checklist_from_dict(json.loads(snap), f"{path.name} 的清单快照")
            self._checklists[key] = checklist
        results = {d["code"]: Result.from_dict(d) for d in (tables.get("results") or {}).values()}
        findings = [Finding.from_dict(d) for d in (tables.get("findings") or {}).values()]
        open_codes = {f.item_code for f in findings if f.is_open and f.item_code}
        report = score_inspection(checklist, results, open_codes)
        audit = tables.get("audit") or {}
        head = ""
        if audit:
            last = audit.get(str(max(int(k) for k in audit)))
            head = str((last or {}).get("hash", ""))
        return Entry(path, dict(meta), checklist, sort_findings(checklist, findings), report, len(audit), head, verification,
                     self_assessments=self_assessments_from(tables, checklist), results=results)


def _reason(exc: BaseException, path: Path) -> str:
    text = str(exc) if isinstance(exc, FzzfError) else f"{type(exc).__name__}: {exc}"
    # the file is named in its own column; the store's messages end with "：<path>"
    for tail in (f"：{path}", f": {path}", str(path)):
        text = text.replace(tail, "")
    return text.strip() or type(exc).__name__


def _chain(reader: "Reader", e: Entry) -> tuple[list[str], list[str]]:
    """(problems, entry hashes) of one copy, verified in full."""
    from ..inspection.verify import verify_loaded

    try:
        if e.source.name.endswith(BUNDLE_SUFFIX):
            from .bundle import read_bundle

            audit = read_bundle(e.source).tables.get("audit") or {}  # verified on reading, or refused
            return [], [str(audit[k].get("hash")) for k in sorted(audit, key=int)]
        from ..fileio import MAX_JSON_DEPTH
        from ..inspection.storage import load_file

        loaded = load_file(e.source, max_depth=MAX_JSON_DEPTH)
        report = verify_loaded(loaded)
        return list(report.problems), [str(x.get("hash")) for x in loaded.entries]
    except Exception as exc:  # noqa: BLE001 - unreadable now: it does not verify
        return [_reason(exc, e.source)], []


def _dedupe(entries: list[Entry], skipped: list[tuple[str, str]], reader: "Reader | None" = None) -> list[Entry]:
    """One entry per inspection id, decided by verified content.

    Copies of one inspection are verified in full. A copy that fails is not counted. Of the
    rest, one whose audit trail is the start of another's is an earlier state of the same record
    and is not counted beside it. Copies whose trails diverge (each has changes the other
    lacks) disagree: none of them is counted, each is listed with why, for the office to merge
    or choose.
    """
    reader = reader or Reader()
    by_id: dict[str, list[Entry]] = {}
    for e in entries:
        by_id.setdefault(e.id, []).append(e)
    kept: list[Entry] = []
    for e in entries:
        copies = by_id[e.id]
        if copies[0] is not e:
            continue
        if len(copies) == 1:
            kept.append(e)
            continue
        good: list[tuple[Entry, list[str]]] = []
        bad: list[Entry] = []
        for c in copies:
            problems, chain = _chain(reader, c)
            if problems or not chain:
                c.verification = "未通过：" + "；".join(problems or ["审计记录为空"])
                bad.append(c)
            else:
                c.verification = "通过"
                good.append((c, chain))
        names = "、".join(c.source.name for c in copies)
        for c in bad:
            skipped.append((str(c.source), f"同一检查（编号 {e.id}）有 {len(copies)} 份副本（{names}），此份未通过校验，"
                                           f"未计入：{c.verification[4:]}"))
        if not good:
            continue
        good.sort(key=lambda g: -len(g[1]))
        longest, chain = good[0]
        diverged = [(c, ch) for c, ch in good[1:] if chain[len(ch) - 1] != ch[-1]]
        if diverged:
            for c, ch in good:
                others = [o for o, _ in good if o is not c]
                first_diff = next((i for i, (x, y) in enumerate(zip(ch, chain)) if x != y), min(len(ch), len(chain)))
                skipped.append((str(c.source), (
                    f"与 {'、'.join(o.source.name for o in others)} 是同一检查（编号 {e.id}）的不同副本，内容不一致"
                    f"（审计记录 {len(ch)} 条，自第 {first_diff + 1} 条起与另一份不同），两份都未计入；"
                    "请核对后用 fzzf merge 合并，或只保留正确的一份")))
            continue
        for c, ch in good[1:]:
            detail = "内容相同" if len(ch) == len(chain) else (
                f"是 {longest.source.name} 的较早状态（审计记录 {len(ch)} 条，为其 {len(chain)} 条中的前 {len(ch)} 条）")
            skipped.append((str(c.source), f"与 {longest.source.name} 是同一检查（编号 {e.id}），只计一次：{detail}"))
        notes = [c.source.name for c, _ in good[1:]] + [c.source.name for c in bad]
        if notes:
            longest.notes.append("另有副本未计入：" + "、".join(notes))
        kept.append(longest)
    return kept


def consolidate(
    inputs: Iterable[str | Path],
    out: str | Path | None,
    today: date | None = None,
    force: bool = False,
    progress: Callable[[Path], None] | None = None,
    verify: bool = False,
) -> ConsolidateReport:
    """Read every input (read-only), write the workbook, return what was included and skipped.

    ``today`` decides what is overdue (default: the real today); ``progress`` is called after
    each input; ``verify`` also checks each ``.fzzf`` file's audit chain and seal (bundles are
    always checked).
    """
    today = today or date.today()
    files = collect_inputs(inputs)
    if not files:
        raise ExportError("没有找到可汇总的检查文件（.fzzf）或数据包（.fzzf.zip）")
    target = target_path(out, "汇总", ".xlsx")
    reader = Reader(verify=verify)
    report = ConsolidateReport(target)
    entries: list[Entry] = []
    started = time.perf_counter()
    for path in files:
        try:
            entries.append(reader.read(path))
        except Exception as exc:  # noqa: BLE001 - a broken or hostile input never stops the run
            report.skipped.append((str(path), _reason(exc, path)))
        if progress is not None:
            progress(path)
    report.included = _dedupe(entries, report.skipped, reader)
    report.overdue = sum(e.overdue(today) for e in report.included)
    report.timings["read"] = time.perf_counter() - started
    started = time.perf_counter()
    report.output = write_workbook(report, target, today, force)
    report.timings["write"] = time.perf_counter() - started
    return report


# -- the workbook ------------------------------------------------------------------------------
def ranked_groups(entries: Iterable[Entry]) -> list[list[Entry]]:
    """Entries grouped by checklist (id + version), each group best first."""
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        groups.setdefault(e.group, []).append(e)
    ordered = sorted(groups.values(), key=lambda g: (g[0].type, g[0].group_title, g[0].group))
    for g in ordered:
        g.sort(key=lambda e: (not e.rankable, -e.report.percent, -(e.report.completion or 0), e.unit, e.id))
    return ordered


class _Cells:
    """Write-only cells: plain values where possible (much faster), styled cells on request.

    Text is cleaned for XML and never becomes a formula (as :func:`cells.put` guarantees for
    the normal workbooks).
    """

    def __init__(self) -> None:
        from openpyxl.cell.cell import Cell
        from openpyxl.styles import Alignment, Font, PatternFill

        from .cells import (
            FONT_BOLD, FONT_HEADER, FONT_TITLE, FORMULA_STARTS, HEADER_FILL, PERCENT_FORMAT, POINTS_FORMAT, WRAP_CENTER,
            clean_text,
        )

        self.title_font, self.header_font, self.bold = FONT_TITLE, FONT_HEADER, FONT_BOLD
        self.header_fill, self.header_align = HEADER_FILL, WRAP_CENTER
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.percent, self.points = PERCENT_FORMAT, POINTS_FORMAT
        self.red = PatternFill("solid", fgColor="FFC7CE")
        self.group_font = Font(name=FONT_BOLD.name, size=12, bold=True)
        self._styles: dict[tuple[Any, ...], Any] = {}
        # bound once: __call__ runs for every cell of 300 inspections
        self._cell, self._clean, self._formula_starts = Cell, clean_text, FORMULA_STARTS

    def __call__(self, ws: Any, value: Any, font: Any = None, fill: Any = None, fmt: str | None = None,
                 align: Any = None) -> Any:
        formula_like = False
        if isinstance(value, str):
            value = self._clean(value)
            formula_like = value.startswith(self._formula_starts)
        if font is None and fill is None and fmt is None and align is None and not formula_like:
            return value
        c = self._cell(ws, row=1, column=1, value=value, style_array=self._style(ws, font, fill, fmt, align, formula_like))
        if formula_like:
            c.data_type = "s"  # text, never a formula
        return c

    def _style(self, ws: Any, font: Any, fill: Any, fmt: str | None, align: Any, quote: bool) -> Any:
        # Registering a style hashes it into the workbook's lists; do it once per combination
        # and copy the resulting index array (what openpyxl does when it copies a cell).
        key = (ws.parent, id(font), id(fill), fmt, id(align), quote)
        style = self._styles.get(key)
        if style is None:
            from openpyxl.cell import WriteOnlyCell

            proto = WriteOnlyCell(ws)
            if font is not None:
                proto.font = font
            if fill is not None:
                proto.fill = fill
            if fmt:
                proto.number_format = fmt
            if align is not None:
                proto.alignment = align
            if quote:
                proto.quotePrefix = True
            style = self._styles[key] = proto._style
        return style

    def text(self, ws: Any, value: Any) -> Any:
        return self(ws, value)

    def headers(self, ws: Any, names: Iterable[str]) -> list[Any]:
        return [self(ws, n, font=self.header_font, fill=self.header_fill, align=self.header_align) for n in names]


def _new_workbook() -> Any:
    from openpyxl import Workbook
    from openpyxl.utils.indexed_list import IndexedList

    from .cells import FONT_BODY

    wb = Workbook(write_only=True)
    # as cells.new_workbook: 宋体 as the default font, so CJK widths come out as computed
    wb._fonts = IndexedList([FONT_BODY])
    wb._named_styles["Normal"].font = FONT_BODY
    return wb


def _sheet(wb: Any, name: str, widths: Iterable[float], landscape: bool = True, title_rows: str | None = "1:2") -> Any:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    from .cells import print_setup

    ws = wb.create_sheet(name)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.PAPERSIZE_A4 = Worksheet.PAPERSIZE_A4  # cells.print_setup reads it off the sheet
    print_setup(ws, landscape=landscape, title_rows=title_rows, footer=f"法治政府建设检查汇总 · {name}")
    return ws


def _ranking_sheet(wb: Any, cell: _Cells, groups: list[list[Entry]], today: date, n: int) -> None:
    from openpyxl.utils import get_column_letter

    ws = _sheet(wb, RANKING, RANKING_WIDTHS)
    ws.freeze_panes = "C3"
    ws.append([cell(ws, f"法治政府建设检查汇总排名（{n} 个检查，截至 {today.isoformat()}）", font=cell.title_font)])
    ws.append(cell.headers(ws, RANKING_HEADERS))
    rows = 0
    for group in groups:
        for rank, e in enumerate(group, start=1):
            r = e.report
            sev = dict.fromkeys(SEVERITIES, 0)
            for f in e.findings:
                if f.severity in sev:
                    sev[f.severity] += 1
            notes = list(e.notes)
            if not e.rankable:
                notes.insert(0, f"尚有 {r.unscored} 项未评，不参与排名")
            scored = r.has_value
            ws.append([
                rank if e.rankable else "—", cell.text(ws, e.unit), cell.text(ws, e.type), cell.text(ws, e.group_title),
                cell(ws, r.total, fmt=cell.points) if scored else "未评", cell(ws, r.max_total, fmt=cell.points),
                cell(ws, r.percent / 100, fmt=cell.percent) if scored else "—", cell.text(ws, r.grade_text),
                cell(ws, r.completion, fmt=cell.percent) if r.completion is not None else "—",
                cell(ws, r.progress, fmt=cell.percent),
                sev["一般"], sev["较重"], sev["严重"], sum(1 for f in e.findings if f.is_open), e.overdue(today),
                cell.text(ws, e.meta.get("status", "")), cell.text(ws, e.meta.get("date", "")), cell.text(ws, e.id),
                cell.text(ws, e.verification or "未校验"), cell.text(ws, str(e.source)), cell.text(ws, "；".join(notes)),
                *_self_cells(cell, ws, e),
            ])
            rows += 1
    ws.auto_filter.ref = f"A2:{get_column_letter(len(RANKING_HEADERS))}{rows + 2}"


def _self_cells(cell: _Cells, ws: Any, e: Entry) -> list[Any]:
    """排名 V–W: 自评分 and 自评虚高 (blank without a 自评)."""
    if not e.has_self:
        return [None, None]
    comp = e.self_comparison
    total = cell(ws, comp.self_total, fmt=cell.points) if comp.self_total is not None else "未自评"
    gap = cell(ws, comp.final_gap, fmt=SIGNED_POINTS) if comp.final_gap is not None else "—"
    return [total, gap]


SIGNED_POINTS = '+0.00;"−"0.00;0.00'


def _self_excess_sheet(wb: Any, cell: _Cells, groups: list[list[Entry]]) -> None:
    """自评虚高 per unit and per top-level section, one block per checklist."""
    with_self = [[e for e in g if e.has_self] for g in groups]
    with_self = [g for g in with_self if g]
    if not with_self:
        return
    widest = max(len(g[0].checklist.items) for g in with_self)
    ws = _sheet(wb, SELF_EXCESS, (28, 10, 10, 10, 10) + (12,) * widest, title_rows=None)
    ws.freeze_panes = "B1"
    ws.append([cell(ws, "自评虚高：单位自评分与督察分之差（自评 − 督察，正数为自评偏高）", font=cell.title_font)])
    for group in with_self:
        sections = list(group[0].checklist.items)
        ws.append([])
        ws.append([cell(ws, f"{group[0].type} · {group[0].group_title}（{len(group)} 个单位有自评）", font=cell.group_font)])
        ws.append(cell.headers(ws, ["被检查单位", "自评分", "督察分", "自评虚高", "自评进度"]
                               + [f"{s.code} {s.title}" for s in sections]))
        for e in group:
            comp = e.self_comparison
            answered = comp.self_report
            values = [
                cell.text(ws, e.unit),
                cell(ws, comp.self_total, fmt=cell.points) if comp.self_total is not None else "未自评",
                cell(ws, comp.inspected_total, fmt=cell.points) if comp.inspected_total is not None else "未评",
                cell(ws, comp.final_gap, fmt=SIGNED_POINTS) if comp.final_gap is not None else "督察未评完",
                cell(ws, answered.progress, fmt=cell.percent),
            ]
            for s in comp.sections:
                final = comp.final_gap is not None and s.gap is not None
                values.append(cell(ws, s.gap, fmt=SIGNED_POINTS) if final else "—")
            ws.append(values)


def _comparison_sheet(wb: Any, cell: _Cells, groups: list[list[Entry]]) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    widest = max((sum(1 for i in g[0].checklist.items if i.kind == "normal") for g in groups), default=0)
    ws = _sheet(wb, COMPARISON, (28, 10) + (14,) * widest, title_rows=None)
    ws.freeze_panes = "B1"
    ws.append([cell(ws, "各一级指标得分率对比（同一清单的检查放在一起比较）", font=cell.title_font)])
    row = 1
    for group in groups:
        sections = [i for i in group[0].checklist.items if i.kind == "normal"]
        ws.append([])
        ws.append([cell(ws, f"{group[0].type} · {group[0].group_title}（{len(group)} 个单位）", font=cell.group_font)])
        ws.append(cell.headers(ws, ["被检查单位", "总得分率"] + [f"{s.code} {s.title}" for s in sections]))
        row += 3
        first = row + 1
        for e in group:
            values = [cell.text(ws, e.unit),
                      cell(ws, e.report.percent / 100, fmt=cell.percent) if e.report.has_value else "未评"]
            for s in sections:
                ns = e.report.nodes.get(s.code)
                if ns is None or not ns.applicable:
                    values.append("不涉及")
                elif ns.percent is None:
                    values.append("未评")
                else:
                    values.append(cell(ws, ns.percent / 100, fmt=cell.percent))
            ws.append(values)
            row += 1
        last_col = get_column_letter(2 + len(sections))
        ws.conditional_formatting.add(
            f"B{first}:{last_col}{row}",
            ColorScaleRule(start_type="num", start_value=0.6, start_color="F8696B", mid_type="num", mid_value=0.8,
                           mid_color="FFEB84", end_type="num", end_value=1, end_color="63BE7B"),
        )


def _ledger_sheet(wb: Any, cell: _Cells, entries: list[Entry], today: date, overdue: int) -> None:
    from openpyxl.formatting.rule import FormulaRule

    ws = _sheet(wb, LEDGER, LEDGER_WIDTHS)
    ws.freeze_panes = "C3"
    # columns, panes and print settings must be set before the first row: write-only mode
    # writes them out with it
    ws.column_dimensions["M"].hidden = True
    ws.column_dimensions["N"].hidden = True
    total = sum(len(e.findings) for e in entries)
    ws.append([cell(ws, f"法治政府建设问题整改台账（截至 {today.isoformat()}，共 {total} 项，逾期 {overdue} 项）",
                    font=cell.title_font)])
    ws.append(cell.headers(ws, LEDGER_HEADERS))
    n = 0
    for e in sorted(entries, key=lambda e: (e.unit, e.type, str(e.meta.get("date", "")), e.id)):
        unit, type_, ins_id = cell.text(ws, e.unit), cell.text(ws, e.type), cell.text(ws, e.id)
        for f in e.findings:
            n += 1
            due = None
            if f.due:
                try:
                    due = date.fromisoformat(f.due)
                except ValueError:
                    due = f.due
            # plain values for speed; overdue rows are coloured by one conditional format below
            ws.append([
                n, unit, type_, cell.text(ws, f.item_code or "整体"), cell(ws, f.description, align=cell.wrap),
                cell(ws, f.requirement, align=cell.wrap), cell.text(ws, "、".join(f.units)), due, cell.text(ws, f.status),
                cell.text(ws, f.review), OVERDUE if is_overdue(f, today) else "", cell.text(ws, f.severity), ins_id,
                cell.text(ws, f.id),
            ])
    last = max(FIRST_DATA_ROW - 1, n + FIRST_DATA_ROW - 1)
    if n:
        ws.conditional_formatting.add(
            f"A{FIRST_DATA_ROW}:L{last}",
            FormulaRule(formula=[f'${LEDGER_OVERDUE_COLUMN}{FIRST_DATA_ROW}="{OVERDUE}"'], fill=cell.red),
        )
    ws.auto_filter.ref = f"A2:N{last}"


def _skipped_sheet(wb: Any, cell: _Cells, skipped: list[tuple[str, str]]) -> None:
    ws = _sheet(wb, SKIPPED, (60, 90))
    ws.append([cell(ws, f"未纳入汇总的文件（{len(skipped)} 个）", font=cell.title_font)])
    ws.append(cell.headers(ws, ("文件", "原因")))
    for name, reason in skipped:
        ws.append([cell.text(ws, name), cell(ws, reason, align=cell.wrap)])
    if not skipped:
        ws.append([cell.text(ws, "所有文件均已纳入汇总。")])


def write_workbook(report: ConsolidateReport, target: Path, today: date, force: bool = False) -> Path:
    """Write the four sheets to ``target`` (a new name ``…(2).xlsx`` if it exists, unless ``force``)."""
    cell = _Cells()
    wb = _new_workbook()
    groups = ranked_groups(report.included)
    _ranking_sheet(wb, cell, groups, today, len(report.included))
    _comparison_sheet(wb, cell, groups)
    _self_excess_sheet(wb, cell, groups)  # only when some unit has a 自评
    _ledger_sheet(wb, cell, [e for g in groups for e in g], today, report.overdue)
    _skipped_sheet(wb, cell, report.skipped)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"无法创建文件夹 {target.parent}：{exc.strerror or exc}") from None
    if target.is_dir():
        raise ExportError(f"{target} 是一个文件夹，不能作为汇总文件")
    tmp = temp_path(target, ".xlsx")
    try:
        try:
            wb.save(tmp)
        except OSError as exc:
            raise ExportError(f"无法写入 {target}：{exc.strerror or exc}") from None
        return place(tmp, target, ".xlsx", force)
    finally:
        if tmp.exists():
            tmp.unlink()


__all__ = [
    "ConsolidateReport", "Entry", "LEDGER_HEADERS", "RANKING_HEADERS", "Reader", "SHEET_NAMES", "collect_inputs",
    "consolidate", "is_overdue", "ranked_groups", "write_workbook",
]
