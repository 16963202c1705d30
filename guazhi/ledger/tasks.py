"""Background tasks of the ledger (django-tasks; the database backend runs them in
`manage.py db_worker`, tests run them at once). A task takes ids, never objects."""

from __future__ import annotations

from django_tasks import task

from guazhi.jobs.models import Job, JobStatus
from guazhi.ledger.exporting import run_export_job


@task()
def export_ledger(job_id: int) -> int:
    """Build a large ledger export for the job; returns its row count."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:  # already run (a retried or duplicated task)
        return job.row_count or 0
    run_export_job(job)
    return job.row_count or 0
