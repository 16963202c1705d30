"""Background tasks of the writings (django-tasks; `manage.py db_worker` runs them, tests run
them at once). A task takes ids, never objects."""

from __future__ import annotations

from django_tasks import task

from guazhi.jobs.models import Job, JobStatus
from guazhi.writings.batch_export import run_export_job


@task()
def export_writings(job_id: int) -> int:
    """Build the .zip of a cohort's writings for the job; returns how many writings."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:  # already run (a retried or duplicated task)
        return job.row_count or 0
    run_export_job(job)
    return job.row_count or 0
