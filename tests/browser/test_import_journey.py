"""The programme admin imports a cohort roster from Excel, through the browser: the template
download, a clean file that is validated and committed, and a file with two bad rows that is
refused with both errors shown and nothing saved."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from roster.xlsx_factory import HEADERS, build_roster_xlsx, demo_rows

from guazhi.roster.models import Cadre, RosterImport, RosterImportStatus, Secondment

pytestmark = pytest.mark.browser

TITLE = "2026年第二批墩苗历练干部名册"


def _open_import_page(page, log_in, user) -> None:
    log_in(user)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="名册导入").click()
    expect(page.get_by_role("heading", name="名册导入")).to_be_visible()


def _upload(page, tmp_path, data: bytes, cohort, file_name: str) -> None:
    path = tmp_path / file_name
    path.write_bytes(data)
    form = page.get_by_test_id("import-form")
    form.locator("select").first.select_option(label=cohort.name)
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_role("button", name="上传并校验").click()
    expect(page.get_by_role("heading", name="名册校验结果")).to_be_visible()


def test_admin_imports_a_roster(page, log_in, screenshot, tmp_path, programme_admin, units, cohort):
    _open_import_page(page, log_in, programme_admin)
    screenshot("import-page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载导入模板").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    template_path = tmp_path / "template.xlsx"
    download.save_as(template_path)
    template = load_workbook(template_path)
    cells = {
        str(c.value).strip().rstrip("*＊ ")
        for row in template.active.iter_rows(max_row=5)
        for c in row
        if c.value
    }
    assert {"姓名", "身份证号", "派出单位", "接收单位", "挂任职务"} <= cells

    rows = demo_rows(3)
    names = [r["姓名"] for r in rows]
    cadres_before = Cadre.objects.count()
    _upload(page, tmp_path, build_roster_xlsx(rows, title_row=TITLE), cohort, "第二批名册.xlsx")

    expect(page.get_by_test_id("import-status")).to_contain_text("校验通过")
    expect(page.get_by_role("alert")).to_contain_text("校验通过：共 3 人")
    expect(page.get_by_test_id("error-count")).to_have_text("0")
    preview = page.get_by_test_id("preview")
    for name in names:
        expect(preview).to_contain_text(name)
    assert Cadre.objects.count() == cadres_before  # validated, not yet written
    screenshot("validated")

    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("import-status")).to_contain_text("已导入")
    screenshot("committed")
    assert Cadre.objects.count() == cadres_before + 3
    assert Secondment.objects.filter(cohort=cohort).count() == 3

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="干部名册").click()
    table = page.locator("table").first
    for name in names:
        expect(table).to_contain_text(name)
    screenshot("cadre-list")


def test_file_with_two_bad_rows_is_refused(
    page, log_in, screenshot, tmp_path, programme_admin, units, cohort
):
    rows = demo_rows(4)
    good_id = rows[1]["身份证号"]
    rows[1]["身份证号"] = good_id[:17] + ("0" if good_id[17] != "0" else "1")  # wrong check digit
    rows[3]["手机号"] = "1381234567"  # ten digits
    counts_before = (Cadre.objects.count(), Secondment.objects.count())

    _open_import_page(page, log_in, programme_admin)
    data = build_roster_xlsx(rows, title_row=TITLE, column_order=HEADERS)
    _upload(page, tmp_path, data, cohort, "有错误的名册.xlsx")

    expect(page.get_by_test_id("rejected")).to_contain_text("未导入任何数据")
    expect(page.get_by_test_id("error-count")).to_have_text("2")
    report = page.get_by_test_id("report")
    # The title is row 1 and the header row 2, so the second and fourth people are rows 4 and 6.
    expect(report.locator('tr[data-row="4"]')).to_contain_text("身份证号")
    expect(report.locator('tr[data-row="4"]')).to_contain_text("校验码")
    expect(report.locator('tr[data-row="6"]')).to_contain_text("手机号")
    expect(page.get_by_test_id("commit")).to_have_count(0)
    screenshot("rejected")

    assert (Cadre.objects.count(), Secondment.objects.count()) == counts_before
    assert RosterImport.objects.get().status == RosterImportStatus.REJECTED
