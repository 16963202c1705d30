"""Reading a roster is bounded: at most 5,000 rows, and a time limit on reading the sheet."""

from __future__ import annotations

from roster.xlsx_factory import build_roster_xlsx, demo_rows

from guazhi.roster import import_reading
from guazhi.roster.import_validation import validate_roster


def test_more_than_5000_rows_are_refused(units, cohort, monkeypatch):
    monkeypatch.setattr(import_reading, "MAX_DATA_ROWS", 30)
    result = validate_roster(build_roster_xlsx(demo_rows(60)), cohort=cohort)
    assert result.rows == []
    assert [i.message for i in result.errors] == [import_reading._TOO_MANY]
    assert "请拆分为多个文件分别导入" in import_reading._TOO_MANY


def test_reading_stops_after_the_time_limit(units, cohort, monkeypatch):
    monkeypatch.setattr(import_reading, "READ_SECONDS", -1.0)  # already past the deadline
    result = validate_roster(build_roster_xlsx(demo_rows(1200)), cohort=cohort)
    assert result.rows == []
    message = result.errors[0].message
    assert message.startswith("读取文件超过 20 秒仍未完成，已停止。")
