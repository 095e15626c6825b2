"""Every office deliverable converted with LibreOffice headless to PDF, as an office would print it:
A4, nothing cut, text at 9 pt or more, headers repeated, the signature blocks on the last page.

Skipped where LibreOffice is not installed (``apt-get install libreoffice-calc libreoffice-writer
fonts-noto-cjk``); the Word documents are skipped where only LibreOffice Calc is (no Writer), and
the size checks where no CJK font is installed.
Page checks need poppler's ``pdfinfo``/``pdftotext``.

Text size is measured, not assumed: a CJK character is one em wide, so a word of CJK characters
in ``pdftotext -bbox`` output is ``len(word) × size`` points wide, whatever the scaling applied.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from fzzf_tui.exporting import export_inspection
from fzzf_tui.exporting.consolidate import consolidate

from .test_export_pdf import A4_LANDSCAPE, A4_PORTRAIT, SOFFICE, page_sizes, page_text

pytestmark = [
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
    pytest.mark.skipif(not (shutil.which("pdfinfo") and shutil.which("pdftotext")),
                       reason="poppler-utils (pdfinfo, pdftotext) not installed"),
]

MIN_SIZE = 8.95  # 9 pt, less measuring noise
ISSUER = "某市法治政府建设督察办公室"
CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


def convert_all(files: list[Path], outdir: Path) -> dict[str, Path | None]:
    """One LibreOffice run for all files; name → PDF (None where LibreOffice could not load it)."""
    profile = outdir / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, files)], capture_output=True, text=True, timeout=480)
    out: dict[str, Path | None] = {}
    for f in files:
        pdf = outdir / (f.stem + ".pdf")
        out[f.name] = pdf if pdf.is_file() and pdf.read_bytes().startswith(b"%PDF") else None
    return out


def cjk_sizes(pdf: Path) -> dict[int, list[tuple[float, str]]]:
    """page → [(size in pt, word)] of every all-CJK word, smallest first."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages: dict[int, list[tuple[float, str]]] = {}
    page = 0
    for line in xml.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', line)
        if m and CJK_WORD.fullmatch(m.group(3)):
            pages.setdefault(page, []).append(((float(m.group(2)) - float(m.group(1))) / len(m.group(3)), m.group(3)))
    return {p: sorted(v) for p, v in pages.items()}


