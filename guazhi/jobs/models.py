"""A job a user started that runs in the background (a large export): who, what, how far, and
the file it produced. The work itself is a django-tasks task in the app that owns it; the task
reports through `Job.set_progress`, `Job.finish` and `Job.fail`, each one short autocommitted
UPDATE (never a transaction held while the work runs).

Result files live under MEDIA_ROOT/exports, are served only to the job's owner (audited), and
are deleted after GUAZHI_JOB_RETENTION_DAYS days by `manage.py purge_jobs`.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

RESULT_DIR = "exports"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class JobQuerySet(models.QuerySet["Job"]):
    def owned_by(self, user: object) -> JobQuerySet:
        """A job is seen by the user who started it, nobody else."""
        pk = getattr(user, "pk", None)
        return self.filter(user_id=pk) if pk else self.none()


class Job(models.Model):
    user = models.ForeignKey(
        "accounts.User", verbose_name="发起人", on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("名称", max_length=100)
    status = models.CharField(
        "状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    # What the task needs (filters, the client address for the audit log…), as JSON.
    params = models.JSONField("参数", default=dict, blank=True)
    # Relative to MEDIA_ROOT, under exports/; empty until done, and again once purged.
    result_file = models.CharField("结果文件", max_length=200, blank=True)
    result_name = models.CharField("下载文件名", max_length=200, blank=True)
    row_count = models.PositiveIntegerField("行数", null=True, blank=True)
    # The page that shows this job's outcome when it is not the job page itself (an import's
    # validation report); empty for jobs that produce a file.
    page = models.CharField("结果页面", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_created")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.page or reverse("jobs:job_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def result_path(self) -> Path | None:
        if not self.result_file:
            return None
        return Path(settings.MEDIA_ROOT) / self.result_file

    @property
    def downloadable(self) -> bool:
        path = self.result_path
        return self.status == JobStatus.DONE and path is not None and path.is_file()

    def new_result_path(self, suffix: str) -> tuple[str, Path]:
        """(relative name, absolute path) for this job's result file; the folder exists."""
        relative = f"{RESULT_DIR}/job-{self.pk}-{timezone.now():%Y%m%d%H%M%S}{suffix}"
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return relative, path

    # Each of these is one UPDATE in autocommit: the job's row is never locked for long.

    def start(self) -> None:
        self._update(status=JobStatus.RUNNING, progress=0, message="")

    def set_progress(self, progress: int, message: str = "") -> None:
        self._update(progress=max(0, min(100, int(progress))), message=message[:500])

    def finish(self, *, result_file: str, result_name: str, row_count: int, message: str) -> None:
        self._update(
            status=JobStatus.DONE,
            progress=100,
            result_file=result_file,
            result_name=result_name[:200],
            row_count=row_count,
            message=message[:500],
            finished_at=timezone.now(),
        )

    def fail(self, message: str) -> None:
        self._update(status=JobStatus.FAILED, message=message[:500], finished_at=timezone.now())

    def _update(self, **values: object) -> None:
        Job.objects.filter(pk=self.pk).update(**values)
        for name, value in values.items():
            setattr(self, name, value)
