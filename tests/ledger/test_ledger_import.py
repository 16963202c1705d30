"""Ledger import: the template, per-row Chinese errors (page and downloadable report), the
commit all or nothing with history and one audit record, no second import of one file, and an
export that can be imported again. Programme admin only (the permission walk has the rest)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from guazhi.audit.models import AuditRecord, Event
from guazhi.jobs.models import Job
from guazhi.ledger import tallies
from guazhi.ledger.exporting import figure_fields, figure_header
from guazhi.ledger.models import Category, Entry, EntryRevision, EntryStatus

HEADERS = ["日期", "干部姓名", "接收单位", "类别", "标题", "工作内容", "地点", "标签"]
VISITS = "企业帮扶·走访企业（家）"
LOANS = "企业帮扶·协调贷款（万元）"
PETITIONS = "信访接待·接待来访（件）"


def workbook(rows: list[dict[str, object]], headers: list[str] | None = None) -> bytes:
    headers = headers or [*HEADERS, VISITS, LOANS, PETITIONS]
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "日期": date(2026, 5, 6),
        "干部姓名": "张建国",
        "类别": "企业帮扶",
        "标题": "走访园区企业",
        "工作内容": "走访工业园区企业 12 家。\n了解用工和融资需求。",
        "地点": "石桥村",
        "标签": "营商环境",
        VISITS: 12,
        LOANS: 800.5,
    }
    row.update(overrides)
    return row


def upload(client, data: bytes, name: str = "纪实.xlsx"):
    return client.post(reverse("ledger:import_upload"), {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def admin(client_for, programme_admin, cadre_a, cadre_b):
    return client_for(programme_admin)


def test_template_has_the_columns_and_a_category_drop_down(admin):
    response = admin.get(reverse("ledger:import_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb["工作纪实"]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == HEADERS
    assert headers[8:] == [figure_header(f) for f in figure_fields()]
    validation = ws.data_validations.dataValidation[0]
    assert validation.type == "list" and "类别" in validation.formula1
    assert [r[0] for r in wb["类别"].iter_rows(values_only=True)] == list(
        Category.objects.filter(is_active=True).values_list("name", flat=True)
    )
    assert "填写说明" in wb.sheetnames


def test_a_valid_file_is_checked_then_committed(admin, programme_admin, cadre_a):
    data = workbook(
        [
            good_row(),
            good_row(标题="接待来访", 类别="信访接待", **{VISITS: None, LOANS: None, PETITIONS: 3}),
        ]
    )
    response = upload(admin, data)
    job = Job.objects.get(kind="ledger_import")
    assert response["Location"] == reverse("ledger:import_detail", args=[job.pk])
    assert not Entry.objects.exists()  # phase 1 writes no entry
    page = admin.get(response["Location"]).content.decode()
    assert "校验通过：共 2 条纪实" in page and "走访园区企业" in page
    assert "走访企业 12家" in page

    response = admin.post(reverse("ledger:import_commit", args=[job.pk]), follow=True)
    assert "导入成功：新增工作纪实 2 条" in response.content.decode()
    visit = Entry.objects.get(title="走访园区企业")
    assert visit.secondment == cadre_a.secondments.get()
    assert visit.status == EntryStatus.PENDING and visit.created_by == programme_admin
    assert visit.text == "走访工业园区企业 12 家。\n了解用工和融资需求。"
    assert visit.place_unit.name == "石桥村" and visit.place_text == ""
    assert {f.field.key: f.value for f in visit.figures.all()} == {
        "enterprises_visited": Decimal("12.00"),
        "loans": Decimal("800.50"),
    }
    petition = Entry.objects.get(title="接待来访")
    assert [f.value for f in petition.figures.all()] == [Decimal("3.00")]
    revision = EntryRevision.objects.get(entry=visit)
    assert revision.actor == programme_admin and revision.comment == "由 Excel 导入（纪实.xlsx）"
    assert revision.changes["数据"] == {"走访企业": "12家", "协调贷款": "800.5万元"}
    imports = AuditRecord.objects.filter(event=Event.IMPORT).order_by("seq")
    assert imports.count() == 2  # the upload, then the commit: one record for all entries
    assert imports.last().after["entries"] == 2 and imports.last().after["cadres"] == 1
    assert tallies.check() == []  # the dashboards count the imported entries at once

    # Committing again, or uploading the same file again, adds nothing.
    admin.post(reverse("ledger:import_commit", args=[job.pk]))
    assert Entry.objects.count() == 2
    again = upload(admin, data)
    assert again.status_code == 200 and "导入过，没有重复导入" in again.content.decode()


def test_every_bad_row_is_explained_and_nothing_is_saved(admin):
    rows = [
        good_row(),  # row 2: fine, but the file as a whole is refused
        good_row(干部姓名="王不存在"),
        good_row(日期=date(2026, 1, 15)),
        good_row(类别="招商活动"),
        good_row(**{VISITS: "十二"}),
        good_row(**{LOANS: -5}),
        good_row(**{PETITIONS: 2}),
        good_row(标题=None),
        good_row(**{VISITS: 1.5}),
        good_row(日期="2099-01-01"),
        good_row(干部姓名="张建国", 接收单位="东关街道"),
    ]
    response = upload(admin, workbook(rows))
    job = Job.objects.get(kind="ledger_import")
    page = admin.get(response["Location"]).content.decode()
    assert "校验未通过" in page and "未导入任何数据" in page
    messages = {(i["row"], i["message"]) for i in job.params["report"]}
    expected = {
        (3, "系统中没有名为“王不存在”的挂职干部，请核对姓名。"),
        (4, "日期 2026-01-15 不在“张建国”的挂职期间（2026-03-01 至 2027-02-28）内。"),
        (5, "类别“招商活动”不存在或已停用，请从下拉列表中选择。"),
        (6, "“走访企业”应填写数字。"),
        (7, "“协调贷款”不能为负数。"),
        (8, "“接待来访”不是“企业帮扶”类别的数据项，请填在本类别的列中。"),
        (9, "请填写标题。"),
        (10, "“走访企业”应填写整数（单位：家）。"),
        (11, "日期不能晚于今天。"),
        (12, "“张建国”没有在“东关街道”挂职的记录，请核对接收单位。"),
    }
    assert expected <= messages, expected - messages
    assert not any(row == 2 for row, _ in messages)
    for _, message in expected:
        assert message in page

    # The report downloads with the same items.
    report = admin.get(reverse("ledger:import_report", args=[job.pk]))
    ws = load_workbook(io.BytesIO(b"".join(report.streaming_content)))["校验报告"]
    lines = list(ws.iter_rows(values_only=True))
    assert lines[0] == ("行号", "列", "单元格内容", "问题", "类型")
    assert (6, VISITS, "十二", "“走访企业”应填写数字。", "错误") in lines

    # A rejected import cannot be committed.
    response = admin.post(reverse("ledger:import_commit", args=[job.pk]), follow=True)
    assert "校验未通过的文件不能导入" in response.content.decode()
    assert not Entry.objects.exists()


def test_missing_columns_and_unsafe_files_are_refused_in_chinese(admin):
    response = upload(admin, workbook([good_row()], headers=["日期", "干部姓名", "标题"]))
    job = Job.objects.get(kind="ledger_import")
    assert "缺少必需的列：类别、工作内容" in job.params["report"][0]["message"]
    response = upload(admin, b"not a workbook", name="纪实.xlsx")
    assert response.status_code == 200
    assert "文件内容不是 Excel 工作簿" in response.content.decode()
    response = upload(admin, b"x", name="纪实.csv")
    assert "只能上传 Excel 工作簿" in response.content.decode()


def test_the_commit_is_all_or_nothing_when_data_changed(admin):
    response = upload(admin, workbook([good_row(), good_row(标题="第二条")]))
    job = Job.objects.get(kind="ledger_import")
    Category.objects.filter(name="企业帮扶").update(is_active=False)
    response = admin.post(reverse("ledger:import_commit", args=[job.pk]), follow=True)
    assert "未导入任何数据" in response.content.decode()
    assert not Entry.objects.exists()
    assert not EntryRevision.objects.exists()


def test_an_export_can_be_imported_again(admin, cadre_user, cadre_a):
    from tests.conftest import ledger_entry

    ledger_entry(cadre_a.secondments.get(), cadre_user, title="=SUM(1)", place_text="工业园区")
    exported = admin.get(reverse("ledger:entry_export"))
    data = b"".join(exported.streaming_content)
    response = upload(admin, data, name="台账.xlsx")
    job = Job.objects.get(kind="ledger_import")
    assert job.params["state"] == "validated", job.params["report"]
    # The copy is allowed, with a note that the cadre already has that entry.
    [note] = job.params["report"]
    assert note["level"] == "note" and note["row"] == 2
    assert note["message"].startswith("“张建国”在 2026-05-06 已有标题相同的纪实")
    admin.post(reverse("ledger:import_commit", args=[job.pk]))
    copy = Entry.objects.exclude(created_by=cadre_user).get()
    assert copy.title == "=SUM(1)" and copy.place_text == "工业园区"
    assert response.status_code == 302


def test_an_import_is_seen_only_by_the_admin_who_uploaded_it(admin, client_for, db):
    from guazhi.accounts.models import Role, User

    upload(admin, workbook([good_row()]))
    job = Job.objects.get(kind="ledger_import")
    other = User.objects.create_user(
        username="admin_li",
        password="Guazhi#2026",
        role=Role.PROGRAMME_ADMIN,
        must_change_password=False,
    )
    client = client_for(other)
    assert client.get(reverse("ledger:import_detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("ledger:import_commit", args=[job.pk])).status_code == 404
    assert not Entry.objects.exists()


def test_the_upload_is_listed_among_the_users_jobs(admin):
    upload(admin, workbook([good_row()]))
    job = Job.objects.get(kind="ledger_import")
    detail = reverse("ledger:import_detail", args=[job.pk])
    assert job.get_absolute_url() == detail
    assert admin.get(reverse("jobs:job_detail", args=[job.pk]))["Location"] == detail
    assert detail in admin.get(reverse("jobs:job_list")).content.decode()


def test_an_upload_without_a_file_asks_for_one(admin):
    response = admin.post(reverse("ledger:import_upload"), {})
    assert response.status_code == 200
    assert "请选择要上传的文件。" in response.content.decode()
    assert not Job.objects.exists()
