"""Roster import through the views, two phases: validation saves no people; the commit saves all
of them or, on any error, none; the same file cannot be imported twice; other roles get 404."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from roster.import_helpers import (
    make_other_cohort,
    make_seconded,
    upload,
)
from roster.xlsx_factory import build_roster_xlsx, demo_rows

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.models import (
    Cadre,
    RosterImport,
    RosterImportStatus,
    Secondment,
    SecondmentStatus,
)


@pytest.fixture
def other_cohort(db):
    return make_other_cohort()


@pytest.fixture
def seconded(units, cohort):
    """张建国 (a valid ID number), posted to 柳溪镇 in `cohort`."""
    return make_seconded(units, cohort)


def test_validate_then_commit(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    data = build_roster_xlsx(demo_rows(4), title_row="2026年第二批墩苗历练干部名册")
    response = upload(client, cohort, data)
    ri = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roster:import_detail", args=[ri.pk])
    assert ri.status == RosterImportStatus.VALIDATED
    assert ri.row_count == 4 and ri.error_count == 0
    assert len(ri.parsed["rows"]) == 4  # parsed once, here; the commit does not parse again
    assert Cadre.objects.count() == 0 and Secondment.objects.count() == 0  # phase 1 saves no people
    upload_audit = AuditRecord.objects.get(event=Event.IMPORT)
    assert upload_audit.result == "success" and "校验通过，待确认导入" in upload_audit.detail

    page = client.get(response["Location"]).content.decode()
    assert "校验通过" in page and "确认导入 4 人" in page
    assert "110***********" in page  # the preview masks ID numbers
    assert demo_rows(1)[0]["身份证号"] not in page

    response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    assert (
        "导入成功：新增干部 4 人，更新干部 0 人，新增挂职记录 4 条。" in response.content.decode()
    )
    ri.refresh_from_db()
    assert ri.status == RosterImportStatus.COMMITTED and ri.committed_at
    assert ri.parsed == {}  # no second copy of personal data once committed
    assert Cadre.objects.count() == 4
    secondments = Secondment.objects.filter(cohort=cohort).select_related("cadre", "host_unit")
    assert secondments.count() == 4
    first = secondments.get(cadre__id_number=demo_rows(1)[0]["身份证号"])
    assert first.host_unit == units["town_a"]
    assert first.cadre.home_unit == units["dept_a"]
    assert first.duties == "营商环境；企业服务"
    assert first.status == SecondmentStatus.PENDING
    audit = AuditRecord.objects.filter(event=Event.IMPORT).latest("seq")
    assert audit.username == programme_admin.username
    assert audit.after["cadres_created"] == 4 and audit.after["secondments_created"] == 4
    assert "新增干部 4 人" in audit.detail

    # Committing again does nothing.
    response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    assert "不能重复导入" in response.content.decode()
    assert Secondment.objects.count() == 4


def test_two_bad_rows_refuse_the_whole_file(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    rows = demo_rows(5)
    rows[1]["身份证号"] = float(rows[1]["身份证号"])
    rows[3]["性别"] = "女" if rows[3]["性别"] == "男" else "男"
    response = upload(client, cohort, build_roster_xlsx(rows), name="两行有错.xlsx")
    ri = RosterImport.objects.get()
    assert ri.status == RosterImportStatus.REJECTED
    assert ri.error_count == 2
    assert ri.parsed == {}  # a rejected file is not kept
    page = client.get(response["Location"]).content.decode()
    assert "校验未通过" in page and "未导入任何数据" in page
    assert 'data-row="3"' in page and 'data-row="5"' in page
    assert "被 Excel 存成了数字" in page and "与身份证号不符" in page
    assert "确认导入" not in page

    response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    assert "校验未通过的名册不能导入" in response.content.decode()
    assert Cadre.objects.count() == 0 and Secondment.objects.count() == 0
    upload_audit = AuditRecord.objects.get(event=Event.IMPORT)  # the upload; no import
    assert upload_audit.result == "failure" and "校验未通过（2 处错误）" in upload_audit.detail

    report = client.get(reverse("roster:import_report", args=[ri.pk]))
    assert report.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == ["行号", "列", "列标题", "填写内容", "问题说明", "类型"]
    assert [r[0] for r in cells[1:]] == [3, 5]
    assert cells[1][1] == "D" and cells[1][2] == "身份证号" and cells[1][5] == "错误"


def test_same_file_twice_is_refused(client_for, programme_admin, units, cohort, other_cohort):
    client = client_for(programme_admin)
    data = build_roster_xlsx(demo_rows(2))
    upload(client, cohort, data)
    second_upload_before_commit = upload(client, other_cohort, data)
    first, second = RosterImport.objects.order_by("pk")
    assert second_upload_before_commit.status_code == 302
    client.post(reverse("roster:import_commit", args=[first.pk]))
    assert RosterImport.objects.get(pk=first.pk).status == RosterImportStatus.COMMITTED

    response = upload(client, other_cohort, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "该文件已于" in page and "导入到批次“2026年第二批墩苗历练干部”，不能重复导入" in page
    assert RosterImport.objects.count() == 2

    # The copy uploaded before the first commit is refused at commit time.
    response = client.post(reverse("roster:import_commit", args=[second.pk]), follow=True)
    assert "不能重复导入" in response.content.decode()
    assert Secondment.objects.filter(cohort=other_cohort).count() == 0


def test_commit_revalidates_against_current_data(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    rows = demo_rows(2)
    upload(client, cohort, build_roster_xlsx(rows))
    ri = RosterImport.objects.get()
    # Meanwhile the same person is entered in this cohort by hand.
    cadre = Cadre.objects.create(
        name=rows[1]["姓名"],
        gender="F",
        birth_date=date(1981, 2, 2),
        id_number=rows[1]["身份证号"],
        home_unit=units["dept_b"],
    )
    Secondment.objects.create(
        cadre=cadre,
        cohort=cohort,
        host_unit=units["town_b"],
        post="副镇长",
        start_date=date(2026, 3, 1),
        planned_end_date=date(2027, 2, 28),
    )
    response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    page = response.content.decode()
    assert "重新校验发现 1 处问题，未导入任何数据" in page
    assert "已在本批次中" in page
    ri.refresh_from_db()
    assert ri.status == RosterImportStatus.REJECTED
    assert Cadre.objects.count() == 1 and Secondment.objects.count() == 1


def test_existing_cadre_gets_a_second_secondment(
    client_for, programme_admin, seconded, other_cohort
):
    cadre_a = seconded
    client = client_for(programme_admin)
    row = demo_rows(1)[0] | {
        "姓名": "张 建国",
        "身份证号": cadre_a.id_number,
        "性别": "",
        "出生日期": "",
        "手机号": "13900001111",
        "接收单位": "东关街道",
        "原任职务": "",
    }
    upload(client, other_cohort, build_roster_xlsx([row]))
    ri = RosterImport.objects.get()
    assert ri.status == RosterImportStatus.VALIDATED
    assert any("系统中已有该干部" in item["message"] for item in ri.report)
    assert any("的挂职仍为“待报到”" in item["message"] for item in ri.report)
    client.post(reverse("roster:import_commit", args=[ri.pk]))
    cadre_a.refresh_from_db()
    assert Cadre.objects.count() == 1
    assert cadre_a.secondments.count() == 2
    assert cadre_a.mobile == "13900001111"  # updated from the row
    assert cadre_a.original_post == "科长"  # blank cell: kept
    audit = AuditRecord.objects.filter(event=Event.IMPORT).latest("seq")
    assert audit.after["cadres_created"] == 0 and audit.after["cadres_updated"] == 1


@pytest.mark.parametrize(
    "role", ["host_liaison", "home_liaison", "cadre_user", "system_admin", "audit_admin"]
)
def test_other_roles_get_404(request, client_for, programme_admin, units, cohort, role):
    admin = client_for(programme_admin)
    upload(admin, cohort, build_roster_xlsx(demo_rows(1)))
    ri = RosterImport.objects.get()
    client = client_for(request.getfixturevalue(role))
    for name, args in (
        ("roster:import_upload", []),
        ("roster:import_template", []),
        ("roster:import_detail", [ri.pk]),
        ("roster:import_report", [ri.pk]),
        ("roster:roster_export", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    data = build_roster_xlsx(demo_rows(1, start=5))
    assert upload(client, cohort, data).status_code == 404
    assert client.post(reverse("roster:import_commit", args=[ri.pk])).status_code == 404
    assert not Secondment.objects.filter(post="镇长助理").exists()  # nothing imported
    assert RosterImport.objects.count() == 1


def test_upload_page_lists_recent_imports(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    upload(client, cohort, build_roster_xlsx(demo_rows(1)), name="三月名册.xlsx")
    page = client.get(reverse("roster:import_upload")).content.decode()
    assert "三月名册.xlsx" in page and "下载导入模板" in page
