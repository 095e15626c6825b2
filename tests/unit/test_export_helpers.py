"""Builders shared by the export tests: inspections made through the public API only."""

from __future__ import annotations

from pathlib import Path

from fzzf_tui.inspection import Evidence, Inspection, InspectionStore

FORMULA_TEXT = '=HYPERLINK("x")'


def evidence_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "minutes": folder / "会议纪要.pdf",
        "photo": folder / "现场照片.jpg",
    }
    files["minutes"].write_bytes("2026年第3次常务会议纪要（扫描件）".encode("utf-8") * 50)
    files["photo"].write_bytes(bytes(range(256)) * 40)
    return files


def rich_demo_inspection(store: InspectionStore, checklist, folder: Path, finalize: bool = True) -> Inspection:
    """demonstration-2020 with grades, 不涉及 (a whole section too), bonus, penalty, notes,
    findings with file and text evidence, formula-like text, and 整改 progress."""
    files = evidence_files(folder)
    ins = store.create(checklist, "洛阳市司法局", ["张明", "李华"], "2026-11-20")
    ins.set_value("1.1.1", "完全达到", note="资料齐全")
    ins.set_value("1.1.2", "基本达到")
    ins.set_value("1.1.3", "部分达到", note="+中介服务清单未公开")
    ins.set_na("1.1.5", "本单位不承担企业开办职责")
    ins.set_value("2.1.23", "未达到")
    for leaf in checklist.item("8").leaves():  # a whole 一级指标 不涉及 → renormalised
        ins.set_na(leaf.code, "由上级统一组织")
    ins.set_value("B.1", "符合")
    ins.set_value("P.1", "发生")  # the bad event happened: lose 20
    minutes = Evidence.from_file(files["minutes"])
    photo = Evidence.from_file(files["photo"], text="办事大厅公示栏")
    ins.add_finding("行政审批中介服务清单未向社会公开", item_code="1.1.3", evidence=[minutes, "现场查阅门户网站"],
                    severity="较重", requirement="30日内在门户网站公开中介服务清单", due="2026-12-31")
    ins.add_finding(FORMULA_TEXT, item_code="1.1.2", evidence=[minutes, photo], severity="严重",
                    requirement="-立即整改", units=["@市政务服务和大数据管理局"], due="2027-01-15")
    f3 = ins.add_finding("重大行政决策目录未按年度公布", item_code="3.1.36", severity="一般",
                         requirement="+补充公布2026年度决策目录", due="2026-12-15")
    f4 = ins.add_finding("法治督察工作台账不完整", evidence=["台账缺少2026年第二季度记录"])
    ins.set_finding_status(f3.id, "整改中")
    ins.set_finding_status(f4.id, "已整改")
    ins.set_finding_status(f4.id, "已销号", review="经复查，台账已补齐")
    if finalize:
        ins.finalize()
        ins.set_finding_status(f3.id, "已整改")  # 整改 goes on after the seal
    return ins
