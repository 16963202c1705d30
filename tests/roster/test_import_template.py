"""The import template: Chinese headers, drop-downs, text-formatted ID and mobile columns, an example
row that the import skips, and a sheet of instructions."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook
from roster.import_helpers import (
    error_at,
    errors,
    notes,
)
from roster.xlsx_factory import demo_rows

from guazhi.roster.import_validation import validate_roster


def test_template_download(client_for, programme_admin, units, cohort):
    response = client_for(programme_admin).get(reverse("roster:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["干部名册", "填写说明"]
    ws = wb["干部名册"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["姓名", "性别", "出生日期", "身份证号", "手机号"]
    for expected in (
        "政治面貌",
        "学历",
        "派出单位",
        "接收单位",
        "挂任职务",
        "分管工作",
        "开始日期",
        "计划结束日期",
        "状态",
    ):
        assert expected in headers
    assert ws.freeze_panes == "A2"
    id_col = headers.index("身份证号") + 1
    assert ws.cell(row=2, column=id_col).number_format == "@"
    assert ws.cell(row=500, column=headers.index("手机号") + 1).number_format == "@"
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"男,女"' in lists
    assert '"中共党员,中共预备党员,共青团员,民主党派,群众"' in lists
    assert '"待报到,在岗,期满,提前结束"' in lists
    assert any("大学本科" in f for f in lists)
    assert "示例" in ws.cell(row=2, column=1).value
    assert "身份证号" in " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row)

    # The untouched template: the example row is skipped, so there is nothing to import.
    result = validate_roster(data, cohort=cohort)
    assert error_at(result, 2, "") == "表头下面没有数据行。"
    assert any("示例行" in n[2] for n in notes(result))

    # Filled in below the example row, it validates.
    for r, row in enumerate(demo_rows(2), start=3):
        for c, header in enumerate(headers, start=1):
            ws.cell(row=r, column=c, value=row.get(header))
    out = io.BytesIO()
    wb.save(out)
    result = validate_roster(out.getvalue(), cohort=cohort)
    assert errors(result) == []
    assert len(result.rows) == 2
