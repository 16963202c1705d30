"""Background jobs: the database queue and its worker run a queued export; the page polls while
it waits; old result files are purged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from guazhi.jobs.models import Job, JobStatus
from tests.conftest import ledger_entry


@pytest.fixture
def database_queue(settings, media_root):
    """The real backend (`make run`'s): enqueueing writes a row; `db_worker` runs it."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.GUAZHI_EXPORT_SYNC_MAX_ROWS = 1
    return settings


def test_the_worker_runs_a_queued_export(
    client_for, programme_admin, cadre_a, cadre_user, database_queue, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    for i in range(2):
        ledger_entry(cadre_a.secondments.get(), cadre_user, title=f"走访{i}")
    client = client_for(programme_admin)
    response = client.get(reverse("ledger:entry_export"))
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    assert DBTaskResult.objects.count() == 1

    # While it waits, the page shows the progress bar and loads the polling script.
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "jobs/job.js" in page and "排队中" in page
    status = client.get(reverse("jobs:job_status", args=[job.pk])).json()
    assert status["finished"] is False and status["status_label"] == "排队中"

    # The worker closes "old" connections between tasks; inside the test's transaction that
    # would close the test's own connection (PostgreSQL), so it is left alone here.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.row_count == 2 and job.downloadable
    page = client.get(response["Location"]).content.decode()
    assert "jobs/job.js" not in page
    listing = client.get(reverse("jobs:job_list")).content.decode()
    assert job.get_absolute_url() in listing and "已完成" in listing
    assert reverse("jobs:job_download", args=[job.pk]) in page


def test_purge_deletes_old_jobs_and_their_files(
    programme_admin, host_liaison, client_for, media_root, settings
):
    settings.GUAZHI_JOB_RETENTION_DAYS = 7
    jobs = []
    for age in (10, 1):
        job = Job.objects.create(user=programme_admin, kind="ledger_export", title="导出")
        relative, path = job.new_result_path(".xlsx")
        path.write_bytes(b"PK")
        job.finish(result_file=relative, result_name="台账.xlsx", row_count=1, message="")
        Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=age))
        jobs.append((job, path))
    call_command("purge_jobs", verbosity=0)
    (old, old_path), (recent, recent_path) = jobs
    assert not Job.objects.filter(pk=old.pk).exists() and not old_path.exists()
    assert Job.objects.filter(pk=recent.pk).exists() and recent_path.exists()
    others = client_for(host_liaison).get(reverse("jobs:job_list")).content.decode()
    assert recent.get_absolute_url() not in others and "暂无后台任务" in others
    call_command("purge_jobs", "--days", "0", verbosity=0)
    assert not Job.objects.exists() and not recent_path.exists()
