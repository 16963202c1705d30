"""Delete the result files of background jobs older than GUAZHI_JOB_RETENTION_DAYS (and the job
rows with them): exports carry personal data and should not pile up on the server.

    manage.py purge_jobs            # the configured number of days (default 7)
    manage.py purge_jobs --days 1
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from guazhi.jobs.models import Job


class Command(BaseCommand):
    help = "删除超过保留天数的后台任务及其导出文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="保留天数（默认取 GUAZHI_JOB_RETENTION_DAYS）",
        )

    def handle(self, *args: Any, days: int | None = None, **options: Any) -> None:
        keep = settings.GUAZHI_JOB_RETENTION_DAYS if days is None else days
        if keep < 0:
            self.stderr.write("保留天数不能为负数。")
            return
        cutoff = timezone.now() - timedelta(days=keep)
        old = list(Job.objects.filter(created_at__lt=cutoff).only("pk", "result_file"))
        files = 0
        for job in old:
            path = job.result_path
            if path is not None and path.is_file():
                path.unlink()
                files += 1
        Job.objects.filter(pk__in=[job.pk for job in old]).delete()
        self.stdout.write(
            f"已删除 {len(old)} 个后台任务、{files} 个导出文件（保留 {keep} 天内的）。"
        )
