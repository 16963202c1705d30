"""The programme admin's table of ratios: one row per writing, filters, sorting, and the Excel
export with the same rows (audited)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from similarity_testdata import prose

from guazhi.audit.models import AuditRecord
from guazhi.similarity.models import Report

pytestmark = pytest.mark.django_db

TABLE = reverse("similarity:cohort_list")
EXPORT = reverse("similarity:cohort_export")


@pytest.fixture
def reports(submit, cadre_user, other_cadre_user):
    """李秀英's honest speech (0%), 张建国's reflection copying most of it (red)."""
    honest = submit(other_cadre_user, prose(100), title="接访工作交流发言", kind="speech")
    copied = submit(cadre_user, prose(101, 200) + "\n" + prose(100), title="挂职心得")
    return Report.objects.get(version=honest), Report.objects.get(version=copied)


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr>")[1:]


def test_the_table_lists_filters_and_sorts(reports, programme_admin, client_for):
    honest, copied = reports
    client = client_for(programme_admin)
    rows = _rows(client.get(TABLE).content.decode())
    assert len(rows) == 2
    assert "张建国" in rows[0] and "复制比过高" in rows[0]  # default: highest ratio first
    assert "李秀英" in rows[1] and "0.0%" in rows[1] and "正常" in rows[1]

    rows = _rows(client.get(TABLE + "?sort=excluding").content.decode())
    assert "李秀英" in rows[0]
    rows = _rows(client.get(TABLE + "?sort=cadre").content.decode())
    assert [("张建国" in r) for r in rows] == [False, True]  # pinyin order: li before zhang

    assert len(_rows(client.get(TABLE + "?verdict=red").content.decode())) == 1
    assert "李秀英" in client.get(TABLE + "?kind=speech").content.decode().split("<tbody>")[1]
    assert len(_rows(client.get(TABLE + "?q=心得").content.decode())) == 1
    assert "没有符合条件" in client.get(TABLE + "?verdict=amber").content.decode()
    # A bogus sort falls back to the default; a bogus filter shows nothing rather than all.
    assert len(_rows(client.get(TABLE + "?sort=password").content.decode())) == 2
    assert "筛选条件无效" in client.get(TABLE + "?kind=nonsense").content.decode()


def test_the_excel_export_has_the_rows_and_is_audited(reports, programme_admin, client_for):
    honest, copied = reports
    response = client_for(programme_admin).get(EXPORT + "?sort=cadre")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("批次", "干部", "派出单位", "接收单位", "材料类型", "标题")
    assert rows[0][8] == "总文字复制比（%）"
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"张建国", "李秀英"}
    assert by_name["李秀英"][2:7] == ("市财政局", "东关街道", "交流发言", "接访工作交流发言", 1)
    assert by_name["李秀英"][7] == honest.chars > 1000
    assert by_name["李秀英"][8] == 0 and by_name["李秀英"][11] == "正常"
    assert by_name["张建国"][9] == round(copied.copy_ratio_excluding_common * 100, 1)
    assert by_name["张建国"][11] == "复制比过高"
    # The table lists writings, not sources: 李秀英 appears on her own row only.
    assert sum("李秀英" in str(cell) for r in rows for cell in r) == 1
    record = AuditRecord.objects.get(event="export", object_type="similarity.report")
    assert record.after["rows"] == 2


def test_the_export_follows_the_filters(reports, programme_admin, client_for):
    response = client_for(programme_admin).get(EXPORT + "?verdict=green")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["李秀英"]
