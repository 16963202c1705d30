"""Rosters still arrive as old .xls files (and WPS .et, which WPS writes in the same BIFF
format): they are read with xlrd and validated like an .xlsx. A password-protected workbook is
named as such, not called damaged.

The fixtures are real files: .xls written by xlwt (the writer paired with xlrd), an .xlsx
encrypted with a password by msoffcrypto-tool (Office's own "Agile" encryption)."""

from __future__ import annotations

import io
from datetime import date

import pytest
import xlwt
from django.urls import reverse
from msoffcrypto.format.ooxml import OOXMLFile
from roster.xlsx_factory import HEADERS, as_upload, build_roster_xlsx, demo_rows

from guazhi.lib.xlsx import UnsafeWorkbook, check_upload, iter_sheets
from guazhi.roster.import_validation import validate_roster
from guazhi.roster.models import RosterImport, RosterImportStatus, Secondment

MB = 1024 * 1024
_DATE = xlwt.easyxf(num_format_str="yyyy-mm-dd")


def build_roster_xls(rows, *, title_row=None, sheet_title="名册") -> bytes:
    """Like build_roster_xlsx, as an Excel 97–2003 workbook. date values become real Excel
    dates; floats stay numbers, as Excel keeps what is typed into a number cell."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(sheet_title)
    offset = 0
    if title_row:
        sheet.write(0, 0, title_row)
        offset = 1
    for c, header in enumerate(HEADERS):
        sheet.write(offset, c, header)
    for r, row in enumerate(rows, start=offset + 1):
        for c, header in enumerate(HEADERS):
            value = row.get(header)
            if isinstance(value, date):
                sheet.write(r, c, value, _DATE)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _encrypted_xlsx(data: bytes) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("guazhi2026", out)
    return out.getvalue()


def _upload(client, cohort, data, name):
    return client.post(
        reverse("roster:import_upload"), {"cohort": cohort.pk, "file": as_upload(data, name)}
    )


def test_an_xls_roster_is_read_like_an_xlsx(units, cohort):
    rows = demo_rows(3)
    rows[0]["出生日期"] = date.fromisoformat(rows[0]["出生日期"])  # a real Excel date cell
    rows[1]["手机号"] = float(rows[1]["手机号"])  # typed into a number cell
    data = build_roster_xls(rows, title_row="2026年第二批墩苗历练干部名册")
    assert check_upload("名册.xls", data, max_bytes=MB) == "xls"
    result = validate_roster(data, cohort=cohort)
    assert result.errors == []
    assert [p.row for p in result.rows] == [3, 4, 5]  # Excel row numbers, as in the file
    first, second = result.rows[0].values, result.rows[1].values
    assert first["birth_date"] == rows[0]["出生日期"]
    assert first["host_unit"] == units["town_a"] and first["home_unit"] == units["dept_a"]
    assert second["mobile"] == str(int(rows[1]["手机号"]))


def test_an_id_number_typed_into_a_number_cell_is_explained_in_xls_too(units, cohort):
    rows = demo_rows(1)
    rows[0]["身份证号"] = float(rows[0]["身份证号"])
    result = validate_roster(build_roster_xls(rows), cohort=cohort)
    assert "被 Excel 存成了数字" in result.errors[0].message


@pytest.mark.parametrize("name", ["名册.xls", "名册.et"])
def test_upload_and_commit_an_old_format_roster(client_for, programme_admin, units, cohort, name):
    client = client_for(programme_admin)
    response = _upload(client, cohort, build_roster_xls(demo_rows(2)), name)
    assert response.status_code == 302
    ri = RosterImport.objects.get()
    assert ri.status == RosterImportStatus.VALIDATED and ri.row_count == 2
    client.post(reverse("roster:import_commit", args=[ri.pk]))
    assert Secondment.objects.filter(cohort=cohort).count() == 2


def test_a_password_protected_xlsx_is_named_as_such(client_for, programme_admin, cohort):
    data = _encrypted_xlsx(build_roster_xlsx(demo_rows(1)))
    for name in ("名册.xlsx", "名册.xls"):
        response = _upload(client_for(programme_admin), cohort, data, name)
        page = response.content.decode()
        assert "文件设置了打开密码（已加密）" in page and "取消打开密码" in page
        assert "损坏" not in page
    assert RosterImport.objects.count() == 0


def test_a_password_protected_xls_is_named_as_such():
    data = bytearray(build_roster_xls(demo_rows(1)))
    # Turn the record after the workbook's BOF (INTERFACEHDR, 2 bytes) into FILEPASS, the record
    # with which Excel marks an encrypted BIFF stream.
    bof = data.find(b"\x09\x08\x10\x00")
    record = bof + 4 + 16
    assert data[record : record + 4] == b"\xe1\x00\x02\x00"
    data[record : record + 2] = b"\x2f\x00"
    assert check_upload("名册.xls", bytes(data), max_bytes=MB) == "xls"
    with pytest.raises(UnsafeWorkbook, match="文件设置了打开密码"):
        list(iter_sheets(bytes(data)))


def test_an_unreadable_xls_names_the_old_format():
    data = bytearray(build_roster_xls(demo_rows(1)))
    bof = data.find(b"\x09\x08\x10\x00")
    data[bof + 4 : bof + 8] = b"\xff\xff\xff\xff"  # a BIFF version no reader knows
    with pytest.raises(UnsafeWorkbook) as exc:
        list(iter_sheets(bytes(data)))
    assert "旧版 Excel 文件（.xls/.et）无法读取" in str(exc.value)
    assert "另存为" in str(exc.value)
