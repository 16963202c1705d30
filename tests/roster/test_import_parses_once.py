"""The workbook is parsed once, at upload: the detail page and the commit work from the rows
kept on the import, and the commit re-checks only the database, cheaply."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from roster.xlsx_factory import as_upload, build_roster_xlsx, demo_rows

from guazhi.audit.models import AuditRecord, Event
from guazhi.roster.models import Cadre, RosterImport, RosterImportStatus, Secondment, Unit


def _upload(client, cohort, rows):
    return client.post(
        reverse("roster:import_upload"),
        {"cohort": cohort.pk, "file": as_upload(build_roster_xlsx(rows))},
    )


@pytest.fixture
def no_parsing(monkeypatch):
    """From here on, any attempt to read a workbook fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed again")

    monkeypatch.setattr("guazhi.roster.import_reading.iter_sheets", refuse)
    monkeypatch.setattr("guazhi.lib.xlsx.load_workbook", refuse)


def test_detail_page_and_commit_do_not_parse_the_workbook(
    client_for, programme_admin, units, cohort, request
):
    client = client_for(programme_admin)
    _upload(client, cohort, demo_rows(30))
    ri = RosterImport.objects.get()
    assert ri.status == RosterImportStatus.VALIDATED
    request.getfixturevalue("no_parsing")

    page = client.get(reverse("roster:import_detail", args=[ri.pk])).content.decode()
    assert "将要导入的人员（30 人）" in page and "柳溪镇" in page

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    assert "导入成功：新增干部 30 人" in response.content.decode()
    assert Secondment.objects.filter(cohort=cohort).count() == 30
    # A handful of statements, not one per row (bulk inserts; the checks are IN queries).
    assert len(queries) < 40, len(queries)


def test_commit_refuses_a_unit_deleted_since_the_upload(client_for, programme_admin, units, cohort):
    extra = Unit.objects.create(name="新设镇", kind="town", parent=units["district"])
    rows = demo_rows(2, host_units=("新设镇", "柳溪镇"))
    client = client_for(programme_admin)
    _upload(client, cohort, rows)
    ri = RosterImport.objects.get()
    assert ri.status == RosterImportStatus.VALIDATED
    extra.delete()

    page = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    text = page.content.decode()
    assert "重新校验发现 1 处问题，未导入任何数据" in text
    assert "接收单位已从系统中删除" in text
    ri.refresh_from_db()
    assert ri.status == RosterImportStatus.REJECTED and ri.parsed == {}
    assert Cadre.objects.count() == 0
    failure = AuditRecord.objects.filter(event=Event.IMPORT).latest("seq")
    assert failure.result == "failure" and "重新校验发现 1 处问题" in failure.detail


def test_the_cached_rows_keep_types(client_for, programme_admin, units, cohort):
    client = client_for(programme_admin)
    rows = demo_rows(1)
    rows[0]["开始日期"] = "2026.3"  # month only: the first of the month
    _upload(client, cohort, rows)
    ri = RosterImport.objects.get()
    client.post(reverse("roster:import_commit", args=[ri.pk]))
    secondment = Secondment.objects.select_related("cadre", "host_unit").get()
    assert secondment.start_date == date(2026, 3, 1)
    assert secondment.cadre.birth_date == date.fromisoformat(rows[0]["出生日期"])
    assert secondment.host_unit == units["town_a"]
    assert secondment.cadre.name_pinyin  # the sort key is filled before the bulk insert


def test_an_import_without_kept_rows_asks_for_a_new_upload(
    client_for, programme_admin, units, cohort
):
    # e.g. validated before an upgrade, when the file itself was kept instead of parsed rows
    ri = RosterImport.objects.create(
        cohort=cohort,
        file_name="旧名册.xlsx",
        sha256="b" * 64,
        uploaded_by=programme_admin,
        status=RosterImportStatus.VALIDATED,
        row_count=3,
    )
    client = client_for(programme_admin)
    page = client.post(reverse("roster:import_commit", args=[ri.pk]), follow=True)
    assert "校验数据已不存在，请重新上传" in page.content.decode()
    ri.refresh_from_db()
    assert ri.status == RosterImportStatus.VALIDATED and Secondment.objects.count() == 0
