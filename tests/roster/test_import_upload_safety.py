"""Uploads refused before parsing (wrong type, not a workbook, too big, damaged) get a Chinese
reason in the form, and leave a trace in the audit log."""

from __future__ import annotations

import pytest
from roster.import_helpers import (
    upload,
)
from roster.xlsx_factory import build_roster_xlsx, demo_rows

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.models import (
    RosterImport,
)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("名册.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "文件已损坏"),
        ("名册.xlsx", "姓名,身份证号\n张三,1101".encode(), "可能只是改了扩展名"),
        ("名册.csv", b"a,b", "只能上传 Excel 工作簿"),
        ("名册.xlsx", b"PK\x03\x04" + b"\x00" * 100, "文件已损坏"),
    ],
)
def test_unsafe_uploads_are_refused_in_the_form(
    client_for, programme_admin, cohort, name, data, message
):
    response = upload(client_for(programme_admin), cohort, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_oversized_upload_is_refused_with_the_limit(client_for, programme_admin, cohort, settings):
    settings.GUAZHI_MAX_UPLOAD_MB = 1
    data = build_roster_xlsx(demo_rows(1)) + b"\0" * (1024 * 1024)
    response = upload(client_for(programme_admin), cohort, data)
    assert "超过了 1 MB 的上限" in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_refused_files_leave_an_audit_record(client_for, programme_admin, cohort):
    client = client_for(programme_admin)
    upload(client, cohort, b"PK\x03\x04" + b"\x00" * 100, name="炸弹.xlsx")
    audit = AuditRecord.objects.get(event=Event.IMPORT)
    assert audit.result == "failure"
    assert audit.object_repr == "炸弹.xlsx"
    assert "文件已损坏" in audit.detail
