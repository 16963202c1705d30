"""Roster export: the template's columns, masked personal numbers, inert formulas, the list
filters, an audit record for every export, and 404 for every role but the programme admin."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from roster.xlsx_factory import as_upload

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.columns import ROSTER_FIELDS
from guazhi.roster.models import Cohort, RosterImport, Secondment, SecondmentStatus, Unit, UnitKind


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    return data, load_workbook(io.BytesIO(data))["干部名册"]


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.fixture
def roster(cadre_a, cadre_b):
    return [cadre_a, cadre_b]


def test_export_has_the_template_columns_and_masks_personal_numbers(
    client_for, programme_admin, roster
):
    response = client_for(programme_admin).get(reverse("roster:roster_export"))
    assert "attachment" in response["Content-Disposition"]
    data, ws = _sheet(response)
    rows = _rows(ws)
    assert rows[0] == [f.header for f in ROSTER_FIELDS]
    assert ws.freeze_panes == "A2"
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"张建国", "李秀英"}
    zhang = by_name["张建国"]
    assert zhang["身份证号"] == "110***********0014"
    assert zhang["手机号"] == "138****5678"
    assert zhang["性别"] == "男"
    assert zhang["派出单位"] == "市发展和改革委员会"
    assert zhang["接收单位"] == "柳溪镇"
    assert zhang["挂任职务"] == "镇党委副书记"
    assert zhang["分管工作"] == "营商环境\n企业服务"
    assert zhang["开始日期"].date() == date(2026, 3, 1)
    assert zhang["状态"] == "在岗"
    assert b"110105198504120014" not in data and b"13812345678" not in data


def test_every_export_is_audited_with_filter_and_count(client_for, programme_admin, cohort, roster):
    client = client_for(programme_admin)
    url = reverse("roster:roster_export")
    _data, ws = _sheet(client.get(url, {"cohort": cohort.pk, "status": SecondmentStatus.ACTIVE}))
    assert [r[0] for r in _rows(ws)[1:]] == ["张建国"]
    client.get(url)
    first, second = AuditRecord.objects.filter(event=Event.EXPORT).order_by("seq")
    assert first.username == programme_admin.username
    assert first.after["rows"] == 1 and first.after["masked"] is True
    assert "批次：2026年第二批墩苗历练干部" in first.detail and "状态：在岗" in first.detail
    assert "导出干部名册 1 行" in first.detail
    assert second.after["rows"] == 2 and "筛选：无" in second.detail


def test_filters_by_host_unit_home_unit_and_name(client_for, programme_admin, units, roster):
    client = client_for(programme_admin)
    url = reverse("roster:roster_export")

    def names(params):
        return [r[0] for r in _rows(_sheet(client.get(url, params))[1])[1:]]

    assert names({"host_unit": units["district"].pk}) == ["张建国", "李秀英"]  # a subtree
    assert names({"host_unit": units["town_b"].pk}) == ["李秀英"]
    assert names({"home_unit": units["dept_a"].pk}) == ["张建国"]
    assert names({"q": "秀英"}) == ["李秀英"]
    assert names({"cohort": 999999}) == []  # an invalid filter never widens the result


def test_formulas_are_neutralised(client_for, programme_admin, cadre_a):
    cadre_a.original_post = "=1+1"
    cadre_a.rank = "@SUM(A1)"
    cadre_a.save()
    Secondment.objects.filter(cadre=cadre_a).update(
        post='=HYPERLINK("http://evil.example","点击")', duties="+招商引资\n-安全生产"
    )
    _data, ws = _sheet(client_for(programme_admin).get(reverse("roster:roster_export")))
    row = dict(zip(_rows(ws)[0], _rows(ws)[1], strict=True))
    assert row["原任职务"] == "'=1+1"
    assert row["职级"] == "'@SUM(A1)"
    assert row["挂任职务"].startswith("'=HYPERLINK")
    assert row["分管工作"] == "'+招商引资\n-安全生产"
    assert not any(c.data_type == "f" for r in ws.iter_rows() for c in r)


def test_duplicate_unit_names_are_exported_in_full(client_for, programme_admin, units, cadre_a):
    other = Unit.objects.create(name="柳溪镇", kind=UnitKind.TOWN, parent=units["city"])
    assert other.full_name == "青川市柳溪镇"
    _data, ws = _sheet(client_for(programme_admin).get(reverse("roster:roster_export")))
    row = dict(zip(_rows(ws)[0], _rows(ws)[1], strict=True))
    assert row["接收单位"] == "安平区柳溪镇"


def test_export_can_be_reimported_once_numbers_are_filled_in(
    client_for, programme_admin, roster, cadre_a, cadre_b
):
    client = client_for(programme_admin)
    data, _ws = _sheet(client.get(reverse("roster:roster_export")))
    next_cohort = Cohort.objects.create(
        name="2027年第一批墩苗历练干部",
        year=2027,
        start_date=date(2027, 3, 1),
        end_date=date(2028, 2, 29),
    )
    # As exported: the masked numbers are refused with an explanation.
    client.post(
        reverse("roster:import_upload"), {"cohort": next_cohort.pk, "file": as_upload(data)}
    )
    refused = RosterImport.objects.get()
    assert refused.status == "rejected"
    assert all("脱敏" in i["message"] for i in refused.report if i["level"] == "error")
    assert refused.error_count == 4  # two ID numbers, two mobiles

    # With the full numbers filled back in (and valid ID numbers), it imports as new secondments.
    wb = load_workbook(io.BytesIO(data))
    ws = wb["干部名册"]
    headers = [c.value for c in ws[1]]
    ids = {"张建国": "110105198504120030", "李秀英": "110105199002140028"}
    for row in ws.iter_rows(min_row=2):
        name = row[0].value
        row[headers.index("身份证号")].value = ids[name]
        row[headers.index("手机号")].value = "13800000000"
        row[headers.index("开始日期")].value = date(2027, 3, 1)
        row[headers.index("计划结束日期")].value = date(2028, 2, 29)
        row[headers.index("状态")].value = "待报到"
        row[headers.index("实际结束日期")].value = None
    out = io.BytesIO()
    wb.save(out)
    cadre_a.id_number = ids["张建国"]  # a valid ID whatever the fixture holds
    cadre_a.save()
    client.post(
        reverse("roster:import_upload"),
        {"cohort": next_cohort.pk, "file": as_upload(out.getvalue())},
    )
    ri = RosterImport.objects.latest("pk")
    assert ri.status == "validated", ri.report
    client.post(reverse("roster:import_commit", args=[ri.pk]))
    assert Secondment.objects.filter(cohort=next_cohort).count() == 2
    assert cadre_b.secondments.count() == 2


@pytest.mark.parametrize(
    "role",
    ["host_liaison", "home_liaison", "cadre_user", "system_admin", "security_admin", "audit_admin"],
)
def test_other_roles_get_404_and_nothing_is_logged(request, client_for, roster, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("roster:roster_export")).status_code == 404
    assert not AuditRecord.objects.filter(event=Event.EXPORT).exists()


def test_post_is_not_allowed(client_for, programme_admin):
    assert client_for(programme_admin).post(reverse("roster:roster_export")).status_code == 405
