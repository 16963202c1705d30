"""The background refresh of the peers (django-tasks; `manage.py db_worker` runs it, tests run
it at once). A task takes ids, never objects."""

from __future__ import annotations

import logging

from django.urls import reverse
from django_tasks import task

from guazhi.jobs.models import Job, JobStatus
from guazhi.peers.refresh import refresh

logger = logging.getLogger(__name__)

JOB_KIND = "peers_refresh"


@task()
def refresh_peers(job_id: int) -> int:
    """Recompute every secondment's peers for the job; returns the number of links."""
    job = Job.objects.get(pk=job_id)
    if job.status != JobStatus.QUEUED:  # already run (a retried or duplicated task)
        return job.row_count or 0
    job.start()
    try:
        outcome = refresh(progress=job.set_progress)
    except Exception:
        logger.exception("peers refresh job %s failed", job_id)
        job.fail("计算同届经验时出错，请稍后重试；如仍失败，请联系系统管理员。")
        raise
    # The progress page reloads when the job ends and then sends the admin to this page, which
    # shows the new results' time (there is no file to download).
    Job.objects.filter(pk=job.pk).update(page=reverse("peers:index"))
    job.finish(
        result_file="",
        result_name="",
        row_count=outcome.links,
        message=f"已为 {outcome.secondments} 个挂职任职找出相似干部，共 {outcome.links} 条",
    )
    return outcome.links
