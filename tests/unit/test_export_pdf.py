"""The workbook converts to PDF with LibreOffice headless and the 整改清单 prints on A4 landscape.

Skipped where LibreOffice is not installed (``apt-get install libreoffice-calc fonts-noto-cjk``).
Page checks use poppler's ``pdfinfo``/``pdftotext`` when present.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from fzzf_tui.exporting import export_inspection

from .test_export_helpers import rich_demo_inspection

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

A4_LANDSCAPE = (841.89, 595.30)
A4_PORTRAIT = A4_LANDSCAPE[::-1]


def convert(xlsx: Path, outdir: Path) -> Path:
    profile = outdir / "lo-profile"  # own profile: no clash with a running LibreOffice
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(outdir), str(xlsx)],
        capture_output=True, text=True, timeout=240,
    )
    pdf = outdir / (xlsx.stem + ".pdf")
    assert proc.returncode == 0, proc.stderr
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), proc.stdout + proc.stderr
    return pdf


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)]


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def many_findings(store, demo_checklist, tmp_path):
    ins = rich_demo_inspection(store, demo_checklist, tmp_path / "evidence", finalize=False)
    leaves = [leaf for leaf in demo_checklist.leaves() if leaf.kind == "normal"]
    for n, leaf in enumerate(leaves[:30]):
        ins.add_finding(
            "规范性文件备案审查工作不到位，部分文件未在规定时限内报送备案。" * (1 + n % 3),
            item_code=leaf.code,
            severity=("一般", "较重", "严重")[n % 3],
            requirement="于30日内完成整改，建立规范性文件备案审查台账，并将整改情况书面报送市司法局。" * (1 + n % 2),
            due="2026-12-31",
        )
    yield ins
    ins.close()


def test_workbook_converts_to_pdf_and_rectification_fits_a4_landscape(many_findings, tmp_path) -> None:
    xlsx = export_inspection(many_findings, "xlsx", tmp_path / "out.xlsx")
    pdf = convert(xlsx, tmp_path)
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdfinfo, pdftotext) not installed: page checks skipped")
    sizes = page_sizes(pdf)
    texts = [page_text(pdf, n) for n in range(1, len(sizes) + 1)]
    rect_pages = [i for i, t in enumerate(texts) if "问题整改清单" in t]
    assert len(rect_pages) >= 2, "34 findings should need more than one page"
    for i in rect_pages:
        w, h = sizes[i]
        assert (w, h) == pytest.approx(A4_LANDSCAPE, abs=1)
        # title and header rows repeat on every page; every visible column is on the page
        for header in ("序号", "问题", "整改要求", "责任单位", "整改时限", "状态", "复查意见"):
            assert header in texts[i], (i, header)
        assert "内容指纹" not in texts[i] and "问题编号" not in texts[i]  # hidden columns do not print
        # numbered per sheet, without a “共 N 页” that would count the whole workbook
        assert re.search(r"第\s*\d+\s*页", texts[i]) and not re.search(r"共\s*\d+\s*页", texts[i])
    # all 34 findings are printed, numbered 1..34, nothing cut off into an extra page to the right
    numbers = set()
    for i in rect_pages:
        numbers |= {int(m) for m in re.findall(r"^\s*(\d{1,2})\s", texts[i], flags=re.M)}
    assert set(range(1, 35)) <= numbers
    # the other sheets are on A4 too (summary portrait, detail and findings landscape)
    assert all(s == pytest.approx(A4_LANDSCAPE, abs=1) or s == pytest.approx(A4_PORTRAIT, abs=1) for s in sizes)
    assert sizes[0] == pytest.approx(A4_PORTRAIT, abs=1)