def has_cjk_font() -> bool:
    """A CJK font LibreOffice can print with: without one its fallback glyphs are not one em wide."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True  # cannot tell (not fontconfig): measure anyway
    out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout
    return bool(out.strip())


def assert_readable(pdf: Path, pages: list[int] | None = None) -> float:
    """Every CJK word on ``pages`` (default all) at MIN_SIZE or more; returns the smallest size."""
    if not has_cjk_font():
        pytest.skip("no CJK font installed (fc-list :lang=zh is empty): printed sizes cannot be measured; "
                    "apt-get install fonts-noto-cjk")
    sizes = cjk_sizes(pdf)
    smallest = min((v[0] for p, v in sizes.items() if pages is None or p in pages), default=(99.0, ""))
    assert smallest[0] >= MIN_SIZE, f"{pdf.name}: “{smallest[1]}” printed at {smallest[0]:.2f} pt"
    return smallest[0]


@pytest.fixture
def deliverables(store, special_checklist, demo_checklist, tmp_path):
    """Eight 专项督察 units (six finished, many findings, two begun) and the four documents."""
    inspections = []
    for u in range(8):
        ins = store.create(special_checklist, f"某市第{u + 1}行政执法单位（含下属执法支队）", inspectors=["张明", "李华"],
                           date_="2026-05-20")
        leaves = [leaf.code for leaf in special_checklist.leaves()]
        for n, code in enumerate(leaves if u < 6 else leaves[:3]):
            ins.set_value(code, (n + u) % 3)
        for k in range(3 + u % 3):
            ins.add_finding("行政执法公示制度落实不到位，执法全过程记录不完整，重大执法决定法制审核流于形式" * (1 + k % 2),
                            item_code=leaves[(k * 5) % len(leaves)], severity=("一般", "较重", "严重")[k % 3],
                            requirement="完善执法公示平台，补齐执法记录，建立法制审核台账并按月通报" * (1 + k % 2),
                            due="2026-03-31" if k % 2 else "2026-12-31")
        if u < 6:
            ins.finalize()
        inspections.append(ins)
    report = consolidate([store.root], tmp_path / "汇总.xlsx", today=date(2026, 6, 1), report_docx=tmp_path / "通报.docx",
                         report_options={"issuer": ISSUER})
    first = inspections[0]
    workbook = export_inspection(first, "xlsx", tmp_path / "检查.xlsx")
    letter = export_inspection(first, "docx", tmp_path / "反馈意见书.docx", issuer=ISSUER)
    for ins in inspections:
        ins.close()
    files = [report.output, workbook, letter, report.documents[0]]
    return convert_all(files, tmp_path)


def test_summary_workbook_prints_on_a4_readable_with_repeated_headers(deliverables) -> None:
    pdf = deliverables["汇总.xlsx"]
    assert pdf is not None, "LibreOffice could not convert 汇总.xlsx"
    sizes = page_sizes(pdf)
    assert sizes and all(s == pytest.approx(A4_LANDSCAPE, abs=1) for s in sizes)
    assert_readable(pdf)
    texts = [page_text(pdf, n) for n in range(1, len(sizes) + 1)]
    ledger = [t for t in texts if "检查汇总 · 整改台账" in t]  # by the footer
    assert len(ledger) >= 2, "31 findings take more than one page"
    for t in ledger:  # the header row repeats; every visible column is on the page
        for header in ("序号", "被检查单位", "问题", "整改要求", "整改时限", "状态", "整改措施", "逾期"):
            assert header in t
        assert "问题编号" not in t  # hidden
    ranking = re.sub(r"\s+", "", texts[0])  # a long line may wrap anywhere, by the font's metrics
    assert "名次" in ranking and "进度" in ranking and "未参与排名2个" in ranking
    assert re.search(r"第\s*1\s*页", ledger[0])  # pages numbered per sheet


def test_rectification_list_prints_with_the_signature_block_on_its_last_page(deliverables) -> None:
    pdf = deliverables["检查.xlsx"]
    assert pdf is not None
    sizes = page_sizes(pdf)
    texts = [page_text(pdf, n) for n in range(1, len(sizes) + 1)]
    pages = [i + 1 for i, t in enumerate(texts) if "问题整改清单" in t]
    assert pages
    assert_readable(pdf, pages)
    assert "被检查单位（盖章）" in texts[pages[-1] - 1] and "检查组（签字）" in texts[pages[-1] - 1]
    assert all("被检查单位（盖章）" not in texts[p - 1] for p in pages[:-1])
    for p in pages:
        assert "整改措施及完成" in texts[p - 1] and "复查意见" in texts[p - 1]
    assert re.search(r"第\s*1\s*页", texts[pages[0] - 1])


def test_word_documents_print_on_a4_with_the_issuer_and_date_closing_them(deliverables) -> None:
    letter, bulletin = deliverables["反馈意见书.docx"], deliverables["通报.docx"]
    if letter is None and bulletin is None:
        pytest.skip("LibreOffice Writer is not installed (only Calc): the Word documents were not converted")
    for pdf in (letter, bulletin):
        assert pdf is not None
        sizes = page_sizes(pdf)
        assert all(s == pytest.approx(A4_PORTRAIT, abs=1) for s in sizes)
        assert_readable(pdf)
        texts = [page_text(pdf, n) for n in range(1, len(sizes) + 1)]
        for n, t in enumerate(texts, start=1):  # “— 1 —” page numbers
            assert re.search(rf"—\s*{n}\s*—", t), (pdf.name, n)
        closing = next(i for i, t in enumerate(texts) if ISSUER in t)
        assert re.search(r"\d{4}\s*年\s*\d+\s*月\s*\d+\s*日", texts[closing].split(ISSUER)[1])
        if pdf is letter:
            assert closing == len(texts) - 1  # the 落款 closes the letter, on its last page
        else:
            assert "附件" in texts[closing + 1] and "各单位问题及整改要求" in texts[closing + 1]
