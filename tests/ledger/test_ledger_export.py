"""Ledger export: the columns (figures in their own category's column), the list's filters, the
viewer's scope, the audit record with the exact row count, and the background path above the
threshold (tasks run at once in tests: the immediate backend, see conftest)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guazhi.audit.models import AuditRecord, Event
from guazhi.jobs.models import Job, JobStatus
from guazhi.ledger.exporting import BASE_COLUMNS, figure_fields, figure_header
from guazhi.ledger.models import Category, EntryFigure, EntryStatus, FigureField
from tests.conftest import ledger_entry


def _rows(data: bytes) -> list[list[object]]:
    ws = load_workbook(io.BytesIO(data))["工作纪实台账"]
    return [[c.value for c in row] for row in ws.iter_rows()]


def _download(response) -> list[list[object]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    return _rows(b"".join(response.streaming_content))


def _by_title(rows: list[list[object]]) -> dict[str, dict[str, object]]:
    return {r[5]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


@pytest.fixture
def figures_entry(entry_a, host_liaison):
    """entry_a with two figures, confirmed by the host liaison."""
    EntryFigure.objects.create(
        entry=entry_a,
        field=FigureField.objects.get(category__name="企业帮扶", key="enterprises_visited"),
        value=Decimal("12"),
    )
    EntryFigure.objects.create(
        entry=entry_a,
        field=FigureField.objects.get(category__name="企业帮扶", key="loans"),
        value=Decimal("800.50"),
    )
    entry_a.status = EntryStatus.CONFIRMED
    entry_a.confirmed_by = host_liaison
    entry_a.confirmed_at = timezone.make_aware(timezone.datetime(2026, 5, 7, 9, 30))
    entry_a.place_text = "工业园区"
    entry_a.tags = "营商环境 企业服务"
    entry_a.save()
    return entry_a


def test_columns_and_figures_in_their_own_columns(client_for, programme_admin, figures_entry):
    rows = _download(client_for(programme_admin).get(reverse("ledger:entry_export")))
    fields = figure_fields()
    assert rows[0] == [c.header for c in BASE_COLUMNS] + [figure_header(f) for f in fields]
    assert "企业帮扶·走访企业（家）" in rows[0] and "走访调研·走访企业（家）" in rows[0]
    row = _by_title(rows)["走访园区企业"]
    assert row["日期"].date() == date(2026, 5, 6)
    assert row["干部姓名"] == "张建国"
    assert row["批次"] == "2026年第二批墩苗历练干部"
    assert row["接收单位"] == "柳溪镇"
    assert row["类别"] == "企业帮扶"
    assert row["工作内容"] == "走访工业园区企业 12 家，了解用工和融资需求。"
    assert row["地点"] == "工业园区"
    assert row["标签"] == "营商环境 企业服务"
    assert row["状态"] == "已确认"
    assert row["确认人"] == "刘联络"
    assert row["确认时间"] == "2026-05-07 09:30"
    assert row["企业帮扶·走访企业（家）"] == 12
    assert row["企业帮扶·协调贷款（万元）"] == 800.5
    # The same label in another category stays empty: a figure goes to its own field's column.
    assert row["走访调研·走访企业（家）"] is None
    assert row["企业帮扶·争取资金（万元）"] is None


def test_filters_of_the_list_apply(client_for, programme_admin, cadre_a, cadre_user):
    secondment = cadre_a.secondments.get()
    ledger_entry(secondment, cadre_user, title="五月走访", date=date(2026, 5, 6))
    ledger_entry(secondment, cadre_user, title="六月走访", date=date(2026, 6, 6))
    ledger_entry(
        secondment,
        cadre_user,
        title="六月信访",
        date=date(2026, 6, 8),
        category=Category.objects.get(name="信访接待"),
    )
    client = client_for(programme_admin)
    url = reverse("ledger:entry_export")
    rows = _download(client.get(url, {"date_from": "2026-06-01"}))
    assert set(_by_title(rows)) == {"六月走访", "六月信访"}
    category = Category.objects.get(name="企业帮扶").pk
    rows = _download(client.get(url, {"date_from": "2026-06-01", "category": category}))
    assert set(_by_title(rows)) == {"六月走访"}
    rows = _download(client.get(url, {"status": "confirmed"}))
    assert len(rows) == 1  # the header only


def test_invalid_filters_export_nothing(client_for, programme_admin, entry_a):
    response = client_for(programme_admin).get(
        reverse("ledger:entry_export"), {"date_from": "2026-07-01", "date_to": "2026-06-01"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("ledger:entry_list"))
    assert not AuditRecord.objects.filter(event=Event.EXPORT).exists()


def test_a_host_liaison_exports_only_their_units(client_for, host_liaison, entry_a, entry_b):
    rows = _download(client_for(host_liaison).get(reverse("ledger:entry_export")))
    assert [r[1] for r in rows[1:]] == ["张建国"]


def test_a_cadre_exports_only_their_own(client_for, other_cadre_user, entry_a, entry_b):
    rows = _download(client_for(other_cadre_user).get(reverse("ledger:entry_export")))
    assert [r[1] for r in rows[1:]] == ["李秀英"]


def test_every_export_is_audited_with_its_row_count(client_for, host_liaison, entry_a, entry_b):
    _download(client_for(host_liaison).get(reverse("ledger:entry_export"), {"status": "pending"}))
    audit = AuditRecord.objects.get(event=Event.EXPORT)
    assert audit.user == host_liaison
    assert audit.after["rows"] == 1
    assert audit.after["params"] == {"status": "pending"}
    assert "导出工作纪实台账 1 行" in audit.detail
    assert "状态：待确认" in audit.detail


def test_formulas_in_text_are_inert(client_for, programme_admin, cadre_a, cadre_user):
    ledger_entry(cadre_a.secondments.get(), cadre_user, title='=HYPERLINK("x")')
    rows = _download(client_for(programme_admin).get(reverse("ledger:entry_export")))
    assert rows[1][5] == '\'=HYPERLINK("x")'


def test_figures_are_fetched_in_chunks_not_per_row(
    client_for, programme_admin, cadre_a, cadre_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    secondment = cadre_a.secondments.get()
    field = FigureField.objects.get(category__name="企业帮扶", key="enterprises_visited")
    client = client_for(programme_admin)
    counts = []
    for n in (1, 5, 40):  # the first request also loads the session
        for i in range(n):
            entry = ledger_entry(secondment, cadre_user, title=f"走访{n}-{i}")
            EntryFigure.objects.create(entry=entry, field=field, value=i)
        with CaptureQueriesContext(connection) as queries:
            _download(client.get(reverse("ledger:entry_export")))
        counts.append(len(queries))
    assert counts[1] == counts[2], counts


# --- Above the threshold: a background job -----------------------------------------------------


@pytest.fixture
def small_threshold(settings, media_root):
    settings.GUAZHI_EXPORT_SYNC_MAX_ROWS = 2
    return settings


def test_large_export_runs_as_a_job_with_a_download(
    client_for, programme_admin, cadre_a, cadre_user, small_threshold
):
    secondment = cadre_a.secondments.get()
    for i in range(3):
        ledger_entry(secondment, cadre_user, title=f"走访{i}")
    client = client_for(programme_admin)
    response = client.get(reverse("ledger:entry_export"), {"category": ""})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.user == programme_admin and job.kind == "ledger_export"
    assert job.status == JobStatus.DONE and job.progress == 100 and job.row_count == 3
    assert job.result_file.startswith("exports/")
    export = AuditRecord.objects.get(event=Event.EXPORT)
    assert export.after["rows"] == 3 and export.after["job"] == job.pk

    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert reverse("jobs:job_download", args=[job.pk]) in page.content.decode()
    status = client.get(reverse("jobs:job_status", args=[job.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "已完成",
        "progress": 100,
        "message": "共 3 行",
        "finished": True,
    }
    rows = _download(client.get(reverse("jobs:job_download", args=[job.pk])))
    assert len(rows) == 4
    downloads = AuditRecord.objects.filter(event=Event.EXPORT).order_by("seq")
    assert downloads.count() == 2
    assert downloads.last().after == {"job": job.pk, "kind": "ledger_export", "rows": 3}


def test_the_job_keeps_the_filters_and_scope(
    client_for, host_liaison, cadre_a, cadre_user, cadre_b, other_cadre_user, small_threshold
):
    for i in range(3):
        ledger_entry(cadre_a.secondments.get(), cadre_user, title=f"柳溪{i}")
        ledger_entry(cadre_b.secondments.get(), other_cadre_user, title=f"东关{i}")
    ledger_entry(cadre_a.secondments.get(), cadre_user, title="早前", date=date(2026, 4, 1))
    client = client_for(host_liaison)
    client.get(reverse("ledger:entry_export"), {"date_from": "2026-05-01"})
    job = Job.objects.get()
    rows = _download(client.get(reverse("jobs:job_download", args=[job.pk])))
    assert sorted(r[5] for r in rows[1:]) == ["柳溪0", "柳溪1", "柳溪2"]


def test_only_the_owner_sees_or_downloads_a_job(
    client_for, programme_admin, host_liaison, cadre_a, cadre_user, small_threshold
):
    for i in range(3):
        ledger_entry(cadre_a.secondments.get(), cadre_user, title=f"走访{i}")
    client_for(host_liaison).get(reverse("ledger:entry_export"))
    job = Job.objects.get()
    for user in (programme_admin, cadre_user):
        other = client_for(user)
        for name in ("jobs:job_detail", "jobs:job_status", "jobs:job_download"):
            assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert AuditRecord.objects.filter(event=Event.EXPORT).count() == 1  # the build only


def test_a_failed_job_says_so(client_for, programme_admin, cadre_a, cadre_user, small_threshold):
    from unittest import mock

    for i in range(3):
        ledger_entry(cadre_a.secondments.get(), cadre_user, title=f"走访{i}")
    client = client_for(programme_admin)
    with mock.patch("guazhi.ledger.exporting.write_ledger_xlsx", side_effect=OSError("disk full")):
        response = client.get(reverse("ledger:entry_export"))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "任务未能完成" in page and "生成导出文件时出错" in page
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_the_job_reports_progress_chunk_by_chunk(
    client_for, programme_admin, cadre_a, cadre_user, small_threshold, monkeypatch
):
    from guazhi.jobs.models import Job as JobModel
    from guazhi.ledger import exporting

    monkeypatch.setattr(exporting, "CHUNK", 2)
    for i in range(5):
        ledger_entry(cadre_a.secondments.get(), cadre_user, title=f"走访{i}")
    seen: list[tuple[int, str]] = []
    original = JobModel.set_progress

    def spy(self, progress: int, message: str = "") -> None:
        seen.append((progress, message))
        original(self, progress, message)

    monkeypatch.setattr(JobModel, "set_progress", spy)
    client_for(programme_admin).get(reverse("ledger:entry_export"))
    assert seen == [(38, "已处理 2 / 5 行"), (76, "已处理 4 / 5 行"), (95, "已处理 5 / 5 行")]
    assert Job.objects.get().progress == 100


def test_more_rows_than_a_worksheet_holds_are_refused(
    client_for, programme_admin, entry_a, entry_b, monkeypatch
):
    from guazhi.ledger import exporting

    monkeypatch.setattr(exporting, "MAX_ROWS", 1)
    client = client_for(programme_admin)
    response = client.get(reverse("ledger:entry_export"), {"status": "pending"}, follow=True)
    assert "超过一个 Excel 工作表能容纳的" in response.content.decode()
    assert response.redirect_chain[0][0] == reverse("ledger:entry_list") + "?status=pending"
    assert not Job.objects.exists()
    assert not AuditRecord.objects.filter(event=Event.EXPORT).exists()
