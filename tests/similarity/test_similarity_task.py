"""The check as the submitter sees it: queued and running states through the status JSON, and a
failing engine ending in a Chinese message with a retry button, never a stuck spinner."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from similarity_testdata import prose

from guazhi.audit.models import AuditRecord
from guazhi.originality import OriginalityStore
from guazhi.similarity import checking, store
from guazhi.similarity.models import Report

pytestmark = pytest.mark.django_db


def _break_engine(monkeypatch):
    def boom(index, text, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(checking, "check_text", boom)


def test_a_queued_check_shows_progress_and_polls(submit, cadre_user, client_for, monkeypatch):
    # A queue nobody serves yet (the db_worker is down): the report waits, the page polls.
    monkeypatch.setattr(checking, "start", lambda report: None)
    version = submit(cadre_user, prose(20))
    report = Report.objects.get(version=version)
    assert report.status == "queued"
    client = client_for(cadre_user)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "排队中" in page
    assert "similarity/report.js" in page
    assert reverse("similarity:report_status", args=[report.pk]) in page
    status = client.get(reverse("similarity:report_status", args=[report.pk])).json()
    assert status == {
        "status": "queued",
        "status_label": "排队中",
        "progress": 0,
        "message": "排队等待查重",
        "finished": False,
    }
    checking.run_check(report.pk)
    status = client.get(reverse("similarity:report_status", args=[report.pk])).json()
    assert status["finished"] and status["status"] == "done" and status["progress"] == 100


def test_progress_is_reported_while_running(submit, cadre_user, monkeypatch):
    seen = []
    real = checking.check_text

    def spy(index, text, **kwargs):
        report = Report.objects.get()
        seen.append((report.status, report.progress, report.message))
        return real(index, text, **kwargs)

    monkeypatch.setattr(checking, "check_text", spy)
    submit(cadre_user, prose(21))
    assert seen == [("running", 30, "正在逐段比对")]
    assert Report.objects.get().attempts == 1


def test_a_failing_engine_gives_a_chinese_error_and_a_retry(
    submit, cadre_user, client_for, monkeypatch
):
    _break_engine(monkeypatch)
    version = submit(cadre_user, prose(22))
    report = Report.objects.get(version=version)
    assert report.status == "failed"
    assert report.finished_at is not None
    client = client_for(cadre_user)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "查重未能完成" in page
    assert "engine exploded" not in page
    assert 'data-testid="report-retry"' in page
    assert "similarity/report.js" not in page  # nothing left to poll
    assert client.get(reverse("similarity:report_status", args=[report.pk])).json()["finished"]

    monkeypatch.undo()
    response = client.post(reverse("similarity:report_retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 2
    assert AuditRecord.objects.filter(detail__startswith="重新查重").count() == 1


def test_retrying_a_finished_report_does_nothing(submit, cadre_user, client_for):
    report = Report.objects.get(version=submit(cadre_user, prose(23)))
    client = client_for(cadre_user)
    response = client.post(reverse("similarity:report_retry", args=[report.pk]), follow=True)
    assert "无需重新查重" in response.content.decode()
    report.refresh_from_db()
    assert report.attempts == 1


def test_a_busy_index_fails_with_a_message(submit, cadre_user, monkeypatch):
    # Another process holds the writer lock for longer than the check waits.
    monkeypatch.setattr(store.shared(), "lock_timeout", 0.2)
    other = OriginalityStore(store.store_dir())
    with other._writer_lock():
        report = Report.objects.get(version=submit(cadre_user, prose(24)))
    assert report.status == "failed"
    assert report.message == "查重比对库正被其他任务占用，请稍后重试。"


def test_an_enqueue_failure_leaves_a_failed_report(submit, cadre_user, monkeypatch):
    from guazhi.similarity import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "check_report", SimpleNamespace(enqueue=refuse))
    report = Report.objects.get(version=submit(cadre_user, prose(25)))
    assert report.status == "failed"
    assert "未能加入后台队列" in report.message
