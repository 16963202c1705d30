"""On a 390 px phone, the programme admin exports a large ledger: the export becomes a background
job, the page polls its progress while the worker (the database queue, as under `make run`)
builds the file, then offers the download. Then a file with a bad row is imported and refused
with the row's error shown, and nothing saved."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from guazhi.jobs.models import Job, JobStatus
from guazhi.ledger.models import Category, Entry

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def test_large_export_on_a_phone(
    page, log_in, screenshot, settings, media_root, programme_admin, cadre_a, cadre_user, tmp_path
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.GUAZHI_EXPORT_SYNC_MAX_ROWS = 2
    category = Category.objects.get(name="企业帮扶")
    for i in range(3):
        Entry.objects.create(
            secondment=cadre_a.secondments.get(),
            date=date(2026, 5, 6 + i),
            category=category,
            title=f"走访园区企业{i}",
            text="走访工业园区企业，了解用工和融资需求。",
            created_by=cadre_user,
        )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(programme_admin)
    page.goto("/ledger/")
    page.get_by_test_id("ledger-export").click()
    expect(page.get_by_role("heading", name="导出工作纪实台账")).to_be_visible()
    expect(page.get_by_test_id("job-status")).to_have_text("排队中")
    _fits(page)
    screenshot("queued")

    # The worker takes the job; the polling page reloads itself and offers the download.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert Job.objects.get().status == JobStatus.DONE
    expect(page.get_by_test_id("job-download")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("job-status")).to_have_text("已完成")
    _fits(page)
    screenshot("done")
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    rows = list(load_workbook(path)["工作纪实台账"].iter_rows(values_only=True))
    assert sorted(r[5] for r in rows[1:]) == ["走访园区企业0", "走访园区企业1", "走访园区企业2"]

    # An import with one bad row: the error is shown, nothing is saved.
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "干部姓名", "类别", "标题", "工作内容"])
    ws.append([date(2026, 6, 1), "张建国", "企业帮扶", "走访企业", "走访 3 家企业。"])
    ws.append([date(2026, 6, 2), "张建国", "不存在的类别", "走访企业", "走访 2 家企业。"])
    data = io.BytesIO()
    wb.save(data)
    upload = tmp_path / "纪实.xlsx"
    upload.write_bytes(data.getvalue())
    page.goto("/ledger/import/")
    _fits(page)
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="上传并校验").click()
    expect(page.get_by_test_id("rejected")).to_be_visible()
    expect(page.get_by_test_id("report")).to_contain_text("类别“不存在的类别”不存在或已停用")
    _fits(page)
    screenshot("import-refused")
    assert Entry.objects.count() == 3
