from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from guazhi.audit.log import record
from guazhi.audit.models import AuditRecord, Event, Result


def test_audit_admin_reads_and_filters_the_log(audit_admin, client_for):
    record(event=Event.LOGIN, username="admin_wang")
    record(event=Event.LOGIN_FAILED, username="intruder", result=Result.FAILURE)
    client = client_for(audit_admin)
    page = client.get(reverse("audit:record_list")).content.decode()
    assert "admin_wang" in page and "intruder" in page
    page = client.get(reverse("audit:record_list"), {"event": "login_failed"}).content.decode()
    assert "intruder" in page and "admin_wang" not in page


def test_bad_filter_shows_a_chinese_error(audit_admin, client_for):
    response = client_for(audit_admin).get(
        reverse("audit:record_list"), {"start": "2026-05-02", "end": "2026-05-01"}
    )
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_export_is_an_excel_file_and_is_itself_audited(audit_admin, client_for):
    record(event=Event.LOGIN, username="=cmd|' /C calc'!A0")
    response = client_for(audit_admin).get(reverse("audit:record_export"), {"event": "login"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "序号"
    assert rows[1][2] == "'=cmd|' /C calc'!A0"  # formula neutralised
    export = AuditRecord.objects.filter(event=Event.EXPORT).get()
    assert export.username == "auditadmin" and "导出 1 条" in export.detail


def test_only_the_audit_admin_sees_the_log(
    programme_admin, system_admin, security_admin, host_liaison, cadre_user, client_for
):
    for user in (programme_admin, system_admin, security_admin, host_liaison, cadre_user):
        client = client_for(user)
        assert client.get(reverse("audit:record_list")).status_code == 404
        assert client.get(reverse("audit:record_export")).status_code == 404


def test_the_list_shows_each_records_role(audit_admin, system_admin, cadre_user, client_for):
    record(event=Event.PASSWORD_RESET, user=system_admin, obj=cadre_user)
    record(event=Event.LOGIN, user=cadre_user)
    record(event=Event.LOGIN_FAILED, username="stranger", result=Result.FAILURE)
    page = client_for(audit_admin).get(reverse("audit:record_list")).content.decode()
    assert '<td class="text-nowrap">系统管理员</td>' in page
    assert '<td class="text-nowrap">挂职干部</td>' in page


def test_a_malformed_date_filter_shows_a_chinese_error(audit_admin, client_for):
    page = (
        client_for(audit_admin)
        .get(reverse("audit:record_list"), {"start": "2026-13-45", "role": "boss"})
        .content.decode()
    )
    assert "开始日期的格式不正确" in page and "请从列表中选择角色" in page
