"""One date parser for every date typed or read from a workbook (fzzf_tui/dates.py): 整改时限,
检查日期 and the campaign's dates all accept the same spellings and refuse the same mistakes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fzzf_tui.campaign.model import parse_date as campaign_date
from fzzf_tui.errors import InvalidValue
from fzzf_tui.inspection.findings import validate_due


@pytest.mark.parametrize("parse", [validate_due, lambda v: campaign_date(v, "截止日期")])
@pytest.mark.parametrize(("value", "iso"), [
    ("2026-12-31", "2026-12-31"), ("2026/12/31", "2026-12-31"), ("2026.1.5", "2026-01-05"),
    ("2026年1月5日", "2026-01-05"), (" 2026-1-5 ", "2026-01-05"), (date(2026, 1, 5), "2026-01-05"),
    (datetime(2026, 1, 5, 0, 0), "2026-01-05"),  # a workbook's date cell: the date, no time
    (None, ""), ("", ""),
])
def test_the_same_spellings_are_read_everywhere(parse, value, iso) -> None:
    assert parse(value) == iso


@pytest.mark.parametrize("parse", [validate_due, lambda v: campaign_date(v, "截止日期")])
@pytest.mark.parametrize("value", ["2026-12-31-5", "2026-12", "2026-13-01", "2026-02-30", "明年", "99999999999-1-1"])
def test_the_same_mistakes_are_refused_everywhere(parse, value) -> None:
    with pytest.raises(InvalidValue, match="不是有效日期"):
        parse(value)


def test_the_message_names_the_field() -> None:
    with pytest.raises(InvalidValue, match="整改时限“2026-12-31-5”"):
        validate_due("2026-12-31-5")
    with pytest.raises(InvalidValue, match="截止日期“明年”"):
        campaign_date("明年", "截止日期")
