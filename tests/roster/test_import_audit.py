"""Every field an import changes on an existing cadre is audited with before/after values,
masked like the edit form's; every upload is audited, whatever its outcome."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from roster.xlsx_factory import as_upload, build_roster_xlsx, demo_rows

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.import_actions import IMPORT_UPDATABLE
from guazhi.roster.models import Cadre, Cohort, RosterImport


@pytest.fixture
def next_cohort(db):
    return Cohort.objects.create(
        name="2027年第一批墩苗历练干部",
        year=2027,
        start_date=date(2027, 3, 1),
        end_date=date(2028, 2, 28),
    )


def _upload(client, cohort, data, name="名册.xlsx"):
    return client.post(
        reverse("roster:import_upload"), {"cohort": cohort.pk, "file": as_upload(data, name)}
    )


def _import(client, cohort, rows):
    _upload(client, cohort, build_roster_xlsx(rows))
    ri = RosterImport.objects.latest("pk")
    client.post(reverse("roster:import_commit", args=[ri.pk]))
    return ri


def test_import_changing_a_cadres_mobile_and_home_unit_records_before_and_after(
    client_for, programme_admin, cadre_a, units, next_cohort
):
    client = client_for(programme_admin)
    row = demo_rows(1)[0] | {
        "姓名": cadre_a.name,
        "身份证号": cadre_a.id_number,
        "性别": "",
        "出生日期": "",
        "手机号": "13900001111",
        "派出单位": "市财政局",
        "民族": "",  # blank cells change nothing
        "政治面貌": "",
        "学历": "",
        "原任职务": "",
        "职级": "",
    }
    old_mobile = cadre_a.mobile
    ri = _import(client, next_cohort, [row])

    edit = AuditRecord.objects.get(event=Event.EDIT, object_id=str(cadre_a.pk))
    assert edit.username == programme_admin.username
    assert edit.object_type == "roster.cadre"
    assert f"名册导入“{ri.file_name}”（第 2 行）" in edit.detail
    assert set(edit.before) == set(edit.after) == {"mobile", "home_unit"}
    assert edit.before["home_unit"] == "市发展和改革委员会"
    assert edit.after["home_unit"] == "市财政局"
    # Personal numbers are masked in the log, as for an edit through the form.
    assert edit.before["mobile"] == old_mobile[:3] + "****" + old_mobile[-4:]
    assert edit.after["mobile"] == "139****1111"
    cadre_a.refresh_from_db()
    assert cadre_a.mobile == "13900001111" and cadre_a.home_unit == units["dept_b"]
    assert cadre_a.version == 2  # a form opened before the import is now stale

    commit = AuditRecord.objects.filter(event=Event.IMPORT).latest("seq")
    assert commit.after["cadres_updated"] == 1
    assert commit.seq > edit.seq  # one transaction: the changes, then the summary


def test_an_import_that_changes_nothing_writes_no_edit_record(
    client_for, programme_admin, cadre_a, next_cohort
):
    row = demo_rows(1)[0] | {
        "姓名": cadre_a.name,
        "身份证号": cadre_a.id_number,
        "性别": "",
        "出生日期": "",
        "手机号": cadre_a.mobile,
        "派出单位": cadre_a.home_unit.name,
        "民族": cadre_a.ethnicity,
        "政治面貌": cadre_a.get_political_status_display(),
        "学历": cadre_a.get_education_display(),
        "原任职务": cadre_a.original_post,
        "职级": cadre_a.rank,
    }
    _import(client_for(programme_admin), next_cohort, [row])
    assert not AuditRecord.objects.filter(event=Event.EDIT).exists()
    assert AuditRecord.objects.filter(event=Event.IMPORT).latest("seq").after["cadres_updated"] == 0
    assert Cadre.objects.get(pk=cadre_a.pk).version == 1


def test_the_import_updates_the_edit_forms_fields_but_never_identity():
    assert "name" not in IMPORT_UPDATABLE and "id_number" not in IMPORT_UPDATABLE
    assert {"mobile", "home_unit", "political_status", "education"} <= set(IMPORT_UPDATABLE)


def test_every_upload_is_audited(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    _upload(client, cohort, build_roster_xlsx(demo_rows(3)), name="三人.xlsx")
    bad = demo_rows(2, start=10)
    bad[0]["接收单位"] = "不存在镇"
    _upload(client, cohort, build_roster_xlsx(bad), name="有错.xlsx")
    ok, rejected = AuditRecord.objects.filter(event=Event.IMPORT).order_by("seq")
    assert ok.result == "success" and ok.object_repr == "三人.xlsx"
    assert ok.after["rows"] == 3 and ok.after["errors"] == 0 and ok.ip == "127.0.0.1"
    assert rejected.result == "failure" and "校验未通过（1 处错误）" in rejected.detail
