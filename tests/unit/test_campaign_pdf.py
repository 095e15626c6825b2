"""The 自查表 and the 自评与督察差异 sheet print on A4 (LibreOffice headless → PDF).

Skipped where LibreOffice is not installed; page checks need poppler's pdfinfo/pdftotext.
"""

from __future__ import annotations

import re
import shutil

import pytest

from fzzf_tui.campaign import CampaignSpec, CampaignStore, CampaignUnit, Dates, Team
from fzzf_tui.campaign.forms import write_forms
from fzzf_tui.exporting import export_inspection
from fzzf_tui.inspection import Inspection

from .test_export_pdf import (
    A4_LANDSCAPE,
    A4_PORTRAIT,
    SOFFICE,
    convert,
    page_sizes,
    page_text,
)

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _poppler() -> None:
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdfinfo, pdftotext) not installed: page checks skipped")


def test_self_check_form_prints_on_a4(store, annual_checklist, tmp_path) -> None:
    """The longest built-in checklist (annual, 338 items), a unit with a 不涉及 profile."""
    spec = CampaignSpec("2026年度法治政府建设考核", (CampaignUnit("国家税务总局某市税务局", "第一组", ("中直机构不涉及",)),),
                        (Team("第一组", ("张明",)),), Dates(self_check_due="2026-11-30"))
    with CampaignStore().create(spec, annual_checklist) as campaign:
        form = write_forms(campaign, tmp_path / "forms", store)[0]
    pdf = convert(form, tmp_path)
    _poppler()
    sizes = page_sizes(pdf)
    assert len(sizes) > 10 and all(s == pytest.approx(A4_LANDSCAPE, abs=1) for s in sizes)
    texts = [page_text(pdf, n) for n in range(1, len(sizes) + 1)]
    for t in texts:  # title and header rows on every page; the hidden column never prints
        assert "2026年度法治政府建设考核自查表" in t and "自评结果" in t and "佐证材料" in t
        assert "指标编号" not in t
        assert re.search(r"第 \d+ 页，共 \d+ 页", t)
    first = texts[0]
    assert "填报单位：国家税务总局某市税务局" in first and "填报人" in first and "联系电话" in first
    everything = "\n".join(texts)
    # every item is printed once, to the last one, none cut off to a page on the right
    last = list(annual_checklist.leaves())[-1].code
    assert last in everything
    assert "原文标注" in everything  # pre-marked from the profile: 原文标注“中直机构不涉及” (wraps in its cell)


def test_difference_sheet_prints_on_a4(store, demo_checklist, tmp_path) -> None:
    from tests.campaign_scenario import run_scenario

    sc = run_scenario(demo_checklist, tmp_path, store)
    with Inspection.open(sc.inspections["市司法局"], readonly=True) as ins:
        xlsx = export_inspection(ins, "xlsx", tmp_path / "out.xlsx")
    pdf = convert(xlsx, tmp_path)
    _poppler()
    sizes = page_sizes(pdf)
    texts = [page_text(pdf, n) for n in range(1, len(sizes) + 1)]
    diff = [i for i, t in enumerate(texts) if "市司法局自评与督察结果对比" in t]
    assert diff and all(sizes[i] == pytest.approx(A4_LANDSCAPE, abs=1) for i in diff)
    page = texts[diff[0]]
    assert re.search(r"合计\s+总分\s+1000\.00\s+1020\.00\s+973\.00\s+\+47\.00", page), page
    assert "自评与督察结果不一致的指标（5 项）" in page
    detail = [i for i, t in enumerate(texts) if "市司法局示范创建评分明细" in t]
    assert detail and all(sizes[i] == pytest.approx(A4_LANDSCAPE, abs=1) for i in detail)
    assert "自评结果" in texts[detail[0]] and "自评佐证材料" in texts[detail[0]]
    assert all(s == pytest.approx(A4_LANDSCAPE, abs=1) or s == pytest.approx(A4_PORTRAIT, abs=1) for s in sizes)

